"""Each chart's one-sentence summary and its table view (the text alternative, WCAG 2.2 AA 1.1.1).

One callback per page fills the summaries under its charts from the same memoised frames
the chart callbacks draw (``callbacks.views`` and the pages' own helpers), with the words
written by ``figures.summaries``. Where the chart's callback also writes a line of text (the
map's, spine's and overview's summary lines, the explorer's, funnel's, practices' and
inequalities' notes), the summary follows that line: it runs after the chart, on warm caches,
instead of computing the same frames beside it. The browser links each summary to its chart with
aria-describedby (assets/a11y.js).
"""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from callbacks.cache import memoized
from callbacks.views import (
    _area_rows,
    _explorer,
    _map_inputs,
    _overview,
    _spine,
    area_names,
    freeze,
    map_layer,
)
from data.methods.analysis import ols_fit, spearman
from data.model import schema as s
from data.model.store import load_model
from data.queries.peers import benchmark_key
from data.queries.rows import Selection
from data.queries.view_frames import meta_dict, trend_frames
from figures import summaries as words
from figures.map import effective_colour
from figures.spine import split_outcomes
from layouts import ids
from selection import to_query


def _geography(state: dict) -> str:
    return s.GEOGRAPHIES.get(state["geography"], state["geography"])


def _focus(state: dict) -> tuple[str | None, str]:
    if not state["areas"]:
        return None, ""
    code = state["areas"][0]
    return code, area_names([code])[code]


def _table_link(state: dict) -> dcc.Link:
    """The same selection on the table page (every value, sortable, with its export)."""
    return dcc.Link("Table view", href=f"/table{to_query(state)}", className="table-view-link")


def _data_link(state: dict, page: str) -> html.A:
    return html.A(
        "Table view (CSV)", href=f"/export/{page}.csv{to_query(state)}", className="table-view-link"
    )


def _anchor(target: str, text: str = "Table of these values") -> html.A:
    return html.A(text, href=f"#{target}", className="table-view-link")


def _with_link(sentence: str, link) -> list:
    return [html.Span(sentence), " ", link] if link is not None else [html.Span(sentence)]


# --- indicator pages ---------------------------------------------------------------


@memoized
def map_sentence(frozen: tuple) -> str:
    state = dict(frozen)
    model = load_model()
    layer = map_layer(state["geography"], state["layout"])
    if layer not in model.geojson:
        return "No map: the boundaries of this geography were not found when the data were built."
    frame, layer = _map_inputs(state)
    meta = meta_dict(model, state["indicator"])
    code, name = _focus(state)
    return words.map_summary(
        frame,
        meta,
        period=state["period"],
        geography=_geography(state),
        n_areas=len(model.geojson[layer]["features"]),
        colour=effective_colour(state["colour"], meta),
        benchmark=benchmark_key(state),
        ci=state["ci"],
        focus=code,
        focus_name=name,
    )


@callback(
    Output(ids.chart_summary(ids.MAP_GRAPH), "children"),
    Input(ids.MAP_SUMMARY, "children"),
    State(ids.STATE, "data"),
)
def update_map_summary(_, state):
    if not state or state.get("page") != "map":
        raise PreventUpdate
    return _with_link(map_sentence(freeze(state)), _table_link(state))


@memoized
def compare_sentence(frozen: tuple) -> str:
    state = dict(frozen)
    frame, _, _ = _area_rows(state["indicator"], state["period"], state["geography"], state["sex"])
    region = state.get("region") or None
    if region:
        frame = frame[frame["region_code"] == region]
    code, name = _focus(state)
    return words.compare_summary(
        frame,
        meta_dict(load_model(), state["indicator"]),
        period=state["period"],
        geography=_geography(state),
        benchmark=benchmark_key(state),
        ci=state["ci"],
        focus=code,
        focus_name=name,
    )


@callback(Output(ids.chart_summary(ids.COMPARE_GRAPH), "children"), Input(ids.page_state("compare"), "data"))
def update_compare_summary(state):
    if not state or state.get("page") != "compare":
        raise PreventUpdate
    return _with_link(compare_sentence(freeze(state)), _table_link(state))


@memoized
def trends_sentence(frozen: tuple) -> str:
    state = dict(frozen)
    model = load_model()
    sel = Selection(state["indicator"], state["period"], state["geography"], state["sex"])
    series, england, _, labels = trend_frames(model, sel, state["areas"])
    return words.trends_summary(
        series,
        meta_dict(model, state["indicator"]),
        areas=state["areas"],
        area_names=area_names(state["areas"]),
        england=england,
        trend_labels=labels,
    )


