"""`python -m bench.devtools INTERACTION [...] [--changes N]`: where the browser's time goes.

The browser group's set-up (gunicorn, 2 workers, result cache off; headless Chromium at
1366x768; the same control changes), and for each interaction, over its timed changes:

- the time from the change to the graph's ``plotly_afterplot`` (as ``make bench``);
- the callback requests each change posts, by output, with their bytes as sent and as parsed;
- DOM mutations per change (what React re-rendered, as the page saw it);
- a DevTools CPU profile of all the changes: the main thread's time by script (plotly.js,
  dash-renderer, React, Dash's components, the app's assets, garbage collection) and the
  functions with the most own time. The profile is saved to ``bench/results/<name>.cpuprofile``
  (open it in Chromium's DevTools, Performance panel).

Under load the times are inflated; compare the shares and counts, or before/after ratios
measured in the same conditions.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import psutil

from bench.browser import (
    BROWSER_INTERACTIONS,
    CHANGE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DRAWN_JS,
    SETTLE_JS,
    SETTLE_QUIET_MS,
    WAIT_IDLE_JS,
    _plan,
)

RESULTS = Path(__file__).resolve().parent / "results"
UPDATE = "/_dash-update-component"

OBSERVE_JS = """() => {
  window.__mutations = 0;
  window.__notifications = 0;
  if (!window.__unsubscribe) window.__unsubscribe = window.store.subscribe(() => { window.__notifications += 1; });
  if (window.__observer) return;
  window.__observer = new MutationObserver((records) => { window.__mutations += records.length; });
  window.__observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}"""


def script_of(url: str) -> str:
    """A profile node's script, named for the reader (plotly.js, dash-renderer, react-dom, ...)."""
    if not url:
        return ""
    name = url.split("?")[0].rsplit("/", 1)[-1]
    for key, label in (
        ("plotly", "plotly.js"),
        ("dash_renderer", "dash-renderer"),
        ("react-dom", "react-dom"),
        ("react@", "react"),
        ("dash_core_components", "dash core components"),
        ("async-graph", "dcc Graph"),
        ("async-dropdown", "dcc Dropdown"),
        ("dash_html_components", "dash html components"),
        ("dash_ag_grid", "AG Grid"),
        ("async-community", "AG Grid"),
        ("polyfill", "polyfill"),
    ):
        if key in name:
            return label
    return "/assets/" + name if "/assets/" in url else name


def summarise_profile(profile: dict) -> dict:
    """Own time (ms) by script and by function from a CDP ``Profiler.stop`` profile."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    own = Counter()
    for node_id, delta in zip(profile["samples"], profile["timeDeltas"]):
        own[node_id] += delta / 1000.0  # microseconds -> ms
    by_script: Counter = Counter()
    by_function: Counter = Counter()
    for node_id, ms in own.items():
        frame = nodes[node_id]["callFrame"]
        name = frame["functionName"] or "(anonymous)"
        script = script_of(frame["url"])
        if name in ("(idle)", "(program)", "(garbage collector)", "(root)"):
            script = name
        by_script[script or "(native)"] += ms
        by_function[f"{name} [{script or 'native'}:{frame['lineNumber'] + 1}]"] += ms
    return {"by_script": by_script, "by_function": by_function}


def _record_network(cdp: Any) -> dict[str, dict]:
    """Callback requests as they happen: id -> output, bytes as sent (encoded) and parsed."""
    requests: dict[str, dict] = {}

    def sent(e: dict) -> None:
        if UPDATE in e["request"]["url"]:
            body = json.loads(e["request"].get("postData") or "{}")
            requests[e["requestId"]] = {"output": body.get("output", "?"), "encoded": 0, "decoded": 0}

    def received(e: dict) -> None:
        if e["requestId"] in requests:
            requests[e["requestId"]]["decoded"] += e["dataLength"]

    def finished(e: dict) -> None:
        if e["requestId"] in requests:
            requests[e["requestId"]]["encoded"] = int(e["encodedDataLength"])

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.dataReceived", received)
    cdp.on("Network.loadingFinished", finished)
    return requests


def cpu_seconds(processes: list[psutil.Process]) -> float:
    """User + system CPU time of these processes (those gone are left out)."""
    total = 0.0
    for proc in processes:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def browser_processes(server_pid: int) -> list[psutil.Process]:
    """This process's Chromium (the one Playwright drives), not the render service's under gunicorn."""
    skip = {server_pid} | {p.pid for p in psutil.Process(server_pid).children(recursive=True)}
    return [p for p in psutil.Process().children(recursive=True) if p.pid not in skip and "chrom" in p.name()]


def worker_processes(server_pid: int) -> list[psutil.Process]:
    """gunicorn's workers (the render service, with children of its own, left out)."""
    return [p for p in psutil.Process(server_pid).children() if not p.children()]


