"""Pages and tools beyond Fingertips, in the browser: the Areas box finding an area by place, code or\nold CCG; similar CCGs on compare and table."""

from __future__ import annotations

import pytest

from data.model.store import load_model
from selection import parse_query

pytestmark = pytest.mark.browser

KERNOW, BLACK_COUNTRY, NORFOLK_WAVENEY = "E38000089", "E38000250", "E38000239"


@pytest.fixture(scope="module")
def model():
    return load_model()


def _search_areas(app_page, text: str) -> None:
    """Type into the Areas box (the one search box) and wait for its answers."""
    app_page.page.click("#ctl-areas")
    app_page.page.keyboard.type(text, delay=40)
    app_page.page.wait_for_function(
        "t => [...document.querySelectorAll('.dash-dropdown-option')].some(e => e.textContent.length > 0)",
        arg=text,
    )


@pytest.mark.parametrize(
    "text, option, code",
    [
        ("Cornwall", "NHS Kernow CCG (11N) · Cornwall, local authority", KERNOW),
        ("Sandwell", "NHS Black Country and West Birmingham CCG", BLACK_COUNTRY),
        ("Great Yarmouth", "NHS Norfolk and Waveney CCG", NORFOLK_WAVENEY),
        ("05Y", "NHS Black Country and West Birmingham CCG", BLACK_COUNTRY),
        ("11N", "NHS Kernow CCG (11N)", KERNOW),
    ],
)
def test_the_areas_box_finds_an_area_by_place_code_or_old_ccg(app_page, model, text, option, code):
    app_page.goto("/compare?indicator=qof_hyp")
    app_page.wait_graph("compare-graph")
    app_page.settle()
    _search_areas(app_page, text)
    app_page.page.locator(".dash-dropdown-option", has_text=option).first.click()
    app_page.page.wait_for_function("() => /[?&]areas=/.test(location.search)")
    app_page.settle()
    state, _ = parse_query(model, app_page.query())
    assert app_page.path() == "/compare"
    assert state["areas"][0] == code and state["indicator"] == "qof_hyp"
    assert not app_page.page.query_selector("#place-search")  # one search box
    if text == "Cornwall":
        app_page.screenshot("areas-box-cornwall")


def test_old_code_in_the_url_moves_to_the_successor_with_a_notice(app_page, model):
    app_page.goto("/spine?areas=05Y")
    app_page.wait_graph("spine-graph", min_traces=3)
    app_page.settle()
    assert "NHS Walsall CCG (2013) is now part of NHS Black Country and West Birmingham CCG" in app_page.text(
        "#notice"
    )
    assert parse_query(model, app_page.query())[0]["areas"] == [BLACK_COUNTRY]


def test_unknown_name_suggests_the_closest_or_says_it_is_unknown(app_page):
    app_page.goto("/map")
    app_page.settle()
    _search_areas(app_page, "Sandwel Wst Birmingham")
    options = app_page.page.locator(".dash-dropdown-option").all_text_contents()
    assert any("Sandwell and West Birmingham" in o and "closest name" in o for o in options)
    app_page.page.keyboard.press("Escape")
    _search_areas(app_page, "Truro")
    app_page.page.wait_for_function(
        "() => [...document.querySelectorAll('.dash-dropdown-option')].some(e => e.textContent.includes('Truro'))"
    )
    options = app_page.page.locator(".dash-dropdown-option").all_text_contents()
    assert any("is called 'Truro'" in o for o in options) and not any("Thurrock" in o for o in options)


def test_peers_benchmark_on_compare_and_table(app_page, model):
    app_page.goto(f"/compare?indicator=qof_hyp&areas={KERNOW}&benchmark=peers")
    app_page.wait_graph("compare-graph")
    app_page.settle()
    assert "10 CCGs most like NHS Kernow CCG" in app_page.text("#peers-panel")
    fig = app_page.figure("compare-graph")
    assert sum("◆" in t for t in fig["layout"]["yaxis"]["ticktext"]) == 10
    assert len(fig["layout"]["yaxis"]["ticktext"]) == 11  # the focus and its peers: one comparator
    assert "NHS Kernow CCG's 10 similar CCGs (" in fig["layout"]["title"]["text"]
    app_page.screenshot("peers-compare")
    app_page.page.locator("#peers-panel a", has_text="every area").click()
    app_page.page.wait_for_function("() => /scope=all/.test(location.search)")
    app_page.settle()
    fig = app_page.figure("compare-graph")
    assert any("not in the peer group (95)" in t["name"] for t in fig["data"])
    app_page.screenshot("peers-compare-all")
    app_page.page.locator("#peers-panel a", has_text="the focus area and its similar CCGs").click()
    app_page.page.wait_for_function("() => !/scope=all/.test(location.search)")
    app_page.settle()
    app_page.page.locator("#peers-panel a", has_text="RightCare").click()
    app_page.page.wait_for_function("() => /peers=rightcare/.test(location.search)")
    app_page.settle()
    app_page.page.click("#nav-table")
    app_page.page.wait_for_selector("#table-grid .ag-row")
    app_page.settle()
    state, _ = parse_query(model, app_page.query())
    assert (state["benchmark"], state["peers"], state["areas"]) == ("peers", "rightcare", [KERNOW])
    assert "11 areas" in app_page.text("#table-summary")