@callback(Output(ids.chart_summary(ids.TRENDS_GRAPH), "children"), Input(ids.page_state("trends"), "data"))
def update_trends_summary(state):
    if not state or state.get("page") != "trends":
        raise PreventUpdate
    return _with_link(trends_sentence(freeze(state)), _table_link(state))


@memoized
def funnel_sentence(frozen: tuple) -> str:
    from data.queries.funnel import funnel_view

    state = dict(frozen)
    model = load_model()
    sel = Selection(state["indicator"], state["period"], state["geography"], state["sex"])
    view = funnel_view(model, sel, ci=state["ci"], od=state.get("od") or "none")
    if view.funnel is None:
        return f"No funnel plot: {view.reason}"
    code, name = _focus(state)
    return words.funnel_summary(
        view.rows,
        meta_dict(model, state["indicator"]),
        period=state["period"],
        geography=_geography(state),
        focus=code,
        focus_name=name,
    )


@callback(
    Output(ids.chart_summary(ids.FUNNEL_GRAPH), "children"),
    Input(ids.FUNNEL_NOTE, "children"),
    State(ids.STATE, "data"),
)
def update_funnel_summary(_, state):
    if not state or state.get("page") != "funnel":
        raise PreventUpdate
    return _with_link(funnel_sentence(freeze(state)), _table_link(state))


# --- all-indicator pages -----------------------------------------------------------


@memoized
def spine_sentences(frozen: tuple) -> tuple[str, str]:
    state = dict(frozen)
    areas = state["areas"]
    benchmark = benchmark_key(state)
    if not areas:
        none = pd.DataFrame()
        return words.spine_summary(none, [], {}), words.spine_summary(none, [], {}, kind="context")
    outcomes, context = split_outcomes(_spine(tuple(areas), benchmark, state["ci"]))
    names = area_names(areas)
    return (
        words.spine_summary(outcomes, areas, names, benchmark=benchmark),
        words.spine_summary(context, areas, names, kind="context", benchmark=benchmark),
    )


@callback(
    Output(ids.chart_summary(ids.SPINE_GRAPH), "children"),
    Output(ids.chart_summary(ids.SPINE_CONTEXT_GRAPH), "children"),
    Input(ids.SPINE_SUMMARY, "children"),
    State(ids.STATE, "data"),
)
def update_spine_summaries(_, state):
    if not state or state.get("page") != "spine":
        raise PreventUpdate
    outcome, context = spine_sentences(freeze(state))
    if not state["areas"]:
        return _with_link(outcome, None), _with_link(context, None)
    return (
        _with_link(outcome, _anchor(ids.SPINE_TABLE)),
        _with_link(context, _anchor(ids.SPINE_CONTEXT_TABLE)),
    )


@memoized
def overview_sentences(frozen: tuple) -> tuple[str, str]:
    state = dict(frozen)
    benchmark = benchmark_key(state)
    outcomes, context = split_outcomes(_overview(state.get("region") or "", benchmark, state["ci"]))
    code, name = _focus(state)
    return (
        words.overview_summary(outcomes, benchmark=benchmark, focus=code, focus_name=name),
        words.overview_summary(context, kind="context", benchmark=benchmark, focus=code, focus_name=name),
    )


@callback(
    Output(ids.chart_summary(ids.OVERVIEW_GRAPH), "children"),
    Output(ids.chart_summary(ids.OVERVIEW_CONTEXT_GRAPH), "children"),
    Input(ids.OVERVIEW_SUMMARY, "children"),
    State(ids.STATE, "data"),
)
def update_overview_summaries(_, state):
    if not state or state.get("page") != "overview":
        raise PreventUpdate
    outcome, context = overview_sentences(freeze(state))
    link = _data_link(state, "overview")
    return _with_link(outcome, link), _with_link(context, _data_link(state, "overview"))


