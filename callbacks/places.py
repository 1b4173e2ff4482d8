"""Find an area: the search box's results, as links that make the CCG 2021 area the focus."""

from __future__ import annotations

from dash import Input, Output, callback
from dash.exceptions import PreventUpdate

from layouts import ids
from layouts.content import render
from views.places import place_results


@callback(Output(ids.PLACE_RESULTS, "children"), Input(ids.PLACE_SEARCH, "value"), Input(ids.STATE, "data"))
def update_place_results(text, state):
    if not state:
        raise PreventUpdate
    return render(place_results(text, state))
