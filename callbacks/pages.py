"""The main pages' callbacks: map, compare, spine, explorer, trends, overview and the Definition
panel. Each reads the page's copy of the selection and sends what its view (``views/``) gives.

Each view answers only when its page is shown. The map sends the boundaries once per
layer (by URL, cached by the browser) and afterwards only the per-indicator values,
as a Dash ``Patch``.
"""

from __future__ import annotations

from dash import Input, Output, State, callback, no_update
from dash.exceptions import PreventUpdate

from callbacks.shown import patch_of, shown
from layouts import ids
from layouts.content import render
from views.catalogue import definition
from views.content import el
from views.map import map_choices, map_page, selected_areas, view_changes
from views.pages import page_outputs


@callback(
    Output(ids.MAP_GRAPH, "figure"),
    Output(ids.MAP_LAYER, "data"),
    Output(ids.MAP_SUMMARY, "children"),
    Input(ids.page_state("map"), "data"),
    State(ids.MAP_LAYER, "data"),
)
def update_map(state, shown_layer):
    view = map_page(shown(state, "map"), shown_layer)
    summary = render(view.summary)
    if view.is_update:
        return patch_of(view.update), no_update, summary
    return view.figure, view.layer, summary


@callback(
    Output(ids.MAP_GRAPH, "figure", allow_duplicate=True),
    Input(ids.page_state("map"), "data"),
    Input(ids.MAP_ZOOM, "value"),
    prevent_initial_call=True,
)
def update_map_view(state, zoom):
    """Bring the selected area (or England, or London) into view: only the map's view keys.

    Sent again with every selection: plotly keeps a view the user has panned to unless the
    centre we send changes (a new focus area, or another "Show" choice).
    """
    return patch_of(view_changes(shown(state, "map"), zoom), "layout", "geo")


@callback(Output(ids.MAP_SELECTED, "children"), Input(ids.page_state("map"), "data"))
def update_map_selected(state):
    """The selected areas' values in words, beside the map."""
    return render(selected_areas(shown(state, "map")))


@callback(
    Output(ids.LAYOUT, "options"),
    Output(ids.COLOUR, "options"),
    Input(ids.page_state("map"), "data"),
)
def update_map_choices(state):
    """Options that cannot apply are disabled, and say why, rather than being silently ignored."""
    if not state:
        raise PreventUpdate
    return map_choices(state)


@callback(Output(ids.COMPARE_GRAPH, "figure"), Input(ids.page_state("compare"), "data"))
def update_compare(state):
    return page_outputs("compare", shown(state, "compare"))


@callback(
    Output(ids.SPINE_GRAPH, "figure"),
    Output(ids.SPINE_TABLE, "children"),
    Output(ids.SPINE_CONTEXT_GRAPH, "figure"),
    Output(ids.SPINE_CONTEXT_TABLE, "children"),
    Output(ids.SPINE_SUMMARY, "children"),
    Output(ids.SPINE_CONTEXT_LABEL, "children"),
    Input(ids.page_state("spine"), "data"),
)
def update_spine(state):
    return render(page_outputs("spine", shown(state, "spine")))


@callback(
    Output(ids.EXPLORER_GRAPH, "figure"),
    Output(ids.EXPLORER_NOTE, "children"),
    Output(ids.EXPLORER_OUTLIERS, "children"),
    Input(ids.page_state("explorer"), "data"),
    Input(ids.SIZE_BY_POP, "value"),
    Input(ids.SCATTER_COLOUR, "value"),
    Input(ids.SHOW_CI, "value"),
)
def update_explorer(state, size_by_pop, colour_by, show_ci):
    options = ("on" in (size_by_pop or []), colour_by or "region", "on" in (show_ci or []))
    return render(page_outputs("explorer", shown(state, "explorer"), *options))


@callback(Output(ids.TRENDS_GRAPH, "figure"), Input(ids.page_state("trends"), "data"))
def update_trends(state):
    return page_outputs("trends", shown(state, "trends"))


@callback(
    Output(ids.OVERVIEW_GRAPH, "figure"),
    Output(ids.OVERVIEW_CONTEXT_GRAPH, "figure"),
    Output(ids.OVERVIEW_SUMMARY, "children"),
    Output(ids.OVERVIEW_CONTEXT_LABEL, "children"),
    Input(ids.page_state("overview"), "data"),
)
def update_overview(state):
    return page_outputs("overview", shown(state, "overview"))


@callback(
    Output(ids.DEFINITION_PANEL, "children"),
    Output(ids.DEFINITION_PANEL, "hidden"),
    Input(ids.DEFINITION_BUTTON, "n_clicks"),
    Input(ids.STATE, "data"),
)
def update_definition(n_clicks, state):
    if not state:
        raise PreventUpdate
    return render(el("Dl", definition(state["indicator"]))), not (n_clicks or 0) % 2
