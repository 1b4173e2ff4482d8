"""The table page: every area of the selection in dash-ag-grid, and a CSV of the rows shown."""

from __future__ import annotations

from dash import Input, Output, callback, html
from dash.exceptions import PreventUpdate

from data.model import schema as s
from data.model.store import load_model
from data.queries.peers import benchmark_key, peer_codes
from data.queries.view_frames import category_column, ci_columns
from figures.common import is_missing
from layouts import ids
from layouts.exports import export_href
from layouts.pages import table_grid
from selection import to_query


def column_defs(unit: str, ci: str) -> list[dict]:
    number = {
        "type": "numericColumn",
        "filter": "agNumberColumnFilter",
        "valueFormatter": {"function": "d3.format(',.4~f')(params.value)"},
    }
    return [
        {"field": "area_code", "headerName": "Area code", "pinned": "left", "width": 120},
        {"field": "ods_code", "headerName": "ODS", "width": 80},
        {"field": "area_name", "headerName": "Area name", "minWidth": 240, "flex": 2},
        {"field": "region_name", "headerName": "Region", "minWidth": 150},
        {"field": "value", "headerName": f"Value ({unit})", **number},
        {"field": "lower", "headerName": f"Lower {ci}% CI", **number},
        {"field": "upper", "headerName": f"Upper {ci}% CI", **number},
        {"field": "count", "headerName": "Count", **number},
        {"field": "denominator", "headerName": "Denominator", **number},
        {"field": "category", "headerName": "Compared with benchmark", "minWidth": 150},
        {"field": "note", "headerName": "Note", "minWidth": 200, "flex": 1},
    ]


def only_peers(frame, state: dict):
    """With benchmark=peers and a CCG 2021 focus area: the focus area and its peers only."""
    if state.get("benchmark") != "peers" or not state.get("areas") or state["geography"] != s.HOME_GEOGRAPHY:
        return frame
    focus = state["areas"][0]
    keep = [focus, *peer_codes(load_model(), focus, state.get("peers") or "similar")]
    return frame[frame[s.AREA_CODE].isin(keep)]


def table_rows(state: dict) -> list[dict]:
    """One dict per area of the selection (the region filter applies)."""
    from callbacks.views import _area_rows

    model = load_model()
    frame, _, _ = _area_rows(
        state["indicator"], state["period"], state["geography"], state["sex"], state.get("region") or ""
    )
    frame = only_peers(frame, state)
    lo, hi = ci_columns(state["ci"])
    cat = category_column(benchmark_key(state), state["ci"])
    ods = model.areas[model.areas[s.GEOGRAPHY] == state["geography"]].set_index(s.AREA_CODE)["ods_code"]
    out = frame.assign(
        ods_code=frame[s.AREA_CODE].map(ods).fillna(""),
        lower=frame[lo],
        upper=frame[hi],
        category=frame[cat],
    )[
        [
            s.AREA_CODE,
            "ods_code",
            s.AREA_NAME,
            "region_name",
            s.VALUE,
            "lower",
            "upper",
            s.COUNT,
            s.DENOMINATOR,
            "category",
            s.NOTE,
        ]
    ]
    # column by column as lists (missing values as None): far cheaper than a frame-wide cast
    columns = [[None if is_missing(v) else v for v in out[c].tolist()] for c in out.columns]
    return [dict(zip(out.columns, row, strict=True)) for row in zip(*columns, strict=True)]


def download_links(state: dict) -> list:
    """The table's CSV and XLSX: the app's own export of exactly this selection."""
    query = to_query(state)
    return [
        html.A("Download CSV", href=export_href("table", "csv", query), className="btn", download=""),
        html.A("XLSX", href=export_href("table", "xlsx", query), className="export-link", download=""),
    ]


@callback(
    Output(ids.TABLE_HOLDER, "children"),
    Output(ids.TABLE_SUMMARY, "children"),
    Output(ids.TABLE_DOWNLOAD, "children"),
    Input(ids.page_state("table"), "data"),
)
def update_table(state):
    if not state or state.get("page") != "table":
        raise PreventUpdate
    meta = load_model().catalogue.loc[state["indicator"]]
    rows = table_rows(state)
    focus = state["areas"][0] if state.get("areas") else None
    pinned = [r for r in rows if r["area_code"] == focus]
    rows = [r for r in rows if r["area_code"] != focus]
    name = f"{state['indicator']}_{state['geography']}_{state['period']}".replace("/", "-").replace(" ", "_")
    n = len(rows) + len(pinned)
    summary = f"{n} areas · {meta['name']} · {state['period']} · {state['sex']}"
    if pinned:
        summary += f" · {pinned[0]['area_name']} pinned at the top"
    if state.get("benchmark") == "peers" and state.get("areas") and state["geography"] == "ccg21":
        summary += " · the focus area and its similar CCGs only"
    grid = table_grid(rows, column_defs(str(meta["unit"]), state["ci"]), f"{name}.csv", pinned)
    return grid, summary, download_links(state)


@callback(Output(ids.TABLE_PICK, "data"), Input(ids.TABLE_GRID, "selectedRows"), prevent_initial_call=True)
def pick_row(selected):
    """The row picked in the table, for the shared selection (the grid exists only on its page)."""
    if not selected:
        raise PreventUpdate
    return {"area_code": selected[0].get("area_code")}
