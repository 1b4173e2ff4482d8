"""Pages beyond Fingertips: the funnel plot and the early-warning list."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.exports import IMAGE_SIZES, export_href
from layouts.widgets import GRAPH_CONFIG, chart_summary


def part_export_links(page: str, query: str, parts: list[tuple[str, bool]] | str) -> html.Div:
    """Download links of a page whose export is in numbered parts: each chart's images and table, the
    PDF of every chart and the workbook of every table (``parts``: label, has a chart; or why none)."""
    if isinstance(parts, str):
        return html.Div(
            [html.Span("Download: "), html.Span(parts, className="export-note")], className="export-formats"
        )
    sep = "&" if query else "?"
    items: list = [html.Span("Download: ")]
    for number, (label, chart) in enumerate(parts, start=1):
        part_query = f"{query}{sep}part={number}" if number > 1 else query
        links = [
            html.A(fmt.upper(), href=export_href(page, fmt, part_query), className="export-link")
            for fmt in (("png", "svg") if chart else ()) + ("csv",)
        ]
        items += [html.Strong(f"{number}. {label}: ")]
        for i, link in enumerate(links):
            items += ([html.Span(", ")] if i else []) + [link]
        items.append(html.Span(" · "))
    if any(chart for _, chart in parts):
        sizes = [
            html.A(
                label,
                href=export_href(page, "pdf", query, size),
                className="export-link",
                title=f"PDF, {label}",
            )
            for size, label in IMAGE_SIZES
        ]
        items.append(html.Strong("PDF of every chart "))
        for i, link in enumerate(sizes):
            items += ([html.Span(", ")] if i else []) + [link]
        items.append(html.Span(" · "))
    items.append(
        html.A("XLSX of every table", href=export_href(page, "xlsx", query), className="export-link")
    )
    return html.Div(items, className="export-formats")


def funnel_page() -> html.Div:
    # the same modebar rules as every graph (no cloud; downloads go through the exports);

    return html.Div(
        [
            html.Div(id=ids.FUNNEL_OPTIONS, className="view-options"),
            html.P(id=ids.FUNNEL_NOTE, className="hint"),
            dcc.Loading(
                dcc.Graph(
                    id=ids.FUNNEL_GRAPH,
                    config=GRAPH_CONFIG,
                    style={"height": "auto"},
                    figure={"data": [], "layout": {}},
                ),
                type="default",
                delay_show=300,
            ),
            chart_summary(ids.FUNNEL_GRAPH),
        ]
    )


def alerts_page() -> html.Div:
    return html.Div(
        [
            html.P(
                "For the focus area: indicators significantly worse than the chosen benchmark (its confidence "
                "interval excludes the benchmark) whose recent trend is significantly getting worse (Fingertips' "
                "rule over the last five periods), then those worse but not getting worse, then those getting "
                "worse but not yet worse. Latest period of each indicator, persons.",
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
            dcc.Loading(
                dcc.Graph(
                    id=ids.PRACTICES_GRAPH,
                    config=GRAPH_CONFIG,
                    style={"height": "auto"},
                    figure={"data": [], "layout": {}},
                ),
                type="default",
                delay_show=300,
            ),
            chart_summary(ids.PRACTICES_GRAPH),
            html.H3("Primary Care Networks"),
            html.Div(id=ids.PRACTICES_PCN),
            html.H3("Practices"),
            html.Div(id=ids.PRACTICES_TABLE),
        ]
    )


def inequalities_page() -> html.Div:
    def graph(id_: str, height: str = "auto", **config) -> html.Div:
        loading = dcc.Loading(
            dcc.Graph(
                id=id_,
                config={**GRAPH_CONFIG, **config},
                style={"height": height},
                figure={"data": [], "layout": {}},
            ),
            type="default",
            delay_show=300,
        )
        return html.Div([loading, chart_summary(id_)], className="chart")

    return html.Div(
        [
            html.Div(id=ids.INEQ_NOTE),
            graph(ids.INEQ_ICB_GRAPH),
            graph(ids.INEQ_RANK_GRAPH),
            html.H3("Within each CCG: the deprivation gradient of chronic ACSC admissions"),
            html.Div(id=ids.INEQ_ACSC),
            graph(ids.INEQ_ACSC_GRAPH),
            html.H4("The gradient on the map (CCG 2015/16 boundaries; the focus area's CCGs outlined)"),
            graph(
                ids.INEQ_ACSC_MAP, "72vh", scrollZoom=False, displayModeBar=True
            ),  # as the map page: the wheel scrolls the page
        ]
    )