def profile_interaction(
    page: Any, base: str, name: str, plan: dict, server_pid: int, interval_us: int = 200
) -> dict:
    """Time, requests, bytes, CPU (the browser's and the workers'), store notifications, DOM
    mutations and a CPU profile of one interaction's changes."""
    graph = BROWSER_INTERACTIONS[name]
    page.goto(base + plan["url"])
    page.wait_for_function(DRAWN_JS, arg=graph, timeout=90_000)
    page.wait_for_load_state("networkidle")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    requests = _record_network(cdp)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": interval_us})
    page.evaluate(OBSERVE_JS)
    times, per_change, mutations, notifications = [], [], [], []
    browser, workers = browser_processes(server_pid), worker_processes(server_pid)
    cdp.send("Profiler.start")
    browser_cpu, workers_cpu = cpu_seconds(browser), cpu_seconds(workers)
    for change in plan["changes"]:
        page.evaluate(SETTLE_JS, SETTLE_QUIET_MS)
        requests.clear()
        page.evaluate("() => { window.__mutations = 0; window.__notifications = 0; }")
        times.append(page.evaluate(CHANGE_JS, [graph, change, 20_000]))
        page.wait_for_function(WAIT_IDLE_JS, timeout=20_000)  # every callback of the change answered
        mutations.append(page.evaluate("() => window.__mutations"))
        notifications.append(page.evaluate("() => window.__notifications"))
        per_change.append(list(requests.values()))
    browser_cpu, workers_cpu = cpu_seconds(browser) - browser_cpu, cpu_seconds(workers) - workers_cpu
    profile = cdp.send("Profiler.stop")["profile"]
    cdp.detach()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.cpuprofile").write_text(json.dumps(profile))
    n = len(plan["changes"])
    outputs: dict[str, list[int]] = defaultdict(list)
    for reqs in per_change:
        for r in reqs:
            outputs[r["output"]].append(r["decoded"])
    summary = summarise_profile(profile)
    return {
        "p50_ms": round(float(np.percentile(times, 50)), 1),
        "p95_ms": round(float(np.percentile(times, 95)), 1),
        "requests_per_change": round(sum(len(r) for r in per_change) / n, 1),
        "encoded_bytes_per_change": int(np.median([sum(r["encoded"] for r in reqs) for reqs in per_change])),
        "decoded_bytes_per_change": int(np.median([sum(r["decoded"] for r in reqs) for reqs in per_change])),
        "dom_mutations_per_change": int(np.median(mutations)),
        "store_notifications_per_change": int(np.median(notifications)),
        # CPU time, blind to other processes' load (unlike the times above): Chromium's (all of
        # its processes, profiler included) and the gunicorn workers', per change
        "browser_cpu_ms_per_change": round(1000 * browser_cpu / n, 1),
        "server_cpu_ms_per_change": round(1000 * workers_cpu / n, 1),
        "outputs": {o: (len(v) / n, int(np.median(v))) for o, v in outputs.items()},
        "by_script_ms_per_change": {k: round(v / n, 1) for k, v in summary["by_script"].most_common()},
        "top_functions_ms_per_change": {
            k: round(v / n, 1) for k, v in summary["by_function"].most_common(20)
        },
    }


def report(name: str, fig: dict) -> str:
    lines = [
        f"== {name}: p50 {fig['p50_ms']} ms, p95 {fig['p95_ms']} ms; {fig['requests_per_change']} requests "
        f"per change, {fig['encoded_bytes_per_change']:,} bytes as sent ({fig['decoded_bytes_per_change']:,} "
        f"parsed), {fig['dom_mutations_per_change']} DOM mutations, "
        f"{fig['store_notifications_per_change']} store notifications; CPU per change: browser "
        f"{fig['browser_cpu_ms_per_change']} ms, server {fig['server_cpu_ms_per_change']} ms",
        "  requests (per change, parsed bytes):",
    ]
    lines += [f"    {n:.1f} x {b:>9,}  {o[:110]}" for o, (n, b) in fig["outputs"].items()]
    lines.append("  main thread by script (ms per change):")
    lines += [f"    {ms:8.1f}  {s}" for s, ms in fig["by_script_ms_per_change"].items() if s != "(idle)"]
    lines.append("  functions by own time (ms per change):")
    lines += [
        f"    {ms:8.1f}  {f}" for f, ms in fig["top_functions_ms_per_change"].items() if "(idle)" not in f
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.devtools")
    parser.add_argument("interactions", nargs="*", default=list(BROWSER_INTERACTIONS))
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--dev-bundles",
        action="store_true",
        help="Dash's unminified bundles (function names readable; slower, so for finding, not timing)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    from playwright.sync_api import sync_playwright

    from bench.load import gunicorn

    plans = _plan(args.changes, args.interactions)
    env = {"OUTCOMES_CACHE_TYPE": "NullCache"}
    if args.dev_bundles:
        env["DASH_SERVE_DEV_BUNDLES"] = "true"
    out = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        sync_playwright() as pw,
        gunicorn(2, env=env, log_path=Path(tmp) / "g.log") as served,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
            for name in args.interactions:
                started = time.perf_counter()
                out[name] = profile_interaction(page, served.base, name, plans[name], served.pid)
                print(report(name, out[name]), f"\n  ({time.perf_counter() - started:.0f} s)", flush=True)
        finally:
            browser.close()
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
