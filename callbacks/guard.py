"""The one door every callback request comes through: shape checked, selection re-parsed.

Dash trusts the JSON the browser posts to ``/_dash-update-component``. This wraps that
endpoint so that

- a body that is not what the Dash renderer sends (not an object, an unknown output,
  inputs that do not match the callback's declaration, wrong types, deep nesting) is a
  400 with one log line (no traceback);
- the shared selection store (``ids.STATE``, and each page's copy of it) a callback receives is re-parsed with the
  URL's rules (``selection.parse_selection``): known codes only, at most six areas,
  a known indicator, period and geography;
- a callback that still fails on what it was sent answers 400 with one log line naming
  the callback, the exception and where it was raised.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from pathlib import Path

from dash import Dash
from dash.exceptions import PreventUpdate
from flask import Response, request
from werkzeug.exceptions import HTTPException

from data.model.store import load_model
from layouts import ids
from selection import PAGES, parse_selection

log = logging.getLogger(__name__)

DISPATCH = "_dash-update-component"
MAX_DEPTH = 40  # the deepest body the renderer sends is about 10 (a figure's clickData)
SELECTION_PROPS = {(ids.STATE, "data")} | {(ids.page_state(p), "data") for p in PAGES}


class BadCallback(ValueError):
    """A callback request that is not what the Dash renderer sends (a 400)."""


def depth_within(value: object, limit: int) -> bool:
    """True if ``value`` nests no deeper than ``limit`` (iterative: no recursion to exhaust)."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if not isinstance(item, dict | list):
            continue
        if level > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return True


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
    if not depth_within(body, MAX_DEPTH):
        raise BadCallback(f"body nests deeper than {MAX_DEPTH}")
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
    log.warning("rejected callback request from %s: %s", request.remote_addr, message)
    return Response("Bad callback request.\n", status=400, mimetype="text/plain")


def guarded(dispatch: Callable[[], Response], app: Dash) -> Callable[[], Response]:
    """``dispatch`` behind the checks above."""

    def guarded_dispatch() -> Response:
        raw = request.get_data(cache=True)  # 413 past MAX_CONTENT_LENGTH
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            return _bad(f"body is not JSON ({type(exc).__name__})")
        try:
            check_body(body, app.callback_map)
        except BadCallback as exc:
            return _bad(str(exc))
        reparse_selections(body)
        request._cached_json = (body, body)  # what Dash's dispatch reads with request.get_json()
        try:
            return dispatch()
        except (PreventUpdate, HTTPException):
            raise
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
