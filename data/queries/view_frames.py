"""The frames each view draws, cut from the read-only model (pandas only).

Each function takes the model and plain arguments and returns the shape the
matching figure builder expects (see figures/). Callbacks memoise them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.model import precomputed
from data.model import schema as s
from data.model.core import Model
from data.model.harmonise import is_partial_comparator
from data.queries.areas import area_word, geography_of
from data.queries.peers import category_column_for as peer_category_column
from data.queries.rows import Selection, indicator_periods, national_rows, view_rows

REGION_GEOGRAPHIES = s.REGION_GEOGRAPHIES
ENGLAND_LABEL = "England"


def benchmark_label(
    model: Model,
    indicator_id: str,
    period: str | None = None,
    sex: str = "Persons",
    geography: str | None = None,
) -> str:
    """What the national comparator of an indicator (and period) really is.

    "England" where the England value is published or summed from every area; where
    it was summed from only some areas (e.g. GP appointments: 49 of 106 CCGs), its
    name, "49 of 106 CCGs with data", which every label, legend, export column and
    board pack sentence uses instead of "England"; on a ``geography`` with its own partial
    sum, that sum's ("32 of 42 ICBs with data"). With no period: the partial label
    of the latest period that has one, if any.
    """
    labels = benchmark_labels(model, indicator_id, sex, geography)
    if period is not None:
        return labels.get(period, ENGLAND_LABEL)
    partial = [v for v in labels.values() if v != ENGLAND_LABEL]
    return partial[-1] if partial else ENGLAND_LABEL


def benchmark_labels(
    model: Model, indicator_id: str, sex: str = "Persons", geography: str | None = None
) -> dict[str, str]:
    """Period -> comparator label (see ``benchmark_label``), in period order."""
    rows = indicator_rows(model, indicator_id, sex, {"england"}).sort_values(s.PERIOD_START)
    if geography:
        rows = national_rows(model, rows, geography)
    return {
        p: (str(n) if is_partial_comparator(n) else ENGLAND_LABEL)
        for p, n in zip(rows[s.PERIOD], rows[s.AREA_NAME])
    }


def _comparators(model: Model, frame: pd.DataFrame) -> list[str]:
    """The England comparator's label for each row's indicator and period."""
    labels = {ind: benchmark_labels(model, ind) for ind in frame[s.INDICATOR_ID].unique()}
    return [labels[i].get(p, ENGLAND_LABEL) for i, p in zip(frame[s.INDICATOR_ID], frame[s.PERIOD])]


def shows_categories(model: Model, indicator_id: str, asked: bool = False) -> bool:
    """May a view colour this indicator by benchmark category? Not for a "values only" policy;
    for "on request" (GP FFT: NHS England advises against comparing) only when a person asks, and
    then with the caveat beside the categories. Otherwise yes (where the rows have categories)."""
    if "compare" not in model.catalogue.columns or indicator_id not in model.catalogue.index:
        return True
    policy = str(model.catalogue.at[indicator_id, "compare"] or s.COMPARE_CATEGORIES)
    if policy == s.COMPARE_VALUES:
        return False
    return asked or policy != s.COMPARE_ON_REQUEST


def hidden_categories(model: Model, asked: bool = False) -> set[str]:
    """Indicators whose categories a view shows as "Not compared" (see ``shows_categories``)."""
    if "compare" not in model.catalogue.columns:
        return set()
    policy = model.catalogue["compare"].astype(str)
    hidden = policy == s.COMPARE_VALUES
    if not asked:
        hidden |= policy == s.COMPARE_ON_REQUEST
    return set(model.catalogue.index[hidden.to_numpy(dtype=bool)])


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
    areas["benchmark"] = benchmark_label(model, sel.indicator_id, sel.period, sel.sex, sel.geography)
    return areas.reset_index(drop=True), england, regions


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
    if name == precomputed.SPINE_FRAME:
        return precomputed.spine_focus(model.indicators, model.catalogue, model.frames["distribution"])
    return precomputed.overview_cells(
        model.indicators, model.frames["availability"], model.catalogue, model.areas
    )


def _block(frame: pd.DataFrame, column: str, value: str) -> pd.DataFrame:
    """The rows of ``frame`` whose ``column`` is ``value``, for a frame the build sorted by it
    (one contiguous block: a slice, not a copy of every column)."""
    at = np.flatnonzero((frame[column] == value).to_numpy(dtype=bool, na_value=False))
    return frame.iloc[at[0] : at[-1] + 1] if len(at) else frame.iloc[0:0]


def spine_base(model: Model, focus: str, geography: str | None = None) -> pd.DataFrame:
    """The focus area's spine rows without any area's value, in the order the chart shows them:
    each indicator's latest period with a value for the focus area, its spread over the areas
    of the focus area's geography (``geography`` where the focus is one of its areas, else the
    geography its code means: ``data.queries.areas.geography_of``), the centre and the
    comparator's name (made at build)."""
    geography = geography_of(model, focus, geography)
    frame = _precomputed(model, "spine_focus")
    if geography is None:
        return frame.iloc[0:0]
    base = _block(frame, s.AREA_CODE, focus)  # sorted by area code, then geography: contiguous
    return _block(base, s.GEOGRAPHY, geography)


