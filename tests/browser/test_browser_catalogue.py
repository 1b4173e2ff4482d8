"""The indicator catalogue opened from a URL: every indicator listed, search filters, one indicator's page,
an unknown id's notice, and the data-age notice on a view of old data."""

from __future__ import annotations

import pytest

from data.model.catalogue import FRAME_NAME, search
from data.model.store import load_model

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_catalogue_lists_every_indicator_and_search_filters(app_page, model):
    app_page.goto("/indicators")
    # Playwright counts a <details> as hidden, so wait for the count (long: a first load on a busy machine).
    app_page.page.wait_for_function(
        "() => document.querySelectorAll('details.catalogue-entry').length > 0", timeout=90000
    )
    app_page.settle()
    # every indicator, and the GP Patient Survey's ICB items (listed, with no area values of their own)
    n = len(model.frames[FRAME_NAME])
    assert n > len(model.catalogue)
    assert app_page.page.locator("details.catalogue-entry").count() == n
    assert app_page.text("#catalogue-count").startswith(f"{n} of {n} indicators")
    headings = app_page.page.locator("h3.catalogue-domain").all_inner_texts()
    assert headings[0].startswith("Domain 1") and headings[-1].startswith("Context")
    app_page.screenshot("catalogue")

    # the search hides the entries it does not match (the list is drawn once, assets/catalogue.js)
    expected = len(search(model.frames[FRAME_NAME], "dementia"))
    app_page.page.fill("#catalogue-search", "dementia")
    shown = "details.catalogue-entry:not([hidden])"
    app_page.page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length === n", arg=[shown, expected]
    )
    app_page.settle()
    assert 0 < expected < n
    assert f"{expected} of {n} indicators match 'dementia'" in app_page.text("#catalogue-count")
    visible_headings = app_page.page.locator("h3.catalogue-domain:not([hidden])").all_inner_texts()
    # each heading counts what it shows ("Domain 2: ... 3 · outcome domain")
    assert sum(int(h.rsplit(" · ", 1)[0].split()[-1]) for h in visible_headings) == expected
    app_page.page.locator(f"{shown} summary").first.click()
    app_page.page.wait_for_selector("details.catalogue-entry[open] .entry-fields p")
    assert "Definition:" in app_page.text("details.catalogue-entry[open] .entry-fields")
    app_page.screenshot("catalogue-search")

    # nothing matches: said in the list; clearing the search shows every entry again
    app_page.page.fill("#catalogue-search", "zzzz no such thing")
    app_page.page.wait_for_selector("p.catalogue-none:not([hidden])")
    assert app_page.page.locator(shown).count() == 0
    app_page.page.fill("#catalogue-search", "")
    app_page.page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length === n", arg=[shown, n]
    )

    # an entry's link opens its page in place (no reload: the list stays mounted, hidden)
    first = app_page.page.locator(shown).first
    first.locator("summary").click()
    wanted = first.get_attribute("data-id")
    first.locator(".catalogue-links a", has_text="Permanent link").click()
    app_page.page.wait_for_selector(".catalogue-detail h3")
    assert app_page.path() == f"/indicators/{wanted}"
    assert app_page.page.evaluate("() => document.getElementById('catalogue-list').__entries !== undefined")


def test_an_indicator_has_its_own_page(app_page, model):
    app_page.goto("/indicators/qof_hyp")
    app_page.page.wait_for_selector(".catalogue-detail h3")
    app_page.settle()
    detail = app_page.text("#catalogue-detail")
    assert model.catalogue.at["qof_hyp", "short_name"] in detail
    assert "Coverage" in detail and "Latest data" in detail
    assert not app_page.page.is_visible("#catalogue-search")
    assert "indicator=qof_hyp" in app_page.page.get_attribute("#nav-map", "href")
    app_page.screenshot("catalogue-indicator")


def test_an_unknown_indicator_is_a_notice(app_page):
    app_page.goto("/indicators/no_such_indicator")
    app_page.page.wait_for_selector(".catalogue-detail")
    app_page.settle()
    assert "There is no indicator 'no_such_indicator' in the catalogue." in app_page.text("#catalogue-detail")


def test_old_data_carries_a_notice(app_page):
    app_page.goto("/compare?indicator=obesity_admissions")
    app_page.page.wait_for_selector("#data-age:not([hidden])")
    app_page.settle()
    assert "Data from 2014/15" in app_page.text("#data-age")
    # The definition opens from the page and links to the catalogue entry.
    app_page.page.click("#ctl-definition-button")
    link = app_page.page.locator("#ctl-definition-panel a", has_text="Full catalogue entry")
    assert link.get_attribute("href") == "/indicators/obesity_admissions"
    link.click()
    app_page.page.wait_for_selector(".catalogue-detail h3")
    assert app_page.path() == "/indicators/obesity_admissions"
