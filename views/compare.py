"""The compare page: every area's value ranked, with intervals and the benchmark, and its summary."""

from __future__ import annotations

import plotly.graph_objects as go

from data.model.store import load_model
from data.queries.peers import benchmark_key
from data.queries.view_frames import meta_dict
from figures import summaries as words
from figures.compare import ranked_bars_dict
from views.cache import memoized
from views.common import focus, geography_name, plain, region_rows
from views.peers import with_peers


def compare_dict(state: dict) -> dict:
    """The compare page's figure as a plain dict (no ``go.Figure`` validation in a request)."""
    frame, england, regions, region = region_rows(state)
    fig = ranked_bars_dict(
        frame,
        meta_dict(load_model(), state["indicator"]),
        ci=state["ci"],
        benchmark=benchmark_key(state),
        palette=state["palette"],
        selected=state["areas"],
        england_value=england,
        region_values=regions,
        sort=state["sort"],
        region=region,
    )
    if state.get("benchmark") == "peers":  # the peer marks are drawn on a go.Figure
        return plain(with_peers(go.Figure(fig), state, frame))
    return fig


def compare_figure(state: dict) -> go.Figure:
    """The compare page's figure (exports)."""
    return go.Figure(compare_dict(state))


@memoized
def compare_sentence(frozen: tuple) -> str:
    state = dict(frozen)
    frame, _, _, _ = region_rows(state)
    code, name = focus(state)
    return words.compare_summary(
        frame,
        meta_dict(load_model(), state["indicator"]),
        period=state["period"],
        geography=geography_name(state),
        benchmark=benchmark_key(state),
        ci=state["ci"],
        focus=code,
        focus_name=name,
    )
