"""Interaction in the browser: map click -> spine, URL round trip, controls, navigation, bad URLs."""

from __future__ import annotations

import pytest
from shapely.geometry import shape

from data.model.store import load_model
from selection import PAGES, parse_query

pytestmark = pytest.mark.browser

KERNOW, NCL, SOUTH_WEST = "E38000089", "E38000240", "E40000006"
MAP_READY = """() => { const gd = document.querySelector('#map-graph .js-plotly-plot');
    return !!gd && !!gd._fullLayout && !!gd._fullLayout.geo && gd.data.length >= 17
        && gd.data[1].locations.length > 0 && gd.querySelectorAll('path.choroplethlocation').length > 100; }"""


@pytest.fixture(scope="module")
def model():
    return load_model()


def selection(model, query: str) -> dict:
    state, _ = parse_query(model, query)
    return state


def test_map_click_selects_the_area_and_spine_shows_it(app_page, model):
    feature = next(f for f in model.geojson["ccg21"]["features"] if f["id"] == KERNOW)
    point = shape(feature["geometry"]).representative_point()
    app_page.goto("/map?indicator=qof_hyp")
    app_page.page.wait_for_function(MAP_READY)
    app_page.settle()
    app_page.page.evaluate("window.__noReload = 'still here'")
    xy = app_page.page.evaluate(
        """([lon, lat]) => { const gd = document.querySelector('#map-graph .js-plotly-plot');
            const p = gd._fullLayout.geo._subplot.projection([lon, lat]);
            window.scrollBy(0, gd.getBoundingClientRect().top + p[1] - window.innerHeight / 2);
            const r = gd.getBoundingClientRect(); return [r.left + p[0], r.top + p[1]]; }""",
        [point.x, point.y],
    )
    app_page.page.mouse.move(*xy)
    app_page.page.mouse.click(*xy)
    app_page.page.wait_for_function("() => /[?&]areas=/.test(location.search)")
    app_page.settle()
    assert selection(model, app_page.query())["areas"][0] == KERNOW
    assert app_page.figure("map-graph")["data"][3]["locations"] == [KERNOW]
    assert "NHS Kernow CCG" in app_page.text("#ctl-areas")
    app_page.page.click("#nav-spine")
    app_page.wait_graph("spine-graph", min_traces=3)
    app_page.settle()
    assert app_page.path() == "/spine"
    assert selection(model, app_page.query())["areas"][0] == KERNOW
    fig = app_page.figure("spine-graph")
    assert "Area profile: NHS Kernow CCG" in fig["layout"]["title"]["text"]
    assert [t["name"] for t in fig["data"] if t.get("customdata")] == ["NHS Kernow CCG"]
    assert "NHS Kernow CCG value" in app_page.text("#spine-table")
    assert app_page.page.evaluate("window.__noReload") == "still here"
    app_page.screenshot("spine-after-map-click")


ROUND_TRIP = (
    "/compare?indicator=dementia_ddr_65plus&period=2024-10&geography=sicbl23"
    f"&areas={KERNOW},{NCL}&region={SOUTH_WEST}&benchmark=region&ci=99.8&colour=quintile"
    "&palette=colourblind&layout=cartogram&sort=name&x=demo:pct_65plus&y=dementia_ddr_65plus"
)


def checked(app_page, control_id: str) -> str:
    return app_page.page.eval_on_selector(f"#{control_id} input:checked", "e => e.value")


def test_url_round_trips(app_page, model):
    app_page.goto(ROUND_TRIP)
    app_page.wait_graph("compare-graph")
    app_page.settle()
    asked = selection(model, ROUND_TRIP.split("?", 1)[1])
    assert app_page.path() == "/compare"
    assert selection(model, app_page.query()) == asked
    assert app_page.text("#notice").strip() == ""
    assert checked(app_page, "ctl-ci") == "99.8"
    assert checked(app_page, "ctl-benchmark") == "region"
    assert checked(app_page, "ctl-sort") == "name"
    assert "2024-10" in app_page.text("#ctl-period")
    assert "Sub-ICB locations, 2023" in app_page.text("#ctl-geography")
    areas_text = app_page.text("#ctl-areas")
    a = model.areas[model.areas["geography"] == "sicbl23"].set_index("area_code")["area_name"]
    # sub-ICB names with the CCG each was: "NHS Cornwall and the Isles of Scilly ICB – 11N (formerly NHS Kernow CCG)"
    assert a[KERNOW] in areas_text and a[NCL] in areas_text and "formerly NHS Kernow CCG" in areas_text
    assert app_page.text("#ctl-region").strip() == "South West"


def test_changing_a_control_rewrites_the_url_without_a_reload(app_page, model):
    app_page.goto(f"/map?indicator=qof_hyp&areas={KERNOW}")
    app_page.page.wait_for_function(MAP_READY)
    app_page.settle()
    app_page.page.evaluate("window.__noReload = 'still here'")
    before = selection(model, app_page.query())
    app_page.page.click("#ctl-ci label:has-text('99.8%')")
    app_page.page.wait_for_function("() => location.search.includes('ci=99.8')")
    app_page.settle()
    assert selection(model, app_page.query()) == before | {"ci": "99.8"}
    assert app_page.page.evaluate("window.__noReload") == "still here"
    assert app_page.page.evaluate("performance.getEntriesByType('navigation').length") == 1
    assert "99.8% CI" in app_page.figure("map-graph")["layout"]["title"]["text"]
    # the indicator dropdown too: a new indicator resets the period
    app_page.choose("ctl-indicator", "Dementia diagnosis", "Dementia diagnosis rate 65+")
    app_page.page.wait_for_function("() => location.search.includes('indicator=dementia_ddr_65plus')")
    app_page.settle()
    after = selection(model, app_page.query())
    assert after["period"] == "2025-01" and after["ci"] == "99.8" and after["areas"] == [KERNOW]
    assert app_page.page.evaluate("window.__noReload") == "still here"
    assert "2025-01" in app_page.figure("map-graph")["layout"]["title"]["text"]


