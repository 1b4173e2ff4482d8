"""Browser figures: first load bytes as transferred, and user-perceived latency per interaction.

The app runs under gunicorn (2 workers, the repo's gunicorn.conf.py, compression on, result
cache off so every change computes) and headless Chromium drives it through Playwright:

- **first load**: every response's encoded (as sent: gzip/brotli) body length, from Chrome's
  DevTools protocol (``Network.loadingFinished``), from opening ``/map?areas=E38000089`` until
  the map is drawn (the graph holds its traces and the network is idle), async chunks and the
  boundary files included;
- **user-perceived latency**: a control changed as the user's click would change it
  (``dash_clientside.set_props``, which runs the same callbacks), timed until the target graph
  emits ``plotly_afterplot`` (Plotly's own end-of-draw event), inside the page with
  ``performance.now()``; no sleeps.

The control values come from the in-process ``DashClient`` (the same steps the server timings
cycle through), worked out before the browser starts so they do not load the shared cores
during the timings. Each change and the whole group are bounded in time.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FIRST_LOAD_PATH = "/map?areas=E38000089"
CHANGES = 15  # timed control changes per interaction
CHANGE_TIMEOUT_MS = 20_000
GROUP_LIMIT_S = 600.0  # stop starting new interactions after this
# interaction name (as in bench.app) -> the element whose redraw ends the measurement: a graph
# (its plotly_afterplot) or, for the table and the catalogue, the element whose content changes
BROWSER_INTERACTIONS = {
    "map_indicator": "map-graph",
    "map_period": "map-graph",
    "map_area_select": "map-graph",
    "spine_1_area": "spine-graph",
    "spine_6_areas": "spine-graph",
    "explorer_xy": "explorer-graph",
    "compare_page": "compare-graph",
    "table_page": "table-holder",
    "overview_page": "overview-graph",
    "trends_page": "trends-graph",
    "catalogue_search": "page-indicators",  # the count line and the list (the search hides entries)
}
SETTLE_QUIET_MS = 200  # before each change: no callback pending and the page unchanged this long

DRAWN_JS = """(targetId) => {
  const root = document.getElementById(targetId);
  if (!root || root.offsetParent === null) return false;
  const gd = root.querySelector('.js-plotly-plot');
  if (gd) return !!(gd._fullLayout && gd.data && gd.data.length > 0);
  return root.querySelector('*') !== null;
}"""

# Every callback dash-renderer has requested or is running has answered (its redux store).
IDLE_JS_BODY = """
  const s = window.store && window.store.getState();
  if (!s) return true;
  const cbs = Object.assign({}, s.callbacks);
  delete cbs.stored;
  delete cbs.completed;
  return Object.values(cbs).every((list) => !list || list.length === 0);
"""
WAIT_IDLE_JS = "() => {" + IDLE_JS_BODY + "}"

# Until nothing is pending and nothing on the page has changed for quietMs (at most 10 s): the
# previous change's late work (a second draw, a summary) is not taken for the next one's.
SETTLE_JS = (
    """async (quietMs) => {
  const idle = () => {"""
    + IDLE_JS_BODY
    + """};
  let last = performance.now();
  const observer = new MutationObserver(() => { last = performance.now(); });
  observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  const started = performance.now();
  while (performance.now() - started < 10000) {
    await new Promise((r) => setTimeout(r, 50));
    if (idle() && performance.now() - last > quietMs) break;
  }
  observer.disconnect();
}"""
)

# Change controls and resolve with the milliseconds until the target is redrawn: a graph's next
# plotly_afterplot (Plotly's own end-of-draw event); for another element, its last change once
# every callback has answered and two frames have passed without another.
CHANGE_JS = (
    """async ([targetId, changes, timeoutMs]) => {
  const root = document.getElementById(targetId);
  if (!root) throw new Error('no element ' + targetId);
  const gd = root.querySelector('.js-plotly-plot');
  if (gd && !gd.once) throw new Error('no drawn graph ' + targetId);
  const idle = () => {"""
    + IDLE_JS_BODY
    + """};
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return await new Promise((resolve, reject) => {
    let observer = null;
    let finished = false;
    const finish = () => { finished = true; clearTimeout(timer); if (observer) observer.disconnect(); };
    const timer = setTimeout(() => { finish(); reject(new Error('no redraw of ' + targetId)); }, timeoutMs);
    const t0 = performance.now();
    if (gd) {
      gd.once('plotly_afterplot', () => { finish(); resolve(performance.now() - t0); });
    } else {
      let last = null;
      observer = new MutationObserver(() => { last = performance.now(); });
      observer.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
      (async () => {
        while (!finished) {
          await frame();
          if (last !== null && idle()) {
            const seen = last;
            await frame();
            await frame();
            if (last === seen && idle()) { finish(); resolve(last - t0); return; }
          }
        }
      })();
    }
    for (const [id, props] of changes) window.dash_clientside.set_props(id, props);
  });
}"""
)


def _plan(calls: int, names: list[str]) -> dict[str, dict[str, Any]]:
    """For each browser interaction: the page URL to open and ``calls`` control changes."""
    from app import server
    from bench.app import INTERACTIONS, VIEW_OUTPUT, DashClient, next_change

    dc = DashClient(server.test_client())
    dc.open("/map", "?areas=E38000089")
    plans = {}
    by_name = {it.name: it for it in INTERACTIONS}
    for name in names:
        it = by_name[name]
        dc.open(f"/{it.page}", dc.props.get("url.search") or "")
        steps = it.steps(dc)  # may choose where to start (an indicator with periods to step through)
        start = f"/{it.page}{dc.props.get('url.search') or ''}"
        changes = []
        for _ in range(calls):
            # applied here too: the next step depends on the current state, as in the server timings
            change, _ = next_change(dc, it, steps, VIEW_OUTPUT[it.page])
            changes.append(
                [[key.rpartition(".")[0], {key.rpartition(".")[2]: v}] for key, v in change.items()]
            )
        plans[name] = {"url": start, "changes": changes}
    return plans


def _first_load(page: Any, base: str) -> dict:
    """Bytes transferred (encoded, as sent) from opening the map URL until the map is drawn."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sent: set[str] = set()
    failed: set[str] = set()
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.requestWillBeSent", lambda e: sent.add(e["requestId"]))
    cdp.on("Network.loadingFailed", lambda e: failed.add(e["requestId"]))
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
    cdp.on(
        "Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"]))
    )
    started = time.perf_counter()
    page.goto(base + FIRST_LOAD_PATH)
    page.wait_for_function(DRAWN_JS, arg="map-graph", timeout=60_000)
    drawn = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    # DevTools events reach this process after the page's own idle: wait until every request
    # sent has finished (or failed), so that none is left out of the count
    deadline = time.monotonic() + 10
    while sent - set(sizes) - failed and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    # the DevTools session ends here: left attached, it reports every later request to this
    # process, and the timings that follow would pay for it
    cdp.send("Network.disable")
    cdp.detach()
    by_url: dict[str, int] = {}
    for rid, size in sizes.items():
        url = urls.get(rid, "?").removeprefix(base)
        by_url[url] = by_url.get(url, 0) + size
    top = sorted(by_url.items(), key=lambda kv: -kv[1])
    return {
        "first_load_transferred_bytes": sum(sizes.values()),
        "first_load_requests": len(sizes),
        "first_load_unfinished_requests": len(sent - set(sizes) - failed),
        "first_load_map_drawn_s": round(drawn, 2),
        "first_load_largest": [{"url": u.split("?")[0][:90], "bytes": b} for u, b in top[:8]],
    }


