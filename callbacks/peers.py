"""Peers: the panel listing the focus area's similar CCGs (shown with benchmark=peers)."""

from __future__ import annotations

from dash import Input, Output, callback
from dash.exceptions import PreventUpdate

from layouts import ids
from layouts.content import render
from views.peers import peers_panel


@callback(Output(ids.PEERS_PANEL, "children"), Output(ids.PEERS_PANEL, "hidden"), Input(ids.STATE, "data"))
def update_peers_panel(state):
    if not state:
        raise PreventUpdate
    return render(peers_panel(state))
