"""The map's areas as a list beside it: select or deselect each with the keyboard.

The list is rebuilt from the selection (same rows, same order, so the focused button stays
where it was); a button's click rewrites the URL's ``areas`` in the browser
(``dash_clientside.a11y.toggleArea`` in assets/a11y.js), and the URL sync callback then
re-parses the selection with the URL's rules, as for a click on the map.
"""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Input, Output, callback, clientside_callback, html
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


def area_table(rows: list[dict], period: str, class_heading: str) -> html.Table:
    body = [
        html.Tr(
            [
                html.Th(row["name"], scope="row"),
                html.Td(row["value"]),
                html.Td(row["class"]),
                html.Td(
                    html.Button(
                        [
                            "Deselect" if row["selected"] else "Select",
                            html.Span(f" {row['name']}", className="visually-hidden"),
                        ],
                        id=ids.map_area_button(row["code"]),
                        className="area-toggle selected" if row["selected"] else "area-toggle",
                        type="button",
                    )
                ),
            ],
            className="picked" if row["selected"] else None,
        )
        for row in rows
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th("Area", scope="col"),
                html.Th("Value", scope="col"),
                html.Th(class_heading, scope="col"),
                html.Th(html.Span("Selection", className="visually-hidden"), scope="col"),
            ]
        )
    )
    caption = html.Caption(f"{len(rows)} areas, {period}; selecting one makes it the focus area.")
    return html.Table([caption, head, html.Tbody(body)], className="data-table map-area-table")


@callback(Output(ids.MAP_AREA_TABLE, "children"), Input(ids.page_state("map"), "data"))
def update_map_area_list(state):
    if not state or state.get("page") != "map":
        raise PreventUpdate
    meta = meta_dict(load_model(), state["indicator"])
    colour = effective_colour(state["colour"], meta)
    heading = {"category": "Category", "quintile": "Quintile"}.get(colour, "Colour")
    return area_table(area_rows(freeze(state)), state["period"], heading)


clientside_callback(
    ClientsideFunction(namespace="a11y", function_name="toggleArea"),
    Output(ids.URL, "search", allow_duplicate=True),
    Input(ids.map_area_button(ALL), "n_clicks"),
    prevent_initial_call=True,
)
