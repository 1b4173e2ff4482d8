"""The pages' callbacks: each reads the page's copy of the selection and sends what the page's view
(``views/``) gives. The pages whose outputs follow from the selection alone are registered from one
table (``PAGE_OUTPUTS``); the map, the explorer (its own options) and the Definition panel by hand.

Each view answers only when its page is shown. The map sends the boundaries once per
layer (by URL, cached by the browser) and afterwards only the per-indicator values,
as a Dash ``Patch``.
"""

from __future__ import annotations

from dash import Input, Output, State, callback, no_update

from callbacks.shown import only_changes, patch_of, shown
from layouts import ids
from layouts.content import render
from views.catalogue import definition
from views.content import el
from views.map import area_list, map_choices, map_page, selected_areas
from views.pages import page_outputs

# page: its outputs, in the order its view gives them (views.pages.BUILDERS)
PAGE_OUTPUTS: dict[str, tuple[tuple[str, str], ...]] = {
    "experience": (
        (ids.EXP_SUMMARY, "children"),
        (ids.EXP_LEAN_GRAPH, "figure"),
        (ids.EXP_FFT_NOTE, "children"),
        (ids.EXP_FFT_GRAPH, "figure"),
        (ids.EXP_FFT_TABLE, "children"),
        (ids.EXP_IP22_NOTE, "children"),
        (ids.EXP_IP22_GRAPH, "figure"),
        (ids.EXP_IP22_TABLE, "children"),
        (ids.EXP_CMH21_NOTE, "children"),
        (ids.EXP_CMH21_GRAPH, "figure"),
        (ids.EXP_GPPS_NOTE, "children"),
        (ids.EXP_GPPS_GRAPH, "figure"),
        (ids.EXP_GPPS_TABLE, "children"),
        (ids.EXP_MISSING, "children"),
    ),
    "compare": ((ids.COMPARE_GRAPH, "figure"), (ids.chart_summary(ids.COMPARE_GRAPH), "children")),
    "spine": (
        (ids.SPINE_GRAPH, "figure"),
        (ids.SPINE_TABLE, "children"),
        (ids.SPINE_SUMMARY, "children"),
        (ids.SPINE_CONTEXT_LABEL, "children"),
    ),
    "trends": ((ids.TRENDS_GRAPH, "figure"), (ids.chart_summary(ids.TRENDS_GRAPH), "children")),
    "overview": (
        (ids.OVERVIEW_GRAPH, "figure"),
        (ids.OVERVIEW_SUMMARY, "children"),
        (ids.OVERVIEW_CONTEXT_LABEL, "children"),
    ),
    "funnel": ((ids.FUNNEL_GRAPH, "figure"), (ids.FUNNEL_NOTE, "children"), (ids.FUNNEL_OPTIONS, "children")),
    "practices": (
        (ids.PRACTICES_NOTE, "children"),
        (ids.PRACTICES_GRAPH, "figure"),
        (ids.PRACTICES_PCN, "children"),
        (ids.PRACTICES_TABLE, "children"),
    ),
    "alerts": ((ids.ALERTS_FOCUS, "children"), (ids.ALERTS_NATIONAL, "children")),
    "inequalities": (
        (ids.INEQ_NOTE, "children"),
        (ids.INEQ_ICB_GRAPH, "figure"),
        (ids.INEQ_RANK_GRAPH, "figure"),
        (ids.INEQ_ACSC, "children"),
        (ids.INEQ_ACSC_GRAPH, "figure"),
        (ids.INEQ_ACSC_MAP, "figure"),
    ),
}
# page: its collapsed context section and what the section holds (views.pages.BUILDERS[page + "_context"])
CONTEXT_OUTPUTS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "spine": (
        ids.SPINE_CONTEXT,
        ((ids.SPINE_CONTEXT_GRAPH, "figure"), (ids.SPINE_CONTEXT_TABLE, "children")),
    ),
    "overview": (ids.OVERVIEW_CONTEXT, ((ids.OVERVIEW_CONTEXT_GRAPH, "figure"),)),
}
UPDATES = {}  # page: its callback (tests call them directly)


def _as_tuple(value, n: int) -> tuple:
    """A callback's answer as one value per output (Dash takes a lone output's value bare)."""
    return tuple(value) if n > 1 else (value,)


