"""Exports under control: a bounded render pool that refuses at once, rate limits shared by
every worker (per client and for the site), full validation before anything waits, the same
six-area limit on every path, links never from the Host header, fixed PDF dates."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from callbacks import render_pool
from callbacks.limits import Bucket, Busy, ExportLimits, FileStore, MemoryStore, set_export_limits
from callbacks.render_pool import Job, LocalPool, Result, worker_share
from reports.render import RENDER_TIMEOUT_S, fixed_pdf_dates

ROOT = Path(__file__).resolve().parents[3]
OK = Result(200, "text/plain", b"ok")


def blocking_pool(running: int, queued: int, wait_s: float = 5.0):
    """A pool whose jobs wait for ``release``; ``started`` counts those running."""
    release = threading.Event()
    started: list[str] = []

    def runner(job: Job) -> Result:
        started.append(job.name)
        release.wait(10)
        return OK

    return LocalPool(runner, running=running, queued=queued, wait_s=wait_s), release, started


def wait_for(condition, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_pool_runs_a_few_queues_a_few_and_refuses_the_rest_at_once():
    pool, release, started = blocking_pool(running=2, queued=1)
    results: list[Result] = []
    threads = [threading.Thread(target=lambda: results.append(pool.run(Job("x.png", b"")))) for _ in range(3)]
    for t in threads:
        t.start()
    wait_for(lambda: len(started) == 2 and pool.admitted == 3)
    time.sleep(0.05)
    assert len(started) == 2  # the third waits in the queue
    began = time.monotonic()
    with pytest.raises(Busy) as refused:
        pool.run(Job("y.png", b""))
    assert time.monotonic() - began < 0.1  # at once, not after a wait
    assert refused.value.status == 503 and 2 <= refused.value.retry_after <= 60
    release.set()
    for t in threads:
        t.join(5)
    assert results == [OK] * 3 and pool.admitted == 0
    assert pool.run(Job("z.png", b"")) == OK  # and the pool is free again


def test_a_queued_export_gives_up_after_its_wait():
    pool, release, _ = blocking_pool(running=1, queued=1, wait_s=0.05)
    holder = threading.Thread(target=pool.run, args=(Job("a.png", b""),))
    holder.start()
    wait_for(lambda: pool.admitted == 1)
    try:
        threading.Timer(0.3, release.set).start()
        with pytest.raises(Busy) as refused:
            pool.run(Job("b.png", b""))  # starts after its 0.05 s turn is over
        assert refused.value.status == 503
    finally:
        release.set()
        holder.join(5)


def test_a_place_is_freed_only_when_its_job_ends():
    pool, release, _ = blocking_pool(running=1, queued=0)
    with pytest.raises(Busy):  # the caller gives up; the job still runs and keeps its place
        pool.run(Job("a.png", b""), timeout_s=0.05)
    with pytest.raises(Busy):
        pool.run(Job("b.png", b""))
    release.set()
    wait_for(lambda: pool.admitted == 0)


def test_a_worker_keeps_half_its_threads_for_pages():
    assert worker_share(threads=8, pool_places=4) == 4
    assert worker_share(threads=8, pool_places=10) == 4
    assert worker_share(threads=4, pool_places=4) == 2
    assert worker_share(threads=1, pool_places=4) == 0
    for threads in range(1, 33):
        assert threads - worker_share(threads, 100) >= max(1, threads // 2)


class Clock:
    now = 1000.0

    def __call__(self):
        return self.now


def limits(store, per_minute=6, burst=3, site_per_minute=600, site_burst=100, clock=None):
    return ExportLimits(
        store, Bucket(per_minute / 60, burst), Bucket(site_per_minute / 60, site_burst), clock or Clock()
    )


@pytest.fixture(params=["memory", "file"])
def store(request, tmp_path):
    return MemoryStore() if request.param == "memory" else FileStore(tmp_path / "limits.sqlite3")


def test_rate_limit_per_client(store):
    clock = Clock()
    limit = limits(store, clock=clock)
    for _ in range(3):
        limit.take("10.0.0.1")
    with pytest.raises(Busy) as refused:
        limit.take("10.0.0.1")
    assert refused.value.status == 429 and 1 <= refused.value.retry_after <= 11
    limit.take("10.0.0.2")  # another client is not affected
    clock.now += 10.5  # one token back (6 a minute)
    limit.take("10.0.0.1")


def test_the_site_cap_holds_whoever_asks(store):
    limit = limits(store, per_minute=60, burst=10, site_per_minute=6, site_burst=4)
    for i in range(4):
        limit.take(f"10.0.0.{i}")
    with pytest.raises(Busy) as refused:
        limit.take("10.0.0.99")
    assert refused.value.status == 503 and refused.value.retry_after >= 1


def test_rate_limit_memory_is_bounded():
    store = MemoryStore(clients=100)
    limit = limits(store, site_per_minute=60_000, site_burst=10_000)
    for i in range(1000):
        limit.take(f"client-{i}")
    assert len(store._buckets) <= 100


TAKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from callbacks.limits import Bucket, FileStore
    store, bucket = FileStore(Path(sys.argv[1])), Bucket(rate=1 / 3600, burst=10)
    print(sum(store.take("client:10.0.0.1", bucket, time.time()) == 0 for _ in range(8)))
    """
)


