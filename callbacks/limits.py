"""Rate limits for rendered exports, shared by every worker: per client and for the whole site.

Token buckets (``rate`` tokens a second up to ``burst``) kept where every gunicorn worker sees
them: in Redis when ``REDIS_URL`` is set (one Lua script per take, so two workers never spend
the same token), else in a small SQLite file in the cache directory (``limits.sqlite3``,
shared by the workers of this host), else, if neither can be used, in the process (with a
warning). Redis failing falls back to the file store until it answers again (the cache's
circuit breaker).

Two buckets per rendered export:

- **per client** (the address the trusted proxy reports, ``callbacks.clients``): sized for a
  whole NHS site behind one address (``OUTCOMES_EXPORTS_PER_MINUTE``, default 60 a minute,
  bursts of ``OUTCOMES_EXPORTS_BURST``, default 30): beyond it, 429 with Retry-After;
- **global** (``OUTCOMES_EXPORTS_GLOBAL_PER_MINUTE``, default 120, burst 60): the site's own
  cap, whoever asks: beyond it, 503 with Retry-After. The render pool's own bound (a few
  renders at once, a short queue, ``callbacks.render_pool``) is the other half of it.
"""

from __future__ import annotations

import logging
import math
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

PREFIX = "ccg:limit:"


class Busy(RuntimeError):
    """Refused for now: ``status`` 429 (this client) or 503 (the site), and when to come back.
    The message says why, in a sentence; the answer adds when to try again."""

    def __init__(self, message: str, retry_after: int, status: int = 503) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
        self.status = status


@dataclass(frozen=True)
class Bucket:
    rate: float  # tokens a second
    burst: float

    def refill(self, tokens: float, since: float, now: float) -> float:
        return min(self.burst, tokens + max(0.0, now - since) * self.rate)

    def wait_for_one(self, tokens: float) -> float:
        return math.inf if self.rate <= 0 else (1 - tokens) / self.rate

    @property
    def idle_s(self) -> float:
        """Seconds after which an untouched bucket is full again (and can be forgotten)."""
        return 3600.0 if self.rate <= 0 else self.burst / self.rate + 1


class Store(Protocol):
    def take(self, key: str, bucket: Bucket, now: float, cost: float = 1) -> float:
        """Spend ``cost`` tokens of ``key`` (a negative cost gives tokens back, up to the burst);
        0 if granted, else the seconds until one is there."""


class MemoryStore:
    """Buckets in this process only (the last resort): bounded to ``clients`` keys."""

    def __init__(self, clients: int = 10_000) -> None:
        self.clients = clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str, bucket: Bucket, now: float, cost: float = 1) -> float:
        with self._lock:
            tokens, since = self._buckets.pop(key, (bucket.burst, now))
            tokens = bucket.refill(tokens, since, now)
            granted = tokens >= cost
            self._buckets[key] = (min(bucket.burst, tokens - cost) if granted else tokens, now)
            while len(self._buckets) > self.clients:  # bounded memory: forget the oldest
                self._buckets.popitem(last=False)
        return 0.0 if granted else bucket.wait_for_one(tokens)


