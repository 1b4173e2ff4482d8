"""callbacks.sync: the URL <-> controls <-> selection store logic, called as plain functions."""

from __future__ import annotations

import pytest
from dash import html, no_update

from callbacks.sync import CLICK_SOURCES, CONTROL_KEYS, clicked_area, focus, sync_outputs
from data.queries.rows import indicator_periods
from layouts import ids
from layouts.pages import LAZY_PAGES
from selection import PAGES, parse_query, to_query

KERNOW, BARNET, CORNWALL_STP = "E38000089", "E38000240", "E54000036"  # BARNET: now North Central London
N_FIXED = 21  # outputs before the per-page hidden / className lists


def run(
    pathname="/map",
    search="",
    controls=None,
    clicks=None,
    table_rows=None,
    area_opts=None,
    geography=None,
    trigger=None,
):
    values = [(controls or {}).get(key) for key in CONTROL_KEYS.values()]
    click_values = [(clicks or {}).get(cid) for cid in CLICK_SOURCES]
    out = sync_outputs(pathname, search, values, click_values, table_rows, area_opts, geography, trigger)
    named = dict(
        zip(
            [
                "search",
                "state",
                "notice",
                "indicator",
                "period_options",
                "period",
                "geography_options",
                "geography",
                "sex_options",
                "sex",
                "area_options",
                "areas",
                "region",
                "benchmark",
                "ci",
                "colour",
                "palette",
                "layout",
                "sort",
                "x",
                "y",
            ],
            out[:N_FIXED],
        )
    )
    n = len(PAGES)
    named["hidden"] = dict(zip(PAGES, out[N_FIXED : N_FIXED + n]))
    named["classes"] = dict(zip(PAGES, out[N_FIXED + n :]))
    assert len(out) == N_FIXED + 2 * n
    return named


def controls_of(state: dict) -> dict:
    return {k: state[k] for k in CONTROL_KEYS.values()}


def notice_texts(notice) -> list[str]:
    assert all(isinstance(n, html.Span) for n in notice)
    return [n.children for n in notice]


def test_url_load_sets_every_control(model):
    search = f"?indicator=qof_hyp&areas={KERNOW},{BARNET}&ci=99.8&benchmark=region&sort=name"
    out = run("/compare", search, trigger=ids.URL)
    state = out["state"]
    assert state["page"] == "compare"
    assert (out["indicator"], out["ci"], out["benchmark"], out["sort"]) == (
        "qof_hyp",
        "99.8",
        "region",
        "name",
    )
    assert out["areas"] == [KERNOW, BARNET]
    assert out["period"] == "2022/23" == state["period"]
    assert out["period_options"] == [{"label": "2022/23", "value": "2022/23"}]
    assert [o["value"] for o in out["geography_options"]] == [
        "ccg21",
        "sicbl23",
        "icb23",
        "sicbl22",
        "icb22",
        "stp21",
    ]
    assert out["geography_options"][0]["label"] == "CCGs, April 2021 (106; now sub-ICB locations)"
    assert out["sex_options"] == [{"label": "Persons", "value": "Persons"}]
    assert len(out["area_options"]) == 106
    assert notice_texts(out["notice"]) == []
    # the written query parses back to the same selection
    again, _ = parse_query(model, out["search"])
    assert again == {k: v for k, v in state.items() if k != "page"}
    assert out["search"] == to_query(state)


def test_initial_load_with_no_trigger_is_a_url_load():
    out = run("/", "", trigger=None)
    assert out["state"]["page"] == "experience"  # "/" opens on patient experience
    assert out["indicator"] == "dementia_ddr_65plus"


@pytest.mark.parametrize("page", PAGES)
def test_page_visibility_and_the_active_nav_link(page):
    """(The links' query is written in the browser, assets/nav.js: tests/browser.)"""
    out = run(f"/{page}", "?indicator=qof_hyp&ci=99.8", trigger=ids.URL)
    assert out["hidden"] == {p: p != page for p in PAGES}
    assert out["classes"][page] == "nav-link active"
    assert [c for c in out["classes"].values() if c == "nav-link active"] == ["nav-link active"]


