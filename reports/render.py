"""Server-side rendering of plotly figures to PNG, SVG and PDF with kaleido.

Kaleido 1.x drives a headless Chromium through choreographer. We always hand it the
system browser (``BROWSER_PATH`` or Debian's ``/usr/bin/chromium``), plotly.py's own
plotly.js, no MathJax (a CDN script) and the map's base-map topojson seeded locally
(``assets/plotly-geo-assets.js``), so nothing is fetched at run time. Starting Chromium
takes seconds, so each process keeps one warm ``Renderer`` (an asyncio loop in a daemon thread).

Which process renders, how many at once and for whom is decided above this module (the
render pool and the limits in ``callbacks``); a render gives up well inside the web worker's
timeout, so the app answers its own 503 instead of the worker being killed.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import hashlib
import io
import logging
import os
import re
import shutil
import threading
import zipfile
from collections.abc import Sequence
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import Any

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


def kaleido_page():
    """Kaleido's page: plotly.py's own plotly.js, no MathJax, the map's topojson seeded locally.

    plotly.js asks its CDN for a world topojson for any geo trace with a ``locationmode`` (the
    map's choropleths), even with the base map hidden, and draws nothing if that fails.
    """
    from kaleido import PageGenerator

    return PageGenerator(mathjax=False, others=[(GEO_ASSETS.as_uri(), "utf-8")])


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

            import kaleido  # here, not at import: only the process that renders loads it

            async def open_browser():
                k = kaleido.Kaleido(
                    n=self.tabs, path=self.browser, page_generator=kaleido_page(), timeout=RENDER_TIMEOUT_S
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
            out = [f.result(RENDER_TIMEOUT_S + 5) for f in futures]
        except Exception as exc:
            log.exception("render failed; restarting Chromium for the next request")
            self.close()
            raise RenderError(f"rendering failed: {exc}") from exc
        return [stable_svg_ids(b) if job[1] == "svg" else b for b, job in zip(out, jobs, strict=True)]

    def batch(
        self, figs: Sequence[Any], fmt: str, width: int, height: int, scale: float = 1.0
    ) -> list[bytes]:
        """Several figures as ``fmt`` (png or svg) in one tab, one page load: no reload per figure."""
        if fmt not in ("png", "svg"):
            raise ValueError(f"batch renders png or svg, not {fmt!r}")
        return self._in_one_tab(figs, fmt, width, height, scale)

    def document(self, figs: Sequence[Any], width: int, height: int) -> bytes:
        """One PDF with a page per figure (``width`` x ``height`` CSS px each), printed once.

        Kaleido renders a PDF by drawing the figure as SVG in a page and printing it, one
        figure per call and a page reload after each (about 0.25 s a figure). Here every
        figure is drawn as SVG in one tab and the tab prints them all as pages: the same
        vector text, a fraction of the time, and the fonts embedded once.
        """
        return self._in_one_tab(figs, "pdf", width, height, 1.0)[0]

    def _in_one_tab(
        self, figs: Sequence[Any], fmt: str, width: int, height: int, scale: float
    ) -> list[bytes]:
        if not figs:
            return [] if fmt != "pdf" else [b""]
        specs = [_plain(f) for f in figs]
        self.start()
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(
            _tab_batch(self._kaleido, specs, fmt, width, height, scale), self._loop
        )
        try:
            return future.result(RENDER_TIMEOUT_S + 5)
        except Exception as exc:
            future.cancel()
            log.exception("batch render failed; restarting Chromium for the next request")
            self.close()
            raise RenderError(f"rendering failed: {exc}") from exc


_BATCH_JS = r"""async function(figs, fmt, width, height, scale) {
  const out = [];
  for (const f of figs) {
    const config = Object.assign({}, f.config || {}, {plotGlPixelRatio: scale * 2});
    out.push(await Plotly.toImage({data: f.data || [], layout: f.layout || {}, config},
                                  {format: fmt === 'pdf' ? 'svg' : fmt, width, height, scale}));
  }
  if (fmt !== 'pdf') return JSON.stringify(out);
  document.body.innerHTML = '';
  const style = document.createElement('style');
  // kaleido's page: the figure's size, 0.1 in margins (the print call's), the figure shrunk to fit
  const fit = Math.min((width - 19.2) / width, (height - 19.2) / height);
  style.textContent = `@page { size: ${width}px ${height}px }
    html, body { margin: 0; padding: 0; background: white }
    img { display: block; width: ${width * fit}px; height: ${height * fit}px; break-after: page }`;
  document.head.appendChild(style);
  await Promise.all(out.map(url => new Promise((ok, bad) => {
    const img = new Image();
    img.onload = ok;
    img.onerror = () => bad(new Error('a page image did not load'));
    img.src = url;
    document.body.appendChild(img);
  })));
  return JSON.stringify([out.length]);
}"""


def _plain(fig: Any) -> dict:
    """A figure as a dict for the tab (choreographer encodes numpy arrays and dates with
    plotly's JSON encoder, as it does for kaleido's own renders)."""
    return fig if isinstance(fig, dict) else fig.to_dict()


async def _tab_batch(
    k: Any, specs: list[dict], fmt: str, width: int, height: int, scale: float
) -> list[bytes]:
    """Draw ``specs`` in one of kaleido's tabs (taken from its pool, so the tab cap holds) and
    return PNG/SVG bytes per figure, or one printed PDF. Relies on kaleido 1.5's tab pool
    (pinned in requirements.txt); the tab is reloaded when it goes back to the pool."""
    import json

    from kaleido._kaleido_tab import _devtools_utils as devtools

    tab = await k._get_kaleido_tab()
    try:
        result = await devtools.exec_js_fn(
            tab.tab, tab._current_js_id, _BATCH_JS, specs, fmt, width, height, scale
        )
        if "error" in result or "exceptionDetails" in result.get("result", {}):
            raise RenderError(f"batch render: {str(result)[:300]}")
        values = json.loads(result["result"]["result"]["value"])
        if fmt == "svg":
            return [stable_svg_ids(_svg_bytes(v)) for v in values]
        if fmt == "png":
            return [base64.b64decode(v.split(",", 1)[1]) for v in values]
        printed = await tab.tab.send_command(
            "Page.printToPDF",
            params={
                "printBackground": True,
                "preferCSSPageSize": True,
                # kaleido's own margins (0.1 in): each page as kaleido draws a one-figure PDF
                "marginTop": 0.1,
                "marginBottom": 0.1,
                "marginLeft": 0.1,
                "marginRight": 0.1,
            },
        )
        if "error" in printed:
            raise RenderError(f"printing the pages: {printed['error']}")
        return [base64.b64decode(printed["result"]["data"])]
    finally:
        await k._return_kaleido_tab(tab)


SVG_UID = re.compile(rb'id="defs-([0-9a-f]{6})"')


def stable_svg_ids(svg: bytes) -> bytes:
    """The SVG with plotly's random figure id (clip paths, defs, legend: ``clip1300e1xy``)
    replaced by one made from the drawing itself: the same figure gives the same bytes in
    every worker, and two different figures on one web page still have distinct ids."""
    found = SVG_UID.search(svg)
    if not found:
        return svg
    uid = found.group(1)
    stable = hashlib.sha1(svg.replace(uid, b"000000")).hexdigest()[:6].encode()
    return svg.replace(uid, stable)


def _svg_bytes(url: str) -> bytes:
    from urllib.parse import unquote

    head, _, body = url.partition(",")
    if head.endswith(";base64"):
        return base64.b64decode(body)
    return unquote(body).encode()


_renderers: dict[int, Renderer] = {}
_renderers_lock = threading.Lock()


def get_renderer() -> Renderer:
    """This process's warm renderer (a fresh one after a fork): one tab per export the render
    pool runs at once (``OUTCOMES_EXPORTS_RUNNING``, default 2)."""
    pid = os.getpid()
    with _renderers_lock:
        renderer = _renderers.get(pid)
        if renderer is None:
            renderer = _renderers[pid] = Renderer(
                tabs=max(1, int(os.environ.get("OUTCOMES_EXPORTS_RUNNING", "2")))
            )
            atexit.register(renderer.close)
    return renderer.start()


def close_renderer() -> None:
    """Close this process's renderer, if it has one (its Chromium ends)."""
    renderer = _renderers.get(os.getpid())
    if renderer is not None:
        renderer.close()


PDF_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\(D:([0-9]{14})([^)]*)\)")