def test_funnel_page_from_url_and_click_selects(app_page, model):
    app_page.goto(f"/funnel?indicator=qof_hyp&areas={KERNOW}&od=multiplicative")
    app_page.wait_graph("funnel-graph", min_traces=5)
    app_page.settle()
    fig = app_page.figure("funnel-graph")
    points = [t for t in fig["data"] if t.get("mode") == "markers"]
    assert sum(len(t["x"]) for t in points) == 106
    assert "spread beyond chance (phi)" in fig["layout"]["title"]["text"]
    state, _ = parse_query(model, app_page.query())
    assert (state["od"], state["areas"]) == ("multiplicative", [KERNOW])
    app_page.screenshot("funnel-page")
    # click a point: it becomes the focus area (and the query keeps od)
    target = next(t for t in points if t["customdata"][0][0] != KERNOW)
    code = target["customdata"][0][0]
    app_page.page.evaluate(
        """([code]) => { const gd = document.querySelector('#funnel-graph .js-plotly-plot');
            const i = gd.data.findIndex(t => t.customdata && t.customdata.some(c => c[0] === code));
            const j = gd.data[i].customdata.findIndex(c => c[0] === code);
            gd.emit('plotly_click', {points: [{curveNumber: i, pointNumber: j, customdata: gd.data[i].customdata[j]}]}); }""",
        [code],
    )
    app_page.page.wait_for_function(f"() => location.search.includes('areas={code}')")
    app_page.settle()
    state, _ = parse_query(model, app_page.query())
    assert state["areas"][0] == code and state["od"] == "multiplicative"


def test_funnel_for_an_indicator_without_counts_says_so(app_page):
    app_page.goto("/funnel?indicator=dementia_ddr_65plus")
    app_page.page.wait_for_selector("#funnel-note li a")
    app_page.settle()
    assert "cannot go on a funnel" in app_page.text("#funnel-note")


def test_alerts_page_lists_the_recomputed_red_reds(app_page, model):
    from data.queries.alerts import area_alerts

    ncl = "E38000240"  # one red-red (GP appointments not attended, against the 49 CCGs with data)
    expected = area_alerts(model, ncl)
    reds = expected[expected["group"] == "red-red"]["short_name"].tolist()
    now = expected[expected["group"] == "worse now"]["short_name"].tolist()
    assert reds and now
    app_page.goto(f"/alerts?areas={ncl}&ci=95")
    app_page.page.wait_for_selector("#alerts-focus .alerts-table")
    app_page.settle()
    text = app_page.text("#alerts-focus")
    assert f"Worse than the benchmark and getting worse ({len(reds)})" in text
    assert f"Worse than the benchmark now; trend cannot be assessed ({len(now)})" in text  # open, counted
    for name in reds + now:
        assert name in text
    assert "49 of 106 CCGs with data" in text and "percentage points" in text
    assert "red-red results in" in app_page.text("#alerts-national")
    assert "not assessed because of a series break" in app_page.text("#alerts-national")
    app_page.screenshot("alerts-page")
    assert parse_query(model, app_page.query())[0]["areas"] == [ncl]
    app_page.page.locator("#alerts-focus .alerts-table a", has_text=reds[0]).first.click()
    app_page.page.wait_for_function("() => location.pathname === '/trends'")
    app_page.settle()
    state, _ = parse_query(model, app_page.query())
    assert state["areas"][0] == ncl and state["indicator"] == expected.iloc[0]["indicator_id"]


