"""benchmark=peers in the views: compare marks, spine band, table filter, overview, CSV/XLSX columns.

One comparator per view: with a focus area, only the focus and its similar CCGs are compared, and
against the focus area's peer value (never each area against its own peers)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from data.methods.stats import compare
from data.queries.peers import peer_codes
from reports.tables import BENCHMARK_COLUMN, BENCHMARK_VALUE_COLUMN, COMPARED_COLUMN, view_table
from views.compare import compare_figure
from views.overview import overview_figure_for
from views.peers import peers_panel
from views.spine import spine_outputs
from views.table import table_rows

KERNOW = "E38000089"
QUERY = f"?indicator=qof_hyp&areas={KERNOW}&benchmark=peers"


def test_table_keeps_the_focus_area_and_its_peers(app_ctx, state_for, model):
    rows = table_rows(state_for(QUERY, page="table"))
    assert [r["area_code"] for r in rows if r["area_code"] == KERNOW] == [KERNOW]
    assert {r["area_code"] for r in rows} == {KERNOW, *peer_codes(model, KERNOW, "similar")}
    cats = {r["category"] for r in rows}
    assert cats <= {"Better", "Similar", "Worse", "Higher", "Lower", "Not compared"}
    rc = table_rows(state_for(QUERY + "&peers=rightcare", page="table"))
    assert {r["area_code"] for r in rc} == {KERNOW, *peer_codes(model, KERNOW, "rightcare")}


def test_compare_flags_peers_and_draws_their_value(app_ctx, state_for, model):
    fig = compare_figure(state_for(QUERY, page="compare"))
    ticks = list(fig.layout.yaxis.ticktext)
    assert sum("◆" in t for t in ticks) == 10
    lines = [a.text for a in fig.layout.annotations if a.text.startswith("Similar CCGs")]
    assert len(lines) == 1 and "pooled" in lines[0]
    assert "colours compare with NHS Kernow CCG's 10 similar CCGs (" in fig.layout.title.text
    assert len(fig.layout.yaxis.ticktext) == 11  # scope=peers (the default): the focus and its peers


def test_compare_with_every_area_colours_only_the_peer_group(app_ctx, state_for, model):
    """Issue 18: Halton is 'Worse' against its own peers, but not in Kernow's peer group: grey."""
    state = state_for(
        "?indicator=dementia_ddr_65plus&period=2025-01&areas=E38000089,E38000068&benchmark=peers&scope=all",
        page="compare",
    )
    fig = compare_figure(state)
    group = {KERNOW, *peer_codes(model, KERNOW, "similar")}
    rows = model.slice("dementia_ddr_65plus", "ccg21", "2025-01", "Persons").set_index("area_code")
    peer_value = float(next(a.x for a in fig.layout.annotations if a.text.startswith("Similar CCGs")))
    for trace in fig.data:
        if trace.type != "bar":
            continue
        for code in (c[0] for c in trace.customdata):
            coloured = not trace.name.startswith("○")
            assert coloured == (code in group), (code, trace.name)
            if coloured:
                r = rows.loc[code]
                want = compare(
                    r["value"],
                    r["lower95"],
                    r["upper95"],
                    peer_value,
                    model.catalogue.at["dementia_ddr_65plus", "polarity"],
                )
                assert trace.name.split(" (")[0].endswith(str(want)), (code, trace.name, want)
    assert any("not in the peer group (95)" in t.name for t in fig.data)


def test_spine_has_a_peer_band(app_ctx, state_for):
    fig = spine_outputs(state_for(QUERY, page="spine"))[0]
    band = [t for t in fig.data if t.name == "Similar CCGs: value and range"]
    assert len(band) == 1 and len(band[0].x) > 10
    assert "similar CCGs" in fig.layout.title.text


def test_overview_colours_only_the_peer_group(app_ctx, state_for, model):
    from views.overview import _grids

    state = state_for(QUERY, page="overview")
    assert overview_figure_for(state).data
    outcomes, context = _grids(state)
    grid = pd.concat([outcomes, context])
    group = {KERNOW, *peer_codes(model, KERNOW, "similar")}
    coloured = grid[grid["category"] != "Not compared"]
    assert set(coloured["area_code"]) <= group and len(coloured)
    assert set(grid.loc[~grid["area_code"].isin(group), "category"]) == {"Not compared"}


def test_csv_and_xlsx_comparison_column_is_the_focus_areas_peers(state_for, model):
    state = state_for(QUERY, page="compare")
    frame = view_table(model, state, "compare")
    peers = peer_codes(model, KERNOW, "similar")
    rows = model.slice("qof_hyp", "ccg21", "2022/23", "Persons").set_index("area_code")
    pooled = rows.loc[peers, "count"].sum() / rows.loc[peers, "denominator"].sum() * 100
    areas = frame[frame["Area Code"] != "E92000001"]
    assert set(areas["Area Code"]) == {KERNOW, *peers}  # scope=peers, as the page
    assert areas[BENCHMARK_VALUE_COLUMN].to_numpy() == pytest.approx([pooled] * len(areas))
    assert set(areas[BENCHMARK_COLUMN]) == {"NHS Kernow CCG's 10 similar CCGs"}
    for code, cat in zip(areas["Area Code"], areas[COMPARED_COLUMN], strict=True):
        r = rows.loc[code]
        assert cat == compare(
            r["value"], r["lower95"], r["upper95"], pooled, model.catalogue.at["qof_hyp", "polarity"]
        )
    england = frame[frame["Area Code"] == "E92000001"].iloc[0]
    assert pd.isna(england[BENCHMARK_VALUE_COLUMN]) and england[COMPARED_COLUMN] == ""


def test_export_endpoint_with_peers(dash_app):
    client = dash_app.server.test_client()
    response = client.get(f"/export/compare.csv{QUERY}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert COMPARED_COLUMN in text and "NHS Kernow CCG's 10 similar CCGs" in text
    response = client.get(f"/export/table.xlsx{QUERY}&peers=cousins")
    assert response.status_code == 400 and "not a valid peer set" in response.get_data(as_text=True)
    xlsx = client.get(f"/export/table.xlsx{QUERY}")
    import openpyxl

    header = [c.value for c in openpyxl.load_workbook(io.BytesIO(xlsx.data))["Data"][1]]
    assert COMPARED_COLUMN in header and BENCHMARK_VALUE_COLUMN in header


def test_peers_panel_lists_ten_with_distances(app_ctx, state_for):
    children, hidden = peers_panel(state_for(QUERY, page="compare"))
    assert hidden is False
    text = str(children)
    assert "10 CCGs most like NHS Kernow CCG" in text and "North Cumbria (0.98)" in text
    assert peers_panel(state_for("?indicator=qof_hyp", page="compare")) == ([], True)