def _time_changes(page: Any, base: str, graph: str, plan: dict, deadline: float) -> dict:
    page.goto(base + plan["url"])
    try:
        page.wait_for_function(DRAWN_JS, arg=graph, timeout=90_000)
    except Exception as exc:  # noqa: BLE001 - recorded with a screenshot; the other interactions go on
        shot = Path(tempfile.gettempdir()) / f"bench-{graph}-not-drawn.png"
        page.screenshot(path=str(shot))
        return {
            "changes": 0,
            "failures": 1,
            "error": f"{graph} not drawn: {str(exc).splitlines()[0]} ({shot})",
        }
    page.wait_for_load_state("networkidle")
    times, failures = [], 0
    for change in plan["changes"]:
        if time.monotonic() > deadline:
            break
        page.evaluate(SETTLE_JS, SETTLE_QUIET_MS)
        try:
            times.append(page.evaluate(CHANGE_JS, [graph, change, CHANGE_TIMEOUT_MS]))
        except Exception as exc:  # noqa: BLE001 - a change that never redraws is counted, not fatal
            failures += 1
            log.warning("%s: %s", graph, str(exc).splitlines()[0])
    if not times:
        return {"changes": 0, "failures": failures}
    return {
        "p50_ms": round(float(np.percentile(times, 50)), 1),
        "p95_ms": round(float(np.percentile(times, 95)), 1),
        "changes": len(times),
        "failures": failures,
    }


def measure(calls: int = CHANGES, only: set[str] | None = None) -> dict:
    """The browser group of ``python -m bench``, and the RSS of each gunicorn worker afterwards."""
    from playwright.sync_api import sync_playwright

    from bench.load import gunicorn, renderer_memory, worker_memory

    names = [n for n in BROWSER_INTERACTIONS if not only or n in only]
    plans = _plan(calls, names)
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        log_path = Path(tmp) / "gunicorn.log"
        with gunicorn(2, env={"OUTCOMES_CACHE_TYPE": "NullCache"}, log_path=log_path) as served:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1366, "height": 768})
                page = context.new_page()
                figures.update(_first_load(page, served.base))
                page.close()  # the timings in a page of their own, with no DevTools session on it
                page = context.new_page()
                deadline = time.monotonic() + GROUP_LIMIT_S
                perceived = {}
                for name in names:
                    graph = BROWSER_INTERACTIONS[name]
                    perceived[name] = _time_changes(page, served.base, graph, plans[name], deadline)
                figures["perceived"] = perceived
            finally:
                browser.close()
            figures["exports_made_before_memory"] = _exports(served.base)
            memory = worker_memory(served.pid)
            renderer = renderer_memory(served.pid)
    figures["workers_memory_mb"] = memory
    figures["rss_per_worker_mb"] = max(m["rss"] for m in memory)
    figures["renderer_memory_mb"] = renderer
    # app + its renderer: the worker's own pages, its share of what it shares, and its share of
    # the one render service (with Chromium) every worker of the host uses
    figures["per_worker_with_renderer_mb"] = round(
        max(m["pss"] for m in memory) + renderer["pss"] / len(memory), 1
    )
    return figures


EXPORTS_BEFORE_MEMORY = (
    "/export/map.png?indicator=qof_hyp&areas=E38000089",
    "/export/compare.svg?indicator=qof_hyp&areas=E38000089",
    "/export/pack.pdf?areas=E38000089",
)


def _exports(base: str) -> int:
    """A few exports through the render service, so that its Chromium's memory is what a
    working one holds when it is measured."""
    import requests

    made = 0
    for path in EXPORTS_BEFORE_MEMORY:
        made += requests.get(base + path, timeout=120).status_code == 200
    return made