def test_bad_url_gives_notices_and_a_working_selection(model):
    out = run("/map", "?indicator=nope&period=1999&areas=XYZ,E38000089&ci=42", trigger=ids.URL)
    texts = notice_texts(out["notice"])
    assert len(texts) == 4
    assert any("Unknown indicator 'nope'" in t for t in texts)
    assert any("No data for period '1999'" in t for t in texts)
    assert any("XYZ" in t for t in texts)
    assert any("'42' is not a valid confidence level" in t for t in texts)
    assert out["areas"] == [KERNOW] and out["ci"] == "95"
    assert out["period"] == indicator_periods(model, out["indicator"], "ccg21")[-1]
    assert "nope" not in out["search"] and "ci=" not in out["search"]


def test_indicator_change_resets_period_and_y(model, state_for):
    before = state_for("?indicator=qof_hyp&x=demo:pct_65plus")
    controls = controls_of(before) | {"indicator": "dementia_ddr_65plus"}
    out = run(
        "/map",
        to_query(before),
        controls=controls,
        area_opts=[{"value": "x"}],
        geography="ccg21",
        trigger=ids.INDICATOR,
    )
    assert out["period"] == indicator_periods(model, "dementia_ddr_65plus", "ccg21")[-1] == "2025-01"
    assert out["y"] == "dementia_ddr_65plus" and out["x"] == "demo:pct_65plus"
    assert notice_texts(out["notice"]) == []  # the stale period is replaced silently
    assert "period=2025-01" in out["search"] and "indicator=dementia_ddr_65plus" in out["search"]
    assert out["area_options"] is no_update  # geography unchanged: options not resent


def test_indicator_change_resets_period_even_when_the_old_one_exists(state_for):
    before = state_for("?indicator=dementia_ddr_65plus&period=2024-10")
    controls = controls_of(before) | {"indicator": "ft_91547"}
    out = run("/map", to_query(before), controls=controls, trigger=ids.INDICATOR)
    assert out["period"] == "2022/23"


def test_period_change_is_kept(state_for):
    before = state_for("?indicator=dementia_ddr_65plus")
    controls = controls_of(before) | {"period": "2024-10"}
    out = run("/map", to_query(before), controls=controls, trigger=ids.PERIOD)
    assert out["period"] == "2024-10" and "period=2024-10" in out["search"]


def test_geography_change_resets_period_and_resends_area_options(state_for):
    before = state_for("?indicator=ft_91547&period=2019/20")
    controls = controls_of(before) | {"geography": "ccg20"}
    out = run(
        "/map",
        to_query(before),
        controls=controls,
        area_opts=[{"value": KERNOW}],
        geography="ccg21",
        trigger=ids.GEOGRAPHY,
    )
    assert out["geography"] == "ccg20" and out["period"] == "2020/21"  # ccg20's latest, not ccg21's
    assert out["area_options"] is not no_update and len(out["area_options"]) == 135


def test_y_axis_indicator_becomes_the_indicator(state_for):
    before = state_for("?indicator=qof_hyp")
    controls = controls_of(before) | {"y": "dementia_ddr_65plus"}
    out = run("/explorer", to_query(before), controls=controls, trigger=ids.Y_VAR)
    assert out["indicator"] == "dementia_ddr_65plus" and out["period"] == "2025-01"


def test_y_axis_demographic_leaves_the_indicator(state_for):
    before = state_for("?indicator=qof_hyp")
    controls = controls_of(before) | {"y": "demo:pct_65plus"}
    out = run("/explorer", to_query(before), controls=controls, trigger=ids.Y_VAR)
    assert out["indicator"] == "qof_hyp" and out["y"] == "demo:pct_65plus"


