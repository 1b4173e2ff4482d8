"""The one door every callback request comes through: shape checked, selection re-parsed.

Dash trusts the JSON the browser posts to ``/_dash-update-component``. This wraps that
endpoint so that

- a POST that is not the app's own page talking to it (a Content-Type other than
  ``application/json``, or an ``Origin`` / ``Sec-Fetch-Site`` of another site) is a 403:
  another web page cannot make its visitors' browsers run callbacks (build board packs);
- a body that is not what the Dash renderer sends (not an object, an unknown output,
  inputs that do not match the callback's declaration, wrong types, deep nesting, a
  string no browser's page would send: a lone UTF-16 surrogate, a control character,
  over ``MAX_STRING`` characters) is a 400 with one log line (no traceback);
- the shared selection store (``ids.STATE``, and each page's copy of it) a callback receives is re-parsed with the
  URL's rules (``selection.parse_selection``): known codes only, at most six areas,
  a known indicator, period and geography;
- a callback that still fails on what it was sent answers 400 with one log line naming
  the callback, the exception and where it was raised.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from dash import Dash
from dash.exceptions import PreventUpdate
from flask import Response, request
from werkzeug.exceptions import HTTPException

from callbacks.limits import Busy, busy_response
from data.model.recovery import ModelRecovering
from data.model.settings import get_settings
from data.model.store import load_model
from layouts import ids
from selection import PAGES, parse_selection

log = logging.getLogger(__name__)

DISPATCH = "_dash-update-component"
MAX_DEPTH = 40  # the deepest body the renderer sends is about 10 (a figure's clickData)
MAX_STRING = 10_000  # characters; the longest string the renderer sends is a URL (about 2,000)
# A lone surrogate (JSON allows "\udc80"; no UTF-8 encoder does) or a C0/C1 control character
# other than tab, newline and carriage return: nothing the app's own controls produce.
UNSENDABLE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SAME_SITE = ("same-origin", "none")  # Sec-Fetch-Site values of the app's own page (or a typed URL)
SELECTION_PROPS = {(ids.STATE, "data")} | {(ids.page_state(p), "data") for p in PAGES}


class BadCallback(ValueError):
    """A callback request that is not what the Dash renderer sends (a 400)."""


def depth_within(value: object, limit: int) -> bool:
    """True if ``value`` nests no deeper than ``limit`` (iterative: no recursion to exhaust)."""
    return body_problem(value, limit) is None


def body_problem(value: object, limit: int = MAX_DEPTH) -> str | None:
    """Why a decoded JSON body cannot have come from the Dash renderer (nesting deeper than
    ``limit``, or a string, key or value, the renderer never sends), or None.

    Iterative, so no recursion to exhaust; every string the JSON decoder can produce is looked
    at before any code (pandas, Arrow, a log handler) tries to encode it.
    """
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str):
            problem = string_problem(item)
            if problem:
                return problem
            continue
        if not isinstance(item, dict | list):
            continue
        if level > limit:
            return f"body nests deeper than {limit}"
        if isinstance(item, dict):
            stack.extend((k, level) for k in item)
            stack.extend((v, level + 1) for v in item.values())
        else:
            stack.extend((v, level + 1) for v in item)
    return None


def string_problem(text: str) -> str | None:
    if len(text) > MAX_STRING:
        return f"a string of {len(text)} characters (at most {MAX_STRING})"
    bad = UNSENDABLE.search(text)
    if bad:
        kind = "a lone surrogate" if "\ud800" <= bad.group() <= "\udfff" else "a control character"
        return f"{kind} (U+{ord(bad.group()):04X}) in a string"
    return None


def _check_items(items: object, declared: list[dict], what: str) -> None:
    if not isinstance(items, list):
        raise BadCallback(f"{what} is not a list")
    if len(items) != len(declared):
        raise BadCallback(f"{what}: {len(items)} sent, the callback has {len(declared)}")
    for sent, expected in zip(items, declared):
        if not isinstance(expected.get("id"), str) or expected["id"].startswith("{"):
            continue  # a pattern-matching input: Dash matches its wildcards itself
        if isinstance(sent, list):  # ALL/ALLSMALLER wildcards arrive as lists
            raise BadCallback(f"{what}: a list where {expected['id']}.{expected['property']} belongs")
        if not isinstance(sent, dict):
            raise BadCallback(f"{what}: an item is not an object")
        if sent.get("id") != expected["id"] or sent.get("property") != expected["property"]:
            raise BadCallback(
                f"{what}: {str(sent.get('id'))[:40]}.{str(sent.get('property'))[:40]} sent where "
                f"{expected['id']}.{expected['property']} belongs"
            )


def check_body(body: object, callback_map: dict) -> None:
    """Raise ``BadCallback`` unless ``body`` is a callback request this app declared."""
    if not isinstance(body, dict):
        raise BadCallback(f"body is {type(body).__name__}, not an object")
    problem = body_problem(body, MAX_DEPTH)
    if problem:
        raise BadCallback(problem)
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        raise BadCallback(f"unknown output {str(output)[:80]!r}")
    entry = callback_map[output]
    _check_items(body.get("inputs"), entry.get("inputs", []), "inputs")
    _check_items(body.get("state", []), entry.get("state", []), "state")
    if not isinstance(body.get("outputs"), dict | list):
        raise BadCallback("outputs missing")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise BadCallback("changedPropIds is not a list of strings")


def reparse_selections(body: dict) -> None:
    """Replace every selection-store value in the body by its re-parsed form (in place)."""
    model = None
    for item in [*body.get("inputs", []), *body.get("state", [])]:
        if not isinstance(item, dict) or (item.get("id"), item.get("property")) not in SELECTION_PROPS:
            continue
        if item.get("value") is None:
            continue  # the store before the first sync: views wait for it
        model = model or load_model()
        item["value"], notices = parse_selection(model, item["value"])
        if notices:  # the app's own store never needs one: this body was edited
            log.warning("selection re-parsed from %s: %s", request.remote_addr, " ".join(notices)[:300])


def where(exc: BaseException) -> str:
    """'file.py:123' of the innermost frame of our own code (or the last frame)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "site-packages" not in f.filename] or frames
    if not ours:
        return "?"
    return f"{Path(ours[-1].filename).name}:{ours[-1].lineno}"


