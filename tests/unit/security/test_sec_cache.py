"""The result cache is bounded in entries and value size, and skips a failing backend."""

from __future__ import annotations

import logging

import pytest

from data.model.settings import Settings
from views import cache as cache_module
from views.cache import MAX_ENTRIES, MAX_VALUE_BYTES, CircuitBreaker, cache_config, memoized, small_enough


def test_config_bounds_entries(tmp_path):
    settings = Settings(data_dir=tmp_path, cache_dir=tmp_path, redis_url=None, cache_type="SimpleCache")
    assert cache_config(settings)["CACHE_THRESHOLD"] == MAX_ENTRIES


def test_large_values_are_not_cached():
    assert small_enough("x" * 1000)
    assert not small_enough("x" * (MAX_VALUE_BYTES + 1))
    assert not small_enough(lambda: None)  # not picklable: never stored


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_failures_and_retries_later(caplog):
    caplog.set_level(logging.WARNING)
    clock = Clock()
    breaker = CircuitBreaker(failures=3, cooldown=30, clock=clock)
    for _ in range(3):
        assert breaker.allow()
        breaker.failed(ConnectionError("down"), "computing directly")
    assert not breaker.allow()
    clock.now = 29
    assert not breaker.allow()
    clock.now = 31
    assert breaker.allow()  # one try after the cool-down
    breaker.failed(ConnectionError("still down"), "computing directly")
    assert not breaker.allow()
    clock.now = 62
    breaker.succeeded()
    assert breaker.allow()
    assert sum("in a row" in r.getMessage() for r in caplog.records) == 1


class BrokenCache:
    calls = 0

    def get(self, key):
        BrokenCache.calls += 1
        raise ConnectionError("redis down")

    def set(self, key, value):
        raise ConnectionError("redis down")


def test_memoized_skips_a_broken_backend(monkeypatch, dash_app):
    monkeypatch.setattr(cache_module, "cache", BrokenCache())
    monkeypatch.setattr(cache_module, "breaker", CircuitBreaker(failures=2, cooldown=60))

    @memoized
    def double(x: int) -> int:
        return 2 * x

    with dash_app.server.test_request_context():
        assert [double(i) for i in range(10)] == [2 * i for i in range(10)]
    assert BrokenCache.calls == 2  # then the circuit is open: no more waiting on the backend


@pytest.mark.parametrize("n", [MAX_ENTRIES * 2])
def test_simple_cache_holds_at_most_max_entries(dash_app, n):
    with dash_app.server.test_request_context():
        for i in range(n):
            cache_module.cache.set(f"test-bound-{i}", i)
        backend = cache_module.cache.cache
        assert len(backend._cache) <= MAX_ENTRIES + 1  # pruned before each new entry


class NoCache:
    """The shared cache turned off (``NullCache``): every get misses."""

    def get(self, key):
        return None

    def set(self, key, value):
        return True


def test_a_request_computes_each_result_once_even_with_the_cache_off(monkeypatch, dash_app):
    monkeypatch.setattr(cache_module, "cache", NoCache())
    calls = []

    @memoized
    def frame(x: int) -> dict:
        calls.append(x)
        return {"x": [x]}

    with dash_app.server.test_request_context():
        first = frame(1)
        first["x"].append("changed by its caller")
        assert frame(1) == {"x": [1]}  # a copy: what one caller did to its result is not seen
        frame(2)
    assert calls == [1, 2]
    with dash_app.server.test_request_context():  # the next request: computed again
        frame(1)
    assert calls == [1, 2, 1]
    frame(1)  # outside a request: no memo
    assert calls == [1, 2, 1, 1]
