"""The Areas box searches the place index as the user types (``views.places``): one search box."""

from __future__ import annotations

from dash import Input, Output, State, callback
from dash.exceptions import PreventUpdate

from layouts import ids
from views.places import area_search_options


@callback(
    Output(ids.AREAS, "options", allow_duplicate=True),
    Input(ids.AREAS, "search_value"),
    State(ids.AREAS, "value"),
    State(ids.STATE, "data"),
    prevent_initial_call=True,
)
def search_areas(text, selected, state):
    if not state:
        raise PreventUpdate
    chosen = [c for c in selected or [] if isinstance(c, str)]
    options = area_search_options(text, state, chosen)
    if options is None:
        raise PreventUpdate
    return options