def _bad(message: str) -> Response:
    log.warning("rejected callback request from %s: %s", request.remote_addr, ascii(message)[1:-1])
    return Response("Bad callback request.\n", status=400, mimetype="text/plain")


def same_origin(origin: str, host: str, scheme: str, public_url: str = "") -> bool:
    """True if ``origin`` (an Origin header) is this app: the request's own host and port (the
    Host header; nginx passes the client's, port included), or ``OUTCOMES_PUBLIC_URL``'s origin."""
    default = {"http": 80, "https": 443}
    try:
        parts = urlsplit(origin)
        if parts.scheme not in default or not parts.hostname:
            return False  # "null" (a sandboxed frame, a file), or nonsense
        if public_url:
            public = urlsplit(public_url)
            if (parts.scheme, parts.netloc.lower()) == (public.scheme, public.netloc.lower()):
                return True
        ours = urlsplit(f"//{host}")
        return (parts.hostname.lower(), parts.port or default[parts.scheme]) == (
            (ours.hostname or "").lower(),
            ours.port or default.get(scheme),
        )
    except ValueError:  # a port that is not a number
        return False


def refusal(headers, host: str, scheme: str) -> str | None:
    """Why a POST to the callback endpoint is not the app's own page talking to it, or None:
    JSON only (a form or a text/plain POST from another site needs no CORS preflight), and
    no Origin or Sec-Fetch-Site that names another site (absent headers are allowed: old
    browsers, curl)."""
    mimetype = (headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    if mimetype != "application/json":
        return f"Content-Type {mimetype[:60] or 'missing'!r}, not application/json"
    site = (headers.get("Sec-Fetch-Site") or "").strip().lower()
    if site and site not in SAME_SITE:
        return f"Sec-Fetch-Site {site[:30]!r}"
    origin = headers.get("Origin")
    if origin is not None and not same_origin(origin.strip(), host, scheme, get_settings().public_url):
        return f"Origin {origin[:80]!r} is not this site"
    return None


def recovering_response(exc: ModelRecovering) -> Response:
    """503 with Retry-After while a damaged model file is put right (``data.model.recovery``)."""
    return busy_response(Busy("This view's data is being restored.", exc.retry_after))


def _forbidden(message: str) -> Response:
    log.warning("refused callback request from %s: %s", request.remote_addr, ascii(message)[1:-1])
    return Response("Callback requests come from this site's own pages.\n", status=403, mimetype="text/plain")


def guarded(dispatch: Callable[[], Response], app: Dash) -> Callable[[], Response]:
    """``dispatch`` behind the checks above."""

    def guarded_dispatch() -> Response:
        refused = refusal(request.headers, request.host, request.scheme)
        if refused:
            return _forbidden(refused)
        raw = request.get_data(cache=True)  # 413 past MAX_CONTENT_LENGTH
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            return _bad(f"body is not JSON ({type(exc).__name__})")
        try:
            check_body(body, app.callback_map)
            reparse_selections(body)
        except BadCallback as exc:
            return _bad(str(exc))
        except Exception as exc:  # the re-parse met something check_body let through
            return _bad(f"selection could not be re-parsed: {type(exc).__name__} at {where(exc)}")
        request._cached_json = (body, body)  # what Dash's dispatch reads with request.get_json()
        try:
            return dispatch()
        except (PreventUpdate, HTTPException):
            raise
        except ModelRecovering as exc:  # a model file is being put right: come back shortly
            log.warning("%s: %s; answered 503", body["output"][:120], exc)
            return recovering_response(exc)
        except Exception as exc:
            return _bad(
                f"{body['output'][:120]} failed: {type(exc).__name__}: {str(exc)[:160]} at {where(exc)}"
            )

    guarded_dispatch.__name__ = dispatch.__name__
    guarded_dispatch.__qualname__ = getattr(dispatch, "__qualname__", dispatch.__name__)
    guarded_dispatch.__module__ = dispatch.__module__
    return guarded_dispatch


def install_callback_guard(app: Dash) -> None:
    """Wrap the app's callback endpoint (call once, after the app is made)."""
    endpoint = app.config.routes_pathname_prefix + DISPATCH
    views = app.server.view_functions
    views[endpoint] = guarded(views[endpoint], app)
