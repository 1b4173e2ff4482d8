"""The spine page: the focus area's outcome indicators against England's range, the context
indicators in their own section, each with its table, the counts line and the summaries."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from data.model import schema as s
from data.model.store import load_model
from data.queries.comparator import comparator_from_state, compare_spine
from data.queries.view_frames import geography_of, spine_rows
from figures import summaries as words
from figures.spine import profile_title, spine_figure_dict, spine_table, split_outcomes
from views.cache import memoized
from views.common import area_names, comparator_key, comparator_of
from views.content import Markdown, P, literal
from views.peers import spine_with_peers


def context_label(n_context: int) -> str:
    return f"Context indicators ({n_context}): population and services, not outcomes. Click to show."


@memoized
def _spine_frame(areas: tuple[str, ...], key: tuple) -> pd.DataFrame:
    benchmark, peers, _focus, ci, geography = key
    state = {"benchmark": benchmark, "peers": peers, "areas": list(areas), "ci": ci, "geography": geography}
    return compare_spine(load_model(), list(areas), comparator_from_state(load_model(), state), geography)


def spine_frame(state: dict) -> pd.DataFrame:
    """The spine's rows compared with the view's one comparator (``compare_spine``): the focus
    area's geography, each indicator at the focus area's latest period."""
    areas = tuple(state["areas"])
    model = load_model()
    geography = geography_of(model, areas[0], state.get("geography")) or s.HOME_GEOGRAPHY
    return _spine_frame(areas, comparator_key(dict(state, geography=geography)))


def spine_versus(state: dict) -> str:
    """What the spine's markers are compared with, in words (before any indicator is known)."""
    areas = state.get("areas") or []
    geography = geography_of(load_model(), areas[0], state.get("geography")) if areas else None
    comp = comparator_of(dict(state, geography=geography or s.HOME_GEOGRAPHY))
    return "England" if comp.kind == "england" else comp.heading


def spine_view(state: dict):
    """Outcome spine, its table, context spine, its table, the counts line and the context label.

    Outcomes (domains 1-5) come first; context indicators go to their own collapsed section.
    The figures are plain dicts (``spine_outputs`` gives them as ``go.Figure``). The page sends
    the two parts apart (``spine_outcomes_view``, ``spine_context_view``): the context section's
    chart is made only while the section is open.
    """
    fig, table, summary, label = spine_outcomes_view(state)
    context_fig, context_table = spine_context_view(state)
    return fig, table, context_fig, context_table, summary, label


def _kwargs(state: dict) -> dict:
    return dict(palette=state["palette"], ci=state["ci"], versus=spine_versus(state), screen=True)


def _empty(state: dict) -> dict:
    rows = spine_rows(load_model(), [])  # no rows, but every column the chart reads
    return spine_figure_dict(rows, areas=[], area_names={}, **_kwargs(state))


def spine_outcomes_view(state: dict):
    """The outcome spine, its table, the counts line and the context section's label."""
    areas = state["areas"]
    if not areas:
        ask = P("Choose an area (click the map, or search above) to see its spine chart.")
        return _empty(state), ask, "", "Context indicators"
    rows = spine_frame(state)
    names = area_names(areas, state["geography"])
    outcomes, context = split_outcomes(rows)
    focus = names.get(areas[0], areas[0])
    n_outcome = _with_value(outcomes, areas[0])
    n_context = _with_value(context, areas[0])
    fig = spine_with_peers(
        spine_figure_dict(outcomes, areas=areas, area_names=names, **_kwargs(state)), state, outcomes
    )
    summary = (
        f"{focus} has data for {n_outcome} outcome indicator{'' if n_outcome == 1 else 's'} "
        f"(NHS Outcomes Framework domains 1 to 5, shown first) and {n_context} context "
        f"indicator{'' if n_context == 1 else 's'} (in their own section below)."
    )
    return fig, markdown_table(spine_table(outcomes, areas, names)), summary, context_label(n_context)


def spine_context_view(state: dict):
    """The context indicators' spine and its table."""
    areas = state["areas"]
    if not areas:
        return _empty(state), None
    names = area_names(areas, state["geography"])
    _, context = split_outcomes(spine_frame(state))
    context_fig = spine_figure_dict(
        context,
        areas=areas,
        area_names=names,
        title=profile_title("Context indicators", areas, names),
        **_kwargs(state),
    )
    context_fig = spine_with_peers(context_fig, state, context)
    return context_fig, markdown_table(spine_table(context, areas, names))


def spine_outputs(state: dict):
    """``spine_view`` with the figures as ``go.Figure`` (exports and tests)."""
    fig, table, context_fig, context_table, summary, label = spine_view(state)
    return go.Figure(fig), table, go.Figure(context_fig), context_table, summary, label


def _with_value(rows: pd.DataFrame, code: str) -> int:
    """Indicators with a value for one area among spine rows."""
    pairs = zip(
        rows[s.AREA_CODE].tolist(), rows[s.VALUE].tolist(), rows["indicator_id"].tolist(), strict=True
    )
    return len({ind for area, value, ind in pairs if area == code and value == value})  # NaN != NaN


def _cell(v) -> str:
    if isinstance(v, float):
        return "" if pd.isna(v) else f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def markdown_table(frame: pd.DataFrame):
    """The numbers beside a chart as one table, sent as one component (a Markdown table: the
    browser gets plain <table> markup, not a component per cell; no raw HTML is allowed)."""
    head = "| " + " | ".join(literal(str(c)) for c in frame.columns) + " |"
    rule = "|" + "|".join([":--", *["--:"] * (len(frame.columns) - 1)]) + "|"
    body = [
        "| " + " | ".join(literal(v) if isinstance(v, str) else _cell(v) for v in row) + " |"
        for row in zip(*(frame[c].tolist() for c in frame.columns), strict=True)
    ]
    return Markdown("\n".join([head, rule, *body]), className="data-table")


@memoized
def spine_sentences(frozen: tuple) -> tuple[str, str]:
    state = dict(frozen)
    areas = state["areas"]
    if not areas:
        none = pd.DataFrame()
        return words.spine_summary(none, [], {}), words.spine_summary(none, [], {}, kind="context")
    outcomes, context = split_outcomes(spine_frame(state))
    names = area_names(areas, state["geography"])
    versus = spine_versus(state)
    return (
        words.spine_summary(outcomes, areas, names, versus=versus),
        words.spine_summary(context, areas, names, kind="context", versus=versus),
    )
