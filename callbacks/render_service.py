"""The render service: the host's one process for rendered exports, beside gunicorn's workers.

``gunicorn.conf.py`` wires it in with four hooks, all run in gunicorn's master:

- ``on_starting``: ``prepare()`` picks the service's socket (a private 0700 directory) and a
  random key; the workers forked later inherit both through the environment;
- ``when_ready``: ``start()`` forks a small **supervisor** (it only forks the service and
  forks it again, after a pause, whenever it dies);
- ``child_exit``: ``ensure()`` starts the supervisor again should it be gone;
- ``on_exit``: ``stop()`` ends both.

The **service** is forked from the master after the app was loaded (``preload_app``), so the
read-only model is shared with the workers copy-on-write. It runs at a lower CPU priority
(``OUTCOMES_RENDER_NICE``, default 10; its Chromium inherits it), so pages and callbacks come
first on a busy machine; it keeps the host's one warm Chromium (``reports.render``) and runs
jobs on a ``LocalPool`` (``OUTCOMES_EXPORTS_RUNNING`` at once, ``OUTCOMES_EXPORTS_QUEUED``
waiting, the rest refused at once). Either process leaves when its parent is gone.

Chromium's memory is bounded: one browser with one tab per running export, and, checked
every ``CHECK_EVERY`` jobs while no job runs, restarted when its processes together hold more
than ``OUTCOMES_RENDERER_MAX_MB`` (default 900, proportional set size: pages shared between
its processes counted once) or have made ``OUTCOMES_RENDERER_MAX_JOBS`` exports (default 1000).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection, Listener
from typing import Any

from callbacks.limits import Busy
from callbacks.render_pool import (
    RENDER_KEY_ENV,
    RENDER_SOCKET_ENV,
    Job,
    LocalPool,
    Refusal,
    Result,
    mark_service,
    pool_settings,
    runner_for,
)

log = logging.getLogger(__name__)

NICE_ENV = "OUTCOMES_RENDER_NICE"
CHECK_EVERY = 20  # jobs between looks at Chromium's memory
RESTART_PAUSE_S = (1.0, 30.0)  # a service that dies young is restarted after 1, 2, 4 ... 30 s
_supervisor_pid: int | None = None
_start_args: tuple[Any, Callable[[], object]] | None = None


def prepare() -> None:
    """The service's address and key, in the environment every process forked later inherits."""
    if os.environ.get(RENDER_SOCKET_ENV):
        return
    directory = tempfile.mkdtemp(prefix="ccg-render-")  # 0700: only this user reaches the socket
    os.environ[RENDER_SOCKET_ENV] = os.path.join(directory, "render.sock")
    os.environ[RENDER_KEY_ENV] = os.urandom(16).hex()


def start(arbiter: Any, load: Callable[[], object]) -> None:
    """Fork the supervisor from gunicorn's master (``load()`` gives the app's Flask server)."""
    global _supervisor_pid, _start_args
    prepare()
    _start_args = (arbiter, load)
    pid = os.fork()
    if pid:
        _supervisor_pid = pid
        log.info("render service supervisor started (pid %d)", pid)
        return
    code = 0
    try:
        _forget_parent(arbiter)
        _supervise(os.getppid(), load)
    except BaseException:  # never return into gunicorn's master loop
        log.exception("render service supervisor failed")
        code = 1
    finally:
        os._exit(code)


def ensure() -> None:
    """Start the supervisor again if it is gone (called from the master now and then)."""
    if _supervisor_pid is None or _start_args is None:
        return
    try:
        os.kill(_supervisor_pid, 0)
    except ProcessLookupError:
        log.warning("render service supervisor (pid %d) gone: starting it again", _supervisor_pid)
        start(*_start_args)


def stop(timeout_s: float = 10.0) -> None:
    """End the supervisor (it ends the service first)."""
    global _supervisor_pid
    pid, _supervisor_pid = _supervisor_pid, None
    if pid is None:
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # gunicorn's master reaped it already
            return
        if done:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


def _forget_parent(arbiter: Any) -> None:
    """In a child of gunicorn's master: its listening sockets and signal handlers are not ours."""
    for listener in getattr(arbiter, "LISTENERS", []) or []:
        with contextlib.suppress(OSError):
            listener.close()
    for sig in (
        signal.SIGHUP,
        signal.SIGQUIT,
        signal.SIGINT,
        signal.SIGTERM,
        signal.SIGTTIN,
        signal.SIGTTOU,
        signal.SIGUSR1,
        signal.SIGUSR2,
        signal.SIGWINCH,
        signal.SIGCHLD,
    ):
        signal.signal(sig, signal.SIG_DFL)