def spine_rows(
    model: Model,
    areas: list[str],
    *,
    benchmark: str = "england",
    ci: str = "95",
    categories: bool = False,
    geography: str | None = None,
) -> pd.DataFrame:
    """One row per indicator and area for the spine chart: the latest period with data.

    Indicators whose categories are shown only on request (GP FFT) are "Not compared" unless
    ``categories`` (a person asked for them); unworded survey questions are not in the spine.

    The comparison areas are every area of the focus area's geography (the view's
    ``geography`` where the focus is one of its areas: ``spine_base``) in that period;
    England at the centre; quartiles and extremes over those areas. The per-indicator part is
    made at build (``spine_base``); here only the chosen areas'
    values are looked up in each indicator's slice.
    """
    base = spine_base(model, areas[0], geography) if areas else None
    if base is None or base.empty:
        return pd.DataFrame(columns=[*SPINE_COLUMNS, "benchmark"])
    geography = str(base[s.GEOGRAPHY].iloc[0])
    cat_col = category_column(benchmark, ci)
    ind = model.indicators
    ids, periods = base[s.INDICATOR_ID].tolist(), base[s.PERIOD].tolist()
    found = [model.slices.get((i, geography, p, "Persons")) for i, p in zip(ids, periods, strict=True)]
    positions = np.concatenate([p for p in found if p is not None] or [np.empty(0, dtype=np.intp)])
    codes = ind[s.AREA_CODE].iloc[positions]
    mine = codes.isin(areas).to_numpy()
    positions = positions[mine]  # the chosen areas' rows only
    row_of: dict[tuple, int] = {}
    keys = zip(ind[s.INDICATOR_ID].iloc[positions].tolist(), codes[mine].tolist(), strict=True)
    for k, key in enumerate(keys):
        row_of.setdefault(key, k)
    n = len(areas)
    at = np.array([row_of.get((i, a), -1) for i in ids for a in areas], dtype=np.intp)
    has, take = at >= 0, np.maximum(at, 0)
    repeat = np.repeat(np.arange(len(base)), n)
    columns: dict[str, object] = {c: base[c].to_numpy()[repeat] for c in SPINE_COLUMNS if c in base}
    columns[s.AREA_CODE] = np.tile(np.asarray(areas, dtype=object), len(base))
    for col in AREA_VALUE_COLUMNS:  # float columns: a numpy take, no copy of the model's column
        values = ind[col].to_numpy(dtype=float, na_value=np.nan)[positions]
        columns[col] = np.where(has, values[take] if len(values) else np.nan, np.nan)
    cats = ind[cat_col].iloc[positions].to_numpy(dtype=object, na_value=None)
    category = cats[take] if len(cats) else np.full(len(at), None, dtype=object)
    valued = has & ~np.isnan(columns[s.VALUE])
    columns["category"] = np.where(valued & pd.notna(category), category, s.NOT_COMPARED)
    hidden = np.isin(columns[s.INDICATOR_ID], list(hidden_categories(model, categories)))
    columns["category"] = np.where(hidden, s.NOT_COMPARED, columns["category"])
    frame = pd.DataFrame(columns, columns=SPINE_COLUMNS)
    frame["benchmark"] = (
        base["comparator"].to_numpy()[repeat]
        if benchmark == "england"
        else benchmark_words(benchmark, geography)
    )
    frame[s.GEOGRAPHY] = geography  # the areas' geography (the spine's spread is over its areas)
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
    england = national_rows(model, rows[rows[s.GEOGRAPHY] == "england"], sel.geography)
    england = england.sort_values(s.PERIOD_START)
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


