"""The funnel page: every area of the selection on PHE's funnel, over-dispersion on request."""

from __future__ import annotations

from data.model.store import load_model
from data.queries.funnel import OD_CHOICES, eligible_indicators, funnel_view
from data.queries.peers import peer_codes
from data.queries.view_frames import meta_dict
from figures import summaries as words
from figures.funnel_page import funnel_figure
from selection import page_href
from views.cache import memoized
from views.common import EMPTY_FIGURE, focus, geography_name, selection
from views.content import Link, Span, choices, el

OD_LABELS = {
    "none": "No adjustment",
    "multiplicative": "Over-dispersion: multiplicative",
    "additive": "Over-dispersion: additive (random effects)",
}
FUNNEL_NOTE = (
    "PHE funnel plot (Technical Guide: Funnel Plots, 2017): control limits around the average of all areas; "
    "a point outside the limits differs from it by more than chance would explain. Click a point to make "
    "it the focus area."
)


def funnel_chart(state: dict):
    """The funnel figure for a selection and the reason there is none (figure None)."""
    model = load_model()
    od = state.get("od") or "none"
    view = funnel_view(model, selection(state), ci=state["ci"], od=od)
    if view.funnel is None:
        return None, view.reason
    first = state["areas"][:1]
    peers = peer_codes(model, first[0], state.get("peers") or "similar", state["geography"]) if first else []
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
    page = state.get("page") or "funnel"
    od = state.get("od") or "none"
    limits = [(key, OD_LABELS[key], page_href(page, state, od=key)) for key in OD_CHOICES]
    options = [Span("Limits: ", className="ctl-label"), *choices(od, limits)]
    fig, reason = funnel_chart(state)
    if fig is None:
        names = load_model().catalogue["short_name"]
        links = [
            el("Li", Link(str(names[i]), href=page_href(page, state, indicator=i, period="", y=i)))
            for i in _eligible(state["geography"])[:12]
        ]
        note = [Span(reason + " Indicators with a funnel:", className="notice-item"), el("Ul", links)]
        return EMPTY_FIGURE, note, options
    return fig.to_plotly_json(), FUNNEL_NOTE, options


@memoized
def funnel_sentence(frozen: tuple) -> str:
    state = dict(frozen)
    model = load_model()
    view = funnel_view(model, selection(state), ci=state["ci"], od=state.get("od") or "none")
    if view.funnel is None:
        return f"No funnel plot: {view.reason}"
    code, name = focus(state)
    return words.funnel_summary(
        view.rows,
        meta_dict(model, state["indicator"]),
        period=state["period"],
        geography=geography_name(state),
        focus=code,
        focus_name=name,
    )
