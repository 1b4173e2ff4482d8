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
from data.queries.comparator import comparator_from_state, compare_grid, compare_rows, compare_spine
from data.queries.funnel import funnel_table
from data.queries.rows import Selection, fingertips_frame, view_rows
from data.queries.view_frames import category_column, explorer_frame, overview_geography, trend_frames
from views.provenance import OGL, OS_DATA, Provenance

BENCHMARK_COLUMN = "Benchmark"
BENCHMARK_VALUE_COLUMN = "Benchmark value"
COMPARED_COLUMN = "Compared to benchmark"
NOT_COMPARED_COLUMN = "Why not compared"


SPINE_COLUMNS = {
    s.INDICATOR_ID: "Indicator ID",
    "short_name": "Indicator Name",
    s.AREA_CODE: "Area Code",
    s.AREA_NAME: "Area Name",
    s.PERIOD: "Time period",
    s.VALUE: "Value",
    s.COUNT: "Count",
    "comparator_label": BENCHMARK_COLUMN,
    "comparator_value": BENCHMARK_VALUE_COLUMN,
    "england_value": "Centre of the spine (England, or the median)",
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
    """Fingertips' frame, compared with the view's one comparator (``data.queries.comparator``):
    each area's benchmark (named as it is: "England", "49 of 106 CCGs with data", "South West
    region", "NHS Kernow CCG's 10 similar CCGs"), its value, and the category at the chosen CI.
    Fingertips' own comparison column keeps its name when the benchmark is England."""
    comp = comparator_from_state(model, state)
    compared = compare_rows(model, rows, comp)
    frame = fingertips_frame(model, sel, rows, category_column("england", state["ci"]))
    fingertips_column = next(c for c in frame.columns if c.startswith("Compared to "))
    areas = (~rows[s.GEOGRAPHY].isin(s.COMPARATOR_GEOGRAPHIES)).to_numpy()
    category = compared["category"].where(areas, "").to_numpy()
    if comp.kind == "england":
        frame[fingertips_column] = category
    else:
        frame = frame.drop(columns=fingertips_column)
        frame[COMPARED_COLUMN] = category
    frame[BENCHMARK_COLUMN] = compared["comparator_label"].where(areas, "").to_numpy()
    frame[BENCHMARK_VALUE_COLUMN] = compared["comparator_value"].where(areas).to_numpy(dtype=float)
    why = compared["not_compared_why"].where(areas, "").to_numpy()
    if (why != "").any():
        frame[NOT_COMPARED_COLUMN] = why
    return frame


def _area_rows(model: Model, state: dict, region_filter: bool, scoped: bool = True) -> pd.DataFrame:
    """The areas a page shows (with similar CCGs and ``scope=peers``: the focus and its peers, as
    the page; ``scoped=False``: every area, as the map draws them), then England and, where a
    line of theirs is drawn, the regions."""
    sel = selection(state)
    rows = view_rows(model, sel)
    areas = rows[rows[s.GEOGRAPHY] == sel.geography]
    region = state.get("region") if region_filter else ""
    if region:
        areas = areas[areas["region_code"] == region]
    comp = comparator_from_state(model, state)
    if scoped and comp.scope and (state.get("scope") or "peers") == "peers":
        areas = areas[areas[s.AREA_CODE].isin(set(comp.scope))]
    regions = rows[rows[s.GEOGRAPHY] == s.region_geography(sel.geography)]
    if region:
        regions = regions[regions[s.AREA_CODE] == region]
    england = rows[rows[s.GEOGRAPHY] == "england"]
    keep = [areas, england] + ([regions] if state["benchmark"] == "region" or region else [])
    return pd.concat(keep, ignore_index=True)


def funnel_export(model: Model, state: dict) -> pd.DataFrame:
    """The funnel's table under the chosen ``od=`` (``data.queries.funnel.funnel_table``: the
    chart's own numbers, each area's limits at its denominator and its category)."""
    table, _method = funnel_table(model, selection(state), ci=state["ci"], od=state.get("od") or "none")
    return table


def view_table(model: Model, state: dict, page: str) -> pd.DataFrame:
    """The rows a page shows, with Fingertips' column names (see module docstring)."""
    if page in ("map", "compare", "table"):
        rows = _area_rows(model, state, region_filter=page != "map", scoped=page != "map")
        return _with_comparison(model, selection(state), rows, state)
    if page == "funnel":
        return funnel_export(model, state)
    if page == "trends":
        series, england, region, labels = trend_frames(model, selection(state), state["areas"])
        rows = pd.concat([series, region, england], ignore_index=True)
        frame = _with_comparison(model, selection(state), rows, state)
        frame["Recent Trend"] = rows[s.AREA_CODE].map(labels).fillna("").to_numpy()
        return frame
    if page == "spine":
        comp = comparator_from_state(model, state)
        geography = state.get("geography")
        rows = compare_spine(model, state["areas"], comp, geography) if state["areas"] else pd.DataFrame()
        if rows.empty:
            return pd.DataFrame(columns=[*SPINE_COLUMNS.values(), COMPARED_COLUMN])
        names = area_names(model, state["areas"], geography)
        rows = rows.assign(**{s.AREA_NAME: rows[s.AREA_CODE].map(names)})
        frame = rows[list(SPINE_COLUMNS)].rename(columns=SPINE_COLUMNS)
        frame[COMPARED_COLUMN] = rows["category"].to_numpy()
        return frame
    if page == "overview":
        comp = comparator_from_state(model, state)
        geography = overview_geography(state.get("geography"))
        grid = compare_grid(model, comp, region=state.get("region") or "", geography=geography)
        return pd.DataFrame(
            {
                "Indicator ID": grid[s.INDICATOR_ID],
                "Indicator Name": grid["short_name"],
                "Area Code": grid[s.AREA_CODE],
                "Area Name": grid[s.AREA_NAME],
                "Time period": grid[s.PERIOD],
                "Value": grid[s.VALUE],
                BENCHMARK_COLUMN: grid["comparator_label"],
                BENCHMARK_VALUE_COLUMN: grid["comparator_value"],
                COMPARED_COLUMN: grid["category"],
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
    indicators = [state["indicator"]] if page in ("map", "compare", "table", "trends", "funnel") else []
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