def test_ci_change_only_changes_ci(state_for):
    before = state_for(f"?indicator=qof_hyp&areas={BARNET}")
    controls = controls_of(before) | {"ci": "99.8"}
    out = run("/map", to_query(before), controls=controls, trigger=ids.CI)
    assert out["state"] == before | {"ci": "99.8"}
    assert out["search"] == to_query(before | {"ci": "99.8"})
    assert "ci=99.8" in out["search"]


def map_click(code: str) -> dict:
    return {"points": [{"curveNumber": 1, "pointNumber": 26, "location": code, "customdata": [code, "name"]}]}


def test_map_click_makes_the_area_the_focus(state_for):
    before = state_for(f"?areas={BARNET},{KERNOW}")
    out = run(
        "/map",
        to_query(before),
        controls=controls_of(before),
        clicks={ids.MAP_GRAPH: map_click(KERNOW)},
        trigger=ids.MAP_GRAPH,
    )
    assert out["areas"] == [KERNOW, BARNET]
    assert f"areas={KERNOW},{BARNET}" in out["search"]


def test_map_click_on_a_no_data_area_uses_the_location(state_for):
    before = state_for("")
    click = {"points": [{"curveNumber": 0, "location": KERNOW}]}
    out = run("/map", "", controls=controls_of(before), clicks={ids.MAP_GRAPH: click}, trigger=ids.MAP_GRAPH)
    assert out["areas"] == [KERNOW]


def test_compare_and_explorer_clicks_use_customdata(state_for):
    before = state_for("?indicator=qof_hyp")
    for source in (ids.COMPARE_GRAPH, ids.EXPLORER_GRAPH):
        click = {"points": [{"customdata": [KERNOW, "NHS Kernow CCG", "x"]}]}
        out = run(
            "/compare", to_query(before), controls=controls_of(before), clicks={source: click}, trigger=source
        )
        assert out["areas"] == [KERNOW]


def test_stale_click_does_not_count_when_another_control_triggers(state_for):
    before = state_for(f"?areas={BARNET}")
    out = run(
        "/map",
        to_query(before),
        controls=controls_of(before) | {"ci": "99.8"},
        clicks={ids.MAP_GRAPH: map_click(KERNOW)},
        trigger=ids.CI,
    )
    assert out["areas"] == [BARNET]


def test_table_row_selection_makes_the_area_the_focus(state_for):
    before = state_for(f"?areas={BARNET}")
    out = run(
        "/table",
        to_query(before),
        controls=controls_of(before),
        table_rows=[{"area_code": KERNOW, "area_name": "NHS Kernow CCG"}],
        trigger=ids.TABLE_GRID,
    )
    assert out["areas"] == [KERNOW, BARNET]
    assert out["state"]["page"] == "table"


def test_seventh_click_keeps_six_areas_with_a_notice(model, state_for):
    codes = model.areas.loc[model.areas["geography"] == "ccg21", "area_code"].tolist()
    before = state_for("?areas=" + ",".join(codes[:6]))
    out = run(
        "/map",
        to_query(before),
        controls=controls_of(before),
        clicks={ids.MAP_GRAPH: map_click(codes[10])},
        trigger=ids.MAP_GRAPH,
    )
    assert out["areas"] == [codes[10], *codes[:5]]
    assert any("At most 6" in t for t in notice_texts(out["notice"]))


def test_clearing_the_areas_control(state_for):
    before = state_for(f"?areas={KERNOW}")
    out = run("/map", to_query(before), controls=controls_of(before) | {"areas": None}, trigger=ids.AREAS)
    assert out["areas"] == [] and "areas" not in out["search"]


@pytest.mark.parametrize(
    ("click", "code"),
    [
        (None, None),
        ({}, None),
        ({"points": []}, None),
        ({"points": [{"customdata": [KERNOW, "x"]}]}, KERNOW),
        ({"points": [{"customdata": KERNOW}]}, KERNOW),
        ({"points": [{"location": CORNWALL_STP}]}, CORNWALL_STP),
        ({"points": [{"customdata": [], "location": KERNOW}]}, KERNOW),
        ({"points": [{"x": 1}]}, None),
    ],
)
def test_clicked_area(click, code):
    assert clicked_area(click) == code


