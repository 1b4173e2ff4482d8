"""The Patient experience page (/experience): the summary, then one section per Domain 4 source."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.widgets import chart


def _section(note: str, graph: str, table: str | None = None, heading: str = "") -> html.Section:
    children = [html.Div(id=note), chart(graph, "auto")]
    if table:
        # a named region a keyboard can reach (its table may scroll)
        children.append(
            html.Div(
                id=table,
                className="experience-table-holder",
                role="region",
                tabIndex="0",
                **{"aria-label": heading},
            )
        )
    return html.Section(className="experience-source", children=children)


def experience_page() -> html.Div:
    return html.Div(
        [
            html.P(
                "Every source of patient experience (NHS Outcomes Framework Domain 4) for the focus area, set "
                "against the benchmark chosen above: GP Friends and Family Test, the inpatient survey, the "
                "community mental health survey and the GP Patient Survey.",
                className="hint",
            ),
            dcc.Loading(
                html.Div(id=ids.EXP_SUMMARY, className="experience-summary"), type="default", delay_show=300
            ),
            chart(ids.EXP_LEAN_GRAPH, "auto"),
            _section(
                ids.EXP_FFT_NOTE, ids.EXP_FFT_GRAPH, ids.EXP_FFT_TABLE, "Practices pulling the value down"
            ),
            _section(ids.EXP_IP22_NOTE, ids.EXP_IP22_GRAPH, ids.EXP_IP22_TABLE, "Main trusts"),
            _section(ids.EXP_CMH21_NOTE, ids.EXP_CMH21_GRAPH),
            _section(
                ids.EXP_GPPS_NOTE, ids.EXP_GPPS_GRAPH, ids.EXP_GPPS_TABLE, "The ICB by deprivation group"
            ),
            html.Div(id=ids.EXP_MISSING),
        ]
    )
