"""The one callback that keeps URL, controls and the shared selection in step.

The URL is the truth: opening a link parses it; changing a control or clicking an
area rewrites the query string (without a reload) and the selection store that
every view reads. Parsing and writing are pure functions in selection.

Every page lives in one layout (hidden pages stay mounted, so their state survives navigation).
Most pages are drawn the first time they are shown: this callback sends their content then
(``mount``; ``layouts.pages.LAZY_PAGES``). If each page's callbacks took ``ids.STATE`` as input,
one change would post a request for every page, shown or not. Instead this callback also writes
the selection to the shown page's own store (``ids.page_state(page)``) and that page's callbacks
take it as input: one change posts the requests of the page in view alone, straight from this
callback's answer (no hop through the browser in between). Those callbacks do not run when the
page loads (``prevent_initial_call``: the stores are empty then); this callback's first answer
writes the shown page's store. The callback guard re-parses these copies with the URL's rules,
like ``ids.STATE``.
"""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, callback, ctx, no_update

from callbacks.shell import EXTRA_INPUTS as FRAME_INPUTS
from callbacks.shell import PART_OUTPUTS as FRAME_PART_OUTPUTS
from callbacks.shell import shell_outputs
from callbacks.shown import only_changes
from data.model.store import load_model
from data.queries.rows import indicator_periods, indicator_sexes
from layouts import ids
from layouts.controls import area_options
from layouts.pages import LAZY_PAGES, page_content
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


# What the sync callback writes, in order (its Outputs).
OUTPUTS: tuple[tuple[str, str], ...] = (
    (ids.URL, "search"),
    (ids.STATE, "data"),
    (ids.NOTICE, "children"),
    (ids.INDICATOR, "value"),
    (ids.PERIOD, "options"),
    (ids.PERIOD, "value"),
    (ids.GEOGRAPHY, "options"),
    (ids.GEOGRAPHY, "value"),
    (ids.SEX, "options"),
    (ids.SEX, "value"),
    (ids.AREAS, "options"),
    (ids.AREAS, "value"),
    (ids.REGION, "value"),
    (ids.BENCHMARK, "value"),
    (ids.CI, "value"),
    (ids.COLOUR, "value"),
    (ids.PALETTE, "value"),
    (ids.LAYOUT, "value"),
    (ids.SORT, "value"),
    (ids.X_VAR, "value"),
    (ids.Y_VAR, "value"),
    *[(ids.page_container(p), "hidden") for p in PAGES],
    *[(ids.nav_link(p), "className") for p in PAGES],
)
INPUTS: tuple[tuple[str, str], ...] = (
    (ids.URL, "pathname"),
    (ids.URL, "search"),
    *[(cid, "value") for cid in CONTROL_KEYS],
    *[(cid, "clickData") for cid in CLICK_SOURCES],
    (ids.TABLE_PICK, "data"),
)
# What the browser shows of each output that is not an input already: sent as State, so that
# the callback writes only what differs (every prop written costs the browser a pass over
# every mounted component, changed or not).
SHOWN: tuple[tuple[str, str], ...] = tuple(o for o in OUTPUTS if o not in INPUTS)


# The frame around the page (callbacks/shell.py): its parts follow the selection, so they are
# answered here, in the same request (a callback of their own was one request more per change, and
# its passage through dash-renderer about 13 store notifications more, each a pass over every
# mounted component). The Definition button, the parts' own input, answers only the frame.
FRAME_OUTPUTS: tuple[tuple[str, str], ...] = (*FRAME_PART_OUTPUTS, (ids.SHELL_SHOWN, "data"))
STATE_AT = OUTPUTS.index((ids.STATE, "data"))