def fixed_pdf_dates(body: bytes, stamp: str) -> bytes:
    """Set a PDF's creation and modification dates to ``stamp`` (YYYYMMDDHHMMSS, UTC).

    Only the 14 digits change, so the cross-reference offsets stay valid: the same export
    gives the same bytes in every worker and on every day.
    """
    if not re.fullmatch(r"[0-9]{14}", stamp):
        raise ValueError(f"stamp must be YYYYMMDDHHMMSS, not {stamp!r}")
    return PDF_DATE.sub(lambda m: m.group(0).replace(m.group(2), stamp.encode(), 1), body)


CORE_DATE = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def fixed_zip_dates(body: bytes, when: datetime) -> bytes:
    """An Office file (xlsx, pptx: a zip) with every entry's time and the document's created and
    modified dates set to ``when``: the same export gives the same bytes in every worker."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(body)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = CORE_DATE.sub(lambda m: m.group(1) + stamp + m.group(3), data)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, data)
    return out.getvalue()


def stable_file(body: bytes, fmt: str, when: datetime) -> bytes:
    """The export with its embedded dates fixed to ``when`` (the data version), by format."""
    if fmt == "pdf":
        return fixed_pdf_dates(body, when.strftime("%Y%m%d%H%M%S"))
    if fmt in ("xlsx", "pptx"):
        return fixed_zip_dates(body, when)
    return body
