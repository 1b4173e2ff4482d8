"""Every chart has its own summary sentence under it, filled from the real model, with a table view."""

from __future__ import annotations

import pytest
from dash import dcc

from callbacks.summaries import SUMMARIES
from layouts import ids
from views.summaries import chart_summaries

KERNOW = "E38000089"


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def test_every_graph_in_the_layout_has_its_summary(drawn_layouts):
    found = [c for tree in drawn_layouts for c in _walk(tree)]
    graphs = [c.id for c in found if isinstance(c, dcc.Graph)]
    present = {getattr(c, "id", None) for c in found}
    assert len(graphs) >= 12
    assert [g for g in graphs if ids.chart_summary(g) not in present] == []


@pytest.mark.parametrize(
    ("page", "link"),
    [
        ("map", "/table?"),
        ("compare", "/table?"),
        ("trends", "/table?"),
        ("funnel", "/table?"),
        ("spine", "#spine-table"),
        ("overview", "/export/overview.csv?"),
        ("explorer", "/export/explorer.csv?"),
        ("practices", "#practices-table"),
    ],
)
def test_summaries_give_a_sentence_and_the_table_view(app_ctx, state_for, page, link):
    state = state_for(f"?areas={KERNOW}&indicator=qof_hyp", page=page)
    first = chart_summaries(page, state, SUMMARIES[page][2] if page in SUMMARIES else ())[0]
    sentence, table_view = first[0].children, first[-1]
    assert sentence.endswith(".") and len(sentence) > 60, sentence
    assert "NHS Kernow CCG" in sentence
    assert table_view.href.startswith(link), table_view.href


def test_every_chart_page_has_its_summaries_callback():
    """One summary per chart of each page, and no chart without one: written by the page's summaries
    callback, or (compare, trends) by the chart's own callback, never by both."""
    from callbacks.pages import PAGE_OUTPUTS

    charts = [chart for graphs, _, _ in SUMMARIES.values() for chart in graphs]
    with_chart = [
        cid
        for outputs in PAGE_OUTPUTS.values()
        for cid, prop in outputs
        if prop == "figure" and (ids.chart_summary(cid), "children") in outputs
    ]
    assert sorted(with_chart) == sorted([ids.COMPARE_GRAPH, ids.TRENDS_GRAPH])
    assert len(charts + with_chart) == len(set(charts + with_chart)) >= 14


def test_inequalities_summaries_name_the_focus_ccgs_icb(app_ctx, state_for):
    first, second, third, fourth = chart_summaries(
        "inequalities", state_for(f"?areas={KERNOW}", page="inequalities")
    )
    assert "Cornwall" in first[0].children and "by practice deprivation group" in first[0].children
    assert "ranked by the descriptive slope" in second[0].children
    assert (
        "deprivation gradient" in third[0].children
        and "NHS Kernow CCG's CCG 2015/16 areas: " in third[0].children
    )
    assert fourth[0].children.startswith("Map of ") and "coloured by value" in fourth[0].children
