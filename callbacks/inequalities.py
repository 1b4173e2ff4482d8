"""The inequalities page: an ICB by practice-deprivation group, every ICB ranked, the ACSC gradient."""

from __future__ import annotations

from dash import Input, Output, callback

from callbacks.shown import shown
from layouts import ids
from layouts.content import render
from views.pages import page_outputs


@callback(
    Output(ids.INEQ_NOTE, "children"),
    Output(ids.INEQ_ICB_GRAPH, "figure"),
    Output(ids.INEQ_RANK_GRAPH, "figure"),
    Output(ids.INEQ_ACSC, "children"),
    Output(ids.INEQ_ACSC_GRAPH, "figure"),
    Output(ids.INEQ_ACSC_MAP, "figure"),
    Input(ids.page_state("inequalities"), "data"),
)
def update_inequalities(state):
    return render(page_outputs("inequalities", shown(state, "inequalities")))
