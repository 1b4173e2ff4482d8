"""callbacks.table and views.table: the grid rows, columns and CSV name for a real selection."""

from __future__ import annotations

import math

import pytest
from dash.exceptions import PreventUpdate

from callbacks import table
from data.model import schema as s
from layouts import ids
from selection import to_query
from views import table as table_view

KERNOW, SOUTH_WEST = "E38000089", "E40000006"
COLUMNS = [
    "area_code",
    "ods_code",
    "area_name",
    "region_name",
    "value",
    "lower",
    "upper",
    "count",
    "denominator",
    "comparator_label",
    "comparator_value",
    "category",
    "note",
]


def test_rows_for_all_areas(app_ctx, model, state_for):
    rows = table_view.table_rows(state_for("?indicator=qof_hyp"))
    expected = model.slice("qof_hyp", "ccg21", "2022/23", "Persons")
    assert len(rows) == len(expected) == 106
    assert list(rows[0]) == COLUMNS
    kernow = next(r for r in rows if r["area_code"] == KERNOW)
    truth = expected.set_index(s.AREA_CODE).loc[KERNOW]
    assert kernow["ods_code"] == "11N" and kernow["area_name"] == "NHS Kernow CCG"
    assert kernow["region_name"] == "South West"
    assert math.isclose(kernow["value"], truth[s.VALUE])
    assert math.isclose(kernow["lower"], truth[s.LOWER95]) and math.isclose(kernow["upper"], truth[s.UPPER95])
    assert kernow["category"] == truth[s.CMP_ENGLAND_95]
    assert kernow["comparator_label"] == "England" and math.isclose(
        kernow["comparator_value"], 14.4, abs_tol=0.05
    )
    # JSON-safe: no NaN anywhere (missing is None)
    assert not any(isinstance(v, float) and math.isnan(v) for r in rows for v in r.values())


def test_rows_follow_ci_benchmark_and_region(app_ctx, model, state_for):
    rows = table_view.table_rows(
        state_for(f"?indicator=qof_hyp&ci=99.8&benchmark=region&region={SOUTH_WEST}")
    )
    assert {r["region_name"] for r in rows} == {"South West"} and len(rows) == 7
    truth = model.slice("qof_hyp", "ccg21", "2022/23", "Persons").set_index(s.AREA_CODE)
    for r in rows:
        assert math.isclose(r["lower"], truth.at[r["area_code"], s.LOWER998])
        assert r["category"] == truth.at[r["area_code"], s.CMP_REGION_998]


def test_rows_for_an_older_geography(app_ctx, model, state_for):
    rows = table_view.table_rows(state_for("?indicator=ft_91547&geography=ccg20&period=2019/20"))
    assert len(rows) == len(model.slice("ft_91547", "ccg20", "2019/20", "Persons"))
    assert all(r["ods_code"] for r in rows)


def test_update_table_outputs(app_ctx, state_for):
    grid, summary, _ = table.table_outputs(
        state_for("?indicator=ft_91547&period=2020/21&ci=99.8", page="table")
    )
    rows, cols, csv = grid.rowData, grid.columnDefs, grid.csvExportParams
    assert grid.id == ids.TABLE_GRID
    assert csv == {"fileName": "ft_91547_ccg21_2020-21.csv"}
    assert [c["field"] for c in cols] == COLUMNS
    assert cols[5]["headerName"] == "Lower 99.8% CI"
    assert summary.startswith(f"{len(rows)} areas · ") and summary.endswith("· 2020/21 · Persons")


def test_update_table_only_on_its_page(app_ctx, state_for):
    with pytest.raises(PreventUpdate):
        table.update_table(state_for("", page="map"))


def test_column_defs_units():
    cols = table_view.column_defs("%", "95")
    by = {c["field"]: c for c in cols}
    assert by["value"]["headerName"] == "Value (%)"
    assert by["upper"]["headerName"] == "Upper 95% CI"
    assert by["area_code"]["pinned"] == "left"
    assert by["value"]["filter"] == "agNumberColumnFilter"


def test_focus_area_is_pinned_at_the_top(app_ctx, state_for):
    grid, summary, _ = table.table_outputs(state_for(f"?indicator=qof_hyp&areas={KERNOW}", page="table"))
    pinned = grid.dashGridOptions["pinnedTopRowData"]
    assert [r["area_code"] for r in pinned] == [KERNOW]
    assert KERNOW not in {r["area_code"] for r in grid.rowData}  # once, at the top
    assert (
        summary.startswith(f"{len(grid.rowData) + 1} areas") and "NHS Kernow CCG pinned at the top" in summary
    )


def test_the_table_csv_is_the_export_with_numbers_and_provenance(app_ctx, dash_app, state_for):
    """The table page's CSV link is /export/table.csv for the selection; its numbers are the grid's."""
    import io

    import pandas as pd

    state = state_for(f"?indicator=qof_hyp&areas={KERNOW}&ci=99.8", page="table")
    grid, _, links = table.table_outputs(state)
    csv_link = links[0].href
    assert csv_link == "/export/table.csv" + to_query(state)
    assert links[1].href == "/export/table.xlsx" + to_query(state)
    response = dash_app.server.test_client().get(csv_link)
    assert response.status_code == 200
    text = response.data.decode("utf-8")
    provenance = [line for line in text.splitlines() if line.startswith("# ")]
    assert any(line.startswith("# Source") for line in provenance)
    assert any(line.startswith("# Licence") for line in provenance)
    frame = pd.read_csv(io.StringIO(text), comment="#")
    shown = {r["area_code"]: r for r in [*grid.dashGridOptions["pinnedTopRowData"], *grid.rowData]}
    by_code = frame.set_index("Area Code")
    assert set(shown) <= set(by_code.index)
    values = by_code["Value"]
    assert pd.api.types.is_float_dtype(values)  # numbers as numbers, not formatted text
    for code, row in shown.items():
        assert values[code] == pytest.approx(row["value"], rel=1e-9)


def test_the_callback_writes_the_grid_props(app_ctx, state_for):
    """The grid is in the layout; a selection writes its rows, columns and options."""
    state = state_for("?indicator=ft_91547&period=2020/21&ci=99.8", page="table")
    out = table.update_table(state)
    made, summary, _ = table.table_outputs(state)
    props = dict(zip(table.GRID_PROPS, out, strict=False))
    assert props["rowData"] == made.rowData and props["columnDefs"] == made.columnDefs
    assert props["csvExportParams"] == {"fileName": "ft_91547_ccg21_2020-21.csv"}
    assert out[len(table.GRID_PROPS)] == summary