def test_practices_page_shows_the_ccgs_practices(app_page, model):
    from data.queries.practices import practice_rows

    rows, _ = practice_rows(model, KERNOW, "qof_hyp")
    app_page.goto(f"/practices?indicator=qof_hyp&areas={KERNOW}&practice=L82011")
    app_page.wait_graph("practices-graph", min_traces=4)
    app_page.page.wait_for_selector("#practices-table tbody tr")
    app_page.settle()
    fig = app_page.figure("practices-graph")
    points = [t for t in fig["data"] if t.get("mode") == "markers"]
    assert sum(len(t["x"]) for t in points) == rows[s_value()].notna().sum() == len(rows)
    assert app_page.page.locator("#practices-table tbody tr").count() == len(rows)
    assert "Brannel Surgery" in app_page.text("#practices-table tr.picked")
    state, _ = parse_query(model, app_page.query())
    assert (state["practice"], state["areas"]) == ("L82011", [KERNOW])
    app_page.screenshot("practices-page")


def s_value() -> str:
    from data.model import schema

    return schema.VALUE


def test_inequalities_page_preselects_the_focus_icb(app_page, model):
    from data.queries.inequalities import icb_of_ccg

    app_page.goto(f"/inequalities?areas={KERNOW}&ineq=%25+QOF+points+achieved")
    app_page.wait_graph("ineq-rank-graph", min_traces=5)
    app_page.wait_graph("ineq-icb-graph")
    app_page.settle()
    icb_fig = app_page.figure("ineq-icb-graph")
    assert "Cornwall" in icb_fig["layout"]["title"]["text"]
    rank = app_page.figure("ineq-rank-graph")
    icbs = {c for t in rank["data"] if t.get("customdata") for c in t["customdata"]}
    assert len(icbs) == 42 and icb_of_ccg(model, KERNOW) in icbs
    state, _ = parse_query(model, app_page.query())
    assert (state["ineq"], state["areas"]) == ("% QOF points achieved", [KERNOW])
    app_page.screenshot("inequalities-page")


def test_inequalities_page_draws_the_acsc_gradient_of_every_ccg_in_the_file(app_page, model):
    import pandas as pd

    from data.model.manifest import load_manifest
    from data.model.settings import get_settings

    raw = pd.read_csv(get_settings().data_dir / load_manifest()["acsc_chronic_ccg16"]["path"])
    app_page.goto(f"/inequalities?areas={NORFOLK_WAVENEY}&benchmark=peers&peers=rightcare&ci=99.8")
    app_page.wait_graph("ineq-acsc-graph", min_traces=4)
    app_page.settle()
    fig = app_page.figure("ineq-acsc-graph")
    codes = [c[0] for t in fig["data"] for c in t["customdata"]]
    assert len(codes) == len(set(codes)) == len(raw) == 209
    focus = next(t for t in fig["data"] if t["name"].startswith("NHS Norfolk and Waveney CCG"))
    assert len(focus["x"]) == 5 and "99.8% confidence intervals" in fig["layout"]["title"]["text"]
    focus_codes = sorted(c[0] for c in focus["customdata"])
    assert "c. 2014/15-2015/16" in app_page.text("#ineq-acsc .acsc-method")
    state, _ = parse_query(model, app_page.query())
    assert (state["areas"], state["peers"], state["ci"]) == ([NORFOLK_WAVENEY], "rightcare", "99.8")
    app_page.page.locator("#ineq-acsc-graph").scroll_into_view_if_needed()
    app_page.screenshot("inequalities-acsc")
    # the same 209 areas on the map (the map page's own builder), the focus area's five outlined
    app_page.wait_graph("ineq-acsc-map", min_traces=3)
    drawn = app_page.figure("ineq-acsc-map")
    coloured = [t for t in drawn["data"] if t.get("z") and t.get("name") not in ("No data", "Selected")]
    assert any(set(t["locations"]) == set(raw["ccg16_ods_code"]) for t in coloured)
    assert any(
        sorted(t.get("locations") or []) == focus_codes for t in drawn["data"] if t.get("name") == "Selected"
    )
    app_page.page.locator("#ineq-acsc-map").scroll_into_view_if_needed()
    app_page.screenshot("inequalities-acsc-map")


def test_benchmark_control_names_a_partial_national_value(app_page):
    app_page.goto(f"/compare?indicator=gp_appt_dna_rate&areas={KERNOW}")
    app_page.wait_graph("compare-graph")
    app_page.settle()
    assert "49 of 106 CCGs with data" in app_page.text("#ctl-benchmark")
    app_page.goto(f"/compare?indicator=qof_hyp&areas={KERNOW}")
    app_page.wait_graph("compare-graph")
    app_page.settle()
    text = app_page.text("#ctl-benchmark")
    assert "England" in text and "CCGs with data" not in text