def benchmark_words(benchmark: str, geography: str = s.HOME_GEOGRAPHY) -> str:
    """What a non-England benchmark column compares each area with, in words (these frames
    colour each area against its own region or its own similar CCGs or ICBs; the one-comparator
    views are data.queries.comparator's)."""
    if benchmark == "region":
        return "each area's NHS region"
    if benchmark.startswith("peers"):
        similar = f"similar {area_word(geography, 2)}"
        return (
            f"each area's own RightCare {similar}"
            if "rightcare" in benchmark
            else f"each area's own {similar}"
        )
    return ENGLAND_LABEL


def overview_geography(geography: str | None) -> str:
    """The geography an overview of ``geography`` shows: its own where the build makes its grid
    (CCG 2021, sub-ICB 2023, ICB 2023), else CCG 2021."""
    return geography if geography in precomputed.OVERVIEW_GEOGRAPHIES else s.HOME_GEOGRAPHY


def overview_cells_for(model: Model, *, region: str = "", geography: str = s.HOME_GEOGRAPHY) -> pd.DataFrame:
    """The overview grid's cells of one geography (and region), as the build made them."""
    grid = _block(_precomputed(model, "overview_cells"), s.GEOGRAPHY, geography)
    if grid.empty and geography != s.HOME_GEOGRAPHY:  # the build makes the app's geography only
        cells = precomputed.overview_cells(
            model.indicators, model.frames["availability"], model.catalogue, model.areas, (geography,)
        )
        grid = _block(cells, s.GEOGRAPHY, geography)
    if region:
        grid = grid[(grid["region_code"] == region).to_numpy(dtype=bool, na_value=False)]
    return grid


def overview_grid(
    model: Model,
    *,
    region: str = "",
    benchmark: str = "england",
    ci: str = "95",
    geography: str = s.HOME_GEOGRAPHY,
    categories: bool = False,
) -> pd.DataFrame:
    """Areas x indicators: the latest period of each indicator on the geography (and its unit).

    Cut from the grid the build made for every geography (``overview_cells``, in display
    order): here only the region and the comparison column are chosen. Categories shown only on
    request (GP FFT) are "Not compared" unless ``categories``.
    """
    cat_col = category_column(benchmark, ci)
    grid = overview_cells_for(model, region=region, geography=geography)
    out = grid[[s.AREA_CODE, s.AREA_NAME, s.INDICATOR_ID, s.VALUE, cat_col, s.PERIOD, "short_name"]]
    out = out.rename(columns={cat_col: "category"}).reset_index(drop=True)
    hidden = out[s.INDICATOR_ID].isin(hidden_categories(model, categories)).to_numpy()
    if hidden.any():
        out.loc[hidden, "category"] = s.NOT_COMPARED
    out["benchmark"] = (
        grid["comparator"].to_numpy() if benchmark == "england" else benchmark_words(benchmark, geography)
    )
    out["domain"] = grid["domain"].to_numpy()
    out["unit"] = grid["unit"].to_numpy()  # for the hover: "40.9%", not "40.9"
    out[s.GEOGRAPHY] = grid[s.GEOGRAPHY].to_numpy()
    return out


def shown_periods(
    model: Model, page: str, *, focus: str = "", region: str = "", geography: str | None = None
) -> list[tuple[str, str]]:
    """(indicator name, period) of each indicator a spine (for ``focus``) or the overview (for
    ``region``) shows, in display order: what the data-age notice reads, a lookup in the frames
    the build made rather than the view's own rows."""
    if page == "spine":
        if not focus:
            return []
        rows = spine_base(model, focus, geography)
    else:
        rows = overview_cells_for(model, geography=overview_geography(geography))
        if region:
            rows = rows[(rows["region_code"] == region).to_numpy(dtype=bool, na_value=False)]
    names, periods = rows["short_name"].astype(str).tolist(), rows[s.PERIOD].astype(str).tolist()
    return list(dict.fromkeys(zip(names, periods, strict=True)))
