"""Pages beyond Fingertips: the funnel plot and the early-warning list."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids

GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "toImageButtonOptions": {"format": "png", "width": 1600, "height": 900, "scale": 1},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


def funnel_page() -> html.Div:
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
        ]
    )
