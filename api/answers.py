"""What each API endpoint answers, as pure functions of (model, path arguments, query).

The selection is read with the pages' own rules (``selection.parse_params``), but strictly: a
value the pages would replace by a default with a notice is a 400 naming the parameter. The
numbers come from the same queries the pages and exports use (``data.queries``), so an API row
equals the page's and the export's for the same selection.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from api.spec import Answer, ApiError
from data.model import schema as s
from data.model.catalogue import COLUMNS as catalogue_columns
from data.model.core import Model
from data.model.freshness import age_in_years, period_end
from data.queries.alerts import area_alerts
from data.queries.comparator import (
    Comparator,
    comparator_from_state,
    compare_rows,
    compare_spine,
    national_comparator,
)
from data.queries.peers import benchmark_key
from data.queries.rows import AREA_GEOGRAPHIES, value_notes
from data.queries.view_frames import ci_columns
from selection import CHOICES, parse_params

SELECTION_KEYS = ("geography", "period", "sex", "areas", "benchmark", "peers", "ci")
DATA_COLUMNS = (
    "indicator_id",
    "area_code",
    "ods_code",
    "area_name",
    "geography",
    "parent_code",
    "region_code",
    "period",
    "sex",
    "value",
    "lower",
    "upper",
    "ci_level",
    "count",
    "denominator",
    "comparator",
    "comparator_value",
    "category",
    "recent_trend",
    "quintile",
    "notes",
)


def _indicator(model: Model, indicator_id: str) -> pd.Series:
    if indicator_id not in model.catalogue.index:
        raise ApiError(404, f"No indicator {indicator_id!r}: GET /api/v1/indicators lists them.", "id")
    return model.catalogue.loc[indicator_id]


def strict_state(model: Model, query: dict[str, str], indicator_id: str | None = None) -> dict:
    """The selection ``query`` asks for, read by the pages' rules; anything they would replace is a 400."""
    params = {k: [v] for k, v in query.items() if k in SELECTION_KEYS and v != ""}
    if indicator_id is not None:
        params["indicator"] = [indicator_id]
    state, _notices = parse_params(model, params)
    for key in ("geography", "period", "sex", *CHOICES):
        wanted = query.get(key)
        if wanted and key in SELECTION_KEYS and str(state.get(key)) != wanted:
            known = _known_values(model, state, key)
            raise ApiError(400, f"{key}={wanted!r} is not available here; use one of: {known}.", key)
    tokens = [t.strip() for t in query.get("areas", "").split(",") if t.strip()]
    if len(tokens) > len(state["areas"]) or (tokens and not state["areas"]):
        raise ApiError(400, f"areas={query['areas']!r}: unknown area code(s), or more than 6 areas.", "areas")
    return state


