"""Server-side rendering of plotly figures to PNG, SVG and PDF with kaleido.

Kaleido 1.x drives a headless Chromium through choreographer. We always hand it the
system browser (``BROWSER_PATH`` or Debian's ``/usr/bin/chromium``), plotly.py's own
plotly.js, no MathJax (a CDN script) and the map's base-map topojson seeded locally
(``assets/plotly-geo-assets.js``), so nothing is fetched at run time. Starting Chromium
takes seconds, so each process keeps one warm ``Renderer`` (an asyncio loop in a daemon thread).

Expensive exports are bounded: ``ExportGate`` lets a few run at once with a short queue
(beyond it ``Busy``, which the routes answer 503 with Retry-After), ``RateLimit`` caps
each client's expensive exports per minute (429), and a render gives up well inside the
web worker's timeout, so the app answers its own 503 instead of the worker being killed.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import logging
import os
import re
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import kaleido
from kaleido import PageGenerator

log = logging.getLogger(__name__)

FORMATS = ("png", "svg", "pdf")
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# The map's base-map topojson, seeded in the page so plotly.js never fetches it from its CDN.
GEO_ASSETS = Path(__file__).resolve().parent.parent / "assets" / "plotly-geo-assets.js"
RENDER_TIMEOUT_S = 30  # per batch of figures; gunicorn's worker timeout is 60 s (gunicorn.conf.py)


class RenderError(RuntimeError):
    """Chromium is missing or a figure could not be rendered."""


def chromium_path() -> str:
    """The system Chromium kaleido should drive (never a downloaded one)."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise RenderError(f"BROWSER_PATH={explicit!r} is not an executable")
        return explicit
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise RenderError(
        "no Chromium found: install Debian's chromium package (scripts/install-system-deps.sh) "
        "or set BROWSER_PATH"
    )


class Renderer:
    """One headless Chromium (``tabs`` pages) kept open for many renders; thread-safe."""

    def __init__(self, tabs: int = 2, browser: str | None = None) -> None:
        self.tabs = tabs
        self.browser = browser or chromium_path()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: Any = None
        self._lock = threading.Lock()

    def start(self) -> Renderer:
        with self._lock:
            if self._kaleido is not None:
                return self
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="kaleido", daemon=True)
            thread.start()

            async def open_browser():
                page = PageGenerator(mathjax=False, others=[(GEO_ASSETS.as_uri(), "utf-8")])
                k = kaleido.Kaleido(
                    n=self.tabs, path=self.browser, page_generator=page, timeout=RENDER_TIMEOUT_S
                )
                await k.open()
                return k

            try:
                self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(60)
            except Exception as exc:
                loop.call_soon_threadsafe(loop.stop)
                raise RenderError(f"could not start Chromium at {self.browser}: {exc}") from exc
            self._loop = loop
            log.info("kaleido started with %s (%d tabs)", self.browser, self.tabs)
        return self

    def close(self) -> None:
        with self._lock:
            if self._kaleido is None or self._loop is None:
                return
            try:
                asyncio.run_coroutine_threadsafe(self._kaleido.close(), self._loop).result(30)
            except Exception as exc:  # closing a dead browser: nothing more to do
                log.warning("closing kaleido: %s", exc)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._kaleido, self._loop = None, None

    def __enter__(self) -> Renderer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _submit(self, fig: Any, opts: dict) -> Future:
        self.start()
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(fig, opts=opts), self._loop)

    def render(self, fig: Any, fmt: str, width: int, height: int, scale: float = 1.0) -> bytes:
        """Bytes of one figure as ``fmt`` (png, svg or pdf) at width x height CSS pixels."""
        return self.render_many([(fig, fmt, width, height, scale)])[0]

    def render_many(self, jobs: Sequence[tuple[Any, str, int, int, float]]) -> list[bytes]:
        """Render several figures concurrently (one per open tab), results in job order."""
        for job in jobs:
            if job[1] not in FORMATS:
                raise ValueError(f"format must be one of {FORMATS}, not {job[1]!r}")
        futures = [
            self._submit(fig, {"format": fmt, "width": w, "height": h, "scale": sc})
            for fig, fmt, w, h, sc in jobs
        ]
        try:
            return [f.result(RENDER_TIMEOUT_S + 5) for f in futures]
        except Exception as exc:
            log.exception("render failed; restarting Chromium for the next request")
            self.close()
            raise RenderError(f"rendering failed: {exc}") from exc