@callback(
    *[Output(cid, prop) for cid, prop in OUTPUTS],
    *[Output(ids.page_state(p), "data") for p in PAGES],
    *[Output(cid, prop) for cid, prop in FRAME_OUTPUTS],
    *[Output(ids.page_body(p), "children") for p in LAZY_PAGES],
    Output(ids.MOUNTED, "data"),
    *[Input(cid, prop) for cid, prop in INPUTS],
    *[Input(cid, prop) for cid, prop in FRAME_INPUTS],
    *[State(cid, prop) for cid, prop in SHOWN],
    State(ids.SHELL_SHOWN, "data"),
    State(ids.MOUNTED, "data"),
)
def sync(*args):
    return sync_answer(args, ctx.triggered_id)


def sync_answer(args: tuple, triggered: Any) -> tuple:
    """The sync callback's answer for its arguments (inputs, the frame's inputs, what the browser
    shows, the frame's digests, the pages drawn) and the id that triggered it: a plain function,
    for tests."""
    k, f = len(INPUTS), len(FRAME_INPUTS)
    values = dict(zip(INPUTS, args[:k], strict=True))
    frame_extra = dict(zip(FRAME_INPUTS, args[k : k + f], strict=True))
    values.update(zip(SHOWN, args[k + f : k + f + len(SHOWN)], strict=True))
    frame_shown, mounted = args[k + f + len(SHOWN) :]
    if triggered in {cid for cid, _ in FRAME_INPUTS}:  # the selection is as it was: the frame alone
        changed = tuple(no_update for _ in OUTPUTS)
        state = values[(ids.STATE, "data")]
    else:
        table_pick = values[(ids.TABLE_PICK, "data")]
        outputs = sync_outputs(
            values[(ids.URL, "pathname")],
            values[(ids.URL, "search")],
            [values[(cid, "value")] for cid in CONTROL_KEYS],
            [values[(cid, "clickData")] for cid in CLICK_SOURCES],
            [table_pick] if table_pick else None,
            values[(ids.AREAS, "options")],
            values[(ids.GEOGRAPHY, "value")],
            ids.TABLE_GRID if triggered == ids.TABLE_PICK else triggered,
        )
        changed = only_changes(outputs, [values[o] for o in OUTPUTS])
        state = outputs[STATE_AT]
    drawn = mount(state, mounted)
    # the page's copy of the selection goes with its content (its callbacks draw into it), even
    # when the selection is as the browser has it
    copies = page_states(state if drawn[-1] is not no_update else changed[STATE_AT])
    return (*changed, *copies, *frame(state, frame_extra, frame_shown), *drawn)


def frame(state: Any, extra: dict, shown: Any) -> tuple:
    """The frame's parts for the selection, each only where it differs from what the browser has."""
    if not isinstance(state, dict) or not state:
        return tuple(no_update for _ in FRAME_OUTPUTS)
    return shell_outputs(state, extra, shown)


def mount(state: Any, mounted: Any) -> tuple:
    """The shown page's content, if it is drawn when first shown and the browser has not been sent
    it (``mounted``: the pages it has), then the pages it will have; ``no_update`` otherwise. In the
    same answer as the page's copy of the selection: dash-renderer runs the page's callbacks once
    their outputs are in the layout, so they draw the new content in the same round."""
    page = state.get("page") if isinstance(state, dict) else None
    have = [p for p in LAZY_PAGES if p in mounted] if isinstance(mounted, list) else []
    if page not in LAZY_PAGES or page in have:
        return (*[no_update for _ in LAZY_PAGES], no_update)
    content = page_content(load_model(), page)
    return (*[content if p == page else no_update for p in LAZY_PAGES], [*have, page])


def page_states(state: Any) -> tuple:
    """The shown page's copy of the selection, written when the selection changed (``state`` is
    ``no_update`` when it did not); every other page's copy is left as it is."""
    if state is no_update or not isinstance(state, dict):
        return tuple(no_update for _ in PAGES)
    return tuple(state if p == state.get("page") else no_update for p in PAGES)


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
        *["nav-link active" if p == page else "nav-link" for p in PAGES],
    )
