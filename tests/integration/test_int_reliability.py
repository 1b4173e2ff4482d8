"""Reliability on a board-meeting morning (issue 20): the app as deployed (2 gunicorn workers,
Redis, the project's nginx), on loopback, bounded in count and time.

- a burst of 40 chart exports from 40 addresses leaves pages fast (probe p95 under 1 s), and
  every export is a file or an immediate 503 with Retry-After (none lost; retried as the
  export links do, every client gets its file);
- users behind one address share a site-sized allowance, not one export; the per-client
  limit holds across workers, and rotating X-Forwarded-For from a peer that is not the proxy
  does not evade it;
- a lone surrogate, an unknown component-suite script and a cross-site POST are 400, 404, 403;
- a lazy model frame damaged while the app runs: 503 with Retry-After, then served again.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import psutil
import pytest

from bench.load import gunicorn
from tests.integration.conftest import RedisServer, nginx, view_body

EXPORTS = 40
PROBE_P95_S = 1.0
RETRY_BUDGET_S = 150.0  # every client has its file within this, retrying as told
INDICATORS = ("qof_hyp", "dementia_ddr_65plus", "qof_dm", "qof_chd")
PNG = b"\x89PNG\r\n\x1a\n"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


def request(
    base: str,
    method: str,
    path: str,
    *,
    source: str = "127.0.0.1",
    body: bytes | None = None,
    headers: dict | None = None,
    timeout: float = 130.0,
) -> Answer:
    host, port = base.removeprefix("http://").split(":")
    started = time.perf_counter()
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    return Answer(
        response.status, {k.lower(): v for k, v in response.getheaders()}, data, time.perf_counter() - started
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Redis, 2 gunicorn workers (the repo's gunicorn.conf.py: the render service too), nginx."""
    tmp = tmp_path_factory.mktemp("reliability")
    cache = RedisServer()
    env = {
        "OUTCOMES_PROXY_COUNT": "1",
        "REDIS_URL": cache.url,
        "GUNICORN_ACCESS_LOG": str(tmp / "access.log"),
    }
    try:
        with (
            gunicorn(2, env=env, log_path=tmp / "gunicorn.log") as app,
            nginx(int(app.base.rsplit(":", 1)[1]), tmp) as front,
        ):
            yield app, front, tmp
    finally:
        cache.stop()


class Probe:
    """An ordinary user meanwhile: a page, then a chart's callback, again and again."""

    def __init__(self, front: str, model) -> None:
        self.front = front
        self.bodies = [
            view_body(model, "compare-graph.figure", f"?indicator={i}", "compare") for i in INDICATORS
        ]
        self.times: list[float] = []
        self.statuses: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        i = 0
        while not self._stop.is_set():
            if i % 2:
                answer = request(
                    self.front,
                    "POST",
                    "/_dash-update-component",
                    source="127.0.1.1",
                    body=self.bodies[i % len(self.bodies)],
                    headers={"Content-Type": "application/json"},
                )
            else:
                answer = request(self.front, "GET", "/map?areas=E38000089", source="127.0.1.1")
            self.times.append(answer.seconds)
            self.statuses.append(answer.status)
            i += 1
            self._stop.wait(0.1)

    def __enter__(self) -> Probe:
        self._thread.start()
        time.sleep(1.0)
        return self

    def __exit__(self, *exc) -> None:
        time.sleep(1.0)
        self._stop.set()
        self._thread.join(30)

    def p95(self) -> float:
        return float(np.percentile(self.times, 95))


def export_path(i: int) -> str:
    return f"/export/compare.png?indicator={INDICATORS[i % len(INDICATORS)]}&areas=E38000089"


