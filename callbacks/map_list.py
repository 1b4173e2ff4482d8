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

from html import escape

from dash import Input, Output, callback, dcc
from dash.exceptions import PreventUpdate

from callbacks.cache import memoized
from callbacks.views import _area_rows, freeze
from data import schema as s
from data.model import load_model
from data.peer_views import benchmark_key
from data.views import meta_dict
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


def area_table(rows: list[dict], period: str, class_heading: str) -> dcc.Markdown:
    """The list as one component: an HTML table in a Markdown block (every text escaped).

    As ~850 components (106 rows) it cost dash-renderer about 1.4 s of browser CPU on every
    change (it walks new children for ids; DevTools profile); one string prop costs nothing.
    """
    e = escape

    def row_html(row: dict) -> str:
        picked = row["selected"]
        button = (
            f'<button type="button" class="area-toggle{" selected" if picked else ""}" '
            f'data-code="{e(row["code"])}">{"Deselect" if picked else "Select"}'
            f'<span class="visually-hidden"> {e(row["name"])}</span></button>'
        )
        tr = '<tr class="picked">' if picked else "<tr>"
        return (
            f'{tr}<th scope="row">{e(row["name"])}</th>'
            f"<td>{e(str(row['value']))}</td><td>{e(str(row['class']))}</td><td>{button}</td></tr>"
        )

    table = (
        '<table class="data-table map-area-table">'
        f"<caption>{len(rows)} areas, {e(str(period))}; selecting one makes it the focus area.</caption>"
        f'<thead><tr><th scope="col">Area</th><th scope="col">Value</th><th scope="col">{e(class_heading)}'
        '</th><th scope="col"><span class="visually-hidden">Selection</span></th></tr></thead>'
        f"<tbody>{''.join(row_html(r) for r in rows)}</tbody></table>"
    )
    return dcc.Markdown(table, dangerously_allow_html=True)


@callback(Output(ids.MAP_AREA_TABLE, "children"), Input(ids.page_state("map"), "data"))
def update_map_area_list(state):
    if not state or state.get("page") != "map":
        raise PreventUpdate
    meta = meta_dict(load_model(), state["indicator"])
    colour = effective_colour(state["colour"], meta)
    heading = {"category": "Category", "quintile": "Quintile"}.get(colour, "Colour")
    return area_table(area_rows(freeze(state)), state["period"], heading)