def test_focus():
    assert focus([BARNET, KERNOW], KERNOW) == [KERNOW, BARNET]
    assert focus([], KERNOW) == [KERNOW]
    assert focus([KERNOW], KERNOW) == [KERNOW]


def sync_args(pathname="/compare", search="", shown=None, frame_shown=None, clicks=0, mounted=None) -> tuple:
    """The sync callback's arguments as the renderer sends them: inputs (URL, controls, clicks,
    the table's pick), the frame's inputs, what the browser shows, the frame's digests, the pages
    drawn so far."""
    from callbacks import sync

    inputs = {(ids.URL, "pathname"): pathname, (ids.URL, "search"): search}
    extra = {(ids.DEFINITION_BUTTON, "n_clicks"): clicks}
    return (
        *[inputs.get(i) for i in sync.INPUTS],
        *[extra.get(i) for i in sync.FRAME_INPUTS],
        *[(shown or {}).get(o) for o in sync.SHOWN],
        frame_shown,
        [] if mounted is None else mounted,
    )


def browser_has(answer: tuple) -> dict:
    """What the browser shows after an answer that wrote every output (as JSON, as it sends it)."""
    from callbacks import sync
    from callbacks.shown import as_json

    return {o: as_json(v) for o, v in zip(sync.OUTPUTS, answer[: len(sync.OUTPUTS)], strict=True)}


def frame_of(answer: tuple) -> dict:
    from callbacks import sync

    at = len(sync.OUTPUTS) + len(PAGES)
    return dict(zip(sync.FRAME_OUTPUTS, answer[at : at + len(sync.FRAME_OUTPUTS)], strict=True))


def mounted_of(answer: tuple) -> tuple[dict, object]:
    """The pages' content the answer sends (page -> content, where sent), and the pages drawn."""
    from callbacks import sync

    at = len(sync.OUTPUTS) + len(PAGES) + len(sync.FRAME_OUTPUTS)
    bodies = dict(zip(LAZY_PAGES, answer[at:-1], strict=True))
    return {p: v for p, v in bodies.items() if v is not no_update}, answer[-1]


def test_one_answer_makes_the_selection_and_the_frame_around_it(app_ctx):
    """A URL load answers the selection, the shown page's copy and the frame (footer links, data
    age, Benchmark labels...) in one request; the same selection again sends no part of the frame."""
    from callbacks import sync

    answer = sync.sync_answer(sync_args(search=f"?areas={KERNOW}"), None)
    assert len(answer) == len(sync.OUTPUTS) + len(PAGES) + len(sync.FRAME_OUTPUTS) + len(LAZY_PAGES) + 1
    state = answer[sync.STATE_AT]
    assert state["areas"] == [KERNOW] and answer[len(sync.OUTPUTS) + PAGES.index("compare")] == state
    frame = frame_of(answer)
    assert all(v is not no_update for v in frame.values())
    digests = frame[(ids.SHELL_SHOWN, "data")]
    shown = browser_has(answer)
    again = sync.sync_answer(sync_args(search=f"?areas={KERNOW}", shown=shown, frame_shown=digests), ids.URL)
    assert all(v is no_update for v in frame_of(again).values())


def test_the_definition_button_answers_only_the_frame(app_ctx):
    from callbacks import sync

    first = sync.sync_answer(sync_args(search="?indicator=qof_hyp"), None)
    shown = browser_has(first)
    digests = frame_of(first)[(ids.SHELL_SHOWN, "data")]
    opened = sync.sync_answer(
        sync_args(search="?indicator=qof_hyp", shown=shown, frame_shown=digests, clicks=1),
        ids.DEFINITION_BUTTON,
    )
    assert all(v is no_update for v in opened[: len(sync.OUTPUTS) + len(PAGES)])
    frame = frame_of(opened)
    sent = {o for o, v in frame.items() if v is not no_update} - {(ids.SHELL_SHOWN, "data")}
    assert sent == {(ids.DEFINITION_PANEL, "children"), (ids.DEFINITION_PANEL, "hidden")}
    assert frame[(ids.DEFINITION_PANEL, "hidden")] is False


