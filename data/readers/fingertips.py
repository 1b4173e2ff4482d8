"""A generic reader of Fingertips "all data" CSV exports (the 27 standard columns).

Manifest params say which Fingertips Area Types map to which geography key and give the
catalogue judgements (domain, polarity) that Fingertips exports do not carry. Published
values and limits are kept; missing 99.8% limits are computed (Wilson) from Count and
Denominator, and the published 95% limits are checked against Wilson for the inventory.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from data.methods import stats
from data.model import schema as s
from data.model.validation import Problems, SourceError
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import (
    catalogue_entry,
    conform_values,
    normalise_header,
    numeric_columns,
    period_start,
    reject_bad_codes,
    reject_bad_denominators,
)

log = logging.getLogger(__name__)

KEY_COLUMNS = [
    "Indicator ID",
    "Indicator Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Time period",
    "Value",
]
OPTIONAL_COLUMNS = [
    "Sex",
    "Category Type",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Value note",
]
RENAME = {
    "Lower CI 95.0 limit": s.LOWER95,
    "Upper CI 95.0 limit": s.UPPER95,
    "Lower CI 99.8 limit": s.LOWER998,
    "Upper CI 99.8 limit": s.UPPER998,
    "Count": s.COUNT,
    "Denominator": s.DENOMINATOR,
    "Value": s.VALUE,
}
DEFAULT_AREA_TYPES = {"England": "england"}


def clean_area_code(codes: pd.Series) -> pd.Series:
    """Strip Fingertips' leading "n" from new-geography codes (nE38000006 -> E38000006)."""
    return codes.astype("string").str.strip().str.replace(r"^n(?=E\d{8}$)", "", regex=True)


def _significant(x: np.ndarray, digits: int = 4) -> np.ndarray:
    """Round to ``digits`` significant figures (NaN stays NaN)."""
    x = np.asarray(x, dtype=float)
    out = np.full(x.shape, np.nan)
    ok = np.isfinite(x) & (x != 0)
    mag = np.floor(np.log10(np.abs(x[ok])))
    scale = 10.0 ** (digits - 1 - mag)
    out[ok] = np.round(x[ok] * scale) / scale
    out[np.isfinite(x) & (x == 0)] = 0.0
    return out


def check_fingertips_cis(values: pd.DataFrame, multiplier: float = 100, digits: int = 4) -> dict[str, int]:
    """Compare published limits with Wilson limits recomputed from count and denominator.

    Counts, per level (95 and 998), the rows with a published limit pair and a usable
    count/denominator, and how many of those agree with Wilson to ``digits`` significant
    figures at both ends. Rows without a published pair are not counted.
    """
    result: dict[str, int] = {}
    count = values[s.COUNT].to_numpy(dtype=float)
    denom = values[s.DENOMINATOR].to_numpy(dtype=float)
    usable = np.isfinite(count) & np.isfinite(denom) & (denom > 0) & (count <= denom)
    for conf, lo_col, hi_col, key in (
        (0.95, s.LOWER95, s.UPPER95, "95"),
        (0.998, s.LOWER998, s.UPPER998, "998"),
    ):
        lo_pub = values[lo_col].to_numpy(dtype=float)
        hi_pub = values[hi_col].to_numpy(dtype=float)
        has = usable & np.isfinite(lo_pub) & np.isfinite(hi_pub)
        lo, hi = stats.wilson_limits(
            np.where(has, count, np.nan), np.where(has, denom, np.nan), conf, multiplier
        )
        same = (_significant(lo, digits) == _significant(lo_pub, digits)) & (
            _significant(hi, digits) == _significant(hi_pub, digits)
        )
        result[f"checked_{key}"] = int(has.sum())
        result[f"match_{key}"] = int((has & same).sum())
    return result


