"""The trends page: the indicator over time for the selected areas, England and the region."""

from __future__ import annotations

import plotly.graph_objects as go

from data.model import schema as s
from data.model.core import Model
from data.model.store import load_model
from data.queries.rows import Selection
from data.queries.view_frames import meta_dict, trend_frames
from figures import summaries as words
from figures.trends import trend_dict
from views.cache import memoized
from views.common import area_names, selection


def trends_dict(state: dict) -> dict:
    """The trends page's figure as a plain dict (no ``go.Figure`` validation in a request)."""
    model = load_model()
    sel = selection(state)
    areas = state["areas"]
    series, england, region, labels = trend_frames(model, sel, areas)
    return trend_dict(
        series,
        meta_dict(model, state["indicator"]),
        ci=state["ci"],
        areas=areas,
        area_names=area_names(areas, state["geography"]),
        england=england,
        region=region,
        trend_labels=labels,
        trend_reasons=trend_reasons(model, sel, areas),
    )


def trends_figure(state: dict) -> go.Figure:
    """The trends page's figure (exports)."""
    return go.Figure(trends_dict(state))


def trend_reasons(model: Model, sel: Selection, areas: list[str]) -> dict[str, str]:
    """Why each area's recent trend cannot be calculated (the build's trends frame says)."""
    trends = model.frames.get("trends")
    if trends is None or trends.empty or "reason" not in trends:
        return {}
    rows = trends[
        (trends[s.INDICATOR_ID] == sel.indicator_id)
        & (trends[s.GEOGRAPHY] == sel.geography)
        & (trends[s.SEX] == sel.sex)
        & trends[s.AREA_CODE].isin(areas)
    ]
    # the same rows, in the same order, as data.queries.view_frames.trend_labels: the last one per area wins
    return {code: str(reason or "") for code, reason in zip(rows[s.AREA_CODE], rows["reason"], strict=True)}


@memoized
def trends_sentence(frozen: tuple) -> str:
    state = dict(frozen)
    model = load_model()
    series, england, _, labels = trend_frames(model, selection(state), state["areas"])
    return words.trends_summary(
        series,
        meta_dict(model, state["indicator"]),
        areas=state["areas"],
        area_names=area_names(state["areas"], state["geography"]),
        england=england,
        trend_labels=labels,
    )