def test_navigation_keeps_the_query(app_page, model):
    start = f"/map?indicator=ft_91547&period=2020/21&areas={KERNOW}&ci=99.8&palette=colourblind"
    app_page.goto(start)
    app_page.page.wait_for_function(MAP_READY)
    app_page.settle()
    asked = selection(model, start.split("?", 1)[1])
    app_page.page.evaluate("window.__noReload = 'still here'")
    for page in [*PAGES[1:], "map"]:
        app_page.page.click(f"#nav-{page}")
        app_page.page.wait_for_function("(p) => location.pathname === '/' + p", arg=page)
        app_page.settle()
        assert selection(model, app_page.query()) == asked, page
        assert app_page.page.is_visible(f"#page-{page}") and "active" in app_page.page.get_attribute(
            f"#nav-{page}", "class"
        )
        hidden = [p for p in PAGES if p != page and app_page.page.is_visible(f"#page-{p}")]
        assert hidden == [], page
    assert app_page.page.evaluate("window.__noReload") == "still here"


LINKS_JS = """() => [...document.querySelectorAll('a[data-follow-query]')].map((a) =>
    [a.id || a.className, a.getAttribute('href'), a.getAttribute('data-extra') || '',
     a.getAttribute('data-follow-keys')])"""


def test_page_and_export_links_carry_the_selection_shown(app_page, model):
    """The page links and the footer's export links follow the address bar's query (assets/nav.js):
    after a change of indicator and of areas, every one of them has the new query (the board pack's
    its own keys of it), and a link opened as is gives the file for what the page shows."""
    from selection import PACK_KEYS, only_keys

    app_page.goto(f"/compare?indicator=qof_hyp&areas={KERNOW}")
    app_page.wait_graph("compare-graph")
    app_page.settle()
    app_page.page.wait_for_selector("#export-links a.export-link")
    app_page.page.evaluate(
        "() => window.dash_clientside.set_props('ctl-indicator', {value: 'dementia_ddr_65plus'})"
    )
    app_page.page.wait_for_function("() => location.search.includes('indicator=dementia_ddr_65plus')")
    app_page.settle()
    app_page.page.evaluate(
        f"() => window.dash_clientside.set_props('ctl-areas', {{value: ['{KERNOW}', '{NCL}']}})"
    )
    app_page.page.wait_for_function(f"() => location.search.includes('{NCL}')")
    app_page.settle()
    search = "?" + app_page.query()
    links = app_page.page.evaluate(LINKS_JS)
    exports = [href for _, href, _, _ in links if href.startswith("/export/compare.")]
    navs = [href for key, href, _, _ in links if key.startswith("nav-")]
    packs = [href for _, href, _, keys in links if keys]
    assert len(exports) >= 8 and len(navs) == len(PAGES)
    assert packs == [f"/export/pack.{f}?areas={KERNOW},{NCL}" for f in ("pdf", "pptx")]
    for _, href, extra, keys in links:
        path = href.split("?")[0]
        query = only_keys(search, PACK_KEYS) if keys else search
        assert href == path + query + (("&" + extra) if extra else ""), href
    png = next(href for href in exports if href.startswith("/export/compare.png") and "size=" not in href)
    response = app_page.page.request.get(app_page.base_url + png)
    assert response.status == 200 and response.headers["content-type"] == "image/png"


@pytest.mark.parametrize(
    ("query", "phrases"),
    [
        ("indicator=not_an_indicator", ["Unknown indicator 'not_an_indicator'"]),
        ("indicator=qof_hyp&period=1999/00", ["No data for period '1999/00'", "2022/23"]),
        ("areas=XYZ123,E38000089", ["Unknown area code: XYZ123"]),
        (
            "ci=42&benchmark=mars",
            ["'42' is not a valid confidence level (95% or 99.8%)", "'mars' is not a valid benchmark"],
        ),
        ("indicator=%%%&areas=%ZZ&&&sort", ["Unknown indicator '%%%'"]),
    ],
)
def test_bad_parameters_give_a_notice_and_a_working_page(app_page, model, query, phrases):
    app_page.goto(f"/map?{query}")
    app_page.page.wait_for_function(MAP_READY)
    app_page.settle()
    notice = app_page.text("#notice")
    for phrase in phrases:
        assert phrase in notice
    body = app_page.text("body")
    assert "Traceback" not in body and "Internal Server Error" not in body
    fig = app_page.figure("map-graph")
    assert len(fig["data"][0]["locations"]) == 106
    assert sum(z is not None for z in fig["data"][1]["z"]) > 50
    # the URL now holds the corrected selection
    state, notices = parse_query(model, app_page.query())
    assert notices == []
    if query.startswith("areas="):
        assert state["areas"] == [KERNOW]
        app_page.screenshot("bad-url-notice")


def test_unknown_path_is_a_404_page_linking_the_real_ones(app_page):
    """Issue 13: an unknown path is a 404 with links, not the app shell."""
    app_page.check_errors_after = False  # the browser logs the 404 of the document itself
    response = app_page.page.goto(app_page.base_url + "/nowhere?indicator=qof_hyp")
    assert response.status == 404
    assert "Page not found" in app_page.text("h1")
    app_page.page.click("a[href='/map']")
    app_page.page.wait_for_function(MAP_READY)
    assert app_page.page.is_visible("#page-map")
