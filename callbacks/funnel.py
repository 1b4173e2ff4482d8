"""The funnel page: every area of the selection on PHE's funnel, over-dispersion on request."""

from __future__ import annotations

from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from callbacks.cache import memoized
from callbacks.views import freeze
from data.model import schema as s
from data.model.store import load_model
from data.queries.funnel import OD_CHOICES, eligible_indicators, funnel_view
from data.queries.peers import peer_codes
from data.queries.rows import Selection
from data.queries.view_frames import meta_dict
from figures.funnel_page import funnel_figure
from layouts import ids
from selection import to_query

OD_LABELS = {
    "none": "No adjustment",
    "multiplicative": "Over-dispersion: multiplicative",
    "additive": "Over-dispersion: additive (random effects)",
}


def _selection(state: dict) -> Selection:
    return Selection(state["indicator"], state["period"], state["geography"], state["sex"])


def funnel_chart(state: dict):
    """The funnel figure for a selection and the reason there is none (figure None)."""
    model = load_model()
    od = state.get("od") or "none"
    view = funnel_view(model, _selection(state), ci=state["ci"], od=od)
    if view.funnel is None:
        return None, view.reason
    focus = state["areas"][:1]
    peers = (
        peer_codes(model, focus[0], state.get("peers") or "similar")
        if focus and state["geography"] == s.HOME_GEOGRAPHY
        else []
    )
    fig = funnel_figure(
        view,
        meta_dict(model, state["indicator"]),
        ci=state["ci"],
        od=od,
        palette=state["palette"],
        selected=state["areas"],
        peers=peers,
    )
    return fig, ""


@memoized
def _eligible(geography: str) -> list[str]:
    return eligible_indicators(load_model(), geography)


def funnel_outputs(state: dict):
    """Figure, note and option links for the funnel page."""
    model = load_model()
    page = state.get("page") or "funnel"
    od = state.get("od") or "none"
    options = [html.Span("Limits: ", className="ctl-label")] + [
        html.Span(
            html.B(OD_LABELS[key])
            if key == od
            else dcc.Link(OD_LABELS[key], href=f"/{page}{to_query(dict(state, od=key))}"),
            className="peer-set",
        )
        for key in OD_CHOICES
    ]
    fig, reason = funnel_chart(state)
    if fig is None:
        names = model.catalogue["short_name"]
        links = [
            html.Li(
                dcc.Link(str(names[i]), href=f"/{page}{to_query(dict(state, indicator=i, period='', y=i))}")
            )
            for i in _eligible(state["geography"])[:12]
        ]
        note = [html.Span(reason + " Indicators with a funnel:", className="notice-item"), html.Ul(links)]
        empty = {
            "data": [],
            "layout": {"height": 40, "xaxis": {"visible": False}, "yaxis": {"visible": False}},
        }
        return empty, note, options
    note = (
        "PHE funnel plot (Technical Guide: Funnel Plots, 2017): control limits around the average of all areas; "
        "a point outside the limits differs from it by more than chance would explain. Click a point to make "
        "it the focus area."
    )
    return fig.to_plotly_json(), note, options


@memoized
def _cached(frozen: tuple):
    return funnel_outputs(dict(frozen))


@callback(
    Output(ids.FUNNEL_GRAPH, "figure"),
    Output(ids.FUNNEL_NOTE, "children"),
    Output(ids.FUNNEL_OPTIONS, "children"),
    Input(ids.page_state("funnel"), "data"),
)
def update_funnel(state):
    if not state or state.get("page") != "funnel":
        raise PreventUpdate
    return _cached(freeze(state))