@memoized
def explorer_sentence(frozen: tuple, size_by_pop: bool) -> str:
    state = dict(frozen)
    df, x_meta, y_meta = _explorer(state["x"], state["y"], state["period"])
    r2, rho = float("nan"), float("nan")
    if len(df) >= 3:
        r2 = ols_fit(df["x"], df["y"], df["population"] if size_by_pop else None).r2
        rho = spearman(df["x"], df["y"]).rho
    return words.explorer_summary(
        df,
        x_name=str(x_meta.get("short_name") or x_meta.get("name")),
        y_name=str(y_meta.get("short_name") or y_meta.get("name")),
        r2=r2,
        rho=rho,
        geography=s.GEOGRAPHIES[s.HOME_GEOGRAPHY],
        selected=state["areas"],
        area_names=area_names(state["areas"]),
    )


@callback(
    Output(ids.chart_summary(ids.EXPLORER_GRAPH), "children"),
    Input(ids.EXPLORER_NOTE, "children"),
    State(ids.STATE, "data"),
    State(ids.SIZE_BY_POP, "value"),
)
def update_explorer_summary(_, state, size_by_pop):
    if not state or state.get("page") != "explorer":
        raise PreventUpdate
    sentence = explorer_sentence(freeze(state), "on" in (size_by_pop or []))
    return _with_link(sentence, _data_link(state, "explorer"))


# --- practices and inequalities ----------------------------------------------------


@memoized
def practices_sentence(frozen: tuple) -> str:
    from callbacks.practices import DEFAULT_MEASURE, _rows
    from data.queries.practices import NOT_EVENTS, measures

    state = dict(frozen)
    model = load_model()
    ccg21 = set(model.areas.loc[model.areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY, s.AREA_CODE])
    focus = next((a for a in state.get("areas") or [] if a in ccg21), None)
    if focus is None:
        return "No chart yet: choose a CCG (April 2021) to see its GP practices."
    indicator = state["indicator"] if state["indicator"] in measures(model) else DEFAULT_MEASURE
    rows, england = _rows(focus, indicator)
    return words.practices_summary(
        rows,
        meta_dict(model, indicator),
        ccg_name=area_names([focus])[focus],
        england=england,
        compared=indicator not in NOT_EVENTS,
    )


@callback(
    Output(ids.chart_summary(ids.PRACTICES_GRAPH), "children"),
    Input(ids.PRACTICES_NOTE, "children"),
    State(ids.STATE, "data"),
)
def update_practices_summary(_, state):
    if not state or state.get("page") != "practices":
        raise PreventUpdate
    sentence = practices_sentence(freeze(state))
    has_table = sentence.startswith("GP practices")
    return _with_link(sentence, _anchor(ids.PRACTICES_TABLE, "Table of the practices") if has_table else None)


@memoized
def inequalities_sentences(frozen: tuple) -> tuple[str, str, str, str]:
    from callbacks.inequalities import _acsc_focus, _gradient, acsc_map_state, icb_view
    from data.model.peers import DEFAULT_PEER_SET
    from data.queries.inequalities import GROUPS, indicators

    state = dict(frozen)
    model = load_model()
    if not indicators(model):
        first = second = "No inequality data in this build."
    else:
        _, _, table, meta, icb = icb_view(state)
        row = table[table["icb22_code"] == icb]
        first = (
            words.icb_groups_summary(row.iloc[0], GROUPS, meta)
            if len(row)
            else "No single ICB chosen: choose a CCG or an ICB to see its values by deprivation group."
        )
        second = words.icb_ranking_summary(table, meta, highlight=icb if icb != "all" else None)
    focus = _acsc_focus(model, state)
    gradient = _gradient(focus, state.get("peers") or DEFAULT_PEER_SET)
    if gradient.empty:
        return first, second, "No gradient data in this build.", "No gradient data in this build."
    third = words.gradient_summary_sentence(gradient, focus_name=area_names([focus])[focus] if focus else "")
    map_state = acsc_map_state(state, gradient)
    return first, second, third, map_sentence(freeze(map_state))


@callback(
    Output(ids.chart_summary(ids.INEQ_ICB_GRAPH), "children"),
    Output(ids.chart_summary(ids.INEQ_RANK_GRAPH), "children"),
    Output(ids.chart_summary(ids.INEQ_ACSC_GRAPH), "children"),
    Output(ids.chart_summary(ids.INEQ_ACSC_MAP), "children"),
    Input(ids.INEQ_NOTE, "children"),
    State(ids.STATE, "data"),
)
def update_inequalities_summaries(_, state):
    if not state or state.get("page") != "inequalities":
        raise PreventUpdate
    return tuple(_with_link(sentence, None) for sentence in inequalities_sentences(freeze(state)))
