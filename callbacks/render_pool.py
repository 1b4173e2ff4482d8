"""Rendered exports run in their own bounded pool, never on the threads that serve pages.

An export job (``Job``: the export's name and query string, validated already) goes to a pool
that runs at most ``running`` of them at once with at most ``queued`` more waiting; anything
beyond is refused at once (``Busy``: 503 with Retry-After), never left holding a thread.

- Under gunicorn (``gunicorn.conf.py``) the pool is the **render service**: one process for
  the whole host, forked from gunicorn's master and supervised by it
  (``callbacks.render_service``), with the host's one Chromium, run at a lower CPU priority
  than the web workers. A web worker only hands it the job and waits on a socket; it keeps
  at most ``threads // 2`` of its threads waiting for exports (``ServicePool``), so no number
  of exports can hold every thread that serves pages and callbacks.
- Anywhere else (``python app.py``, tests) the pool is in the process (``LocalPool``), with
  the same bounds, on threads of its own.

Settings: ``OUTCOMES_EXPORTS_RUNNING`` (default 2) renders at once, ``OUTCOMES_EXPORTS_QUEUED``
(default 2) waiting, each waiting at most ``OUTCOMES_EXPORTS_WAIT_S`` (default 15) seconds.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from callbacks.limits import Busy, env_number

log = logging.getLogger(__name__)

RENDER_SOCKET_ENV = "OUTCOMES_RENDER_SOCKET"  # set by gunicorn.conf.py: the service's address
RENDER_KEY_ENV = "OUTCOMES_RENDER_KEY"  # and the key both sides prove they hold
WORKER_THREADS_ENV = "OUTCOMES_WORKER_THREADS"  # set in each gunicorn worker (post_fork)
ANSWER_WITHIN_S = 55.0  # longest a web thread waits for an admitted export (nginx allows 120 s)


@dataclass(frozen=True)
class Job:
    """One export to produce: ``name`` as in ``/export/<name>``, its raw query string."""

    name: str
    query: bytes


@dataclass(frozen=True)
class Result:
    """What the export route answers: status, mimetype, extra headers, body."""

    status: int
    mimetype: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default=())


Runner = Callable[[Job], Result]


@dataclass(frozen=True)
class Refusal:
    """A ``Busy`` as it crosses the socket (exceptions are not sent)."""

    message: str
    retry_after: int
    status: int


class LocalPool:
    """``running`` job threads, ``queued`` more admitted to wait (each at most ``wait_s``), the
    rest refused at once. Retry-After is estimated from the recent job times and the queue."""

    def __init__(self, runner: Runner, running: int = 2, queued: int = 2, wait_s: float = 15.0) -> None:
        if running < 1 or queued < 0:
            raise ValueError(f"running={running}, queued={queued}: at least one running, none negative")
        self.runner, self.running, self.queued, self.wait_s = runner, running, queued, wait_s
        self._executor = ThreadPoolExecutor(running, thread_name_prefix="render")
        self._admitted = 0
        self._lock = threading.Lock()
        self._typical_s = 2.0  # a moving average of job times: what Retry-After says

    @property
    def admitted(self) -> int:
        return self._admitted

    def retry_after(self) -> int:
        """About when a refused client may find room: the jobs ahead of it, ``running`` at a time."""
        ahead = self._admitted + 1
        return min(60, max(2, math.ceil(self._typical_s * ahead / self.running)))

    def run(self, job: Job, timeout_s: float = ANSWER_WITHIN_S) -> Result:
        with self._lock:
            if self._admitted >= self.running + self.queued:
                raise Busy(
                    "The server is busy with other exports.",
                    retry_after=self.retry_after(),
                )
            self._admitted += 1
        deadline = time.monotonic() + self.wait_s
        future = self._executor.submit(self._start, job, deadline)
        future.add_done_callback(self._release)  # the place is free when the job ends, not before
        try:
            return future.result(timeout=timeout_s)
        except FutureTimeout:
            log.error("export %s not done within %.0f s", job.name, timeout_s)
            raise Busy("The export took too long.", retry_after=30) from None

    def _start(self, job: Job, deadline: float) -> Result:
        if time.monotonic() > deadline:  # waited its whole turn: the client is told to come back
            raise Busy("The server is busy with other exports.", retry_after=self.retry_after())
        started = time.monotonic()
        try:
            return self.runner(job)
        finally:
            spent = time.monotonic() - started
            with self._lock:
                self._typical_s = 0.7 * self._typical_s + 0.3 * spent

    def _release(self, _future) -> None:
        with self._lock:
            self._admitted -= 1


def worker_share(threads: int, pool_places: int) -> int:
    """How many of a web worker's ``threads`` may wait for exports: half of them at most (so
    pages always keep the other half), and no more than the pool admits in all."""
    return max(0, min(pool_places, threads // 2))


class ServicePool:
    """The web worker's side of the render service: at most ``share`` jobs of this process in
    flight, each sent over the service's socket; a refusal comes back at once."""

    def __init__(self, address: str, key: bytes, share: int) -> None:
        self.address, self.key, self.share = address, key, share
        self._mine = 0
        self._lock = threading.Lock()

    def run(self, job: Job, timeout_s: float = ANSWER_WITHIN_S) -> Result:
        from multiprocessing.connection import Client

        with self._lock:
            if self._mine >= self.share:
                raise Busy("The server is busy with other exports.", retry_after=5)
            self._mine += 1
        try:
            try:
                conn = Client(self.address, family="AF_UNIX", authkey=self.key)
            except (OSError, EOFError) as exc:
                log.error("render service at %s not answering: %s", self.address, exc)
                raise Busy("The export service is restarting.", retry_after=5) from None
            with conn:
                conn.send(job)
                if not conn.poll(timeout_s):
                    log.error(
                        "export %s: no answer from the render service within %.0f s", job.name, timeout_s
                    )
                    raise Busy("The export took too long.", retry_after=30)
                try:
                    reply = conn.recv()
                except (OSError, EOFError) as exc:
                    log.error("export %s: the render service went away (%s)", job.name, exc)
                    raise Busy("The export service is restarting.", retry_after=5) from None
        finally:
            with self._lock:
                self._mine -= 1
        if isinstance(reply, Refusal):
            raise Busy(reply.message, retry_after=reply.retry_after, status=reply.status)
        return reply