@functools.lru_cache(maxsize=1)
def _renderer_for(pid: int) -> Renderer:
    renderer = Renderer(tabs=int(os.environ.get("OUTCOMES_EXPORT_TABS", "2")))
    atexit.register(renderer.close)
    return renderer


def get_renderer() -> Renderer:
    """This process's warm renderer (a fresh one after a fork, e.g. in a gunicorn worker)."""
    return _renderer_for(os.getpid()).start()


class Busy(RuntimeError):
    """Too many expensive exports at once (or too many from one client): try again later."""

    def __init__(self, message: str, retry_after: int, status: int = 503) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status


class ExportGate:
    """At most ``running`` expensive exports at once per process, ``waiting`` more queued for
    up to ``wait_s`` seconds; anything beyond is refused at once with ``Busy``."""

    def __init__(self, running: int = 2, waiting: int = 4, wait_s: float = 20.0) -> None:
        self.running, self.waiting, self.wait_s = running, waiting, wait_s
        self._slots = threading.BoundedSemaphore(running)
        self._queued = 0
        self._lock = threading.Lock()

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._lock:
            if self._queued >= self.running + self.waiting:
                raise Busy("The export queue is full; try again in a minute.", retry_after=30)
            self._queued += 1
        try:
            if not self._slots.acquire(timeout=self.wait_s):
                raise Busy("Exports are busy; try again in a minute.", retry_after=30)
            try:
                yield
            finally:
                self._slots.release()
        finally:
            with self._lock:
                self._queued -= 1


class RateLimit:
    """A token bucket per client: ``per_minute`` expensive exports, bursts up to ``burst``."""

    def __init__(
        self,
        per_minute: float = 12,
        burst: int = 6,
        clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate, self.burst, self.clients, self.clock = per_minute / 60.0, burst, clients, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> None:
        """Spend one token of ``client``'s bucket, or raise ``Busy`` (429) with the wait."""
        now = self.clock()
        with self._lock:
            tokens, since = self._buckets.pop(client, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - since) * self.rate)
            if tokens < 1:
                self._buckets[client] = (tokens, now)
                wait = int((1 - tokens) / self.rate) + 1
                raise Busy(
                    "Too many exports from this address; try again shortly.", retry_after=wait, status=429
                )
            self._buckets[client] = (tokens - 1, now)
            while len(self._buckets) > self.clients:  # bounded memory: forget the oldest
                self._buckets.popitem(last=False)


EXPORT_GATE = ExportGate(
    running=int(os.environ.get("OUTCOMES_EXPORTS_RUNNING", "2")),
    waiting=int(os.environ.get("OUTCOMES_EXPORTS_QUEUED", "4")),
)
EXPORT_RATE = RateLimit(per_minute=float(os.environ.get("OUTCOMES_EXPORTS_PER_MINUTE", "12")))
PDF_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\(D:([0-9]{14})([^)]*)\)")


def fixed_pdf_dates(body: bytes, stamp: str) -> bytes:
    """Set a PDF's creation and modification dates to ``stamp`` (YYYYMMDDHHMMSS, UTC).

    Only the 14 digits change, so the cross-reference offsets stay valid: the same export
    gives the same bytes in every worker and on every day.
    """
    if not re.fullmatch(r"[0-9]{14}", stamp):
        raise ValueError(f"stamp must be YYYYMMDDHHMMSS, not {stamp!r}")
    return PDF_DATE.sub(lambda m: m.group(0).replace(m.group(2), stamp.encode(), 1), body)