def context_part(page: str, state: dict, is_open) -> tuple:
    """The context section's outputs: drawn for the selection while the section is open, left as
    they are (``no_update``) while it is closed."""
    outputs = CONTEXT_OUTPUTS[page][1]
    if is_open is not True:
        return tuple(no_update for _ in outputs)
    return _as_tuple(render(page_outputs(f"{page}_context", state)), len(outputs))


def register(page: str, outputs: tuple[tuple[str, str], ...]) -> None:
    """The page's callback. A page with a collapsed context section draws the section's chart in the
    same answer while it is open (``open``, written by assets/sections.js when it is opened): a
    closed section costs nothing on a change. Whatever triggered it, the answer is whole (a request
    dash-renderer supersedes with a newer one of the same callback is never applied)."""
    section, context = CONTEXT_OUTPUTS.get(page, ("", ()))

    @callback(
        *[Output(cid, prop) for cid, prop in (*outputs, *context)],
        Input(ids.page_state(page), "data"),
        *([Input(section, "open")] if section else []),
        prevent_initial_call=True,
    )
    def update(state, is_open=None):
        main = render(page_outputs(page, shown(state, page)))
        if not section:
            return main
        return (*_as_tuple(main, len(outputs)), *context_part(page, state, is_open))

    UPDATES[page] = update


for _page, _outputs in PAGE_OUTPUTS.items():
    register(_page, _outputs)


# What the map's one callback writes, in order: the map page's parts all follow the selection, so
# they come in one answer (as five callbacks they were five requests per change, and each
# callback's passage through dash-renderer's store is a pass over every mounted component).
MAP_OUTPUTS: tuple[tuple[str, str], ...] = (
    (ids.MAP_GRAPH, "figure"),
    (ids.MAP_LAYER, "data"),
    (ids.MAP_SUMMARY, "children"),
    (ids.MAP_SELECTED, "children"),
    (ids.MAP_AREA_ROWS, "data"),
    (ids.LAYOUT, "options"),
    (ids.COLOUR, "options"),
)


@callback(
    *[Output(cid, prop) for cid, prop in MAP_OUTPUTS],
    Input(ids.page_state("map"), "data"),
    Input(ids.MAP_ZOOM, "value"),
    State(ids.MAP_LAYER, "data"),
    State(ids.LAYOUT, "options"),
    State(ids.COLOUR, "options"),
    prevent_initial_call=True,
)
def update_map(state, zoom, shown_layer, layout_options, colour_options):
    return map_answer(shown(state, "map"), zoom, shown_layer, (layout_options, colour_options))


def map_answer(
    state: dict, zoom: str | None, shown_layer: str | None, shown_choices: tuple = (None, None)
) -> tuple:
    """The map page's outputs (``MAP_OUTPUTS``) for the selection shown, whatever triggered it (a
    request that dash-renderer supersedes with a newer one of the same callback is never applied, so
    each answer is whole): the figure (``views.map.map_page``: whole when its layer is not the one
    drawn, otherwise a ``Patch``; the chosen "Show" in view), the summary line, the selected areas'
    values in words, the rows of the keyboard list (``views.map.area_list``), and the Layout and
    Colour options (those that cannot apply disabled, saying why; sent only when they differ from
    ``shown_choices``)."""
    view = map_page(state, shown_layer, zoom or "focus")
    choices = map_choices(state)
    return (
        patch_of(view.update) if view.is_update else view.figure,
        no_update if view.is_update else view.layer,
        render(view.summary),
        render(selected_areas(state)),
        area_list(state),
        *only_changes(choices, list(shown_choices)),
    )


@callback(
    Output(ids.EXPLORER_GRAPH, "figure"),
    Output(ids.EXPLORER_NOTE, "children"),
    Output(ids.EXPLORER_OUTLIERS, "children"),
    Input(ids.page_state("explorer"), "data"),
    Input(ids.SIZE_BY_POP, "value"),
    Input(ids.SCATTER_COLOUR, "value"),
    Input(ids.SHOW_CI, "value"),
    prevent_initial_call=True,
)
def update_explorer(state, size_by_pop, colour_by, show_ci):
    options = ("on" in (size_by_pop or []), colour_by or "region", "on" in (show_ci or []))
    return render(page_outputs("explorer", shown(state, "explorer"), *options))


def definition_part(state: dict, n_clicks: int | None) -> tuple:
    """The Definition panel (part of ``callbacks.shell``): drawn only while it is open (an odd
    number of clicks), so a change of indicator with the panel closed draws nothing."""
    if not (n_clicks or 0) % 2:
        return [], True
    return render(el("Dl", definition(state["indicator"]))), False
