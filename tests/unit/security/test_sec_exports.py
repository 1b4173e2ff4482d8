"""Exports under control: a concurrency cap with a short queue, a per-client rate limit, the
same six-area limit on every path, links never from the Host header, fixed PDF dates."""

from __future__ import annotations

import threading
import time

import pytest

from callbacks import exports
from reports.render import RENDER_TIMEOUT_S, Busy, ExportGate, RateLimit, fixed_pdf_dates


def test_gate_runs_a_few_queues_a_few_and_refuses_the_rest():
    gate = ExportGate(running=2, waiting=1, wait_s=5)
    release = threading.Event()
    started = []

    def job():
        with gate.slot():
            started.append(1)
            release.wait(5)

    threads = [threading.Thread(target=job) for _ in range(3)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 5
    while len(started) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    assert len(started) == 2  # the third waits in the queue
    with pytest.raises(Busy) as refused, gate.slot():
        pass
    assert refused.value.status == 503 and refused.value.retry_after > 0
    release.set()
    for t in threads:
        t.join(5)
    assert len(started) == 3  # the queued one ran
    with gate.slot():  # and the gate is free again
        pass


def test_a_queued_export_gives_up_after_its_wait():
    gate = ExportGate(running=1, waiting=2, wait_s=0.05)
    with gate.slot(), pytest.raises(Busy), gate.slot():
        pass


class Clock:
    now = 0.0

    def __call__(self):
        return self.now


def test_rate_limit_per_client():
    clock = Clock()
    limit = RateLimit(per_minute=6, burst=3, clock=clock)
    for _ in range(3):
        limit.take("10.0.0.1")
    with pytest.raises(Busy) as refused:
        limit.take("10.0.0.1")
    assert refused.value.status == 429 and 1 <= refused.value.retry_after <= 11
    limit.take("10.0.0.2")  # another client is not affected
    clock.now = 10.5  # one token back (6 a minute)
    limit.take("10.0.0.1")


def test_rate_limit_memory_is_bounded():
    limit = RateLimit(clients=100)
    for i in range(1000):
        limit.take(f"client-{i}")
    assert len(limit._buckets) <= 100


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


def test_rendered_exports_over_the_rate_are_429(client, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_RATE", RateLimit(per_minute=1, burst=0))
    response = client.get("/export/compare.png")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_rendered_exports_beyond_the_queue_are_503(client, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_GATE", ExportGate(running=1, waiting=0, wait_s=0.01))
    with exports.EXPORT_GATE.slot():
        response = client.get("/export/compare.svg")
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0


def test_data_exports_are_not_limited(client, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_RATE", RateLimit(per_minute=1, burst=0))
    assert client.get("/export/compare.csv").status_code == 200


def test_pack_limit_is_six_on_every_path(client, model):
    codes = sorted(model.areas.loc[model.areas["geography"] == "ccg21", "area_code"])[:7]
    response = client.get("/export/pack.pdf?areas=" + ",".join(codes))
    assert response.status_code == 400 and "At most 6" in response.get_data(as_text=True)
    # the background pack reads the store, which every callback request re-parses (6 at most)
    from selection import parse_selection

    assert len(parse_selection(model, {"areas": codes * 20})[0]["areas"]) == 6
