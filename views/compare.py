"""The compare page: every area's value ranked, with intervals and the benchmark, and its summary.

The bars are coloured against the view's one comparator (``views.common.compared_rows``): with
similar CCGs, only the focus area and its peers are compared (the others grey, or left out with
``scope=peers``), against the one value the dashed line draws.
"""

from __future__ import annotations

import plotly.graph_objects as go

from data.model.store import load_model
from data.queries.view_frames import meta_dict
from figures import summaries as words
from figures.compare import ranked_bars_dict
from views.cache import memoized
from views.common import (
    comparator_of,
    compared_rows,
    focus,
    geography_name,
    plain,
    region_rows,
    versus_text,
)
from views.peers import with_peers


def compare_dict(state: dict) -> dict:
    """The compare page's figure as a plain dict (no ``go.Figure`` validation in a request)."""
    _frame, england, regions, region = region_rows(state)
    compared = compared_rows(state, region or "")
    meta = meta_dict(load_model(), state["indicator"])
    comp = comparator_of(state)
    versus = versus_text(state, compared, meta.get("unit"))
    if comp.scope and (state.get("scope") or "peers") == "all":
        versus += "; the other areas grey (not in the peer group)"
    fig = ranked_bars_dict(
        compared,
        meta,
        ci=state["ci"],
        benchmark=comp.key,
        palette=state["palette"],
        selected=state["areas"],
        england_value=england,
        region_values=regions,
        sort=state["sort"],
        region=region,
        versus=versus,
    )
    if comp.kind == "peers" and comp.focus:  # the peer marks are drawn on a go.Figure
        return plain(with_peers(go.Figure(fig), state, compared))
    return fig


def compare_figure(state: dict) -> go.Figure:
    """The compare page's figure (exports)."""
    return go.Figure(compare_dict(state))


@memoized
def compare_sentence(frozen: tuple) -> str:
    state = dict(frozen)
    _frame, _, _, region = region_rows(state)
    compared = compared_rows(state, region or "")
    code, name = focus(state)
    return words.compare_summary(
        compared,
        meta_dict(load_model(), state["indicator"]),
        period=state["period"],
        geography=geography_name(state),
        benchmark=comparator_of(state).key,
        ci=state["ci"],
        focus=code,
        focus_name=name,
    )
