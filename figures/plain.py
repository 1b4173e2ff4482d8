"""Figures as plain dicts: exactly what ``go.Figure(...).to_plotly_json()`` would hold, built
without plotly's validation (its template validation alone costs about 14 ms a figure).

The builders that answer requests (spine, overview) return these dicts; their ``go.Figure``
forms, for exports and tests, are ``go.Figure(the dict)``, which validates every property.
"""

from __future__ import annotations

import functools
from typing import Any

import plotly.graph_objects as go

ENGLAND_LINE = "y domain"


@functools.cache
def template(name: str) -> dict[str, Any]:
    """A named plotly template as plotly.js receives it (go.Figure expands the name; the
    browser does not know names). Made once per process; read-only: never modify it."""
    return go.Figure(layout={"template": name}).to_plotly_json()["layout"]["template"]


def layout(base: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """``base`` (figures.common.base_layout) and ``extra`` as one layout, the template expanded."""
    out = {**base, **extra}
    if isinstance(out.get("template"), str):
        out["template"] = template(out["template"])
    return out


def vline(x: float, line: dict[str, Any]) -> dict[str, Any]:
    """The shape ``fig.add_vline(x=..., line=...)`` adds: a vertical line over the plot's height."""
    return {
        "type": "line",
        "x0": x,
        "x1": x,
        "xref": "x",
        "y0": 0,
        "y1": 1,
        "yref": ENGLAND_LINE,
        "line": line,
    }
