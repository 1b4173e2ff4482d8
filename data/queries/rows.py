"""Read-only questions asked of the model: what exists, and the rows of one view.

Shared by the command line, the callbacks and the exports, so that every place
resolves defaults (latest period, CCG 2021, persons) the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from data.model import schema as s
from data.model.core import Availability, Model
from data.model.harmonise import is_partial_comparator

GEOGRAPHY_PREFERENCE = [
    "ccg21",
    "sicbl23",
    "icb23",
    "sicbl22",
    "ccg20",
    "ccg19",
    "ccg18",
    "ccg17",
    "ccg16",
    "ccg13",
    "icb22",
    "stp21",
]
AREA_GEOGRAPHIES = set(GEOGRAPHY_PREFERENCE)


NOTHING = Availability(frozenset(), frozenset(), (), MappingProxyType({}))


class UnknownSelection(ValueError):
    """An indicator, period, geography or sex that the model does not have."""


@dataclass(frozen=True)
class Selection:
    indicator_id: str
    period: str
    geography: str
    sex: str


def _availability(model: Model, indicator_id: str) -> Availability:
    """What the indicator has (an empty record for an unknown one): a lookup made at model load."""
    return model.available.get(indicator_id, NOTHING)


def indicator_geographies(model: Model, indicator_id: str) -> list[str]:
    """Area geographies the indicator has, in preference order (CCG 2021 first)."""
    have = _availability(model, indicator_id).geographies
    return [g for g in GEOGRAPHY_PREFERENCE if g in have]


def indicator_periods(model: Model, indicator_id: str, geography: str | None = None) -> list[str]:
    """Periods oldest first (for one geography if given)."""
    avail = _availability(model, indicator_id)
    if geography:
        return list(avail.periods_by_geography.get(geography, ()))
    return list(avail.periods)


def indicator_sexes(model: Model, indicator_id: str) -> list[str]:
    sexes = _availability(model, indicator_id).sexes
    return sorted(sexes, key=lambda x: (x != "Persons", x))


def resolve(
    model: Model,
    indicator_id: str,
    period: str | None = None,
    geography: str | None = None,
    sex: str | None = None,
) -> Selection:
    """Fill defaults and check a selection; raise UnknownSelection naming what is wrong."""
    if indicator_id not in model.catalogue.index:
        raise UnknownSelection(f"unknown indicator {indicator_id!r} (see `python -m data indicators`)")
    geos = indicator_geographies(model, indicator_id)
    if geography is None:
        if not geos:
            raise UnknownSelection(f"indicator {indicator_id!r} has no area-level data")
        geography = geos[0]
    elif geography not in geos:
        raise UnknownSelection(
            f"indicator {indicator_id!r} has no {geography!r} data; it has {', '.join(geos)}"
        )
    sexes = indicator_sexes(model, indicator_id)
    if sex is None:
        sex = sexes[0]
    elif sex not in sexes:
        raise UnknownSelection(f"indicator {indicator_id!r} has no sex {sex!r}; it has {', '.join(sexes)}")
    periods = indicator_periods(model, indicator_id, geography)
    if period is None:
        period = periods[-1]
    elif period not in periods:
        raise UnknownSelection(
            f"indicator {indicator_id!r} has no period {period!r} for {geography}; it has {', '.join(periods[-8:])}"
        )
    return Selection(indicator_id, period, geography, sex)


NATIONAL_FRAME = "national_comparators"  # data.model.current.NATIONAL_FRAME
_NATIONAL: dict[str, dict[tuple[str, str, str, str], int]] = {}


def _national_index(model: Model) -> dict[tuple[str, str, str, str], int]:
    """(indicator, geography, period, sex) -> row of the build's per-geography national comparators,
    made once per model."""
    found = _NATIONAL.get(model.fingerprint)
    if found is None:
        frame = model.frames.get(NATIONAL_FRAME)
        found = {}
        if frame is not None and len(frame):
            keys = zip(frame[s.INDICATOR_ID], frame[s.GEOGRAPHY], frame[s.PERIOD], frame[s.SEX], strict=True)
            for i, key in enumerate(keys):
                found.setdefault(tuple(str(k) for k in key), i)
        _NATIONAL.clear()  # one model per process; a rebuilt one replaces it
        _NATIONAL[model.fingerprint] = found
    return found


def own_national(model: Model, indicator_id: str, geography: str, period: str, sex: str) -> pd.Series | None:
    """``geography``'s own partial national sum for one indicator, period and sex (a row of the
    build's national comparators), or None where the view compares with England's row."""
    at = _national_index(model).get((indicator_id, geography, period, sex))
    return None if at is None else model.frames[NATIONAL_FRAME].iloc[at]


def national_slice(model: Model, indicator_id: str, geography: str, period: str, sex: str) -> pd.DataFrame:
    """The national comparator row of a view of ``geography``: England's row, or, where England's
    value is summed from only some CCGs, the sum of ``geography``'s own areas with data where the
    build made one ("32 of 42 ICBs with data"; data.model.current.national_comparators), as an
    England row (geography "england", England's code, the sum's name)."""
    at = _national_index(model).get((indicator_id, geography, period, sex))
    if at is None:
        return model.slice(indicator_id, "england", period, sex)
    row = model.frames[NATIONAL_FRAME].iloc[[at]]
    return row.assign(**{s.GEOGRAPHY: "england"}).reset_index(drop=True)


def national_rows(model: Model, rows: pd.DataFrame, geography: str) -> pd.DataFrame:
    """England's ``rows`` (any periods of one or more indicators) with each replaced by ``geography``'s
    own partial national sum where there is one (``national_slice``)."""
    index = _national_index(model)
    if rows.empty or not index:
        return rows
    at = [
        index.get((str(i), geography, str(p), str(x)))
        for i, p, x in zip(rows[s.INDICATOR_ID], rows[s.PERIOD], rows[s.SEX], strict=True)
    ]
    if all(a is None for a in at):
        return rows
    own = model.frames[NATIONAL_FRAME]
    hit = [k for k, a in enumerate(at) if a is not None]
    kept = rows.iloc[[k for k, a in enumerate(at) if a is None]].assign(
        _pos=[k for k, a in enumerate(at) if a is None]
    )
    taken = own.iloc[[at[k] for k in hit]].assign(**{s.GEOGRAPHY: "england"}, _pos=hit)
    out = pd.concat([kept, taken.reindex(columns=kept.columns)], ignore_index=True)
    return out.sort_values("_pos", kind="stable").drop(columns="_pos").reset_index(drop=True)


def view_rows(model: Model, sel: Selection, *, with_benchmarks: bool = True) -> pd.DataFrame:
    """Rows for one selection: the areas, then their regions and England (if wanted)."""
    areas = model.slice(sel.indicator_id, sel.geography, sel.period, sel.sex)
    info = model.areas[model.areas[s.GEOGRAPHY] == sel.geography][[s.AREA_CODE, "region_code", "region_name"]]
    areas = areas.merge(info, on=s.AREA_CODE, how="left")
    if not with_benchmarks:
        return areas.reset_index(drop=True)
    region_codes = set(areas["region_code"].dropna())
    regions = model.slice(sel.indicator_id, s.region_geography(sel.geography), sel.period, sel.sex)
    regions = regions[regions[s.AREA_CODE].isin(region_codes)]
    england = national_slice(model, sel.indicator_id, sel.geography, sel.period, sel.sex)
    return pd.concat([areas, regions, england], ignore_index=True)


def fingertips_frame(
    model: Model, sel: Selection, rows: pd.DataFrame, cmp_column: str = s.CMP_ENGLAND_95
) -> pd.DataFrame:
    """The rows in Fingertips' export shape and column names."""
    meta = model.catalogue.loc[sel.indicator_id]
    area_type = rows[s.GEOGRAPHY].map(s.GEOGRAPHIES)
    frame = pd.DataFrame(
        {
            "Indicator ID": sel.indicator_id,
            "Indicator Name": meta["name"],
            "Area Code": rows[s.AREA_CODE],
            "Area Name": rows[s.AREA_NAME],
            "Area Type": area_type,
            "Sex": rows[s.SEX],
            "Time period": rows[s.PERIOD],
            "Value": rows[s.VALUE],
            "Lower CI 95.0 limit": rows[s.LOWER95],
            "Upper CI 95.0 limit": rows[s.UPPER95],
            "Lower CI 99.8 limit": rows[s.LOWER998],
            "Upper CI 99.8 limit": rows[s.UPPER998],
            "Count": rows[s.COUNT],
            "Denominator": rows[s.DENOMINATOR],
            "Compared to England value or percentiles": rows[cmp_column].where(
                rows[s.GEOGRAPHY] != "england", ""
            ),
        }
    )
    frame = frame[s.FINGERTIPS_COLUMNS]
    notes = value_notes(rows)
    if (notes != "").any():
        frame["Value note"] = notes.to_numpy()
    # A national comparator summed from only some areas is not England: say what it is.
    eng = rows[s.GEOGRAPHY] == "england"
    partial = eng & rows[s.AREA_NAME].map(is_partial_comparator).astype(bool)
    if partial.any():
        label = str(rows.loc[partial, s.AREA_NAME].iloc[-1])
        frame.loc[partial.to_numpy(), "Area Type"] = (
            f"{label.split(' ', 3)[-1].removesuffix(' with data')} with data (partial coverage)"
        )
        frame.loc[partial.to_numpy(), "Area Code"] = ""  # not the area E92000001 stands for
        frame = frame.rename(
            columns={"Compared to England value or percentiles": f"Compared to {label} value or percentiles"}
        )
    return frame


