"""The table page: every area of the selection as grid rows, its columns, summary and downloads."""

from __future__ import annotations

from data.model import schema as s
from data.model.store import load_model
from data.queries.view_frames import ci_columns
from figures.common import is_missing
from selection import export_href, to_query
from views.common import comparator_of, compared_rows
from views.content import A

COLUMNS = [
    s.AREA_CODE,
    "ods_code",
    s.AREA_NAME,
    "region_name",
    s.VALUE,
    "lower",
    "upper",
    s.COUNT,
    s.DENOMINATOR,
    "comparator_label",
    "comparator_value",
    "category",
    s.NOTE,
]


def column_defs(unit: str, ci: str) -> list[dict]:
    number = {
        "type": "numericColumn",
        "filter": "agNumberColumnFilter",
        "valueFormatter": {"function": "d3.format(',.4~f')(params.value)"},
    }
    return [
        {"field": "area_code", "headerName": "Area code", "pinned": "left", "width": 120},
        {"field": "ods_code", "headerName": "ODS code", "width": 95},
        {"field": "area_name", "headerName": "Area name", "minWidth": 240, "flex": 2},
        {"field": "region_name", "headerName": "Region", "minWidth": 150},
        {"field": "value", "headerName": f"Value ({unit})", **number},
        {"field": "lower", "headerName": f"Lower {ci}% CI", **number},
        {"field": "upper", "headerName": f"Upper {ci}% CI", **number},
        {"field": "count", "headerName": "Count", **number},
        {"field": "denominator", "headerName": "Denominator", **number},
        {"field": "comparator_label", "headerName": "Benchmark", "minWidth": 200},
        {"field": "comparator_value", "headerName": f"Benchmark value ({unit})", **number},
        {"field": "category", "headerName": "Compared with benchmark", "minWidth": 150},
        {"field": "note", "headerName": "Note", "minWidth": 200, "flex": 1},
    ]


def peers_only(state: dict) -> bool:
    """With a peer comparator and ``scope=peers`` the table holds the focus area and its peers."""
    return bool(comparator_of(state).scope) and (state.get("scope") or "peers") == "peers"


def table_rows(state: dict) -> list[dict]:
    """One dict per area of the selection (the region filter applies), compared with the view's
    one comparator (``views.common.compared_rows``)."""
    model = load_model()
    frame = compared_rows(state, state.get("region") or "")
    lo, hi = ci_columns(state["ci"])
    ods = model.areas[model.areas[s.GEOGRAPHY] == state["geography"]].set_index(s.AREA_CODE)["ods_code"]
    out = frame.assign(
        ods_code=frame[s.AREA_CODE].map(ods).fillna(""),
        lower=frame[lo],
        upper=frame[hi],
        category=[
            f"{c} ({why})" if c == s.NOT_COMPARED and why else c
            for c, why in zip(frame["category"], frame["not_compared_why"], strict=True)
        ],
    )[COLUMNS]
    # column by column as lists (missing values as None): far cheaper than a frame-wide cast
    columns = [[None if is_missing(v) else v for v in out[c].tolist()] for c in out.columns]
    return [dict(zip(out.columns, row, strict=True)) for row in zip(*columns, strict=True)]


def download_links(state: dict) -> list:
    """The table's CSV and XLSX: the app's own export of exactly this selection."""
    query = to_query(state)
    return [
        A("Download CSV", href=export_href("table", "csv", query), className="btn", download=""),
        A("XLSX", href=export_href("table", "xlsx", query), className="export-link", download=""),
    ]


def table_page(state: dict) -> dict:
    """The grid's rows (the focus area pinned at the top), columns and CSV name, the summary line and
    the download links."""
    meta = load_model().catalogue.loc[state["indicator"]]
    rows = table_rows(state)
    focus = state["areas"][0] if state.get("areas") else None
    pinned = [r for r in rows if r["area_code"] == focus]
    rows = [r for r in rows if r["area_code"] != focus]
    name = f"{state['indicator']}_{state['geography']}_{state['period']}".replace("/", "-").replace(" ", "_")
    summary = f"{len(rows) + len(pinned)} areas · {meta['name']} · {state['period']} · {state['sex']}"
    if pinned:
        summary += f" · {pinned[0]['area_name']} pinned at the top"
    if peers_only(state):
        summary += f" · {comparator_of(state).focus_name} and its {comparator_of(state).peer_words} only"
    return {
        "rows": rows,
        "pinned": pinned,
        "columns": column_defs(str(meta["unit"]), state["ci"]),
        "file_name": f"{name}.csv",
        "summary": summary,
        "downloads": download_links(state),
    }
