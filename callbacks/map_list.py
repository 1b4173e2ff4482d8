"""The map's areas as a list beside it: select or deselect each with the keyboard.

The list is rebuilt from the selection (same rows, same order, so the focused button stays
where it was); a button's click rewrites the URL's ``areas`` in the browser (one delegated
listener in assets/a11y.js reads the button's ``data-code``), and the URL sync callback then
re-parses the selection with the URL's rules, as for a click on the map. The buttons carry no
Dash ids: 106 pattern-matching ids made dash-renderer re-resolve its callback graph on every
change (about 1.4 s of browser CPU for one indicator change, measured with the DevTools
profiler), and no callback needs to hear them.
"""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, callback, clientside_callback
from dash.exceptions import PreventUpdate

from callbacks.cache import memoized
from callbacks.views import _area_rows, freeze
from data.model import schema as s
from data.model.store import load_model
from data.queries.peers import benchmark_key
from data.queries.view_frames import meta_dict
from figures.map import effective_colour
from figures.summaries import map_area_rows
from layouts import ids


@memoized
def area_rows(frozen: tuple) -> list[dict]:
    state = dict(frozen)
    model = load_model()
    frame, _, _ = _area_rows(state["indicator"], state["period"], state["geography"], state["sex"])
    areas = model.areas[model.areas[s.GEOGRAPHY] == state["geography"]].drop_duplicates(s.AREA_CODE)
    meta = meta_dict(model, state["indicator"])
    return map_area_rows(
        areas,
        frame,
        meta,
        colour=effective_colour(state["colour"], meta),
        benchmark=benchmark_key(state),
        ci=state["ci"],
        selected=state["areas"],
    )


def area_list(rows: list[dict], period: str, class_heading: str) -> dict:
    """What the browser draws the list from (assets/a11y.js ``renderAreaList``): the caption,
    the class column's heading and one ``[code, name, value, class, selected]`` per area.

    The table is drawn in the browser, not sent as components: as ~850 Dash components it cost
    dash-renderer about 1.4 s of CPU on every map change (it walks new children for ids;
    DevTools profile), and as a Markdown block it added the Markdown chunks (0.12 MB) to the
    map page's first load. A store's data is one prop that dash-renderer does not walk.
    """
    return {
        "caption": f"{len(rows)} areas, {period}; selecting one makes it the focus area.",
        "heading": class_heading,
        "rows": [[r["code"], r["name"], str(r["value"]), str(r["class"]), bool(r["selected"])] for r in rows],
    }


@callback(Output(ids.MAP_AREA_ROWS, "data"), Input(ids.page_state("map"), "data"))
def update_map_area_list(state):
    if not state or state.get("page") != "map":
        raise PreventUpdate
    meta = meta_dict(load_model(), state["indicator"])
    colour = effective_colour(state["colour"], meta)
    heading = {"category": "Category", "quintile": "Quintile"}.get(colour, "Colour")
    return area_list(area_rows(freeze(state)), state["period"], heading)


clientside_callback(
    ClientsideFunction(namespace="a11y", function_name="renderAreaList"),
    Output(ids.MAP_AREA_TABLE, "title"),  # never changed: the function draws the table itself
    Input(ids.MAP_AREA_ROWS, "data"),
)
