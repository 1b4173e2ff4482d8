"""The frames each view draws, cut from the read-only model (pandas only).

Each function takes the model and plain arguments and returns the shape the
matching figure builder expects (see figures/). Callbacks memoise them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from data import schema as s
from data.harmonise import is_partial_comparator
from data.model import Model
from data.peer_views import category_column_for as peer_category_column
from data.queries import Selection, indicator_periods, view_rows

REGION_GEOGRAPHIES = ("nhser21", "nhser22")
ENGLAND_LABEL = "England"


def benchmark_label(model: Model, indicator_id: str, period: str | None = None, sex: str = "Persons") -> str:
    """What the national comparator of an indicator (and period) really is.

    "England" where the England value is published or summed from every area; where
    it was summed from only some areas (e.g. GP appointments: 49 of 106 CCGs), its
    name, "49 of 106 CCGs with data", which every label, legend, export column and
    board pack sentence uses instead of "England". With no period: the partial label
    of the latest period that has one, if any.
    """
    labels = benchmark_labels(model, indicator_id, sex)
    if period is not None:
        return labels.get(period, ENGLAND_LABEL)
    partial = [v for v in labels.values() if v != ENGLAND_LABEL]
    return partial[-1] if partial else ENGLAND_LABEL


def benchmark_labels(model: Model, indicator_id: str, sex: str = "Persons") -> dict[str, str]:
    """Period -> comparator label (see ``benchmark_label``), in period order."""
    ind = model.indicators
    rows = ind[(ind[s.INDICATOR_ID] == indicator_id) & (ind[s.GEOGRAPHY] == "england") & (ind[s.SEX] == sex)]
    rows = rows.sort_values(s.PERIOD_START)
    return {
        p: (str(n) if is_partial_comparator(n) else ENGLAND_LABEL)
        for p, n in zip(rows[s.PERIOD], rows[s.AREA_NAME])
    }


def natural_key(text: str) -> str:
    """Sort key in which numbers sort as numbers ("Question 3" before "Question 10")."""
    return re.sub(r"\d+", lambda m: m.group().zfill(6), text.lower())


def _comparators(model: Model, frame: pd.DataFrame) -> list[str]:
    """The England comparator's label for each row's indicator and period."""
    labels = {ind: benchmark_labels(model, ind) for ind in frame[s.INDICATOR_ID].unique()}
    return [labels[i].get(p, ENGLAND_LABEL) for i, p in zip(frame[s.INDICATOR_ID], frame[s.PERIOD])]


def category_column(benchmark: str, ci: str) -> str:
    peers = peer_category_column(benchmark, ci)
    if peers:
        return peers
    if benchmark == "region":
        return s.CMP_REGION_998 if ci == "99.8" else s.CMP_REGION_95
    return s.CMP_ENGLAND_998 if ci == "99.8" else s.CMP_ENGLAND_95


def ci_columns(ci: str) -> tuple[str, str]:
    return (s.LOWER998, s.UPPER998) if ci == "99.8" else (s.LOWER95, s.UPPER95)


def meta_dict(model: Model, indicator_id: str) -> dict:
    meta = model.catalogue.loc[indicator_id].to_dict()
    meta[s.INDICATOR_ID] = indicator_id
    return meta


def benchmark_values(rows: pd.DataFrame) -> tuple[float | None, dict[str, float]]:
    """England value and region values (by region code) among the rows of a view."""
    eng = rows.loc[rows[s.GEOGRAPHY] == "england", s.VALUE]
    regions = rows[rows[s.GEOGRAPHY].isin(REGION_GEOGRAPHIES)]
    england = float(eng.iloc[0]) if len(eng) and pd.notna(eng.iloc[0]) else None
    return england, {c: float(v) for c, v in zip(regions[s.AREA_CODE], regions[s.VALUE]) if pd.notna(v)}


def area_frame(model: Model, sel: Selection, region: str = "") -> tuple[pd.DataFrame, float | None, dict]:
    """The areas of a selection (optionally one region's), England and region values."""
    rows = view_rows(model, sel)
    areas = rows[rows[s.GEOGRAPHY] == sel.geography].copy()
    if region:
        areas = areas[areas["region_code"] == region]
    england, regions = benchmark_values(rows)
    areas["benchmark"] = benchmark_label(model, sel.indicator_id, sel.period, sel.sex)
    return areas.reset_index(drop=True), england, regions


def geography_of(model: Model, code: str, prefer: str = s.HOME_GEOGRAPHY) -> str | None:
    geos = model.areas.loc[model.areas[s.AREA_CODE] == code, s.GEOGRAPHY].tolist()
    if not geos:
        return None
    return prefer if prefer in geos else geos[0]


SPINE_COLUMNS = [
    s.INDICATOR_ID,
    "short_name",
    "domain",
    "polarity",
    "unit",
    s.PERIOD,
    "england_value",
    "min",
    "q25",
    "q75",
    "max",
    s.AREA_CODE,
    s.VALUE,
    "category",
    s.COUNT,
    "n_areas",
    # for the hover: the CI of both levels and the denominator
    s.LOWER95,
    s.UPPER95,
    s.LOWER998,
    s.UPPER998,
    s.DENOMINATOR,
]
AREA_VALUE_COLUMNS = [s.VALUE, s.COUNT, s.DENOMINATOR, s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998]


def _precomputed(model: Model, name: str) -> pd.DataFrame:
    """A frame the build makes for the spine or overview (made here for a model built without it)."""
    frame = model.frames.get(name)
    if frame is not None:
        return frame
    from data import build

    if name == build.SPINE_FRAME:
        return build.spine_focus(model.indicators, model.catalogue, model.frames["distribution"])
    return build.overview_cells(model.indicators, model.frames["availability"], model.catalogue, model.areas)


def spine_base(model: Model, focus: str) -> pd.DataFrame:
    """The focus area's spine rows without any area's value, in the order the chart shows them:
    each indicator's latest period with a value for the focus area, its spread over the areas
    of the focus area's geography, the centre and the comparator's name (precomputed at build)."""
    geography = geography_of(model, focus)
    frame = _precomputed(model, "spine_focus")
    if geography is None:
        return frame.iloc[0:0]
    base = frame[(frame[s.AREA_CODE] == focus) & (frame[s.GEOGRAPHY] == geography)]
    order = {k: i for i, k in enumerate(s.DOMAINS)}
    keys = pd.DataFrame(
        {
            "_d": base["domain"].astype(str).map(order).fillna(99).to_numpy(),
            "_n": [natural_key(str(n)) for n in base["short_name"]],
        }
    )
    return base.iloc[keys.sort_values(["_d", "_n"], kind="stable").index.to_numpy()].reset_index(drop=True)


def spine_rows(model: Model, areas: list[str], *, benchmark: str = "england", ci: str = "95") -> pd.DataFrame:
    """One row per indicator and area for the spine chart: the latest period with data.

    The comparison areas are every area of the focus area's geography in that
    period; England at the centre; quartiles and extremes over those areas. The
    per-indicator part is precomputed at build (``spine_base``); here only the
    chosen areas' values are looked up, one slice per indicator.
    """
    if not areas:
        return pd.DataFrame(columns=[*SPINE_COLUMNS, "benchmark"])
    base = spine_base(model, areas[0])
    if base.empty:
        return pd.DataFrame(columns=[*SPINE_COLUMNS, "benchmark"])
    geography = str(base[s.GEOGRAPHY].iloc[0])
    cat_col = category_column(benchmark, ci)
    ind = model.indicators
    keys = zip(base[s.INDICATOR_ID], [geography] * len(base), base[s.PERIOD], ["Persons"] * len(base))
    positions = [pos for pos in (model.slices.get(key) for key in keys) if pos is not None]
    wanted = [s.INDICATOR_ID, s.PERIOD, s.AREA_CODE, cat_col, *AREA_VALUE_COLUMNS]
    picked = ind.iloc[np.concatenate(positions), [ind.columns.get_loc(c) for c in wanted]]
    picked = picked[picked[s.AREA_CODE].isin(areas)].drop_duplicates([s.INDICATOR_ID, s.AREA_CODE])
    n = len(areas)
    frame = base.iloc[np.repeat(np.arange(len(base)), n)].reset_index(drop=True)
    frame[s.AREA_CODE] = np.tile(np.asarray(areas, dtype=object), len(base))
    frame = frame.merge(
        picked.drop(columns=s.PERIOD), on=[s.INDICATOR_ID, s.AREA_CODE], how="left", sort=False
    )
    frame = frame.rename(columns={cat_col: "category"})
    frame["category"] = frame["category"].where(frame[s.VALUE].notna(), s.NOT_COMPARED).fillna(s.NOT_COMPARED)
    national = frame["comparator"]
    frame = frame.reindex(columns=SPINE_COLUMNS)
    frame["benchmark"] = national if benchmark == "england" else "NHS region"
    return frame


def variable_column(
    model: Model, var: str, geography: str = s.HOME_GEOGRAPHY, period: str | None = None
) -> tuple[pd.DataFrame, dict]:
    """One explorer axis: value (and CI, category) per area, and its metadata."""
    if var.startswith("demo:"):
        key = var[len("demo:") :]
        demo = model.demographics
        frame = pd.DataFrame({s.AREA_CODE: demo.index, "v": demo[key].to_numpy()})
        meta = model.demographic_catalogue.loc[key].to_dict()
        meta.update(
            {
                "short_name": meta.get("name", key),
                "unit": meta.get("unit", ""),
                "period": "",
                "polarity": s.POLARITY_NONE,
            }
        )
        return frame.assign(v_lower=np.nan, v_upper=np.nan, category=s.NOT_COMPARED), meta
    periods = indicator_periods(model, var, geography)
    if not periods:
        return pd.DataFrame(columns=[s.AREA_CODE, "v", "v_lower", "v_upper", "category"]), meta_dict(
            model, var
        )
    chosen = period if period in periods else periods[-1]
    rows = model.slice(var, geography, chosen, "Persons")
    meta = meta_dict(model, var) | {"period": chosen}
    frame = pd.DataFrame(
        {
            s.AREA_CODE: rows[s.AREA_CODE].to_numpy(),
            "v": rows[s.VALUE].to_numpy(),
            "v_lower": rows[s.LOWER95].to_numpy(),
            "v_upper": rows[s.UPPER95].to_numpy(),
            "category": rows[s.CMP_ENGLAND_95].to_numpy(),
        }
    )
    return frame, meta


def explorer_frame(
    model: Model, x: str, y: str, *, period: str | None = None
) -> tuple[pd.DataFrame, dict, dict]:
    """Areas of CCG 2021 with x and y (both present), population and region."""
    xf, x_meta = variable_column(model, x)
    yf, y_meta = variable_column(model, y, period=period)
    areas = model.areas[model.areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY][
        [s.AREA_CODE, s.AREA_NAME, "region_name"]
    ]
    df = areas.merge(
        xf.rename(columns={"v": "x", "v_lower": "x_lower", "v_upper": "x_upper"}).drop(columns="category"),
        on=s.AREA_CODE,
    )
    df = df.merge(yf.rename(columns={"v": "y", "v_lower": "y_lower", "v_upper": "y_upper"}), on=s.AREA_CODE)
    pop_col = "population" if "population" in model.demographics.columns else None
    df["population"] = df[s.AREA_CODE].map(model.demographics[pop_col]) if pop_col else np.nan
    df = df[df["x"].notna() & df["y"].notna()].reset_index(drop=True)
    return df, x_meta, y_meta


def trend_labels(
    model: Model, indicator_id: str, geography: str, sex: str, areas: list[str]
) -> dict[str, str]:
    """Each area's latest recent trend (Fingertips' rule), precomputed at build in frames["trends"]."""
    trends = model.frames.get("trends")
    if trends is None or trends.empty:
        return {}
    rows = trends[
        (trends[s.INDICATOR_ID] == indicator_id)
        & (trends[s.GEOGRAPHY] == geography)
        & (trends[s.SEX] == sex)
        & trends[s.AREA_CODE].isin(areas)
    ]
    return dict(zip(rows[s.AREA_CODE], rows["trend"]))


def trend_frames(
    model: Model, sel: Selection, areas: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    """Series over time for the areas, England and the focus area's region, and trend labels."""
    ind = model.indicators
    rows = ind[(ind[s.INDICATOR_ID] == sel.indicator_id) & (ind[s.SEX] == sel.sex)]
    series = rows[(rows[s.GEOGRAPHY] == sel.geography) & rows[s.AREA_CODE].isin(areas)].sort_values(
        s.PERIOD_START
    )
    england = rows[rows[s.GEOGRAPHY] == "england"].sort_values(s.PERIOD_START)
    region = rows.iloc[0:0]
    if areas:
        info = model.areas[
            (model.areas[s.GEOGRAPHY] == sel.geography) & (model.areas[s.AREA_CODE] == areas[0])
        ]
        if len(info) and pd.notna(info["region_code"].iloc[0]):
            region = rows[
                (rows[s.GEOGRAPHY] == s.region_geography(sel.geography))
                & (rows[s.AREA_CODE] == info["region_code"].iloc[0])
            ].sort_values(s.PERIOD_START)
    labels = trend_labels(model, sel.indicator_id, sel.geography, sel.sex, areas)
    return (
        series.reset_index(drop=True),
        england.reset_index(drop=True),
        region.reset_index(drop=True),
        labels,
    )


def overview_grid(
    model: Model,
    *,
    region: str = "",
    benchmark: str = "england",
    ci: str = "95",
    geography: str = s.HOME_GEOGRAPHY,
) -> pd.DataFrame:
    """Areas x indicators: the latest period of each indicator on the geography (and its unit).

    Cut from the grid the build made for every geography (``overview_cells``): one
    row per area and indicator, in display order; here only the region and the
    comparison column are chosen.
    """
    cells = _precomputed(model, "overview_cells")
    grid = cells[cells[s.GEOGRAPHY] == geography]
    if region:
        grid = grid[grid["region_code"] == region]
    cat_col = category_column(benchmark, ci)
    out = grid[[s.AREA_CODE, s.AREA_NAME, s.INDICATOR_ID, s.VALUE, cat_col, s.PERIOD, "short_name"]]
    out = out.rename(columns={cat_col: "category"}).reset_index(drop=True)
    out["benchmark"] = grid["comparator"].to_numpy() if benchmark == "england" else "NHS region"
    out["domain"] = grid["domain"].to_numpy()
    out["unit"] = grid["unit"].to_numpy()  # for the hover: "40.9%", not "40.9"
    return out


def shown_periods(model: Model, page: str, *, focus: str = "", region: str = "") -> list[tuple[str, str]]:
    """(indicator name, period) of each indicator a spine (for ``focus``) or the overview (for
    ``region``) shows, in display order: what the data-age notice reads, a lookup in the frames
    the build made rather than the view's own rows."""
    if page == "spine":
        rows = spine_base(model, focus) if focus else pd.DataFrame(columns=["short_name", s.PERIOD])
    else:
        rows = overview_grid(model, region=region)
        rows = rows.drop_duplicates(s.INDICATOR_ID)
    return list(dict.fromkeys(zip(rows["short_name"].astype(str), rows[s.PERIOD].astype(str))))