def ids_in(component) -> list[str]:
    """The ids of a Dash tree's components."""
    cid = getattr(component, "id", None)
    children = getattr(component, "children", None)
    children = children if isinstance(children, list | tuple) else [children]
    return [cid] * bool(cid) + [i for c in children if hasattr(c, "to_plotly_json") for i in ids_in(c)]


def test_a_page_is_drawn_the_first_time_it_is_shown(app_ctx):
    """The pages whose content holds no input of the sync callback are sent when first shown, in the
    same answer as the page's copy of the selection, and not again; the others are there from the
    start."""
    from callbacks import sync

    answer = sync.sync_answer(sync_args("/spine", f"?areas={KERNOW}"), None)
    sent, mounted = mounted_of(answer)
    assert list(sent) == ["spine"] and mounted == ["spine"]
    found = set(ids_in(sent["spine"]))
    assert {ids.SPINE_GRAPH, ids.SPINE_TABLE, ids.SPINE_CONTEXT} <= found
    assert answer[len(sync.OUTPUTS) + PAGES.index("spine")]["page"] == "spine"  # its copy, same answer

    shown = browser_has(answer)
    again = sync.sync_answer(sync_args("/spine", "?areas=E38000010", shown=shown, mounted=["spine"]), ids.URL)
    assert mounted_of(again) == ({}, no_update)
    trends = sync.sync_answer(
        sync_args("/trends", f"?areas={KERNOW}", shown=shown, mounted=["spine"]), ids.URL
    )
    assert list(mounted_of(trends)[0]) == ["trends"] and mounted_of(trends)[1] == ["spine", "trends"]
    for eager in ("/map", "/compare", "/explorer", "/funnel"):
        assert mounted_of(sync.sync_answer(sync_args(eager, f"?areas={KERNOW}"), None)) == ({}, no_update)


@pytest.mark.parametrize("forged", [None, "spine", {"spine": 1}, ["spine", "nope", 3]])
def test_a_forged_list_of_drawn_pages_is_read_safely(app_ctx, forged):
    from callbacks import sync

    answer = sync.sync_answer(sync_args("/trends", f"?areas={KERNOW}", mounted=forged), None)
    sent, mounted = mounted_of(answer)
    assert list(sent) == ["trends"]
    assert mounted == (["spine", "trends"] if isinstance(forged, list) else ["trends"])


def test_a_page_sent_while_the_selection_is_unchanged_gets_its_copy_too(app_ctx):
    """The Definition button answers only the frame on a page already drawn; should the browser
    lack the page's content (a store it forged), the content goes with the page's copy of the
    selection, so that the page's callbacks draw into it."""
    from callbacks import sync

    first = sync.sync_answer(sync_args("/trends", f"?areas={KERNOW}"), None)
    shown, digests = browser_has(first), frame_of(first)[(ids.SHELL_SHOWN, "data")]
    again = dict(search=f"?areas={KERNOW}", shown=shown, frame_shown=digests, clicks=1)
    opened = sync.sync_answer(sync_args("/trends", **again, mounted=["trends"]), ids.DEFINITION_BUTTON)
    assert mounted_of(opened) == ({}, no_update)
    assert all(v is no_update for v in opened[: len(sync.OUTPUTS) + len(PAGES)])
    lacking = sync.sync_answer(sync_args("/trends", **again, mounted=[]), ids.DEFINITION_BUTTON)
    assert list(mounted_of(lacking)[0]) == ["trends"]
    assert lacking[len(sync.OUTPUTS) + PAGES.index("trends")]["page"] == "trends"
    assert [p for p in PAGES if lacking[len(sync.OUTPUTS) + PAGES.index(p)] is not no_update] == ["trends"]
