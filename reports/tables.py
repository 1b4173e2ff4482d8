"""The numbers behind each view, in Fingertips' column names, and their CSV/XLSX files.

``view_table`` returns exactly the rows the chart or table shows (the areas, plus the
benchmark rows the chart draws as reference lines); ``metadata`` the definition,
source, licence and method that travel with them (header lines in CSV, a second sheet
in XLSX).
"""

from __future__ import annotations

import io

import pandas as pd

from data.model import schema as s
from data.model.core import Model
from data.queries.areas import area_names
from data.queries.peers import benchmark_key, peer_values_for
from data.queries.rows import Selection, fingertips_frame, view_rows
from data.queries.view_frames import category_column, explorer_frame, overview_grid, spine_rows, trend_frames
from views.provenance import OGL, OS_DATA, Provenance

REGION_COLUMN = "Compared to Region value or percentiles"
PEERS_COLUMN = "Compared to similar CCGs"
PEER_VALUE_COLUMN = "Similar CCGs value"


def comparison_label(state: dict) -> str:
    if state["benchmark"] == "peers":
        return PEERS_COLUMN
    return "Compared to England value or percentiles" if state["benchmark"] == "england" else REGION_COLUMN


SPINE_COLUMNS = {
    s.INDICATOR_ID: "Indicator ID",
    "short_name": "Indicator Name",
    s.AREA_CODE: "Area Code",
    s.AREA_NAME: "Area Name",
    s.PERIOD: "Time period",
    s.VALUE: "Value",
    s.COUNT: "Count",
    "england_value": "Benchmark value",
    "benchmark": "Benchmark",
    "min": "Lowest",
    "q25": "25th Percentile",
    "q75": "75th Percentile",
    "max": "Highest",
    "n_areas": "Number of areas",
}
METADATA_SHEET = "Metadata"
DATA_SHEET = "Data"


def selection(state: dict) -> Selection:
    return Selection(state["indicator"], state["period"], state["geography"], state["sex"])


def _with_comparison(model: Model, sel: Selection, rows: pd.DataFrame, state: dict) -> pd.DataFrame:
    """Fingertips' frame; the comparison columns follow the chosen CI and benchmark."""
    ci = state["ci"]
    frame = fingertips_frame(model, sel, rows, category_column("england", ci))
    if state["benchmark"] == "region":
        frame[REGION_COLUMN] = (
            rows[category_column("region", ci)].where(rows[s.GEOGRAPHY] == sel.geography, "").to_numpy()
        )
    if state["benchmark"] == "peers":
        key = benchmark_key(state)
        mine = rows[s.GEOGRAPHY] == sel.geography
        frame[PEER_VALUE_COLUMN] = peer_values_for(model, sel, rows[s.AREA_CODE], state.get("peers")).where(
            mine
        )
        frame[PEERS_COLUMN] = rows[category_column(key, ci)].where(mine, "").to_numpy()
    return frame


def _area_rows(model: Model, state: dict, region_filter: bool) -> pd.DataFrame:
    sel = selection(state)
    rows = view_rows(model, sel)
    areas = rows[rows[s.GEOGRAPHY] == sel.geography]
    region = state.get("region") if region_filter else ""
    if region:
        areas = areas[areas["region_code"] == region]
    regions = rows[rows[s.GEOGRAPHY] == s.region_geography(sel.geography)]
    if region:
        regions = regions[regions[s.AREA_CODE] == region]
    england = rows[rows[s.GEOGRAPHY] == "england"]
    keep = [areas, england] + ([regions] if state["benchmark"] == "region" or region else [])
    return pd.concat(keep, ignore_index=True)


def _england_column(benchmarks: pd.Series) -> str:
    """Fingertips' comparison column, named "benchmark" when some comparator is not England."""
    if (benchmarks.astype(str) != "England").any():
        return "Compared to benchmark value or percentiles"
    return "Compared to England value or percentiles"


