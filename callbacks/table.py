"""The table page: every area of the selection in dash-ag-grid, and a CSV of the rows shown."""

from __future__ import annotations

from dash import Input, Output, callback
from dash.exceptions import PreventUpdate

from callbacks.shown import shown
from layouts import ids
from layouts.content import render
from layouts.pages import table_grid
from views.table import table_page


@callback(
    Output(ids.TABLE_HOLDER, "children"),
    Output(ids.TABLE_SUMMARY, "children"),
    Output(ids.TABLE_DOWNLOAD, "children"),
    Input(ids.page_state("table"), "data"),
)
def update_table(state):
    view = table_page(shown(state, "table"))
    grid = table_grid(view["rows"], view["columns"], view["file_name"], view["pinned"])
    return grid, view["summary"], render(view["downloads"])


@callback(Output(ids.TABLE_PICK, "data"), Input(ids.TABLE_GRID, "selectedRows"), prevent_initial_call=True)
def pick_row(selected):
    """The row picked in the table, for the shared selection (the grid exists only on its page)."""
    if not selected:
        raise PreventUpdate
    return {"area_code": selected[0].get("area_code")}
