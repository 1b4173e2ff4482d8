"""WCAG 2.2 AA in the browser: axe-core finds no serious or critical violation on any page
(default state and with six areas), and the keyboard reaches and drives the controls."""

from __future__ import annotations

import pytest

from layouts.state import PAGES

pytestmark = pytest.mark.browser

SIX = "E38000089,E38000240,E38000062,E38000117,E38000150,E38000007"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def serious_violations(app_page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(app_page.page, options={"runOnly": AXE_TAGS})
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}): {v['nodes'][0]['target']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("query", ["", f"?areas={SIX}"], ids=["default", "six-areas"])
@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_no_serious_violation(app_page, page, query):
    app_page.goto(f"/{page}{query}")
    try:
        app_page.settle(quiet_ms=800, timeout_s=30)
    except AssertionError:
        # The catalogue page's URL rewrite leaves requests Playwright never reports finished
        # (the server has answered them all); axe judges the DOM, which is drawn by now.
        app_page.page.wait_for_timeout(2000)
    assert app_page.page.evaluate("document.documentElement.lang") == "en"
    assert serious_violations(app_page) == []


def test_keyboard_skip_link_focus_ring_and_dropdown_search(app_page):
    page = app_page.page
    app_page.goto("/map")
    app_page.settle()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "ctl-indicator"  # the dropdown itself
    ring = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; })()"
    )
    assert ring[0] == "solid" and ring[1] >= 2 and ring[2] == "rgb(33, 43, 50)", ring
    # open the areas list with the keyboard, move into it, then type: the search box takes it
    page.focus("#ctl-areas")
    page.keyboard.press("Enter")
    page.wait_for_selector(".dash-dropdown-search", state="visible", timeout=60_000)  # opened
    page.keyboard.press("ArrowDown")
    page.keyboard.type("Kern")
    page.wait_for_function("() => document.querySelector('.dash-dropdown-search').value === 'Kern'")
    page.locator(".dash-dropdown-option", has_text="NHS Kernow").first.wait_for()
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('areas=E38000089')")


def test_graphs_are_named_figures_with_a_summary(app_page):
    app_page.goto(f"/map?areas={SIX}")
    app_page.wait_graph("map-graph", min_traces=16)
    app_page.settle()
    graph = app_page.page.locator("#map-graph")
    assert graph.get_attribute("role") == "figure"
    assert "dementia" in graph.get_attribute("aria-label").lower()
    summary = app_page.page.locator(f"#{graph.get_attribute('aria-describedby')}")
    assert "areas have a value" in summary.inner_text()