def pool_settings() -> tuple[int, int, float]:
    running = int(env_number("OUTCOMES_EXPORTS_RUNNING", 2))
    queued = int(env_number("OUTCOMES_EXPORTS_QUEUED", 2))
    wait_s = env_number("OUTCOMES_EXPORTS_WAIT_S", 15)
    return max(1, running), queued, wait_s


_pools: dict[int, object] = {}
_runners: dict[int, Runner] = {}
_lock = threading.Lock()
_in_service = False


def set_runner(owner: object, runner: Runner) -> None:
    """What produces a job's file for the app ``owner`` (the export routes register theirs)."""
    with _lock:
        _runners[id(owner)] = runner
        _pools.pop(id(owner), None)


def runner_for(owner: object) -> Runner:
    return _runners[id(owner)]


def mark_service() -> None:
    """This process is the render service: its jobs run here, on its own pool."""
    global _in_service
    _in_service = True


def get_pool(owner: object) -> LocalPool | ServicePool:
    """The pool for the app ``owner``: the host's render service when gunicorn started one, else
    a pool in this process."""
    with _lock:
        pool = _pools.get(id(owner))
        if pool is None:
            pool = _pools[id(owner)] = _make_pool(owner)
        return pool  # type: ignore[return-value]


def _make_pool(owner: object) -> LocalPool | ServicePool:
    running, queued, wait_s = pool_settings()
    address = os.environ.get(RENDER_SOCKET_ENV)
    if address and not _in_service:
        threads = int(os.environ.get(WORKER_THREADS_ENV) or 8)
        share = worker_share(threads, running + queued)
        if share == 0:
            log.warning("%d thread(s) per worker leaves none for exports: every export is refused", threads)
        return ServicePool(address, bytes.fromhex(os.environ.get(RENDER_KEY_ENV, "")), share)
    return LocalPool(_runners[id(owner)], running, queued, wait_s)


def reset_pools() -> None:
    """Forget every pool (tests; a forked process makes its own: threads do not survive a fork)."""
    global _lock
    _lock = threading.Lock()
    _pools.clear()


os.register_at_fork(after_in_child=reset_pools)
