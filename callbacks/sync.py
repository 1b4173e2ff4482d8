"""The one callback that keeps URL, controls and the shared selection in step.

The URL is the truth: opening a link parses it; changing a control or clicking an
area rewrites the query string (without a reload) and the selection store that
every view reads. Parsing and writing are pure functions in selection.
"""

from __future__ import annotations

from dash import Input, Output, State, callback, ctx, no_update

from data.model.store import load_model
from data.queries.rows import indicator_periods, indicator_sexes
from layouts import ids
from layouts.controls import area_options
from layouts.widgets import notice_items
from selection import (
    PAGES,
    carried_params,
    page_of,
    parse_query,
    parse_selection,
    to_query,
    with_catalogue_indicator,
)
from views.controls import geography_options

CONTROL_KEYS = {
    ids.INDICATOR: "indicator",
    ids.PERIOD: "period",
    ids.GEOGRAPHY: "geography",
    ids.SEX: "sex",
    ids.AREAS: "areas",
    ids.REGION: "region",
    ids.BENCHMARK: "benchmark",
    ids.CI: "ci",
    ids.COLOUR: "colour",
    ids.PALETTE: "palette",
    ids.LAYOUT: "layout",
    ids.SORT: "sort",
    ids.X_VAR: "x",
    ids.Y_VAR: "y",
}
CLICK_SOURCES = (ids.MAP_GRAPH, ids.COMPARE_GRAPH, ids.EXPLORER_GRAPH, ids.FUNNEL_GRAPH)
# Query parameters with no shared control of their own (set by links on their pages): kept as they are.
CARRIED_KEYS = ("peers", "od", "practice", "ineq", "icb", "categories")


def clicked_area(click: dict | None) -> str | None:
    """The area code a graph click refers to (customdata[0], or a choropleth location)."""
    points = click.get("points") if isinstance(click, dict) else None
    if not isinstance(points, list) or not points or not isinstance(points[0], dict):
        return None
    point = points[0]
    custom = point.get("customdata")
    if isinstance(custom, list) and custom and isinstance(custom[0], str | int):
        return str(custom[0])
    if isinstance(custom, str):
        return custom
    location = point.get("location")
    return str(location) if isinstance(location, str | int) and location else None


def focus(areas: list[str], code: str) -> list[str]:
    """Make ``code`` the focus (first) area, keeping the others."""
    return [code] + [a for a in areas if a != code]


def next_state(pathname: str | None, search: str | None, trigger: str | None, controls: dict, clicks: dict):
    """The new selection and notices, given what triggered the change (pure)."""
    model = load_model()
    page = page_of(pathname)
    if trigger in (None, ids.URL):
        state, notices = parse_query(model, with_catalogue_indicator(model, pathname, search))
    else:
        wanted = {k: v for k, v in controls.items()}
        wanted["areas"] = list(controls.get("areas") or [])
        wanted.update(carried_params(search, CARRIED_KEYS))
        if trigger == ids.INDICATOR:
            wanted["period"] = None
            wanted["y"] = controls.get("indicator")
        elif trigger == ids.Y_VAR and controls.get("y") in model.catalogue.index:
            wanted["indicator"] = controls["y"]
            wanted["period"] = None
        elif trigger == ids.GEOGRAPHY:
            wanted["period"] = None
        code = clicks.get(trigger)
        if code:
            wanted["areas"] = focus(wanted["areas"], code)
        state, notices = parse_selection(model, wanted)  # the URL's rules, whatever was sent
    state["page"] = page
    return state, notices


@callback(
    Output(ids.URL, "search"),
    Output(ids.STATE, "data"),
    Output(ids.NOTICE, "children"),
    Output(ids.INDICATOR, "value"),
    Output(ids.PERIOD, "options"),
    Output(ids.PERIOD, "value"),
    Output(ids.GEOGRAPHY, "options"),
    Output(ids.GEOGRAPHY, "value"),
    Output(ids.SEX, "options"),
    Output(ids.SEX, "value"),
    Output(ids.AREAS, "options"),
    Output(ids.AREAS, "value"),
    Output(ids.REGION, "value"),
    Output(ids.BENCHMARK, "value"),
    Output(ids.CI, "value"),
    Output(ids.COLOUR, "value"),
    Output(ids.PALETTE, "value"),
    Output(ids.LAYOUT, "value"),
    Output(ids.SORT, "value"),
    Output(ids.X_VAR, "value"),
    Output(ids.Y_VAR, "value"),
    *[Output(ids.page_container(p), "hidden") for p in PAGES],
    *[Output(ids.nav_link(p), "href") for p in PAGES],
    *[Output(ids.nav_link(p), "className") for p in PAGES],
    Input(ids.URL, "pathname"),
    Input(ids.URL, "search"),
    *[Input(cid, "value") for cid in CONTROL_KEYS],
    *[Input(cid, "clickData") for cid in CLICK_SOURCES],
    Input(ids.TABLE_PICK, "data"),
    State(ids.AREAS, "options"),
    State(ids.GEOGRAPHY, "value"),
)
def sync(pathname, search, *rest):
    n, m = len(CONTROL_KEYS), len(CLICK_SOURCES)
    control_values, click_values = rest[:n], rest[n : n + m]
    table_pick, area_opts, shown_geography = rest[n + m :]
    trigger = ids.TABLE_GRID if ctx.triggered_id == ids.TABLE_PICK else ctx.triggered_id
    return sync_outputs(
        pathname,
        search,
        control_values,
        click_values,
        [table_pick] if table_pick else None,
        area_opts,
        shown_geography,
        trigger,
    )


def sync_outputs(
    pathname, search, control_values, click_values, table_rows, area_opts, shown_geography, trigger
):
    """Everything the sync callback returns, in its output order (a plain function, for tests)."""
    controls = dict(zip(CONTROL_KEYS.values(), control_values))
    clicks = {cid: clicked_area(c) for cid, c in zip(CLICK_SOURCES, click_values)}
    if table_rows and isinstance(table_rows[0], dict) and isinstance(table_rows[0].get("area_code"), str):
        clicks[ids.TABLE_GRID] = table_rows[0]["area_code"]
    state, notices = next_state(pathname, search, trigger, controls, clicks)
    model = load_model()
    indicator = state["indicator"]
    query = to_query(state)
    if not isinstance(area_opts, list):
        area_opts = None
    known = {o["value"] for o in area_opts or [] if isinstance(o, dict) and isinstance(o.get("value"), str)}
    new_area_opts = (
        area_options(model, state["geography"], state["areas"])
        if state["geography"] != shown_geography or not area_opts or not set(state["areas"]) <= known
        else no_update
    )
    notice = notice_items(notices)
    page = state["page"]
    return (
        query,
        state,
        notice,
        indicator,
        [{"label": p, "value": p} for p in reversed(indicator_periods(model, indicator, state["geography"]))],
        state["period"],
        geography_options(model, indicator),
        state["geography"],
        [{"label": x, "value": x} for x in indicator_sexes(model, indicator)],
        state["sex"],
        new_area_opts,
        state["areas"],
        state["region"],
        state["benchmark"],
        state["ci"],
        state["colour"],
        state["palette"],
        state["layout"],
        state["sort"],
        state["x"],
        state["y"],
        *[p != page for p in PAGES],
        *[f"/{p}{query}" for p in PAGES],
        *["nav-link active" if p == page else "nav-link" for p in PAGES],
    )