def view_table(model: Model, state: dict, page: str) -> pd.DataFrame:
    """The rows a page shows, with Fingertips' column names (see module docstring)."""
    if page in ("map", "compare", "table", "funnel"):
        rows = _area_rows(model, state, region_filter=page != "map")
        return _with_comparison(model, selection(state), rows, state)
    if page == "trends":
        series, england, region, labels = trend_frames(model, selection(state), state["areas"])
        rows = pd.concat([series, region, england], ignore_index=True)
        frame = _with_comparison(model, selection(state), rows, state)
        frame["Recent Trend"] = rows[s.AREA_CODE].map(labels).fillna("").to_numpy()
        return frame
    if page == "spine":
        rows = spine_rows(
            model,
            state["areas"],
            benchmark=benchmark_key(state),
            ci=state["ci"],
            geography=state.get("geography"),
        )
        names = area_names(model, state["areas"], state.get("geography"))
        rows = rows.assign(**{s.AREA_NAME: rows[s.AREA_CODE].map(names)})
        frame = rows[list(SPINE_COLUMNS)].rename(columns=SPINE_COLUMNS)
        if state["benchmark"] == "peers":
            frame[PEERS_COLUMN] = rows["category"].to_numpy()
        else:
            label = _england_column(rows["benchmark"])
            frame[label if state["benchmark"] == "england" else REGION_COLUMN] = rows["category"].to_numpy()
        return frame
    if page == "overview":
        grid = overview_grid(
            model, region=state.get("region") or "", benchmark=benchmark_key(state), ci=state["ci"]
        )
        if state["benchmark"] == "peers":
            label = PEERS_COLUMN
        else:
            label = _england_column(grid["benchmark"]) if state["benchmark"] == "england" else REGION_COLUMN
        return pd.DataFrame(
            {
                "Indicator ID": grid[s.INDICATOR_ID],
                "Indicator Name": grid["short_name"],
                "Area Code": grid[s.AREA_CODE],
                "Area Name": grid[s.AREA_NAME],
                "Time period": grid[s.PERIOD],
                "Value": grid[s.VALUE],
                label: grid["category"],
                "Benchmark": grid["benchmark"],
            }
        )
    if page == "explorer":
        df, x_meta, y_meta = explorer_frame(model, state["x"], state["y"], period=state["period"])
        return pd.DataFrame(
            {
                "Area Code": df[s.AREA_CODE],
                "Area Name": df[s.AREA_NAME],
                "Region": df["region_name"],
                "X variable": state["x"],
                "X value": df["x"],
                "Y Indicator ID": state["y"],
                "Y Time period": y_meta.get("period", ""),
                "Y value": df["y"],
                "Y Lower CI 95.0 limit": df["y_lower"],
                "Y Upper CI 95.0 limit": df["y_upper"],
                "Population": df["population"],
            }
        )
    raise ValueError(f"unknown page {page!r}")


def metadata(model: Model, state: dict, page: str, prov: Provenance) -> list[tuple[str, str]]:
    """(field, text) pairs that travel with the data: what, where from, licence, method."""
    out = [("Title", prov.title), ("Selection", prov.subtitle)]
    indicators = [state["indicator"]] if page in ("map", "compare", "table", "trends") else []
    if page == "explorer":
        indicators = [v for v in (state["x"], state["y"]) if not v.startswith("demo:")]
    for ind in indicators:
        meta = model.catalogue.loc[ind]
        out += [
            (f"Definition ({ind})", str(meta["definition"])),
            (f"Unit ({ind})", str(meta["unit"])),
            (f"Source ({ind})", f"{meta['publisher']} (dataset {meta['source']})"),
            (f"Licence ({ind})", str(meta["licence"])),
            (f"Caveats ({ind})", str(meta["caveats"] or "none recorded")),
        ]
    if not indicators:
        out.append(("Indicators", "see the Indicator ID column; definitions in the app's indicator panel"))
    out += [
        ("Source", prov.source),
        ("Licence", OGL + (" " + OS_DATA if prov.boundaries else "")),
        ("Method", prov.method),
        ("View", prov.link),
    ]
    return out


def csv_bytes(frame: pd.DataFrame, meta: list[tuple[str, str]]) -> bytes:
    """UTF-8 CSV: metadata as leading '# field: text' lines, then the table with its header."""
    buf = io.StringIO()
    for key, text in meta:
        buf.write(f"# {key}: {' '.join(str(text).split())}\n")
    frame.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def xlsx_bytes(frame: pd.DataFrame, meta: list[tuple[str, str]]) -> bytes:
    """A workbook: the table on 'Data', the metadata on 'Metadata'."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=DATA_SHEET, index=False)
        pd.DataFrame(meta, columns=["Field", "Text"]).to_excel(writer, sheet_name=METADATA_SHEET, index=False)
        sheet = writer.sheets[DATA_SHEET]
        for i, col in enumerate(frame.columns, start=1):
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(
                40, max(10, len(str(col)) + 2)
            )
        writer.sheets[METADATA_SHEET].column_dimensions["A"].width = 28
        writer.sheets[METADATA_SHEET].column_dimensions["B"].width = 120
        sheet.freeze_panes = "A2"
    return buf.getvalue()
