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
    rows = indicator_rows(model, indicator_id, sex, {"england"}).sort_values(s.PERIOD_START)
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


def spine_rows(model: Model, areas: list[str], *, benchmark: str = "england", ci: str = "95") -> pd.DataFrame:
    """One row per indicator and area for the spine chart: the latest period with data.

    The comparison areas are every area of the focus area's geography in that
    period; England at the centre; quartiles and extremes over those areas.
    """
    columns = [
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
    if not areas:
        return pd.DataFrame(columns=[*columns, "benchmark"])
    focus = areas[0]
    geography = geography_of(model, focus)
    if geography is None:
        return pd.DataFrame(columns=[*columns, "benchmark"])
    ind = model.indicators
    cat_col = category_column(benchmark, ci)
    here = ind[(ind[s.GEOGRAPHY] == geography) & (ind[s.SEX] == "Persons")]
    mine = here[(here[s.AREA_CODE] == focus) & here[s.VALUE].notna()]
    latest = mine.sort_values(s.PERIOD_START).groupby(s.INDICATOR_ID).tail(1)[[s.INDICATOR_ID, s.PERIOD]]
    dist = model.frames["distribution"]
    dist = dist[(dist[s.GEOGRAPHY] == geography) & (dist[s.SEX] == "Persons")].drop(
        columns=[s.GEOGRAPHY, s.SEX]
    )
    base = latest.merge(dist, on=[s.INDICATOR_ID, s.PERIOD], how="left")
    cat = model.catalogue
    for col in ("short_name", "domain", "polarity", "unit"):
        base[col] = base[s.INDICATOR_ID].map(cat[col])
    # No England value published or formed: centre on the median and say so.
    missing = base["england_value"].isna() & base["median"].notna()
    base.loc[missing, "england_value"] = base.loc[missing, "median"]
    base.loc[missing, "short_name"] = (
        base.loc[missing, "short_name"] + " (no England value: centred on the median)"
    )
    picked = here[here[s.AREA_CODE].isin(areas)][
        [s.INDICATOR_ID, s.PERIOD, s.AREA_CODE, s.VALUE, cat_col, s.COUNT, s.DENOMINATOR]
        + [s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998]
    ]
    grid = base.merge(pd.DataFrame({s.AREA_CODE: list(areas)}), how="cross")
    frame = grid.merge(picked, on=[s.INDICATOR_ID, s.PERIOD, s.AREA_CODE], how="left")
    frame = frame.rename(columns={cat_col: "category"})
    frame["category"] = frame["category"].where(frame[s.VALUE].notna(), s.NOT_COMPARED).fillna(s.NOT_COMPARED)
    frame = frame.reindex(columns=columns)
    national = pd.Series(_comparators(model, frame), index=frame.index, dtype=object)
    frame["benchmark"] = national if benchmark == "england" else "NHS region"
    partial = national != ENGLAND_LABEL  # the centre line is not England for these: say so
    frame.loc[partial, "short_name"] = (
        frame.loc[partial, "short_name"] + " (centre: " + national[partial] + ")"
    )
    order = {k: i for i, k in enumerate(s.DOMAINS)}
    frame["_d"] = frame["domain"].astype(str).map(order).fillna(99)
    frame["_a"] = frame[s.AREA_CODE].map({c: i for i, c in enumerate(areas)})
    frame["_n"] = frame["short_name"].astype(str).map(natural_key)
    frame = frame.sort_values(["_d", "_n", "_a"]).drop(columns=["_d", "_a", "_n"])
    return frame.reset_index(drop=True)


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


def indicator_rows(model: Model, indicator_id: str, sex: str, geographies: set[str]) -> pd.DataFrame:
    """Every period's rows of one indicator and sex on some geographies, in the table's own row
    order: gathered from the slice index made at load, not by scanning the whole table."""
    found = [
        pos
        for (indicator, geography, _, sex_of), pos in model.slices.items()
        if indicator == indicator_id and sex_of == sex and geography in geographies
    ]
    positions = np.sort(np.concatenate(found)) if found else np.array([], dtype=np.intp)
    return model.indicators.iloc[positions]


def trend_frames(
    model: Model, sel: Selection, areas: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    """Series over time for the areas, England and the focus area's region, and trend labels."""
    geographies = {sel.geography, "england", s.region_geography(sel.geography)}
    rows = indicator_rows(model, sel.indicator_id, sel.sex, geographies)
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
    """Areas x indicators: the latest period of each indicator on the geography."""
    cat_col = category_column(benchmark, ci)
    avail = model.frames["availability"]
    avail = avail[(avail[s.GEOGRAPHY] == geography) & (avail[s.SEX] == "Persons") & (avail["n_values"] > 0)]
    latest = avail.sort_values("period_start").groupby(s.INDICATOR_ID).tail(1)
    # One take of the six columns for every indicator's latest slice: a take of the full-width
    # frame per indicator (80 of them) was half of the overview's server time (bench profile).
    keys = zip(latest[s.INDICATOR_ID], [geography] * len(latest), latest[s.PERIOD], ["Persons"] * len(latest))
    positions = [pos for pos in (model.slices.get(key) for key in keys) if pos is not None]
    if not positions:
        return pd.DataFrame(
            columns=[s.AREA_CODE, s.AREA_NAME, s.INDICATOR_ID, "short_name", s.VALUE, "category"]
        )
    ind = model.indicators
    columns = [s.AREA_CODE, s.AREA_NAME, s.INDICATOR_ID, s.VALUE, cat_col, s.PERIOD]
    grid = ind.iloc[np.concatenate(positions), [ind.columns.get_loc(c) for c in columns]]
    grid = grid.reset_index(drop=True).rename(columns={cat_col: "category"})
    grid["short_name"] = grid[s.INDICATOR_ID].map(model.catalogue["short_name"])
    grid["benchmark"] = _comparators(model, grid) if benchmark == "england" else "NHS region"
    grid["domain"] = grid[s.INDICATOR_ID].map(model.catalogue["domain"])
    if region:
        info = model.areas[(model.areas[s.GEOGRAPHY] == geography) & (model.areas["region_code"] == region)]
        grid = grid[grid[s.AREA_CODE].isin(info[s.AREA_CODE])]
    order = {k: i for i, k in enumerate(s.DOMAINS)}
    grid = grid.assign(
        _d=grid["domain"].astype(str).map(order).fillna(99),
        _n=grid["short_name"].astype(str).map(natural_key),
    )
    return grid.sort_values(["_d", "_n", s.AREA_NAME]).drop(columns=["_d", "_n"]).reset_index(drop=True)
