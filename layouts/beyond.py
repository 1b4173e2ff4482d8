"""Pages beyond Fingertips: the funnel plot and the early-warning list."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.widgets import chart, chart_summary, loading_graph


def funnel_page() -> html.Div:
    return html.Div(
        [
            html.Div(id=ids.FUNNEL_OPTIONS, className="view-options"),
            html.P(id=ids.FUNNEL_NOTE, className="hint"),
            loading_graph(ids.FUNNEL_GRAPH),
            chart_summary(ids.FUNNEL_GRAPH),
        ]
    )


def alerts_page() -> html.Div:
    return html.Div(
        [
            html.P(
                "For the focus area: indicators significantly worse than the chosen benchmark (its confidence "
                "interval excludes the benchmark) whose recent trend is significantly getting worse (Fingertips' "
                "rule over the last five comparable periods), then those worse now whose trend cannot be "
                "assessed (and why), then those worse but not getting worse, then those getting worse but not "
                "yet worse; each with the benchmark's value and the gap. Latest period of each indicator, persons.",
                className="hint",
            ),
            dcc.Loading(html.Div(id=ids.ALERTS_FOCUS), type="default", delay_show=300),
            html.H3("Red-red across England, by region"),
            dcc.Loading(html.Div(id=ids.ALERTS_NATIONAL), type="default", delay_show=300),
        ]
    )


def practices_page() -> html.Div:
    return html.Div(
        [
            html.Div(id=ids.PRACTICES_NOTE),
            loading_graph(ids.PRACTICES_GRAPH),
            chart_summary(ids.PRACTICES_GRAPH),
            html.H3("Primary Care Networks"),
            html.Div(id=ids.PRACTICES_PCN),
            html.H3("Practices"),
            html.Div(id=ids.PRACTICES_TABLE),
        ]
    )


def inequalities_page() -> html.Div:
    return html.Div(
        [
            html.Div(id=ids.INEQ_NOTE),
            chart(ids.INEQ_ICB_GRAPH, "auto"),
            chart(ids.INEQ_RANK_GRAPH, "auto"),
            html.H3("Within each CCG: the deprivation gradient of chronic ACSC admissions"),
            html.Div(id=ids.INEQ_ACSC),
            chart(ids.INEQ_ACSC_GRAPH, "auto"),
            html.H4("The gradient on the map (CCG 2015/16 boundaries; the focus area's CCGs outlined)"),
            # as the map page: the wheel scrolls the page
            chart(ids.INEQ_ACSC_MAP, "72vh", scrollZoom=False, displayModeBar=True),
        ]
    )
