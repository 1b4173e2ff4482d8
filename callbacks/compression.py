"""Files that never change under their URL, compressed once, hard, and kept.

flask-compress (``Dash(compress=True)``) compresses every response as it goes out, at a level
cheap enough for callback answers (zstd 3, gzip 6), again on every request, and not the map's
boundary layers at all (``application/geo+json`` is not on its list). The scripts, styles and
boundary layers are most of a first visit's bytes and are the same for every visitor, so
here they are compressed at the strongest levels once per process and kept (about 1 MB per
worker for every file; the gunicorn master compresses the first load's files before it forks,
``warm``, so no visitor waits for it). Callback answers are left to flask-compress.

Only successful GETs under ``STATIC_PREFIXES`` whose URL fixes their content: Dash's
fingerprinted component suites, ``/assets/`` files (their ``?m=`` is the file's mtime; an
ETag besides), and ``/geo/<model fingerprint>/`` layers.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable

from flask import Flask, Response, request

log = logging.getLogger(__name__)

STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/geo/")
MIMETYPES = frozenset(
    {
        "application/javascript",
        "text/javascript",
        "text/css",
        "application/json",
        "application/geo+json",
        "image/svg+xml",
    }
)
MIN_BYTES = 1024
# (content-coding, level), best first; the client's Accept-Encoding picks the first it takes.
# Chromium offers zstd (and brotli) on HTTPS and on localhost; gzip everywhere.
CODINGS = (("zstd", 19), ("br", 11), ("gzip", 9))
MAX_CACHED_BYTES = 8 * 2**20  # a bound, far above what the app's files need (about 1 MB)


def _compress(data: bytes, coding: str, level: int) -> bytes:
    if coding == "zstd":
        from backports import zstd  # flask-compress's own zstd (the stdlib's from Python 3.14)

        return zstd.compress(data, level)
    if coding == "br":
        import brotli

        return brotli.compress(data, quality=level)
    import gzip

    return gzip.compress(data, compresslevel=level, mtime=0)


def accepted(header: str) -> set[str]:
    """Content-codings an Accept-Encoding header allows (``q=0`` means refused)."""
    out = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip().removeprefix("q=")
        try:
            refused = params.strip().startswith("q=") and float(q) == 0
        except ValueError:
            refused = False
        if name and not refused:
            out.add(name.strip().lower())
    return out


def choose(header: str) -> tuple[str, int] | None:
    """The best coding the client takes, or None."""
    taken = accepted(header)
    for coding, level in CODINGS:
        if coding in taken:
            return coding, level
    return None


class Compressed:
    """Compressed bodies by (path, validator, coding), computed once per process."""

    def __init__(self, limit: int = MAX_CACHED_BYTES) -> None:
        self.limit = limit
        self.bodies: dict[tuple, bytes] = {}
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: tuple, data: Callable[[], bytes], coding: str, level: int) -> bytes:
        with self.lock:
            body = self.bodies.get(key)
        if body is not None:
            return body
        body = _compress(data(), coding, level)
        with self.lock:
            if key not in self.bodies and self.size + len(body) <= self.limit:
                self.bodies[key] = body
                self.size += len(body)
        return body


def is_static(path: str, response: Response) -> bool:
    return (
        request.method == "GET"
        and path.startswith(STATIC_PREFIXES)
        and response.status_code == 200
        and response.mimetype in MIMETYPES
        and "Content-Encoding" not in response.headers
        and (response.content_length is None or response.content_length >= MIN_BYTES)
    )


def install_static_compression(server: Flask) -> Compressed:
    """Compress static responses once per process (runs before flask-compress, which then
    leaves a response that already has a Content-Encoding alone)."""
    cache = Compressed()

    @server.after_request
    def compress_static(response: Response) -> Response:
        if not is_static(request.path, response):
            return response
        chosen = choose(request.headers.get("Accept-Encoding", ""))
        if chosen is None:
            return response
        coding, level = chosen
        etag, _ = response.get_etag()
        key = (request.path, request.query_string, etag, coding)
        response.direct_passthrough = False  # a file response: read it
        body = cache.get(key, response.get_data, coding, level)
        response.set_data(body)
        response.headers["Content-Encoding"] = coding
        vary = response.headers.get("Vary")
        response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
        if etag:  # another representation, another validator (as flask-compress does)
            response.set_etag(f"{etag}:{coding}")
            response.make_conditional(request)  # a revalidation with it is a 304
        return response

    server.extensions["static_compression"] = cache
    return cache


# Dash's lazily loaded chunks the pages use (graphs, dropdowns, sliders, Markdown)
ASYNC_CHUNKS = tuple(
    f"/_dash-component-suites/dash/dcc/async-{name}.js"
    for name in ("graph", "dropdown", "slider", "markdown")
)


def first_load_paths(server: Flask) -> list[str]:
    """What a first visit fetches that does not change: the page's scripts and styles, Dash's
    async chunks and every boundary layer."""
    from data.model.store import load_model

    client = server.test_client()
    page = client.get("/").get_data(as_text=True)
    found = re.findall(r'<script[^>]+src="([^"]+)"', page) + re.findall(
        r'<link[^>]+href="([^"]+\.css[^"]*)"', page
    )
    model = load_model()
    layers = [f"/geo/{model.fingerprint}/{layer}.json" for layer in model.geojson]
    return [p for p in dict.fromkeys(found + list(ASYNC_CHUNKS) + layers) if p.startswith(STATIC_PREFIXES)]


def warm(server: Flask, accept_encoding: str = "zstd") -> int:
    """Request the first load's files in-process so that their compressed bodies are cached
    (the gunicorn master does this before it forks: every worker starts with them, and no
    visitor waits for the strongest levels). Returns how many were cached."""
    client = server.test_client()
    done = 0
    for coding in (c.strip() for c in accept_encoding.split(",")):
        for path in first_load_paths(server):
            response = client.get(path, headers={"Accept-Encoding": coding})
            done += response.status_code == 200 and "Content-Encoding" in response.headers
            response.close()
    return done
