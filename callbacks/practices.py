"""The practice drill-down page: the focus CCG's GP practices on a funnel, in a table, by PCN."""

from __future__ import annotations

from dash import Input, Output, callback

from callbacks.shown import shown
from layouts import ids
from layouts.content import render
from views.pages import page_outputs


@callback(
    Output(ids.PRACTICES_NOTE, "children"),
    Output(ids.PRACTICES_GRAPH, "figure"),
    Output(ids.PRACTICES_PCN, "children"),
    Output(ids.PRACTICES_TABLE, "children"),
    Input(ids.page_state("practices"), "data"),
)
def update_practices(state):
    return render(page_outputs("practices", shown(state, "practices")))
