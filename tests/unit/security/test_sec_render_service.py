"""The render service's Chromium is bounded: restarted between jobs when it has grown too big
or made too many exports; the pool it answers from refuses at once when full (the service as
gunicorn runs it: tests/integration/test_int_reliability.py)."""

from __future__ import annotations

import os

from callbacks import render_service
from callbacks.render_pool import LocalPool, Result
from callbacks.render_service import CHECK_EVERY, RendererBound, renderer_mb


def test_chromium_is_restarted_when_too_big(monkeypatch):
    closed = []
    monkeypatch.setattr(render_service, "renderer_mb", lambda pid=None: 2000.0)
    monkeypatch.setattr(render_service, "_close_renderer", lambda: closed.append(1))
    pool = LocalPool(lambda job: Result(200, "text/plain", b""), running=1, queued=0)
    bound = RendererBound(max_mb=900, max_jobs=10_000)
    for _ in range(CHECK_EVERY - 1):
        bound.after_job(pool)
    assert closed == []  # looked at only every CHECK_EVERY jobs
    bound.after_job(pool)
    assert closed == [1] and bound.jobs == 0


def test_chromium_is_restarted_after_many_exports_and_kept_otherwise(monkeypatch):
    closed = []
    monkeypatch.setattr(render_service, "renderer_mb", lambda pid=None: 300.0)
    monkeypatch.setattr(render_service, "_close_renderer", lambda: closed.append(1))
    pool = LocalPool(lambda job: Result(200, "text/plain", b""), running=1, queued=0)
    small = RendererBound(max_mb=900, max_jobs=10_000)
    for _ in range(CHECK_EVERY * 3):
        small.after_job(pool)
    assert closed == []
    old = RendererBound(max_mb=900, max_jobs=CHECK_EVERY * 2)
    for _ in range(CHECK_EVERY * 2):
        old.after_job(pool)
    assert closed == [1]


def test_renderer_memory_is_measured():
    assert renderer_mb(os.getpid()) >= 0.0