def test_the_host_store_is_shared_by_processes(tmp_path):
    """Two processes (two gunicorn workers) spend one client's tokens: 10 in all, not 10 each."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", TAKER, str(tmp_path / "limits.sqlite3")],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    granted = [int(p.communicate(timeout=60)[0].strip()) for p in procs]
    assert sum(granted) == 10, granted


def test_the_limits_from_the_environment(monkeypatch, tmp_path):
    """What a worker makes on its first export: the host's file store, the documented sizes."""
    from callbacks import limits as limits_module

    monkeypatch.setenv("OUTCOMES_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setattr(limits_module, "_store", None)
    set_export_limits(None)
    try:
        made = limits_module.export_limits()
        assert isinstance(made.store, FileStore) and made.store.path.parent == tmp_path
        assert made.per_client == Bucket(1.0, 30) and made.whole_site == Bucket(2.0, 60)
        made.take("10.0.0.1")
    finally:
        set_export_limits(None)
        monkeypatch.setattr(limits_module, "_store", None)


@pytest.fixture
def strict(tmp_path):
    """Limits of one export per client (in memory) for the app's client, restored afterwards."""
    set_export_limits(limits(MemoryStore(), per_minute=1, burst=1))
    yield
    set_export_limits(None)


@pytest.fixture
def full_pool(monkeypatch):
    pool, release, _ = blocking_pool(running=1, queued=0)
    holder = threading.Thread(target=pool.run, args=(Job("held.png", b""),))
    holder.start()
    wait_for(lambda: pool.admitted == 1)
    monkeypatch.setattr(render_pool, "get_pool", lambda owner: pool)
    yield pool
    release.set()
    holder.join(10)


@pytest.fixture
def quick_pool(monkeypatch):
    """A pool that makes every export at once (a fixed answer): only the limits refuse."""
    pool = LocalPool(lambda job: OK, running=1, queued=0)
    monkeypatch.setattr(render_pool, "get_pool", lambda owner: pool)
    return pool


def test_rendered_exports_over_the_rate_are_429(client, strict, quick_pool):
    assert client.get("/export/compare.png").status_code == 200  # the one token
    response = client.get("/export/compare.png")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert response.mimetype == "text/plain"


def test_a_refused_export_costs_no_token(client, strict, full_pool, monkeypatch):
    """The pool full: 503, and the token comes back, so coming back later is not a 429."""
    for _ in range(3):
        assert client.get("/export/compare.png").status_code == 503
    quick = LocalPool(lambda job: OK, running=1, queued=0)
    monkeypatch.setattr(render_pool, "get_pool", lambda owner: quick)
    assert client.get("/export/compare.png").status_code == 200


def test_the_site_cap_gives_the_clients_token_back(store):
    limit = limits(store, per_minute=60, burst=2, site_per_minute=0.01, site_burst=1)
    limit.take("10.0.0.1")
    for _ in range(3):
        with pytest.raises(Busy) as refused:
            limit.take("10.0.0.2")
        assert refused.value.status == 503  # the site's cap, never this client's 429


def test_rendered_exports_beyond_the_pool_are_503_at_once(client, full_pool):
    set_export_limits(limits(MemoryStore(), per_minute=600, burst=100))
    try:
        began = time.monotonic()
        response = client.get("/export/compare.svg")
        assert time.monotonic() - began < 2.0
    finally:
        set_export_limits(None)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0


def test_a_refusal_is_json_for_a_client_that_asks(client, full_pool):
    set_export_limits(limits(MemoryStore(), per_minute=600, burst=100))
    try:
        response = client.get("/export/compare.svg", headers={"Accept": "application/json"})
    finally:
        set_export_limits(None)
    assert response.status_code == 503 and response.mimetype == "application/json"
    body = json.loads(response.data)
    assert body["retry_after"] == int(response.headers["Retry-After"]) and "busy" in body["error"]


@pytest.mark.parametrize(
    "url, status",
    [
        ("/export/map.csv%00.png", 404),
        ("/export/nothing.png", 404),
        ("/export/table.png", 404),
        ("/export/compare.png?indicator=nope", 400),
        ("/export/compare.png?size=huge", 400),
        ("/export/compare.png?part=0", 400),
        ("/export/compare.png?bogus=1", 400),
        ("/export/spine.png", 400),
        ("/export/pack.pdf", 400),
        ("/export/pack.pdf?areas=E38999999", 400),
        ("/export/inequalities.png?icb=all&part=4", 400),
        ("/export/practices.png?indicator=qof_hyp", 400),
    ],
)
def test_bad_exports_are_refused_before_a_token_or_a_wait(client, strict, full_pool, url, status):
    """Validated completely first: no rate token spent, no wait for the (full) pool."""
    began = time.monotonic()
    response = client.get(url)
    assert time.monotonic() - began < 2.0
    assert response.status_code == status, response.data[:200]
    assert client.get("/export/compare.png").status_code == 503  # the token is still there


def test_render_timeout_is_inside_the_worker_timeout():
    import runpy
    from pathlib import Path

    conf = runpy.run_path(str(Path(__file__).resolve().parents[3] / "gunicorn.conf.py"))
    assert conf["timeout"] > RENDER_TIMEOUT_S + 5


def test_pdf_dates_are_fixed_without_moving_offsets():
    body = b"%PDF-1.4\n1 0 obj << /CreationDate (D:20261130021512+00'00') /ModDate(D:20261130021513Z) >>"
    fixed = fixed_pdf_dates(body, "20250101000000")
    assert len(fixed) == len(body)
    assert b"D:20250101000000+00'00'" in fixed and b"D:20250101000000Z" in fixed
    assert fixed_pdf_dates(fixed, "20250101000000") == fixed


def test_links_never_come_from_the_host_header(client, monkeypatch):
    monkeypatch.delenv("OUTCOMES_PUBLIC_URL", raising=False)
    response = client.get("/export/compare.csv", headers={"Host": "evil.example"})
    assert response.status_code == 200
    assert b"evil.example" not in response.data


def test_data_exports_are_not_limited(client, strict):
    for _ in range(3):
        assert client.get("/export/compare.csv").status_code == 200


def test_pack_limit_is_six_on_every_path(client, model):
    codes = sorted(model.areas.loc[model.areas["geography"] == "ccg21", "area_code"])[:7]
    response = client.get("/export/pack.pdf?areas=" + ",".join(codes))
    assert response.status_code == 400 and "At most 6" in response.get_data(as_text=True)
    # the background pack reads the store, which every callback request re-parses (6 at most)
    from selection import parse_selection

    assert len(parse_selection(model, {"areas": codes * 20})[0]["areas"]) == 6
