"""flask-caching for derived results: the backend is configuration.

SimpleCache (one process) by default; FileSystemCache or Redis when configured
(REDIS_URL), so several gunicorn workers or hosts share one cache. If Redis stops
answering, calls fall back to computing the result, with a logged warning.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_caching import Cache

from data.settings import Settings

log = logging.getLogger(__name__)
cache = Cache()
DEFAULT_TIMEOUT = 3600


def cache_config(settings: Settings) -> dict[str, Any]:
    config: dict[str, Any] = {"CACHE_TYPE": settings.cache_type, "CACHE_DEFAULT_TIMEOUT": DEFAULT_TIMEOUT}
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
    from data.model import load_model

    text = repr((args, sorted(kwargs.items())))
    digest = hashlib.sha1(text.encode()).hexdigest()
    return f"ccg:{load_model().fingerprint}:{func.__module__}.{func.__qualname__}:{digest}"


def memoized(func: Callable) -> Callable:
    """Memoise a pure function of hashable arguments in the shared cache.

    If the backend fails (e.g. Redis stopped), the result is computed directly and a warning
    is logged: the app keeps answering.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        key = _key(func, args, kwargs)
        try:
            hit = cache.get(key)
        except Exception as exc:  # the cache backend (e.g. Redis) is down: answer anyway
            log.warning(
                "cache unavailable (%s: %s); computing %s directly", type(exc).__name__, exc, func.__name__
            )
            return func(*args, **kwargs)
        if hit is not None:
            return hit
        value = func(*args, **kwargs)
        try:
            cache.set(key, value)
        except Exception as exc:
            log.warning("cache unavailable (%s: %s); %s not stored", type(exc).__name__, exc, func.__name__)
        return value

    wrapper.uncached = func  # type: ignore[attr-defined]
    return wrapper
