"""Every chart has its own summary sentence under it, filled from the real model, with a table view."""

from __future__ import annotations

import pytest
from dash import dcc

from callbacks import summaries as cb
from layouts import ids

KERNOW = "E38000089"


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def test_every_graph_in_the_layout_has_its_summary(dash_app):
    found = list(_walk(dash_app.layout))
    graphs = [c.id for c in found if isinstance(c, dcc.Graph)]
    present = {getattr(c, "id", None) for c in found}
    assert len(graphs) >= 12
    assert [g for g in graphs if ids.chart_summary(g) not in present] == []


@pytest.mark.parametrize(
    ("page", "update", "link"),
    [
        ("map", lambda state: cb.update_map_summary(None, state), "/table?"),
        ("compare", cb.update_compare_summary, "/table?"),
        ("trends", cb.update_trends_summary, "/table?"),
        ("funnel", lambda state: cb.update_funnel_summary(None, state), "/table?"),
        ("spine", lambda state: cb.update_spine_summaries(None, state), "#spine-table"),
        ("overview", lambda state: cb.update_overview_summaries(None, state), "/export/overview.csv?"),
        ("explorer", lambda state: cb.update_explorer_summary(None, state, []), "/export/explorer.csv?"),
        ("practices", lambda state: cb.update_practices_summary(None, state), "#practices-table"),
    ],
)
def test_summary_callbacks_give_a_sentence_and_the_table_view(app_ctx, state_for, page, update, link):
    state = state_for(f"?areas={KERNOW}&indicator=qof_hyp", page=page)
    out = update(state)
    first = out[0] if isinstance(out, tuple) else out
    sentence, table_view = first[0].children, first[-1]
    assert sentence.endswith(".") and len(sentence) > 60, sentence
    assert "NHS Kernow CCG" in sentence
    assert table_view.href.startswith(link), table_view.href


def test_inequalities_summaries_name_the_focus_ccgs_icb(app_ctx, state_for):
    first, second, third, fourth = cb.update_inequalities_summaries(
        None, state_for(f"?areas={KERNOW}", page="inequalities")
    )
    assert "Cornwall" in first[0].children and "by practice deprivation group" in first[0].children
    assert "ranked by the descriptive slope" in second[0].children
    assert (
        "deprivation gradient" in third[0].children
        and "NHS Kernow CCG's CCG 2015/16 areas: " in third[0].children
    )
    assert fourth[0].children.startswith("Map of ") and "coloured by value" in fourth[0].children
