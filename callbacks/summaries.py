"""Each chart's one-sentence summary and its table view (the text alternative, WCAG 2.2 AA 1.1.1).

One callback per page fills the summaries under its charts (``views.summaries``). Each follows a
line of text that the chart's callback writes (the map's, spine's and overview's summary lines,
the explorer's, funnel's, practices' and inequalities' notes): it runs after the chart, on warm
caches, instead of computing the same frames beside it. The compare and trends pages write no
such line: their chart's own callback writes the summary (``callbacks.pages``), so a change there
is one request. The browser links each summary to its chart with aria-describedby
(assets/a11y.js).
"""

from __future__ import annotations

from dash import Input, Output, State, callback

from callbacks.shown import shown
from layouts import ids
from layouts.content import render
from views.summaries import chart_summaries

# page: (its charts, the text the chart's callback writes that the summaries follow, and the tables
# under the charts that the summaries link to)
SUMMARIES: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "experience": (
        (ids.EXP_LEAN_GRAPH, ids.EXP_FFT_GRAPH, ids.EXP_IP22_GRAPH, ids.EXP_CMH21_GRAPH, ids.EXP_GPPS_GRAPH),
        ids.EXP_SUMMARY,
        (ids.EXP_SUMMARY, ids.EXP_FFT_TABLE, ids.EXP_IP22_TABLE, "", ids.EXP_GPPS_TABLE),
    ),
    "map": ((ids.MAP_GRAPH,), ids.MAP_SUMMARY, ()),
    "funnel": ((ids.FUNNEL_GRAPH,), ids.FUNNEL_NOTE, ()),
    "spine": (
        (ids.SPINE_GRAPH, ids.SPINE_CONTEXT_GRAPH),
        ids.SPINE_SUMMARY,
        (ids.SPINE_TABLE, ids.SPINE_CONTEXT_TABLE),
    ),
    "overview": ((ids.OVERVIEW_GRAPH, ids.OVERVIEW_CONTEXT_GRAPH), ids.OVERVIEW_SUMMARY, ()),
    "explorer": ((ids.EXPLORER_GRAPH,), ids.EXPLORER_NOTE, ()),
    "practices": ((ids.PRACTICES_GRAPH,), ids.PRACTICES_NOTE, (ids.PRACTICES_TABLE,)),
    "inequalities": (
        (ids.INEQ_ICB_GRAPH, ids.INEQ_RANK_GRAPH, ids.INEQ_ACSC_GRAPH, ids.INEQ_ACSC_MAP),
        ids.INEQ_NOTE,
        (),
    ),
}


def register(page: str, charts: tuple[str, ...], follows: str, anchors: tuple[str, ...]) -> None:
    outputs = [Output(ids.chart_summary(chart), "children") for chart in charts]

    def answer(state, size_by_pop=None):
        found = chart_summaries(page, shown(state, page), anchors, "on" in (size_by_pop or []))
        return render(found[0]) if len(charts) == 1 else tuple(render(found))

    extra = [State(ids.SIZE_BY_POP, "value")] if page == "explorer" else []

    @callback(
        *outputs, Input(follows, "children"), State(ids.STATE, "data"), *extra, prevent_initial_call=True
    )
    def after(_, state, *options):
        return answer(state, *options)


for _page, (_charts, _follows, _anchors) in SUMMARIES.items():
    register(_page, _charts, _follows, _anchors)
