"""The footer's export links say they are working, and what happens when the server is busy
(issue 20): a 503 with Retry-After is shown and the download tried again when told."""

from __future__ import annotations

import threading
import time
import urllib.request

import pytest

from tests.browser.conftest import AppPage
from tests.serving import app_server

pytestmark = pytest.mark.browser

AREA = "E38000089"


@pytest.fixture(scope="module")
def one_render_app(tmp_path_factory):
    """The app with a render pool of one place and no queue: a second export is refused."""
    log_path = tmp_path_factory.mktemp("exports-app") / "app.log"
    env = {"OUTCOMES_EXPORTS_RUNNING": "1", "OUTCOMES_EXPORTS_QUEUED": "0"}
    with app_server(env=env, log_path=log_path, timeout_s=90) as url:
        yield url


@pytest.fixture()
def page(chromium, one_render_app):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60000)
    wrapper = AppPage(page, one_render_app)
    yield wrapper
    context.close()
    assert wrapper.foreign == []
    # Chromium logs every non-2xx fetch ("Failed to load resource"): the 503s and 400 are expected
    unexpected = [e for e in wrapper.errors if not ("status of 503" in e or "status of 400" in e)]
    assert unexpected == [], unexpected


def status_text(page: AppPage) -> str:
    return page.page.evaluate("() => (document.getElementById('export-status') || {}).textContent || ''")


def test_a_busy_export_says_so_and_downloads_when_it_can(page, one_render_app):
    page.goto(f"/compare?indicator=qof_hyp&areas={AREA}")
    page.settle()
    link = page.page.locator("a.export-link[href^='/export/compare.png']").first
    link.wait_for()
    # the pool's one place, taken by a board pack from "someone else"
    pack = threading.Thread(
        target=lambda: urllib.request.urlopen(
            f"{one_render_app}/export/pack.pdf?areas={AREA}", timeout=120
        ).read()
    )
    pack.start()
    time.sleep(0.3)
    with page.page.expect_download(timeout=90000) as download:
        link.click()
        page.page.wait_for_function(
            "() => /busy|Preparing/.test((document.getElementById('export-status') || {}).textContent || '')"
        )
        seen = status_text(page)
        if "Preparing" in seen:  # the pack had not started yet: wait for the refusal or the file
            page.page.wait_for_function(
                "() => /busy|Downloaded/.test(document.getElementById('export-status').textContent)"
            )
            seen = status_text(page)
        assert "busy" in seen or "Downloaded" in seen, seen
        if "busy" in seen:
            assert "Trying again in" in seen
            assert link.get_attribute("aria-busy") == "true"
            page.screenshot("export-busy")
    assert download.value.suggested_filename.endswith(".png")
    page.page.wait_for_function(
        "() => /Downloaded/.test(document.getElementById('export-status').textContent)"
    )
    assert link.get_attribute("aria-busy") is None
    pack.join(120)


def test_a_refused_export_shows_the_servers_words(page):
    page.goto("/compare?indicator=qof_hyp")
    page.settle()
    page.page.evaluate(
        """() => { const a = document.createElement('a'); a.className = 'export-link'; a.id = 'bad-export';
            a.href = '/export/compare.png?size=huge'; a.textContent = 'bad'; document.body.appendChild(a); }"""
    )
    page.page.click("#bad-export")
    page.page.wait_for_function(
        "() => /Unknown size/.test(document.getElementById('export-status').textContent)"
    )
