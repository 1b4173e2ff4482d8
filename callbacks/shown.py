"""What every page's callbacks share: answer only while the page is shown; write paths into a Patch;
a digest of what the browser was sent (to send a part again only when it differs)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from dash import Patch, no_update
from dash.exceptions import PreventUpdate
from plotly.io.json import to_json_plotly


def shown(state: dict | None, page: str) -> dict:
    """The selection, if ``page`` is the page shown (otherwise no update: hidden pages stay as they are)."""
    if not state or state.get("page") != page:
        raise PreventUpdate
    return state


def patch_of(changes: dict[tuple, object], *under: str) -> Patch:
    """A Dash ``Patch`` that writes each ``{path: value}`` (below ``under``) and touches nothing else."""
    patch = Patch()
    for path, value in changes.items():
        node = patch
        for key in (*under, *path[:-1]):
            node = node[key]
        node[path[-1]] = value
    return patch


def digest(values: tuple) -> str:
    """A short digest of values as the browser receives them (JSON)."""
    return hashlib.blake2b(to_json_plotly(list(values)).encode(), digest_size=8).hexdigest()


def as_json(value: Any) -> Any:
    """A value as the browser holds it (Dash components as their JSON)."""
    return json.loads(to_json_plotly(value))


def only_changes(outputs: tuple, shown: list) -> tuple:
    """``no_update`` for every output the browser already shows (``shown``, in output order)."""
    return tuple(
        value if value is no_update or as_json(value) != seen else no_update
        for value, seen in zip(outputs, shown, strict=True)
    )
