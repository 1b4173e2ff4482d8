"""benchmark=peers in the views: compare marks, spine band, table filter, overview, CSV/XLSX columns."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from data.queries.peers import peer_codes
from reports.tables import PEER_VALUE_COLUMN, PEERS_COLUMN, view_table
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
    assert len(lines) == 1 and "pooled over 10" in lines[0]
    assert "colours compare with similar CCGs" in fig.layout.title.text


def test_spine_has_a_peer_band(app_ctx, state_for):
    fig = spine_outputs(state_for(QUERY, page="spine"))[0]
    band = [t for t in fig.data if t.name == "Similar CCGs: value and range"]
    assert len(band) == 1 and len(band[0].x) > 10
    assert "similar CCGs" in fig.layout.title.text


def test_overview_colours_by_peers(app_ctx, state_for, model):
    fig = overview_figure_for(state_for("?benchmark=peers", page="overview"))
    assert fig.data  # drawn from the cmp_peers_95 column
    grid = model.indicators[model.indicators["geography"] == "ccg21"]["cmp_peers_95"]
    assert set(grid.unique()) >= {"Better", "Worse", "Similar"}


def test_csv_and_xlsx_comparison_column_is_the_peers(state_for, model):
    state = state_for(QUERY, page="compare")
    frame = view_table(model, state, "compare")
    mine = frame[frame["Area Code"] == KERNOW].iloc[0]
    row = model.slice("qof_hyp", "ccg21", "2022/23", "Persons").set_index("area_code").loc[KERNOW]
    assert mine[PEERS_COLUMN] == row["cmp_peers_95"]
    peers = peer_codes(model, KERNOW, "similar")
    rows = model.slice("qof_hyp", "ccg21", "2022/23", "Persons").set_index("area_code").loc[peers]
    assert mine[PEER_VALUE_COLUMN] == pytest.approx(rows["count"].sum() / rows["denominator"].sum() * 100)
    england = frame[frame["Area Code"] == "E92000001"].iloc[0]
    assert pd.isna(england[PEER_VALUE_COLUMN]) and england[PEERS_COLUMN] == ""


def test_export_endpoint_with_peers(dash_app):
    client = dash_app.server.test_client()
    response = client.get(f"/export/compare.csv{QUERY}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert PEERS_COLUMN in text
    response = client.get(f"/export/table.xlsx{QUERY}&peers=cousins")
    assert response.status_code == 400 and "not a valid peers" in response.get_data(as_text=True)
    xlsx = client.get(f"/export/table.xlsx{QUERY}")
    import openpyxl

    header = [c.value for c in openpyxl.load_workbook(io.BytesIO(xlsx.data))["Data"][1]]
    assert PEERS_COLUMN in header and PEER_VALUE_COLUMN in header


def test_peers_panel_lists_ten_with_distances(app_ctx, state_for):
    children, hidden = peers_panel(state_for(QUERY, page="compare"))
    assert hidden is False
    text = str(children)
    assert "10 CCGs most like NHS Kernow CCG" in text and "North Cumbria (0.98)" in text
    assert peers_panel(state_for("?indicator=qof_hyp", page="compare")) == ([], True)