APPORTIONED_NOTE = "apportioned (not a whole count)"


def value_notes(rows: pd.DataFrame) -> pd.Series:
    """Fingertips-style 'Value note' per row: apportioned counts, weighted means, partial sums."""
    harmonisation = (
        rows[s.HARMONISATION].astype(str) if s.HARMONISATION in rows else pd.Series("", rows.index)
    )
    note = rows[s.NOTE].fillna("").astype(str) if s.NOTE in rows else pd.Series("", rows.index)
    parts = pd.DataFrame(index=rows.index)
    apportioned = (harmonisation == "apportioned") | note.str.contains("some apportioned", regex=False)
    parts["a"] = pd.Series("", rows.index).where(~(apportioned & rows[s.COUNT].notna()), APPORTIONED_NOTE)
    weighted = note.str.contains("population-weighted mean", regex=False)
    parts["w"] = pd.Series("", rows.index).where(
        ~weighted, "population-weighted mean of predecessor areas' values"
    )
    partial = rows[s.AREA_NAME].map(is_partial_comparator).astype(bool)
    parts["p"] = pd.Series("", rows.index).where(
        ~partial,
        "partial coverage: sum of the " + rows[s.AREA_NAME].astype(str).str.split(" ", n=3).str[-1] + " only",
    )
    if not len(rows):
        return note
    joined = parts["a"]
    for col in ("w", "p"):  # "; " between the notes present, as a join of the non-empty ones
        joined = joined.where(parts[col] == "", joined + "; " + parts[col]).str.lstrip("; ")
    return joined.astype(str)


def find_areas(model: Model, text: str, geography: str = s.HOME_GEOGRAPHY, limit: int = 10) -> pd.DataFrame:
    """Areas whose name, GSS code or ODS code contains ``text`` (case-insensitive)."""
    areas = model.areas[model.areas[s.GEOGRAPHY] == geography]
    needle = text.strip().lower()
    if not needle:
        return areas.iloc[0:0]
    hay = (
        areas[s.AREA_NAME].str.lower()
        + " "
        + areas[s.AREA_CODE].str.lower()
        + " "
        + areas["ods_code"].fillna("").astype(str).str.lower()
    )
    exact = (areas[s.AREA_CODE].str.lower() == needle) | (areas["ods_code"].fillna("").str.lower() == needle)
    hits = areas[hay.str.contains(needle, regex=False)]
    return pd.concat([areas[exact], hits]).drop_duplicates(s.AREA_CODE).head(limit)
