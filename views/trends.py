"""The trends page: the indicator over time for the selected areas, England and the region."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from data.model import schema as s
from data.model.core import Model
from data.model.store import load_model
from data.queries.rows import Selection
from data.queries.view_frames import indicator_rows, meta_dict, trend_frames
from figures import summaries as words
from figures.trends import trend_dict
from views.cache import memoized
from views.common import area_names, comparator_of, selection


@memoized
def series_of(indicator: str, geography: str, sex: str, areas: tuple[str, ...]) -> tuple:
    """``trend_frames`` of a selection (the areas', England's and the region's series, the trend
    labels; every period, so the selected period is no part of the key): the chart and its summary
    sentence, answered in one request, read them once."""
    return trend_frames(load_model(), Selection(indicator, "", geography, sex), list(areas))


def trends_dict(state: dict) -> dict:
    """The trends page's figure as a plain dict (no ``go.Figure`` validation in a request)."""
    model = load_model()
    sel = selection(state)
    areas = state["areas"]
    series, england, region, labels = series_of(sel.indicator_id, sel.geography, sel.sex, tuple(areas))
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
        **peer_series(model, state, series),
    )


def peer_series(model: Model, state: dict, series: pd.DataFrame) -> dict:
    """With similar CCGs as the comparator: the focus area's peer value in each period (the line
    its categories are judged against), for ``trend_dict``; nothing otherwise."""
    comp = comparator_of(state)
    pv = model.frames.get("peer_values")
    if comp.kind != "peers" or not comp.focus or pv is None:
        return {}
    rows = pv[
        (pv["peer_set"] == comp.peer_set)
        & (pv[s.GEOGRAPHY] == comp.geography)
        & (pv[s.AREA_CODE] == comp.focus)
        & (pv[s.INDICATOR_ID] == state["indicator"])
        & (pv[s.SEX] == state["sex"])
    ]
    starts = indicator_rows(model, state["indicator"], state["sex"], {comp.geography})
    starts = starts.drop_duplicates(s.PERIOD).set_index(s.PERIOD)[s.PERIOD_START]
    frame = pd.DataFrame(
        {
            s.PERIOD: rows[s.PERIOD].to_numpy(),
            s.PERIOD_START: rows[s.PERIOD].map(starts).to_numpy(),
            s.VALUE: rows["peer_value"].to_numpy(dtype=float),
        }
    ).dropna(subset=[s.PERIOD_START])
    return {"peers": frame, "peer_label": f"{comp.focus_name}'s {comp.peer_words}"}


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
    series, england, _, labels = series_of(
        state["indicator"], state["geography"], state["sex"], tuple(state["areas"])
    )
    return words.trends_summary(
        series,
        meta_dict(model, state["indicator"]),
        areas=state["areas"],
        area_names=area_names(state["areas"], state["geography"]),
        england=england,
        trend_labels=labels,
    )