def _area_type_map(params: dict[str, Any]) -> dict[str, str]:
    """Area Type -> geography key from params (a list of tables or a plain mapping)."""
    raw = params.get("area_types", DEFAULT_AREA_TYPES)
    mapping = dict(raw) if isinstance(raw, dict) else {row["area_type"]: row["geography"] for row in raw}
    for geography in mapping.values():
        if geography not in s.GEOGRAPHIES:
            raise SourceError(f"area_types maps to unknown geography {geography!r}")
    return mapping


def _before_first_period(frame: pd.DataFrame, params: dict[str, Any]) -> pd.Series:
    """Rows earlier than the ``from_period`` their area type's params entry gives (if any).

    Used where Fingertips files earlier organisations under a later area type (e.g. the
    2016/17-2018/19 shadow ICS rows under "ICBs"), which the geography key would misdescribe.
    """
    raw = params.get("area_types", [])
    firsts = (
        {} if isinstance(raw, dict) else {r["area_type"]: r["from_period"] for r in raw if "from_period" in r}
    )
    early = pd.Series(False, index=frame.index)
    for area_type, first in firsts.items():
        starts = frame["Time period"].map(lambda p: period_start(str(p)))
        early |= (frame["Area Type"] == area_type) & (starts < period_start(first))
    return early