def test_a_burst_of_exports_leaves_pages_fast(stack, model, record_property):
    _, front, _ = stack
    sources = [f"127.0.0.{i + 2}" for i in range(EXPORTS)]
    with Probe(front, model) as probe, ThreadPoolExecutor(EXPORTS) as pool:
        answers = list(
            pool.map(lambda i: request(front, "GET", export_path(i), source=sources[i]), range(EXPORTS))
        )
    statuses = [a.status for a in answers]
    record_property(
        "burst", {"200": statuses.count(200), "503": statuses.count(503), "probe_p95_s": probe.p95()}
    )
    print(
        f"burst: {statuses.count(200)} files, {statuses.count(503)} 503s; probe p95 {probe.p95():.3f} s "
        f"(max {max(probe.times):.3f} s, n {len(probe.times)}); slowest export {max(a.seconds for a in answers):.1f} s"
    )
    assert len(answers) == EXPORTS  # none lost
    assert set(statuses) <= {200, 503}, statuses
    for a in answers:
        if a.status == 200:
            assert a.body.startswith(PNG)
        else:
            assert int(a.headers["retry-after"]) >= 1 and b"try again" in a.body
    assert statuses.count(200) >= 2  # the pool's running places were used
    refused = [a.seconds for a in answers if a.status == 503]
    assert not refused or max(refused) < 5.0, "refusals must come at once"
    assert set(probe.statuses) == {200}
    assert probe.p95() < PROBE_P95_S, sorted(probe.times)[-5:]


def test_every_client_gets_its_file_by_retrying_as_told(stack, model):
    """The same burst, each client coming back after Retry-After (as the export links do)."""
    _, front, _ = stack
    deadline = time.monotonic() + RETRY_BUDGET_S

    def client(i: int) -> tuple[int, int]:
        tries = 0
        while time.monotonic() < deadline:
            tries += 1
            answer = request(front, "GET", export_path(i), source=f"127.0.0.{i + 2}")
            if answer.status == 200:
                assert answer.body.startswith(PNG)
                return answer.status, tries
            assert answer.status == 503 and int(answer.headers["retry-after"]) >= 1, answer.status
            time.sleep(min(int(answer.headers["retry-after"]), max(0.0, deadline - time.monotonic())))
        return 0, tries

    with Probe(front, model) as probe, ThreadPoolExecutor(EXPORTS) as pool:
        results = list(pool.map(client, range(EXPORTS)))
    print(
        f"retrying: {sum(t for _, t in results)} requests for {EXPORTS} files; probe p95 {probe.p95():.3f} s"
    )
    assert [s for s, _ in results] == [200] * EXPORTS
    assert probe.p95() < PROBE_P95_S, sorted(probe.times)[-5:]


def test_users_behind_one_address_share_a_site_allowance(stack):
    """Through nginx, user A's eighth export does not leave user B at the same address a 429."""
    _, front, _ = stack
    for i in range(8):
        answer = request(
            front, "GET", f"/export/compare.svg?indicator={INDICATORS[i % 4]}", source="127.0.2.1"
        )
        assert answer.status == 200, (i, answer.status, answer.body[:200])
    other = request(front, "GET", "/export/spine.svg?areas=E38000089", source="127.0.2.1")
    assert other.status == 200


@pytest.fixture(scope="module", params=["redis", "host file"])
def strict_app(request, tmp_path_factory):
    """2 workers, OUTCOMES_PROXY_COUNT=1, a per-client allowance of 3 (no refill to speak of):
    limits in Redis, or in the host's shared file when there is no Redis."""
    tmp = tmp_path_factory.mktemp("strict")
    env = {
        "OUTCOMES_PROXY_COUNT": "1",
        "OUTCOMES_EXPORTS_BURST": "3",
        "OUTCOMES_EXPORTS_PER_MINUTE": "0.01",
        "OUTCOMES_CACHE_DIR": str(tmp / "cache"),
        "GUNICORN_ACCESS_LOG": str(tmp / "access.log"),
    }
    shutil.copytree(model_dir(), tmp / "cache" / model_dir().name)
    cache = RedisServer() if request.param == "redis" else None
    if cache:
        env["REDIS_URL"] = cache.url
    try:
        with gunicorn(2, env=env, log_path=tmp / "gunicorn.log") as app:
            yield app, tmp
    finally:
        if cache:
            cache.stop()


def model_dir():
    from data.model.store import cache_dir_for, load_model

    return cache_dir_for(load_model().fingerprint)


