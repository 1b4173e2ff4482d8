"""The table page: every area of the selection in dash-ag-grid, and a CSV of the rows shown.

The grid comes with the page's content, empty, when the page is first shown (layouts/pages.py);
this callback writes its rows, columns and options, so a change of selection changes the rows of the grid the user has
(AG Grid keeps each row by its area code and redraws only the cells that changed) instead of
building a new grid. AG Grid's script loads when the first rows arrive.
"""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, callback, clientside_callback

from callbacks.shown import shown
from layouts import ids
from layouts.content import render
from layouts.pages import table_grid
from views.table import table_page

# The grid's props that follow the selection (the rest are set once, in the layout).
GRID_PROPS = ("rowData", "columnDefs", "dashGridOptions", "csvExportParams")


def table_outputs(state: dict) -> tuple:
    """(the grid as it should be, the summary line, the download links) for the selection."""
    view = table_page(shown(state, "table"))
    grid = table_grid(view["rows"], view["columns"], view["file_name"], view["pinned"])
    return grid, view["summary"], render(view["downloads"])


@callback(
    *[Output(ids.TABLE_GRID, prop) for prop in GRID_PROPS],
    Output(ids.TABLE_SUMMARY, "children"),
    Output(ids.TABLE_DOWNLOAD, "children"),
    Input(ids.page_state("table"), "data"),
    prevent_initial_call=True,
)
def update_table(state):
    grid, summary, downloads = table_outputs(state)
    return (*[getattr(grid, prop) for prop in GRID_PROPS], summary, downloads)


# The row picked in the table, for the shared selection: in the browser (assets/table.js), since
# the grid's selection also changes whenever its rows do, and a request each time would answer
# nothing. The sync callback reads the pick with the URL's rules.
clientside_callback(
    ClientsideFunction(namespace="table", function_name="pickRow"),
    Output(ids.TABLE_PICK, "data"),
    Input(ids.TABLE_GRID, "selectedRows"),
    prevent_initial_call=True,
)
