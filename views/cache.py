"""flask-caching for derived results: the backend is configuration.

SimpleCache (one process) by default; FileSystemCache or Redis when configured
(REDIS_URL), so several gunicorn workers or hosts share one cache. If Redis stops
answering, calls fall back to computing the result, with a logged warning; after a few
failures in a row a circuit breaker skips the cache for a while, then tries it again.

Within one request, a result already computed is taken from the request's own memo (``flask.g``)
before the shared cache is asked: a view calls the same memoised frames several times (the rows,
then the compared rows, then the chart), and with the cache off (``NullCache``) or on another
worker each of those calls would otherwise compute again.

Bounded: at most ``MAX_ENTRIES`` entries and ``MAX_LOCAL_BYTES`` (pickled) in a process's
own cache (``BoundedSimpleCache``: every gunicorn worker keeps one, so it counts against the
worker's memory budget), and no value larger than ``MAX_VALUE_BYTES`` (pickled) is stored
anywhere (Redis itself is bounded by its ``maxmemory`` with LRU eviction; see the README).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import pickle
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, g, has_request_context
from flask_caching import Cache
from flask_caching.backends.simplecache import SimpleCache

from data.model.settings import Settings

log = logging.getLogger(__name__)
cache = Cache()
DEFAULT_TIMEOUT = 3600
MAX_ENTRIES = 200  # per process (SimpleCache) or per directory (FileSystemCache)
MAX_VALUE_BYTES = 2_000_000  # the largest view (a full map figure) pickles to about 0.6 MB
MAX_LOCAL_BYTES = 32_000_000  # a process's own cache, all entries together (pickled)
MAX_REQUEST_BYTES = 16_000_000  # one request's own memo, all entries together (pickled)


class BoundedSimpleCache(SimpleCache):
    """flask-caching's SimpleCache that also drops its oldest entries past ``MAX_LOCAL_BYTES``."""

    def _over_threshold(self) -> bool:
        if super()._over_threshold():
            return True
        return sum(len(value) for _, value in self._cache.values()) > MAX_LOCAL_BYTES


def cache_config(settings: Settings) -> dict[str, Any]:
    config: dict[str, Any] = {
        "CACHE_TYPE": "views.cache.BoundedSimpleCache"
        if settings.cache_type == "SimpleCache"
        else settings.cache_type,
        "CACHE_DEFAULT_TIMEOUT": DEFAULT_TIMEOUT,
        "CACHE_THRESHOLD": MAX_ENTRIES,
    }
    if settings.cache_type == "RedisCache":
        config["CACHE_REDIS_URL"] = settings.redis_url
        config["CACHE_OPTIONS"] = {"socket_connect_timeout": 0.2, "socket_timeout": 0.5}
    elif settings.cache_type == "FileSystemCache":
        config["CACHE_DIR"] = str(settings.cache_dir / "flask-cache")
    return config


def init_cache(server: Flask, settings: Settings) -> None:
    cache.init_app(server, config=cache_config(settings))
    log.info("cache backend: %s", settings.cache_type)


def _key(func: Callable, args: tuple, kwargs: dict) -> str:
    """A key that is the same in every worker and host, and changes with the model."""
    from data.model.store import load_model

    text = repr((args, sorted(kwargs.items())))
    digest = hashlib.sha1(text.encode()).hexdigest()
    return f"ccg:{load_model().fingerprint}:{func.__module__}.{func.__qualname__}:{digest}"


class CircuitBreaker:
    """After ``failures`` errors in a row, report the backend open (skip it) for ``cooldown`` s.

    Then one call is let through: success closes the circuit, another error opens it again.
    """

    def __init__(
        self, failures: int = 3, cooldown: float = 30.0, clock: Callable[[], float] = time.monotonic
    ):
        self.failures, self.cooldown, self.clock = failures, cooldown, clock
        self._errors = 0
        self._open_until = 0.0
        self._lock = threading.Lock()

    def allow(self) -> bool:
        with self._lock:
            return self.clock() >= self._open_until

    def succeeded(self) -> None:
        with self._lock:
            if self._errors >= self.failures:
                log.info("cache backend answering again")
            self._errors = 0
            self._open_until = 0.0

    def failed(self, exc: BaseException, what: str) -> None:
        with self._lock:
            self._errors += 1
            if self._errors < self.failures:
                log.warning("cache unavailable (%s: %s); %s", type(exc).__name__, exc, what)
                return
            self._open_until = self.clock() + self.cooldown
            if self._errors == self.failures:
                log.warning(
                    "cache unavailable %d times in a row (%s: %s): skipping it for %.0f s at a time",
                    self._errors,
                    type(exc).__name__,
                    exc,
                    self.cooldown,
                )


breaker = CircuitBreaker()


def small_enough(value: Any) -> bool:
    """True if the value pickles within ``MAX_VALUE_BYTES`` (larger results are not cached)."""
    data = _pickled(value)
    return data is not None and len(data) <= MAX_VALUE_BYTES


class RequestMemo:
    """One request's results, pickled (each hit is a copy, as from the shared cache, so a caller
    that changes what it was given changes nobody else's), at most ``MAX_REQUEST_BYTES``."""

    def __init__(self) -> None:
        self.values: dict[str, bytes] = {}
        self.size = 0

    def get(self, key: str) -> Any:
        data = self.values.get(key)
        return None if data is None else pickle.loads(data)

    def put(self, key: str, data: bytes) -> None:
        """Keep a result, given pickled (as it was to check its size for the shared cache)."""
        if self.size + len(data) <= MAX_REQUEST_BYTES:
            self.values[key] = data
            self.size += len(data)


def request_memo() -> RequestMemo | None:
    """The memo of the request being served (None outside a request)."""
    if not has_request_context():
        return None
    memo = g.get("_memoized")
    if memo is None:
        memo = g._memoized = RequestMemo()
    return memo


def memoized(func: Callable) -> Callable:
    """Memoise a pure function of hashable arguments: in the request's own memo, then in the
    shared cache.

    If the backend fails (e.g. Redis stopped), the result is computed directly and a warning
    is logged: the app keeps answering; repeated failures open the circuit breaker.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        key = _key(func, args, kwargs)
        memo = request_memo()
        if memo is not None and (hit := memo.get(key)) is not None:
            return hit
        value, data = _shared(func, key, args, kwargs)
        if memo is not None and data is not None:
            memo.put(key, data)
        return value

    wrapper.uncached = func  # type: ignore[attr-defined]
    return wrapper


def _pickled(value: Any) -> bytes | None:
    try:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return None


def _shared(func: Callable, key: str, args: tuple, kwargs: dict) -> tuple[Any, bytes | None]:
    """The result from the shared cache, or computed (and stored there if small enough); with the
    result pickled when it was computed here (for the request's memo), else None (a hit from the
    shared cache is as quick to ask again)."""
    if not breaker.allow():
        value = func(*args, **kwargs)
        return value, _pickled(value)
    try:
        hit = cache.get(key)
    except Exception as exc:  # the cache backend (e.g. Redis) is down: answer anyway
        breaker.failed(exc, f"computing {func.__name__} directly")
        value = func(*args, **kwargs)
        return value, _pickled(value)
    breaker.succeeded()
    if hit is not None:
        return hit, None
    value = func(*args, **kwargs)
    data = _pickled(value)
    if data is None or len(data) > MAX_VALUE_BYTES:
        log.info("%s result over %d bytes (or not picklable): not cached", func.__name__, MAX_VALUE_BYTES)
        return value, data
    try:
        cache.set(key, value)
    except Exception as exc:
        breaker.failed(exc, f"{func.__name__} not stored")
    return value, data
