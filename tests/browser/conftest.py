"""Browser suite: the app in a subprocess (once per session) and one headless Chromium.

Every page fixture records console errors, page errors and every request; a test fails if
the browser logged an error or asked any host other than the app's 127.0.0.1 port.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.serving import app_server

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chromium's software GL warns about ReadPixels stalls while MapLibre draws: not errors.
IGNORED_CONSOLE = ("GPU stall due to ReadPixels",)
START_TIMEOUT_S = 300  # a first start may build the model (about 45 s quiet, minutes on a busy machine)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Serve ``python app.py --port N`` on a free 127.0.0.1 port for the whole session."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed: the browser tests need Debian's chromium")
    log_path = tmp_path_factory.mktemp("app") / "app.log"
    with app_server(log_path=log_path, timeout_s=START_TIMEOUT_S) as url:
        yield url


@pytest.fixture(scope="session")
def chromium(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class AppPage:
    """A Playwright page on the app, with helpers to read Dash / plotly state."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.requests: list = []
        self.pending = 0
        self.check_errors_after = True  # a test that judges errors itself sets this False
        host = urlparse(base_url).netloc
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("request", lambda req: self._request(req, host))
        page.on("requestfinished", self._done)
        page.on("requestfailed", self._done)

    def _console(self, msg) -> None:
        if msg.type == "error" and not any(s in msg.text for s in IGNORED_CONSOLE):
            self.errors.append(f"console.error: {msg.text}")

    def _request(self, req, host: str) -> None:
        self.requests.append(req)
        parsed = urlparse(req.url)
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.netloc != host:
            self.foreign.append(req.url)
        if "_dash-update-component" in req.url:
            self.pending += 1

    def _done(self, req) -> None:
        if "_dash-update-component" in req.url:
            self.pending -= 1

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path, wait_until="load")

    def settle(self, quiet_ms: int = 400, timeout_s: float = 30) -> None:
        """Wait until no Dash callback request has been in flight for ``quiet_ms``."""
        deadline = time.monotonic() + timeout_s
        quiet_since = None
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
            if self.pending == 0:
                quiet_since = quiet_since or time.monotonic()
                if (time.monotonic() - quiet_since) * 1000 >= quiet_ms:
                    return
            else:
                quiet_since = None
        raise AssertionError(f"Dash callbacks still running after {timeout_s:.0f} s")

    def still(self, quiet_ms: int = 500, timeout_s: float = 30) -> None:
        """Wait until the page's DOM has not changed for ``quiet_ms``.

        ``settle`` watches Dash's requests only; what the browser does after the last answer (AG
        Grid's script loading and the grid drawing its rows, plotly drawing) goes on after it. A
        check of the whole DOM (axe) run while a component is still building it judges a half-drawn
        tree.
        """
        self.page.evaluate(
            """([quiet, timeout]) => new Promise((resolve, reject) => {
                let timer = null;
                const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, quiet); });
                const done = () => { observer.disconnect(); clearTimeout(limit); resolve(); };
                const limit = setTimeout(() => { observer.disconnect(); clearTimeout(timer);
                    reject(new Error('the page was still changing after ' + timeout + ' ms')); }, timeout);
                observer.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
                timer = setTimeout(done, quiet);
            })""",
            [quiet_ms, int(timeout_s * 1000)],
        )

    def wait_graph(self, graph_id: str, min_traces: int = 1, timeout_ms: int = 30000) -> None:
        self.page.wait_for_function(
            """([id, n]) => { const gd = document.querySelector('#' + id + ' .js-plotly-plot');
                return !!gd && !!gd._fullData && gd.data.length >= n; }""",
            arg=[graph_id, min_traces],
            timeout=timeout_ms,
        )

    def figure(self, graph_id: str) -> dict:
        """The graph's data and layout as plotly holds them (JSON-safe copy)."""
        text = self.page.evaluate(
            """(id) => { const gd = document.querySelector('#' + id + ' .js-plotly-plot');
                return JSON.stringify({data: gd.data, layout: gd.layout,
                    full: gd._fullData.map(t => ({type: t.type, name: t.name, visible: t.visible}))}); }""",
            graph_id,
        )
        return json.loads(text)

    def choose(self, dropdown_id: str, search: str, option: str) -> None:
        """Open a dcc.Dropdown, type in its search box and click the option with that text."""
        self.page.click(f"#{dropdown_id}")
        self.page.fill(".dash-dropdown-search", search)
        self.page.locator(".dash-dropdown-option", has_text=option).first.click()

    def query(self) -> str:
        return urlparse(self.page.url).query

    def path(self) -> str:
        return urlparse(self.page.url).path

    def text(self, selector: str) -> str:
        return self.page.inner_text(selector)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=False)
        return target


@pytest.fixture()
def app_page(chromium, app_url):
    """A fresh page; after the test, fail on console errors or requests to other hosts."""
    # (an error in teardown is reported as an error of the test, which fails the run)
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30000)
    wrapper = AppPage(page, app_url)
    yield wrapper
    context.close()
    assert wrapper.foreign == [], f"requests to other hosts: {wrapper.foreign[:5]}"
    if wrapper.check_errors_after:
        assert wrapper.errors == [], "browser errors:\n" + "\n".join(wrapper.errors[:10])
