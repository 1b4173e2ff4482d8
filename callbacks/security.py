"""What every response carries, and what the server refuses, whatever route answers.

- Security headers on every response: a Content-Security-Policy that allows only this
  origin (scripts by file or by the hash of Dash's own inline scripts, no remote
  sources, no framing), ``X-Content-Type-Options``, ``Referrer-Policy``,
  ``Permissions-Policy``, ``X-Frame-Options``.
- Request bodies above ``MAX_CONTENT_LENGTH`` are a 413.
- Unknown paths are a 404 with a page that links to the real ones, instead of the app
  shell; the known paths come from ``selection.PAGES`` (the same list the navigation
  and the page switch use). An unknown script under ``/_dash-component-suites/`` is a
  plain 404 (Dash's own answer is a 500 listing every registered script).
- Dash's development routes (``/_reload-hash``, which lists the packages) answer only in
  debug mode (``python app.py --debug``); otherwise 404.
"""

from __future__ import annotations

import html
import logging
import re

from dash import Dash
from dash.exceptions import DependencyException
from flask import Response, request
from werkzeug.exceptions import HTTPException

from callbacks.clients import behind_proxies
from callbacks.guard import recovering_response
from data.model.recovery import ModelRecovering
from selection import PAGE_TITLES, PAGES

log = logging.getLogger(__name__)

MAX_CONTENT_LENGTH = 1_000_000  # the largest callback body the app sends is about 30 kB
SEGMENT = re.compile(r"^[A-Za-z0-9_.:~-]{1,100}$")
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "interest-cohort",
    )
)


def content_security_policy(script_hashes: list[str]) -> str:
    """The policy: this origin only; Dash's inline scripts by hash; no framing."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        # plotly.js adds its stylesheet (mode bar, hover labels) as a <style> element at run time and
        # it and Dash 4's dropdowns set style attributes: without 'unsafe-inline' 41-53 of them are
        # blocked on every page and both draw unstyled. The app's own pages use none (README,
        # "Deploying"); no script can come of it, and url() in a style reaches only this origin.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],  # the WebGL map decodes in blob: workers
        "child-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def security_headers(script_hashes: list[str]) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(script_hashes),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def is_page_path(path: str) -> bool:
    """``/``, ``/<page>`` or ``/<page>/<one id>`` for a page the app has."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return True
    return parts[0] in PAGES and len(parts) <= 2 and all(SEGMENT.match(p) for p in parts)


def not_found_page() -> str:
    links = "".join(f'<li><a href="/{p}">{html.escape(PAGE_TITLES.get(p, p))}</a></li>' for p in PAGES)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Page not found · CCG Outcomes Explorer</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/assets/not-found.css"></head>'
        '<body class="not-found">'
        "<main><h1>Page not found</h1>"
        "<p>There is no page at this address in the CCG Outcomes Explorer. "
        "Check the link, or go to one of its pages:</p>"
        f"<ul>{links}</ul></main></body></html>"
    )


def not_found() -> Response:
    return Response(not_found_page(), status=404, mimetype="text/html")


DEV_ROUTES = ("_reload-hash",)  # Dash's hot-reload poll: lists the installed component packages


def debug_only(app: Dash, view):
    """``view`` when Dash's dev tools are on (``app.run(debug=True)``), else a 404."""

    def guarded(*args, **kwargs):
        if not getattr(app, "_dev_tools", {}).get("hot_reload"):
            return Response("Not found.\n", status=404, mimetype="text/plain")
        return view(*args, **kwargs)

    guarded.__name__ = getattr(view, "__name__", "dev_route")
    return guarded


def install_security(app: Dash) -> None:
    """Headers, body limit and the 404 page for the app's server (call once, after the app is made).

    Behind a reverse proxy set ``OUTCOMES_PROXY_COUNT`` (1 for one nginx): the client's address
    and scheme are then read from its X-Forwarded-For / -Proto headers (only that many hops),
    and only when the request comes from a trusted proxy (``callbacks.clients``).
    """
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_LENGTH
    server.wsgi_app = behind_proxies(server.wsgi_app)
    headers: dict[str, str] = {}

    @server.after_request
    def add_headers(response: Response) -> Response:
        if not headers:  # Dash's inline scripts are known once its first request set it up
            headers.update(security_headers(list(app.csp_hashes())))
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    prefix = app.config.routes_pathname_prefix
    catchall = server.view_functions[prefix + "<path:path>"]

    def page_or_404(path: str = "", **kwargs):
        if not is_page_path("/" + path):
            return not_found()
        return catchall(path, **kwargs)

    server.view_functions[prefix + "<path:path>"] = page_or_404

    for route in DEV_ROUTES:
        endpoint = prefix + route
        if endpoint in server.view_functions:
            server.view_functions[endpoint] = debug_only(app, server.view_functions[endpoint])

    @server.errorhandler(ModelRecovering)
    def model_recovering(exc: ModelRecovering):
        log.warning("%s %s: %s; answered 503", request.method, request.path[:200], exc)
        return recovering_response(exc)

    @server.errorhandler(DependencyException)
    def unknown_script(_exc: DependencyException):
        return Response("No such script.\n", status=404, mimetype="text/plain")

    @server.errorhandler(404)
    def handle_404(exc: HTTPException):
        if request.path.startswith(("/_dash", "/geo/", "/export/", "/assets/")):
            return Response(f"{exc.description or 'Not found.'}\n", status=404, mimetype="text/plain")
        return not_found()

    @server.errorhandler(413)
    def handle_413(_exc: HTTPException):
        log.warning(
            "refused a %s body from %s (limit %d bytes)",
            request.method,
            request.remote_addr,
            MAX_CONTENT_LENGTH,
        )
        return Response(
            f"Request body too large (limit {MAX_CONTENT_LENGTH} bytes).\n", status=413, mimetype="text/plain"
        )