def _known_values(model: Model, state: dict, key: str) -> str:
    from data.queries.rows import indicator_geographies, indicator_periods, indicator_sexes

    ind = state["indicator"]
    if key == "geography":
        values = indicator_geographies(model, ind)
    elif key == "period":
        values = indicator_periods(model, ind, state["geography"])[-12:]
    elif key == "sex":
        values = indicator_sexes(model, ind)
    else:
        values = list(CHOICES.get(key, ()))
    return ", ".join(values)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: NaN and NA become null, numpy scalars plain Python."""
    out = frame.astype(object).where(frame.notna(), None)
    return [
        {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        for row in out.to_dict(orient="records")
    ]


# --- indicators -----------------------------------------------------------------


# The catalogue page's columns as the API serves them: its own bookkeeping left out, the sexes,
# the data's age and the series breaks added.
INTERNAL = ("latest_end", "view_page", "view_item")
CATALOGUE_FIELDS = (
    *(c for c in catalogue_columns if c not in INTERNAL),
    "sexes",
    "data_age_years",
    "series_breaks",
)


def _catalogue(model: Model) -> pd.DataFrame:
    frame = model.frames["indicator_catalogue"]
    # Indicators only: the catalogue page also lists survey items that are not indicator rows (the
    # GP Patient Survey by ICB and deprivation, ``view_page`` set), which have no data to serve here.
    frame = frame[frame[s.INDICATOR_ID].isin(model.catalogue.index)].copy()
    frame["sexes"] = frame[s.INDICATOR_ID].map(model.catalogue["sexes"]).fillna("")
    ends = frame["latest_period"].map(lambda p: period_end(str(p)) if isinstance(p, str) else None)
    frame["data_age_years"] = [
        None if e is None else round(float(age_in_years(e)), 1)
        for e in ends  # type: ignore[arg-type]
    ]
    frame["series_breaks"] = frame[s.INDICATOR_ID].map(model.catalogue["series_breaks"]).fillna("")
    return frame[[c for c in CATALOGUE_FIELDS if c in frame]]


def indicators(model: Model, _path: dict[str, str], query: dict[str, str]) -> Answer:
    frame = _catalogue(model)
    domain = query.get("domain")
    if domain:
        if domain not in s.DOMAINS:
            raise ApiError(400, f"domain={domain!r}: use one of {', '.join(s.DOMAINS)}.", "domain")
        frame = frame[frame["domain"].astype(str) == domain]
    return Answer(rows=frame.reset_index(drop=True), meta={"count": len(frame)})


def indicator(model: Model, path: dict[str, str], _query: dict[str, str]) -> Answer:
    _indicator(model, path["id"])
    frame = _catalogue(model)
    row = _records(frame[frame[s.INDICATOR_ID] == path["id"]])[0]
    return Answer(item=row, meta={})


# --- one indicator's data ----------------------------------------------------------


def _trend_labels(model: Model, rows: pd.DataFrame) -> pd.Series:
    """The recent trend of each row's series, where the row is the series' latest period."""
    trends = model.frames["trends"]
    keys = [s.INDICATOR_ID, s.GEOGRAPHY, s.AREA_CODE, s.SEX, s.PERIOD]
    found = rows[keys].merge(trends[[*keys, "trend"]], on=keys, how="left")["trend"]
    return found.fillna("").set_axis(rows.index)


def comparator_of(model: Model, state: dict) -> Comparator:
    """The screens' comparator (``data.queries.comparator``): with ``benchmark=peers`` and areas, the
    first area's similar CCGs (the others not compared, as on the pages); without areas, each CCG's
    own similar CCGs (the national list's comparator)."""
    if state["benchmark"] == "peers" and not state["areas"]:
        return national_comparator(model, "peers", ci=state["ci"], peer_set=state["peers"])
    return comparator_from_state(model, state)


def _compared(model: Model, rows: pd.DataFrame, state: dict) -> pd.DataFrame:
    """Comparator name and value and each row's category under the chosen benchmark and CI: the
    screens' one comparator (``compare_rows``), so an API row equals the page's and the export's."""
    compared = compare_rows(model, rows, comparator_of(model, state))
    out = pd.DataFrame(index=rows.index)
    out["category"] = compared["category"].where(rows[s.VALUE].notna(), s.NOT_COMPARED).to_numpy()
    out["comparator"] = compared["comparator_label"].to_numpy()
    out["comparator_value"] = compared["comparator_value"].to_numpy(dtype=float)
    return out


def _rows(model: Model, state: dict, *, bulk: bool, geographies: set[str]) -> pd.DataFrame:
    """The selection's rows; in bulk every period and sex of ``geographies``."""
    ind = model.indicators
    mask = (ind[s.INDICATOR_ID] == state["indicator"]) & ind[s.GEOGRAPHY].isin(geographies)
    if not bulk:
        mask &= (ind[s.PERIOD] == state["period"]) & (ind[s.SEX] == state["sex"])
    rows = ind[mask]
    if state["areas"]:
        rows = rows[rows[s.AREA_CODE].isin(state["areas"])]
    info = model.areas.drop_duplicates([s.GEOGRAPHY, s.AREA_CODE])[
        [s.GEOGRAPHY, s.AREA_CODE, "ods_code", "parent_code", "region_code", "region_name"]
    ]
    rows = rows.merge(info, on=[s.GEOGRAPHY, s.AREA_CODE], how="left")
    return rows.sort_values([s.GEOGRAPHY, s.PERIOD_START, s.SEX, s.AREA_NAME], kind="stable").reset_index(
        drop=True
    )


def indicator_data(model: Model, path: dict[str, str], query: dict[str, str]) -> Answer:
    """One row per area (and period, sex and geography in bulk): value, limits, comparator, category,
    trend, quintile and notes. With no ``areas`` and no ``period`` every row of the indicator."""
    meta = _indicator(model, path["id"])
    state = strict_state(model, query, path["id"])
    bulk = not query.get("areas") and not query.get("period")
    geographies = {state["geography"]} if query.get("geography") or not bulk else set(AREA_GEOGRAPHIES)
    rows = _rows(model, state, bulk=bulk, geographies=geographies)
    lo, hi = ci_columns(state["ci"])
    compared = (
        _compared(model, rows, state)
        if len(rows)
        else pd.DataFrame(columns=["comparator", "comparator_value", "category"])
    )
    frame = pd.DataFrame(
        {
            "indicator_id": rows[s.INDICATOR_ID],
            "area_code": rows[s.AREA_CODE],
            "ods_code": rows["ods_code"],
            "area_name": rows[s.AREA_NAME],
            "geography": rows[s.GEOGRAPHY],
            "parent_code": rows["parent_code"],
            "region_code": rows["region_code"],
            "period": rows[s.PERIOD],
            "sex": rows[s.SEX],
            "value": rows[s.VALUE],
            "lower": rows[lo],
            "upper": rows[hi],
            "ci_level": float(state["ci"]),
            "count": rows[s.COUNT],
            "denominator": rows[s.DENOMINATOR],
            "comparator": compared["comparator"],
            "comparator_value": compared["comparator_value"],
            "category": compared["category"],
            "recent_trend": _trend_labels(model, rows) if len(rows) else pd.Series(dtype=object),
            "quintile": rows[s.QUINTILE],
            "notes": value_notes(rows) if len(rows) else pd.Series(dtype=object),
        },
        columns=list(DATA_COLUMNS),
    )
    info = {
        "indicator": path["id"],
        "name": meta["name"],
        "unit": meta["unit"],
        "polarity": meta["polarity"],
        "geography": None if bulk and not query.get("geography") else state["geography"],
        "period": None if bulk else state["period"],
        "sex": None if bulk else state["sex"],
        "benchmark": state["benchmark"],
        "peers": state["peers"] if state["benchmark"] == "peers" else None,
        "ci": state["ci"],
        "licence": meta["licence"],
        "publisher": meta["publisher"],
        "count": len(frame),
    }
    return Answer(rows=frame, meta=info)


# --- areas ------------------------------------------------------------------------


def areas(model: Model, _path: dict[str, str], query: dict[str, str]) -> Answer:
    geography = query.get("geography") or s.HOME_GEOGRAPHY
    if geography not in set(model.areas[s.GEOGRAPHY]):
        known = ", ".join(sorted(set(model.areas[s.GEOGRAPHY])))
        raise ApiError(400, f"geography={geography!r}: use one of {known}.", "geography")
    frame = model.areas[model.areas[s.GEOGRAPHY] == geography].drop_duplicates(s.AREA_CODE)
    names = model.areas.drop_duplicates(s.AREA_CODE).set_index(s.AREA_CODE)[s.AREA_NAME]
    lineage = model.lineage
    if "to_geography" in lineage:  # the lineage leads to CCG 2021 and to sub-ICB 2023, whose codes overlap
        lineage = lineage[lineage["to_geography"] == geography]
    made_of = (
        {
            code: "; ".join(
                f"{r.from_code} ({r.from_geography}, {100 * r.share:.1f}%)" for r in group.itertuples()
            )
            for code, group in lineage.groupby("to_code")
        }
        if geography in (s.HOME_GEOGRAPHY, s.SUBICB_GEOGRAPHY) and len(lineage)
        else {}
    )
    out = pd.DataFrame(
        {
            "area_code": frame[s.AREA_CODE],
            "ods_code": frame["ods_code"],
            "area_name": frame[s.AREA_NAME],
            "geography": frame[s.GEOGRAPHY],
            "parent_code": frame["parent_code"],
            "parent_name": frame["parent_code"].map(names),
            "region_code": frame["region_code"],
            "region_name": frame["region_name"],
            "predecessors": frame[s.AREA_CODE].map(made_of).fillna(""),
        }
    ).sort_values("area_name")
    return Answer(rows=out.reset_index(drop=True), meta={"geography": geography, "count": len(out)})


def spine(model: Model, path: dict[str, str], query: dict[str, str]) -> Answer:
    code = path["code"]
    state = strict_state(model, {**query, "areas": code})
    if not state["areas"]:
        raise ApiError(404, f"No area {code!r}: GET /api/v1/areas lists them.", "code")
    rows = compare_spine(model, state["areas"][:1], comparator_of(model, state))
    frame = rows.rename(columns={"comparator_label": "comparator", "england_value": "centre_value"})
    keep = [
        s.INDICATOR_ID,
        "short_name",
        "domain",
        "unit",
        "polarity",
        s.AREA_CODE,
        s.PERIOD,
        s.VALUE,
        s.COUNT,
        s.LOWER95,
        s.UPPER95,
        "comparator",
        "comparator_value",
        "category",
        "centre_value",
        "min",
        "q25",
        "q75",
        "max",
        "n_areas",
    ]
    frame = frame[[c for c in keep if c in frame]]
    info = {
        "area": state["areas"][0],
        "benchmark": state["benchmark"],
        "ci": state["ci"],
        "count": len(frame),
    }
    return Answer(rows=frame.reset_index(drop=True), meta=info)


def alerts(model: Model, _path: dict[str, str], query: dict[str, str]) -> Answer:
    state = strict_state(model, query)
    if not state["areas"]:
        raise ApiError(400, "areas=<code>[,<code>...] is required: the areas to warn about.", "areas")
    frames = []
    for area in state["areas"]:
        table = area_alerts(model, area, benchmark=benchmark_key(state), ci=state["ci"])
        frames.append(table.assign(area_code=area))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    info = {"areas": state["areas"], "benchmark": state["benchmark"], "ci": state["ci"], "count": len(frame)}
    return Answer(rows=frame, meta=info)
