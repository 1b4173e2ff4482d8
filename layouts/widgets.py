"""Small component factories shared by the controls and the pages."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids

# No cloud button, ever (information governance): nothing may offer to upload a chart to
# Plotly's servers. No "download plot" either: downloads go through the app's own exports,
# which carry the title, period, source and licence.
GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showLink": False,
    "plotlyServerURL": "",
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "toImage", "sendDataToCloud", "editInChartStudio"],
}


def labelled(label: str, control, width: str = "") -> html.Div:
    """A control with its label above it."""
    return html.Div([html.Label(label, className="ctl-label"), control], className=f"ctl {width}".strip())


def radio(id_: str, options: list[tuple[str, str]], value: str) -> dcc.RadioItems:
    """Inline radio buttons from (value, label) pairs."""
    return dcc.RadioItems(
        id=id_,
        options=[{"label": label, "value": v} for v, label in options],
        value=value,
        inline=True,
        className="radio",
    )


def loading_graph(id_: str, height: str = "auto", **config) -> dcc.Loading:
    """An empty graph (filled by its page's callback) with the loading spinner, the modebar rules above."""
    graph = dcc.Graph(
        id=id_, config={**GRAPH_CONFIG, **config}, style={"height": height}, figure={"data": [], "layout": {}}
    )
    return dcc.Loading(graph, type="default", delay_show=300)


def chart(id_: str, height: str = "70vh", **config) -> html.Div:
    """A chart and, under it, its one-sentence summary (the text alternative)."""
    return html.Div(className="chart", children=[loading_graph(id_, height, **config), chart_summary(id_)])


def notice_items(notices: list[str]) -> list[html.Span]:
    """The selection's notices (what a URL asked that could not be shown, and what was shown instead)."""
    return [html.Span(n, className="notice-item") for n in notices]


def chart_summary(graph_id: str) -> html.P:
    """The chart's one-sentence summary and its table-view link (filled by callbacks/summaries.py).

    Visible under the chart, and the chart's aria-describedby (assets/a11y.js links them).
    """
    return html.P(id=ids.chart_summary(graph_id), className="chart-summary")


def map_area_list() -> html.Details:
    """ "List of areas on this map": every area with its value and class, and a button that
    selects or deselects it (the map's areas chosen without a mouse; callbacks/map_list.py)."""
    return html.Details(
        id=ids.MAP_AREA_LIST,
        className="map-area-list",
        children=[
            html.Summary("List of areas on this map"),
            dcc.Store(id=ids.MAP_AREA_ROWS),
            html.Div(id=ids.MAP_AREA_TABLE, className="map-area-scroll"),
        ],
    )
