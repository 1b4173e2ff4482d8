"""The funnel page: every area of the selection on PHE's funnel, over-dispersion on request."""

from __future__ import annotations

from dash import Input, Output, callback

from callbacks.shown import shown
from layouts import ids
from layouts.content import render
from views.pages import page_outputs


@callback(
    Output(ids.FUNNEL_GRAPH, "figure"),
    Output(ids.FUNNEL_NOTE, "children"),
    Output(ids.FUNNEL_OPTIONS, "children"),
    Input(ids.page_state("funnel"), "data"),
)
def update_funnel(state):
    return render(page_outputs("funnel", shown(state, "funnel")))
