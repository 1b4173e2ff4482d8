"""The overview page: every outcome indicator for every CCG as a grid, the context grid below."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from data.model import schema as s
from data.model.store import load_model
from data.queries.comparator import comparator_from_state, compare_grid
from data.queries.view_frames import overview_geography
from figures import summaries as words
from figures.overview import overview_figure_dict
from figures.spine import split_outcomes
from views.cache import memoized
from views.common import area_names, comparator_key, comparator_of, focus
from views.spine import context_label


@memoized
def overview_frame(region: str, key: tuple) -> pd.DataFrame:
    """The grid compared with the view's one comparator (``compare_grid``: with similar CCGs, only
    the focus area and its peers are coloured)."""
    benchmark, peers, focus_code, ci, geography = key
    state = {"benchmark": benchmark, "peers": peers, "areas": [focus_code] if focus_code else [], "ci": ci}
    comp = comparator_from_state(load_model(), state | {"geography": geography})
    return compare_grid(load_model(), comp, region=region, geography=geography)


def _grids(state: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The outcome and the context rows of the selection's grid: the selection's geography where the
    build makes its grid (CCG 2021, sub-ICB 2023, ICB 2023), else CCG 2021."""
    key = comparator_key(dict(state, geography=overview_geography(state.get("geography"))))
    return split_outcomes(overview_frame(state.get("region") or "", key))


def overview_versus(state: dict) -> str:
    comp = comparator_of(dict(state, geography=overview_geography(state.get("geography"))))
    return "England" if comp.kind == "england" else comp.heading


def overview_view(state: dict):
    """Outcome grid, context grid (plain figure dicts), the counts line and the context section's label.

    The page sends the two parts apart (``overview_outcomes_view``, ``overview_context_view``):
    the context grid is made only while its section is open."""
    fig, summary, label = overview_outcomes_view(state)
    context_fig = overview_context_view(state)
    return fig, context_fig, summary, label


def overview_outcomes_view(state: dict):
    """The outcome grid, the counts line and the context section's label."""
    outcomes, context = _grids(state)
    fig = overview_figure_dict(
        outcomes, title="Outcome indicators (domains 1 to 5)", palette=state["palette"]
    )
    n_out, n_ctx = outcomes["indicator_id"].nunique(), context["indicator_id"].nunique()
    summary = f"{n_out} outcome indicators (shown first) and {n_ctx} context indicators (below)."
    if state["areas"]:
        code = state["areas"][0]
        name = area_names([code], state["geography"])[code]
        has_out = outcomes.loc[(outcomes[s.AREA_CODE] == code) & outcomes[s.VALUE].notna(), "indicator_id"]
        has_ctx = context.loc[(context[s.AREA_CODE] == code) & context[s.VALUE].notna(), "indicator_id"]
        summary += (
            f" {name} has values for {has_out.nunique()} of the outcome and "
            f"{has_ctx.nunique()} of the context indicators."
        )
    return fig, summary, context_label(n_ctx)


def overview_context_view(state: dict):
    """The context indicators' grid."""
    _, context = _grids(state)
    return overview_figure_dict(context, title="Context indicators", palette=state["palette"])


def overview_outputs(state: dict):
    """``overview_view`` with the figures as ``go.Figure`` (exports and tests)."""
    fig, context_fig, summary, label = overview_view(state)
    return go.Figure(fig), go.Figure(context_fig), summary, label


def overview_figure_for(state: dict) -> go.Figure:
    """The outcome indicators' grid (domains 1-5; the export's figure)."""
    return overview_outputs(state)[0]


@memoized
def overview_sentences(frozen: tuple) -> tuple[str, str]:
    state = dict(frozen)
    versus = overview_versus(state)
    outcomes, context = _grids(state)
    code, name = focus(state)
    return (
        words.overview_summary(outcomes, versus=versus, focus=code, focus_name=name),
        words.overview_summary(context, kind="context", versus=versus, focus=code, focus_name=name),
    )