def _supervise(master: int, load: Callable[[], object]) -> None:
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
        signal.signal(sig, lambda *_: stopping.set())
    child: int | None = None
    pause = RESTART_PAUSE_S[0]
    born = 0.0
    while not stopping.is_set() and os.getppid() == master:
        if child is None:
            child, born = _fork_service(load), time.monotonic()
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            log.error(
                "render service (pid %d) ended (status %d): starting it again in %.0f s", child, status, pause
            )
            child = None
            stopping.wait(pause)
            young = time.monotonic() - born < 60
            pause = min(RESTART_PAUSE_S[1], pause * 2) if young else RESTART_PAUSE_S[0]
            continue
        stopping.wait(0.5)
    if child is not None:
        _end(child)


def _end(pid: int, timeout_s: float = 10.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0]:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _fork_service(load: Callable[[], object]) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        serve(load())
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        log.exception("render service failed")
        code = 1
    finally:
        _close_renderer()
        os._exit(code)


def _close_renderer() -> None:
    from reports.render import close_renderer

    try:
        close_renderer()
    except Exception as exc:  # leaving anyway
        log.warning("closing the renderer: %s", exc)


def serve(owner: object) -> None:
    """Answer jobs on the socket until told to stop or orphaned (runs in the service process)."""
    supervisor = os.getppid()
    signal.signal(signal.SIGTERM, _leave)
    signal.signal(signal.SIGINT, _leave)
    mark_service()
    nice = int(os.environ.get(NICE_ENV, "10") or 0)
    if nice:
        os.nice(nice)
    running, queued, wait_s = pool_settings()
    pool = LocalPool(runner_for(owner), running, queued, wait_s)
    address = os.environ[RENDER_SOCKET_ENV]
    if os.path.exists(address):
        os.unlink(address)  # the previous service's socket
    listener = Listener(
        address, family="AF_UNIX", backlog=128, authkey=bytes.fromhex(os.environ[RENDER_KEY_ENV])
    )
    os.chmod(address, 0o600)
    threading.Thread(target=_watch_parent, args=(supervisor,), name="render-parent", daemon=True).start()
    threading.Thread(target=_warm, name="render-warm", daemon=True).start()
    bound = RendererBound(
        max_mb=float(os.environ.get("OUTCOMES_RENDERER_MAX_MB", "900") or 900),
        max_jobs=int(os.environ.get("OUTCOMES_RENDERER_MAX_JOBS", "1000") or 1000),
    )
    log.info(
        "render service ready (pid %d): %d at once, %d waiting, nice %d", os.getpid(), running, queued, nice
    )
    while True:
        try:
            conn = listener.accept()
        except (OSError, EOFError) as exc:  # a client that failed the key or hung up
            log.warning("render service: a connection refused (%s)", type(exc).__name__)
            continue
        threading.Thread(target=_answer, args=(pool, conn, bound), name="render-answer", daemon=True).start()


def renderer_mb(pid: int | None = None) -> float:
    """Proportional set size (MB) of the processes this one started (Chromium and its helpers)."""
    import psutil

    total = 0.0
    for child in psutil.Process(pid).children(recursive=True):
        try:
            total += child.memory_full_info().pss
        except psutil.Error:  # gone meanwhile
            continue
    return total / 2**20


class RendererBound:
    """Restart Chromium (between jobs) when it has grown past ``max_mb`` or made ``max_jobs``."""

    def __init__(self, max_mb: float, max_jobs: int) -> None:
        self.max_mb, self.max_jobs = max_mb, max_jobs
        self.jobs = 0
        self._lock = threading.Lock()

    def after_job(self, pool: LocalPool) -> None:
        with self._lock:
            self.jobs += 1
            if self.jobs % CHECK_EVERY or pool.admitted:
                return
            size = renderer_mb()
            if size <= self.max_mb and self.jobs < self.max_jobs:
                return
            log.warning(
                "render service: restarting Chromium (%.0f MB, %d exports since it started)", size, self.jobs
            )
            self.jobs = 0
            _close_renderer()  # the next job starts a fresh one


def _leave(*_args: object) -> None:
    raise SystemExit(0)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    log.warning("render service: its supervisor is gone; leaving")
    _close_renderer()
    os._exit(0)


def _warm() -> None:
    """Start Chromium now, so the first export does not wait for it."""
    from reports.render import RenderError, get_renderer

    try:
        get_renderer()
    except RenderError as exc:
        log.error("render service: %s", exc)


def _answer(pool: LocalPool, conn: Connection, bound: RendererBound | None = None) -> None:
    with conn:
        try:
            if not conn.poll(10):
                return
            job = conn.recv()
            if not isinstance(job, Job):
                return
            try:
                reply: Result | Refusal = pool.run(job)
            except Busy as exc:
                reply = Refusal(str(exc), exc.retry_after, exc.status)
            except Exception as exc:
                log.exception("export %s failed in the render service", job.name)
                reply = Result(
                    503,
                    "text/plain",
                    f"The export could not be made ({type(exc).__name__}); try again shortly.\n".encode(),
                )
            conn.send(reply)
        except (OSError, EOFError):
            pass  # the web worker gave up waiting
    if bound is not None:
        bound.after_job(pool)