@reader("fingertips_csv")
def read_fingertips_csv(ctx: ReadContext) -> ReadResult:
    """Rows of a Fingertips export for the mapped Area Types, with both CI levels.

    Out-of-scope rows (other area types, category breakdowns, other sexes) are counted
    in ``notes``, not dropped silently; malformed in-scope rows become Problems.
    """
    path = ctx.path()
    params = ctx.params
    problems = Problems(ctx.dataset, path.name)
    if not path.exists():
        raise SourceError(f"{path.name}: file not found at {path}")
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    frame.columns = [normalise_header(c) for c in frame.columns]
    frame = frame.replace({"": None})
    rows_read = len(frame)
    if problems.require_columns(frame, KEY_COLUMNS):
        raise SourceError(f"{path.name}: key columns missing")
    for col in OPTIONAL_COLUMNS:
        if col not in frame.columns:
            problems.add("optional column missing; left empty", column=col)
            frame[col] = None
    area_types = _area_type_map(params)
    sexes = params.get("sexes", ["Persons"])
    notes: list[str] = []

    in_type = frame["Area Type"].isin(list(area_types))
    skipped_types = frame.loc[~in_type, "Area Type"].fillna("(blank)").value_counts()
    if len(skipped_types):
        notes.append(
            f"{ctx.dataset}: {int((~in_type).sum())} rows of area types outside the model skipped: "
            + "; ".join(f"{t} {n}" for t, n in skipped_types.items())
        )
    frame = frame.loc[in_type]
    breakdown = frame["Category Type"].notna()
    if breakdown.any():
        notes.append(
            f"{ctx.dataset}: {int(breakdown.sum())} category breakdown rows (e.g. deprivation deciles) skipped"
        )
    frame = frame.loc[~breakdown]
    frame = problems.reject_mask(frame, frame["Sex"].isna(), "Sex", "missing sex")
    other_sex = ~frame["Sex"].isin(sexes)
    if other_sex.any():
        notes.append(f"{ctx.dataset}: {int(other_sex.sum())} rows for sexes other than {sexes} skipped")
    frame = frame.loc[~other_sex]

    frame = frame.rename(columns=RENAME)
    frame[s.GEOGRAPHY] = frame["Area Type"].map(area_types)
    early = _before_first_period(frame, params)
    if early.any():
        notes.append(
            f"{ctx.dataset}: {int(early.sum())} rows before their area type's from_period skipped: "
            + "; ".join(f"{t} {n}" for t, n in frame.loc[early, "Area Type"].value_counts().items())
        )
    frame = frame.loc[~early]
    frame[s.AREA_CODE] = clean_area_code(frame["Area Code"])
    parts = [
        reject_bad_codes(part, problems, s.AREA_CODE, geography)
        for geography, part in frame.groupby(s.GEOGRAPHY, sort=False)
    ]
    frame = pd.concat(parts).sort_index() if parts else frame
    frame = numeric_columns(frame, problems, [s.VALUE])
    frame = numeric_columns(
        frame,
        problems,
        [s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998, s.COUNT, s.DENOMINATOR],
        required=False,
    )
    statistic = params.get("statistic", "proportion")
    multiplier = float(params.get("multiplier", 100))
    has_counts = frame[s.COUNT].notna() & frame[s.DENOMINATOR].notna()
    counted = frame.loc[has_counts]
    kept = reject_bad_denominators(
        counted, problems, count=s.COUNT, denominator=s.DENOMINATOR, proportion=statistic == "proportion"
    )
    frame = frame.loc[~has_counts | frame.index.isin(kept.index)]
    frame[s.PERIOD] = frame["Time period"].str.strip()
    key = [s.GEOGRAPHY, s.AREA_CODE, s.PERIOD, "Sex", "Indicator ID"]
    dup = frame.duplicated(subset=key, keep="first")
    frame = problems.reject_mask(frame, dup, s.AREA_CODE, "duplicate row for the same area, period and sex")

    check = check_fingertips_cis(frame, multiplier)
    notes.append(f"{ctx.dataset}: published limits agreeing with Wilson to 4 significant figures: {check}")
    missing998 = frame[s.LOWER998].isna() | frame[s.UPPER998].isna()
    can = missing998 & has_counts.reindex(frame.index).fillna(False)
    if statistic == "proportion" and can.any():
        lo, hi = stats.wilson_limits(
            frame.loc[can, s.COUNT], frame.loc[can, s.DENOMINATOR], 0.998, multiplier
        )
        frame.loc[can, s.LOWER998] = lo
        frame.loc[can, s.UPPER998] = hi
        notes.append(f"{ctx.dataset}: 99.8% limits computed (Wilson) for {int(can.sum())} rows")
    frame[s.NOTE] = frame["Value note"].fillna("").astype(str)
    frame.loc[can, s.NOTE] = (frame.loc[can, s.NOTE] + "; 99.8% limits computed (Wilson)").str.lstrip("; ")

    frame[s.INDICATOR_ID] = "ft_" + frame["Indicator ID"].str.replace(r"\.0$", "", regex=True).str.strip()
    frame[s.AREA_NAME] = frame["Area Name"].str.strip()
    frame[s.SEX] = frame["Sex"]
    starts = {p: period_start(p) for p in frame[s.PERIOD].dropna().unique()}
    frame[s.PERIOD_START] = frame[s.PERIOD].map(starts)
    values = conform_values(frame)

    catalogue = []
    for ind_id, name in frame.groupby(s.INDICATOR_ID)["Indicator Name"].first().items():
        catalogue.append(
            catalogue_entry(
                ind_id,
                name=name,
                short_name=params.get("short_name", name),
                domain=params.get("domain", "context"),
                unit=params.get("unit", "%"),
                multiplier=multiplier,
                polarity=params.get("polarity", s.POLARITY_NONE),
                statistic=statistic,
                ci_method=params.get("ci_method", "published"),
                source=ctx.dataset,
                publisher=ctx.entry.get("publisher", "OHID Fingertips"),
                licence=ctx.entry.get("licence", "OGL-3.0"),
                definition=params.get(
                    "definition", f"{name} (Fingertips indicator {ind_id.removeprefix('ft_')})."
                ),
                caveats=params.get("caveats", ""),
                series_breaks=params.get("series_breaks", ()),
            )
        )
    notes.append(
        f"{ctx.dataset}: areas per geography and period: "
        + ", ".join(
            f"{g} {p} {n}"
            for (g, p), n in values.groupby([s.GEOGRAPHY, s.PERIOD])[s.AREA_CODE].nunique().items()
        )
    )
    return ReadResult(
        rows_read=rows_read, values=values, catalogue=catalogue, problems=problems.items, notes=notes
    )
