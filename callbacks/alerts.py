"""The early-warning page: the focus area's red-red list, and every region's red-reds."""

from __future__ import annotations

from dash import Input, Output, callback

from callbacks.shown import shown
from layouts import ids
from layouts.content import render
from views.alerts import alerts_page


@callback(
    Output(ids.ALERTS_FOCUS, "children"),
    Output(ids.ALERTS_NATIONAL, "children"),
    Input(ids.page_state("alerts"), "data"),
)
def update_alerts(state):
    return render(alerts_page(shown(state, "alerts")))