class FileStore:
    """Buckets in one SQLite file every worker of the host opens (``BEGIN IMMEDIATE``: one
    writer at a time, so a token is spent once). Rows idle long enough to be full again are
    deleted now and then, so the file stays small."""

    SWEEP_EVERY = 500

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS buckets (key TEXT PRIMARY KEY, tokens REAL, at REAL)")
        self._local = threading.local()
        self._takes = 0

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")  # counters, not records: a crash may lose a few
        return db

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None or getattr(self._local, "pid", None) != os.getpid():  # not across a fork
            db = self._local.db = self._connect()
            self._local.pid = os.getpid()
        return db

    def take(self, key: str, bucket: Bucket, now: float, cost: float = 1) -> float:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT tokens, at FROM buckets WHERE key = ?", (key,)).fetchone()
            tokens = bucket.refill(*row, now) if row else bucket.burst
            granted = tokens >= cost
            db.execute(
                "INSERT OR REPLACE INTO buckets (key, tokens, at) VALUES (?, ?, ?)",
                (key, min(bucket.burst, tokens - cost) if granted else tokens, now),
            )
            self._takes += 1
            if self._takes % self.SWEEP_EVERY == 0:
                db.execute("DELETE FROM buckets WHERE at < ?", (now - bucket.idle_s,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return 0.0 if granted else bucket.wait_for_one(tokens)


# KEYS[1] the bucket; ARGV rate, burst, now, idle seconds, cost. Returns {granted, tokens*1e6}.
TAKE_LUA = """
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local cost = tonumber(ARGV[5])
local tokens = burst
if state[1] then
  tokens = math.min(burst, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * rate)
end
local granted = 0
if tokens >= cost then
  tokens = math.min(burst, tokens - cost)
  granted = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[4]) * 1000))
return {granted, math.floor(tokens * 1000000)}
"""


class RedisStore:
    """Buckets in Redis (every worker and host), falling back to ``fallback`` while it fails."""

    def __init__(self, url: str, fallback: Store) -> None:
        import redis

        from views.cache import CircuitBreaker

        self.client = redis.Redis.from_url(url, socket_connect_timeout=0.2, socket_timeout=0.5)
        self.script = self.client.register_script(TAKE_LUA)
        self.fallback = fallback
        self.breaker = CircuitBreaker()

    def take(self, key: str, bucket: Bucket, now: float, cost: float = 1) -> float:
        if not self.breaker.allow():
            return self.fallback.take(key, bucket, now, cost)
        try:
            granted, micro = self.script(
                keys=[PREFIX + key],
                args=[repr(bucket.rate), repr(bucket.burst), repr(now), repr(bucket.idle_s), repr(cost)],
            )
        except Exception as exc:  # Redis down or slow: the host's own store answers meanwhile
            self.breaker.failed(exc, "rate limits kept on this host")
            return self.fallback.take(key, bucket, now, cost)
        self.breaker.succeeded()
        return 0.0 if granted else bucket.wait_for_one(micro / 1_000_000)


def host_store(cache_dir: Path) -> Store:
    """The host's shared file store, else this process's memory (with a warning)."""
    try:
        return FileStore(cache_dir / "limits.sqlite3")
    except (OSError, sqlite3.Error) as exc:
        log.warning("rate limits: cannot use %s (%s); each worker counts its own", cache_dir, exc)
        return MemoryStore()


def env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: give a number") from None
    if value < 0:
        raise ValueError(f"{name}={raw!r}: not negative")
    return value


class ExportLimits:
    """The per-client and global buckets of rendered exports, in one shared store."""

    def __init__(
        self,
        store: Store,
        per_client: Bucket,
        whole_site: Bucket,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store, self.per_client, self.whole_site, self.clock = store, per_client, whole_site, clock

    def take(self, client: str) -> None:
        """Spend a token of ``client``'s bucket, then of the site's; ``Busy`` if either is empty
        (a token the site refuses is given back to the client)."""
        now = self.clock()
        wait = self.store.take("client:" + client, self.per_client, now)
        if wait:
            raise Busy(
                "Too many exports from your address (your whole site shares it).",
                retry_after=math.ceil(wait),
                status=429,
            )
        wait = self.store.take("site", self.whole_site, now)
        if wait:
            self.store.take("client:" + client, self.per_client, now, cost=-1)
            raise Busy(
                "The server is making as many exports as it can.",
                retry_after=math.ceil(wait),
                status=503,
            )

    def give_back(self, client: str) -> None:
        """Return the tokens of an export that was not made after all (the render pool was
        full): a client that comes back when told to is not charged for the refusal."""
        now = self.clock()
        self.store.take("client:" + client, self.per_client, now, cost=-1)
        self.store.take("site", self.whole_site, now, cost=-1)

    @classmethod
    def from_environment(cls) -> ExportLimits:
        per_minute = env_number("OUTCOMES_EXPORTS_PER_MINUTE", 60)
        burst = env_number("OUTCOMES_EXPORTS_BURST", 30)
        site_per_minute = env_number("OUTCOMES_EXPORTS_GLOBAL_PER_MINUTE", 120)
        site_burst = env_number("OUTCOMES_EXPORTS_GLOBAL_BURST", 60)
        return cls(shared_store(), Bucket(per_minute / 60, burst), Bucket(site_per_minute / 60, site_burst))


_store: Store | None = None
_store_lock = threading.Lock()
_limits: ExportLimits | None = None
_limits_lock = threading.Lock()


def shared_store() -> Store:
    """The process's store of buckets: Redis when ``REDIS_URL`` is set, else the host's file."""
    global _store
    with _store_lock:
        if _store is None:
            from data.model.settings import get_settings

            settings = get_settings()
            local = host_store(settings.cache_dir)
            _store = RedisStore(settings.redis_url, local) if settings.redis_url else local
        return _store


class ClientLimit:
    """One bucket per client for a kind of request (``name``), in the shared store: 429 beyond."""

    def __init__(
        self, name: str, per_minute: float, burst: float, store: Store | None = None, clock=time.time
    ) -> None:
        self.name, self.bucket, self.clock = name, Bucket(per_minute / 60, burst), clock
        self._store = store

    def take(self, client: str) -> None:
        store = self._store or shared_store()
        wait = store.take(f"{self.name}:{client}", self.bucket, self.clock())
        if wait:
            raise Busy(
                f"Too many {self.name} requests from your address.", retry_after=math.ceil(wait), status=429
            )


def export_limits() -> ExportLimits:
    """The process's limits (made on first use, from the environment)."""
    global _limits
    with _limits_lock:
        if _limits is None:
            _limits = ExportLimits.from_environment()
        return _limits


def set_export_limits(limits: ExportLimits | None) -> None:
    """Replace the process's limits (tests; None: from the environment again on next use)."""
    global _limits
    with _limits_lock:
        _limits = limits


def busy_response(exc: Busy):
    """The answer to a refused request: ``exc.status`` with Retry-After, as JSON for a client
    that asks for it (``Accept: application/json``, e.g. the export links' script:
    ``{"error", "reason", "status", "retry_after"}``), else as a line of text. nginx answers its
    own 429 and 503 the same way (deploy/nginx)."""
    import json

    from flask import Response, request

    reason = str(exc).rstrip(".")
    advice = f"{reason}; try again in {exc.retry_after} s."
    if request.accept_mimetypes.best_match(["text/plain", "application/json"]) == "application/json":
        body = json.dumps(
            {"error": advice, "reason": reason + ".", "status": exc.status, "retry_after": exc.retry_after}
        )
        response = Response(body + "\n", status=exc.status, mimetype="application/json")
    else:
        response = Response(advice + "\n", status=exc.status, mimetype="text/plain")
    response.headers["Retry-After"] = str(exc.retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response
