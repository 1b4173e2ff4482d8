"""The practice drill-down page: the focus CCG's GP practices on a funnel, in a table, by PCN."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from callbacks.cache import memoized
from data.model import schema as s
from data.model.store import load_model
from data.queries.practices import NOT_EVENTS, measures, pcn_rollup, practice_rows
from data.queries.view_frames import meta_dict
from figures.practices import practice_chart
from layouts import ids
from selection import to_query

DEFAULT_MEASURE = "qof_hyp"
PCN_COLUMNS = {
    "pcn_name": "PCN",
    "practices": "Practices",
    "used": "With a value",
    s.COUNT: "Count",
    s.DENOMINATOR: "Denominator",
    s.VALUE: "Value",
    s.LOWER95: "Lower 95%",
    s.UPPER95: "Upper 95%",
    "category": "Compared with England",
}
PRACTICE_COLUMNS = {
    "practice_code": "Code",
    "practice_name": "Practice",
    "pcn_name": "PCN",
    s.COUNT: "Count",
    s.DENOMINATOR: "Denominator",
    s.VALUE: "Value",
    s.LOWER95: "Lower 95%",
    s.UPPER95: "Upper 95%",
    "category": "Compared with England",
    "flag": "Flag",
}


@memoized
def _rows(ccg21: str, indicator: str):
    return practice_rows(load_model(), ccg21, indicator)


def _cell(v) -> str:
    if isinstance(v, float):
        return "" if pd.isna(v) else f"{v:,.1f}" if abs(v) >= 10 else f"{v:,.2f}"
    return "" if v is None else str(v)


def _table(frame: pd.DataFrame, columns: dict[str, str], highlight: str | None = None) -> html.Table:
    head = html.Thead(html.Tr([html.Th(label) for label in columns.values()]))
    body = []
    for rec in frame.to_dict("records"):
        cls = "picked" if highlight and rec.get("practice_code") == highlight else None
        body.append(html.Tr([html.Td(_cell(rec[c])) for c in columns], className=cls))
    return html.Table([head, html.Tbody(body)], className="data-table practices-table")


def ranked_practices(rows: pd.DataFrame) -> pd.DataFrame:
    """Reliable practices by value (highest first), then the unreliable ones: the table's order."""
    order = rows.assign(_u=rows["flag"] != "").sort_values(["_u", s.VALUE], ascending=[True, False])
    return order.drop(columns="_u")


def practice_source(indicator: str) -> str:
    """Where a practice measure comes from and how practices are compared (page and exports)."""
    how = (
        "QOF 2022/23 (NHS Digital; practice, PCN and Sub-ICB from the QOF mapping)"
        if indicator != "gp_fft_positive"
        else "GP Friends and Family Test, February 2026 (NHS England; practices with 1-4 responses suppressed by the publisher)"
    )
    if indicator in NOT_EVENTS:
        how += (
            ". Points are not events out of a population: values are shown, not compared or put on a funnel"
        )
    else:
        how += ". Each practice's 95% Wilson interval compared with England; funnel limits around England's value"
    return how


def practice_focus(model, state: dict) -> str | None:
    """The first selected area that is a CCG (April 2021), or None."""
    ccg21 = set(model.areas.loc[model.areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY, s.AREA_CODE])
    return next((a for a in state.get("areas") or [] if a in ccg21), None)


def practice_view(state: dict, indicator: str):
    """(figure, practice rows, England's value, CCG name) for a focus CCG and a practice measure."""
    model = load_model()
    focus = practice_focus(model, state)
    rows, england = _rows(focus, indicator)
    name = model.areas.loc[model.areas[s.AREA_CODE] == focus, s.AREA_NAME].iloc[0]
    fig = practice_chart(
        rows,
        england,
        meta_dict(model, indicator),
        ccg_name=name,
        palette=state["palette"],
        selected=state.get("practice") or None,
        funnel=indicator not in NOT_EVENTS,
    )
    return fig, rows, england, name


def practices_outputs(state: dict):
    """Note, figure, PCN table and practice table for the selection."""
    model = load_model()
    page = state.get("page") or "practices"
    focus = practice_focus(model, state)
    empty = {"data": [], "layout": {"height": 40, "xaxis": {"visible": False}, "yaxis": {"visible": False}}}
    if focus is None:
        note = html.P(
            "Choose a CCG (April 2021) as the focus area (search above or click the map) to see its GP practices.",
            className="notice-item",
        )
        return note, empty, None, None
    available = measures(model)
    indicator = state["indicator"]
    notes = []
    if indicator not in available:
        notes.append(
            html.Span(
                f"{model.catalogue.at[indicator, 'short_name']} has no practice-level data: showing "
                f"{model.catalogue.at[DEFAULT_MEASURE, 'short_name']}.",
                className="notice-item",
            )
        )
        indicator = DEFAULT_MEASURE
    links = [
        html.Span(
            html.B(model.catalogue.at[m, "short_name"])
            if m == indicator
            else dcc.Link(
                model.catalogue.at[m, "short_name"],
                href=f"/{page}{to_query(dict(state, indicator=m, y=m, period=''))}",
            ),
            className="peer-set",
        )
        for m in available
    ]
    fig, rows, england, name = practice_view(state, indicator)
    how = practice_source(indicator)
    notes.append(html.P(how + ".", className="hint"))
    notes.append(html.P([html.Span("Measure: ", className="ctl-label"), *links], className="measure-links"))
    polarity = str(model.catalogue.at[indicator, "polarity"])
    pcn = pcn_rollup(rows, None if indicator in NOT_EVENTS else england, polarity)
    pcn_table = _table(
        pcn,
        PCN_COLUMNS,
    )
    ranked = ranked_practices(rows)
    table = _table(
        ranked,
        PRACTICE_COLUMNS,
        highlight=state.get("practice") or None,
    )
    return notes, fig.to_plotly_json(), pcn_table, table


@memoized
def _cached(frozen: tuple):
    return practices_outputs(dict(frozen))


@callback(
    Output(ids.PRACTICES_NOTE, "children"),
    Output(ids.PRACTICES_GRAPH, "figure"),
    Output(ids.PRACTICES_PCN, "children"),
    Output(ids.PRACTICES_TABLE, "children"),
    Input(ids.page_state("practices"), "data"),
)
def update_practices(state):
    if not state or state.get("page") != "practices":
        raise PreventUpdate
    from callbacks.views import freeze

    return _cached(freeze(state))