def test_the_client_limit_holds_across_workers_and_forged_addresses(strict_app):
    """Straight to gunicorn from a peer that is not the proxy, a new X-Forwarded-For each time,
    a new connection each time (both workers answer): three files, then 429s."""
    app, tmp = strict_app
    answers = [
        request(
            app.base,
            "GET",
            f"/export/compare.svg?indicator={INDICATORS[i % 4]}",
            source="127.0.3.1",
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
        )
        for i in range(6)
    ]
    assert [a.status for a in answers] == [200, 200, 200, 429, 429, 429], [a.body[:100] for a in answers]
    assert all(int(a.headers["retry-after"]) > 0 for a in answers[3:])

    def pids() -> set[int]:
        return {int(p) for p in re.findall(r"pid=<(\d+)>", (tmp / "access.log").read_text())}

    # the kernel may hand six connections to one worker: ask on (every answer a 429) until both
    # workers have answered, so the limit is seen to hold in each
    for i in range(6, 60):
        if len(pids()) == 2:
            break
        again = request(
            app.base,
            "GET",
            f"/export/compare.svg?indicator={INDICATORS[i % 4]}",
            source="127.0.3.1",
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
        )
        assert again.status == 429, again.body[:100]
    assert len(pids()) == 2, "both workers should have answered"


def test_bad_input_through_nginx(stack, model):
    _, front, _ = stack
    body = view_body(model, "compare-graph.figure", "", "compare").replace(
        b'"areas": []', b'"areas": ["\\udc80"]'
    )
    assert b"udc80" in body
    json_headers = {"Content-Type": "application/json"}
    assert request(front, "POST", "/_dash-update-component", body=body, headers=json_headers).status == 400
    script = request(front, "GET", "/_dash-component-suites/nope/x.js")
    assert script.status == 404 and b"Traceback" not in script.body and b"registered" not in script.body
    assert request(front, "GET", "/_reload-hash").status == 404


def test_a_cross_site_post_is_refused(stack, model):
    _, front, _ = stack
    body = view_body(model, "compare-graph.figure", "?indicator=qof_hyp", "compare")
    forged = request(
        front,
        "POST",
        "/_dash-update-component",
        body=body,
        headers={"Content-Type": "text/plain", "Origin": "https://evil.example"},
    )
    assert forged.status == 403
    sent_by_the_page = request(
        front,
        "POST",
        "/_dash-update-component",
        body=body,
        headers={"Content-Type": "application/json", "Origin": front, "Sec-Fetch-Site": "same-origin"},
    )
    assert sent_by_the_page.status == 200


def test_a_lazy_frame_damaged_at_run_time_recovers(model, tmp_path):
    """The trends frame truncated after start-up, before its first use: the trends chart's
    callback answers 503 with Retry-After, the file is put right in the background, and the
    chart is served again."""
    cache = tmp_path / "cache"
    shutil.copytree(model_dir(), cache / model_dir().name)
    frame = cache / model_dir().name / "frame__trends.parquet"
    env = {"OUTCOMES_CACHE_DIR": str(cache)}
    body = view_body(model, "trends-graph.figure", "?indicator=dementia_ddr_65plus&areas=E38000089", "trends")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    with gunicorn(2, env=env, log_path=tmp_path / "gunicorn.log") as app:
        assert len(psutil.Process(app.pid).children()) >= 2
        whole = frame.read_bytes()
        frame.write_bytes(whole[: len(whole) // 3])
        first = request(app.base, "POST", "/_dash-update-component", body=body, headers=headers)
        assert first.status == 503, first.body[:200]
        assert int(first.headers["retry-after"]) >= 1 and json.loads(first.body)["status"] == 503
        deadline = time.monotonic() + 60
        served = []
        while time.monotonic() < deadline and len(served) < 4:
            answer = request(app.base, "POST", "/_dash-update-component", body=body, headers=headers)
            assert answer.status in (200, 503), answer.status
            if answer.status == 200:
                served.append(answer)
            else:
                time.sleep(min(2, int(answer.headers["retry-after"])))
        assert len(served) == 4, "the trends chart was not served again within 60 s"
        assert b'"trends-graph"' in served[0].body
        assert frame.read_bytes() == whole
    log = (tmp_path / "gunicorn.log").read_text()
    assert "restored from its spare copy" in log and "Traceback" not in log
