"""Small helpers shared by the indicator readers: period labels, frame shapes, catalogue rows.

Every indicator reader returns ``values`` with ``VALUE_COLUMNS`` (the schema's indicator
columns up to and including NOTE, less the comparison and quintile columns, which the
model computes) and catalogue entries with every ``schema.CATALOGUE_COLUMNS`` key.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from data.methods import stats
from data.methods.trend import SeriesBreak, series_breaks_text
from data.model import schema as s
from data.model.validation import Problems

log = logging.getLogger(__name__)

# Columns a reader fills; comparisons, quintile and harmonisation are the model's.
_MODEL_COLUMNS = {
    s.CMP_ENGLAND_95,
    s.CMP_ENGLAND_998,
    s.CMP_REGION_95,
    s.CMP_REGION_998,
    s.QUINTILE,
    s.HARMONISATION,
}
VALUE_COLUMNS: list[str] = [c for c in s.INDICATOR_COLUMNS if c not in _MODEL_COLUMNS]
FLOAT_COLUMNS: list[str] = [
    s.VALUE,
    s.LOWER95,
    s.UPPER95,
    s.LOWER998,
    s.UPPER998,
    s.COUNT,
    s.DENOMINATOR,
]
STRING_COLUMNS: list[str] = [
    s.INDICATOR_ID,
    s.AREA_CODE,
    s.AREA_NAME,
    s.GEOGRAPHY,
    s.PERIOD,
    s.SEX,
    s.NOTE,
]
SEXES = ("Persons", "Male", "Female")

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}


def empty_values() -> pd.DataFrame:
    """An empty indicator frame with the reader columns and their dtypes."""
    return conform_values(pd.DataFrame(columns=VALUE_COLUMNS))


def conform_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with exactly ``VALUE_COLUMNS`` in order and the standard dtypes.

    Missing float columns become NaN, missing text columns empty strings (NOTE) or
    missing; PERIOD_START becomes datetime64. The index is reset.
    """
    out = pd.DataFrame(index=frame.index)
    for col in VALUE_COLUMNS:
        if col in frame.columns:
            out[col] = frame[col]
        elif col in FLOAT_COLUMNS:
            out[col] = np.nan
        elif col == s.PERIOD_START:
            out[col] = pd.NaT
        else:
            out[col] = "" if col == s.NOTE else pd.NA
    for col in FLOAT_COLUMNS:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    out[s.PERIOD_START] = pd.to_datetime(out[s.PERIOD_START])
    for col in STRING_COLUMNS:
        out[col] = out[col].astype("string")
    out[s.NOTE] = out[s.NOTE].fillna("")
    return out.reset_index(drop=True)


def period_start(label: str, kind: str = "auto") -> pd.Timestamp:
    """Sortable start date of a period label, or NaT when the label is not understood.

    Understood: financial years "2022/23", "2022-23", "2022/2023" (1 April), with an
    optional quarter "2022/23 Q2"; months "2024-01", "Jan 2024", "January 2024",
    "2024 Jan"; calendar years "2019" (1 January); spans "2014/15-2015/16" (start of
    the first year). A leading "c. " is ignored. With
    ``kind="auto"`` a "YYYY-YY" pair whose second part is the next year is read as a
    financial year (so "2011-12" is 2011/12, not December 2011); pass ``kind="month"``
    or ``kind="financial_year"`` to force one reading.
    """
    text = re.sub(r"^(c\.|circa)\s*", "", str(label).strip(), flags=re.IGNORECASE)
    span = re.match(r"^(\d{4}\s*/\s*\d{2,4})\s*(?:-|to)\s*\d{4}\s*/\s*\d{2,4}$", text)
    if span:  # a span of financial years starts with its first year
        text = span.group(1)
    if kind in ("auto", "financial_year"):
        m = re.match(r"^(\d{4})\s*[/-]\s*(\d{4}|\d{2})(?:\s*Q([1-4]))?$", text)
        if m and _is_fy_pair(m.group(1), m.group(2)):
            start = pd.Timestamp(year=int(m.group(1)), month=4, day=1)
            if m.group(3):
                start += pd.DateOffset(months=3 * (int(m.group(3)) - 1))
            return start
        if kind == "financial_year":
            return pd.NaT
    m = re.match(r"^(\d{4})-(\d{2})(?:-\d{2})?$", text)
    if m and 1 <= int(m.group(2)) <= 12:
        return pd.Timestamp(year=int(m.group(1)), month=int(m.group(2)), day=1)
    m = re.match(r"^([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$", text)
    if m and m.group(1).lower() in _MONTHS:
        return pd.Timestamp(year=int(m.group(2)), month=_MONTHS[m.group(1).lower()], day=1)
    m = re.match(r"^(\d{4})\s+([A-Za-z]{3})[a-z]*$", text)
    if m and m.group(2).lower() in _MONTHS:
        return pd.Timestamp(year=int(m.group(1)), month=_MONTHS[m.group(2).lower()], day=1)
    if kind == "auto" and re.match(r"^\d{4}$", text):
        return pd.Timestamp(year=int(text), month=1, day=1)
    return pd.NaT


def _is_fy_pair(first: str, second: str) -> bool:
    """True when ``second`` is the year after ``first`` (2 or 4 digits): a financial year."""
    y = int(first)
    return (len(second) == 2 and int(second) == (y + 1) % 100) or (len(second) == 4 and int(second) == y + 1)


def financial_year_label(label: str) -> str:
    """Normalise a financial year to "YYYY/YY" ("2017-18" and "2017/2018" give "2017/18")."""
    m = re.match(r"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$", str(label))
    if not m or not _is_fy_pair(m.group(1), m.group(2)):
        raise ValueError(f"not a financial year: {label!r}")
    return f"{m.group(1)}/{m.group(2)[-2:]}"


def with_statistics(frame: pd.DataFrame, statistic: str, multiplier: float) -> pd.DataFrame:
    """Fill value and both CI levels from count and denominator (Wilson or Byar's).

    A thin wrapper of ``data.methods.stats.add_statistics`` that first adds any missing value
    or limit columns, so readers can call it on a frame with only count/denominator.
    """
    out = frame.copy()
    for col in (s.VALUE, s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998):
        if col not in out.columns:
            out[col] = np.nan
    return stats.add_statistics(out, statistic, multiplier)


# A short name is the label of a chart row (spine, overview column): checked, never cut.
SHORT_NAME_MAX = 60


def catalogue_entry(
    indicator_id: str,
    *,
    name: str,
    short_name: str,
    domain: str,
    unit: str,
    multiplier: float,
    polarity: str,
    statistic: str,
    ci_method: str,
    source: str,
    publisher: str,
    licence: str,
    definition: str,
    caveats: str = "",
    keywords: str = "",
    compare: str = s.COMPARE_CATEGORIES,
    in_summaries: bool = True,
    wording: str = "",
    wording_source: str = "",
    series_breaks: Iterable[SeriesBreak | Mapping[str, str]] = (),
) -> dict[str, Any]:
    """A catalogue row with every ``schema.CATALOGUE_COLUMNS`` key, checked.

    ``series_breaks``: where the definition changed (each the first period of the new definition,
    its start date, the reason and where it is documented; a manifest entry gives them as
    ``[[source.params.series_breaks]]`` tables). Raises ValueError for an unknown domain, polarity
    or comparison policy, a short name over ``SHORT_NAME_MAX`` characters (names are never cut:
    give a shorter one), a survey question's wording without the source that states it, or a
    break without its period, start date, reason or source.
    """
    if domain not in s.DOMAINS:
        raise ValueError(f"{indicator_id}: unknown domain {domain!r}")
    if polarity not in (s.POLARITY_HIGH_GOOD, s.POLARITY_LOW_GOOD, s.POLARITY_NONE):
        raise ValueError(f"{indicator_id}: unknown polarity {polarity!r}")
    if compare not in s.COMPARE_POLICIES:
        raise ValueError(f"{indicator_id}: unknown comparison policy {compare!r}")
    if len(short_name) > SHORT_NAME_MAX:
        raise ValueError(f"{indicator_id}: short name over {SHORT_NAME_MAX} characters: {short_name!r}")
    if wording and not wording_source:
        raise ValueError(f"{indicator_id}: question wording given without the source that states it")
    entry = {
        s.INDICATOR_ID: indicator_id,
        "name": name,
        "short_name": short_name,
        "domain": domain,
        "unit": unit,
        "multiplier": multiplier,
        "polarity": polarity,
        "statistic": statistic,
        "ci_method": ci_method,
        "source": source,
        "publisher": publisher,
        "licence": licence,
        "definition": definition,
        "caveats": caveats,
        "keywords": keywords,
        "compare": compare,
        "in_summaries": bool(in_summaries),
        "wording": wording,
        "wording_source": wording_source,
    }
    try:
        entry["series_breaks"] = series_breaks_text(series_breaks or ())
    except ValueError as err:
        raise ValueError(f"{indicator_id}: {err}") from None
    assert list(entry) == s.CATALOGUE_COLUMNS
    return entry


def reject_bad_denominators(
    frame: pd.DataFrame,
    problems: Problems,
    *,
    count: str,
    denominator: str,
    proportion: bool,
) -> pd.DataFrame:
    """Reject rows with a zero/negative denominator, a negative count, or (for a
    proportion) a count above its denominator; each is recorded as a Problem.

    The frame's index must be the 0-based data-row position (as ``pd.read_csv`` gives).
    """
    frame = problems.reject_mask(
        frame, frame[denominator] <= 0, denominator, "denominator is zero or negative"
    )
    frame = problems.reject_mask(frame, frame[count] < 0, count, "count is negative")
    if proportion:
        frame = problems.reject_mask(
            frame, frame[count] > frame[denominator], count, "count above denominator for a proportion"
        )
    return frame


def normalise_header(name: Any) -> str:
    """Collapse whitespace (including line breaks inside a header cell) to single spaces."""
    return re.sub(r"\s+", " ", str(name)).strip()


# Area code shapes per geography (the model checks codes against the areas table; a
# reader only rejects codes that cannot belong to the geography at all).
_GSS = {
    "ccg20": r"E38\d{6}",
    "ccg21": r"E38\d{6}",
    "sicbl22": r"E38\d{6}",
    "stp21": r"E54\d{6}",
    "icb22": r"E54\d{6}",
    "nhser21": r"E40\d{6}",
    "nhser22": r"E40\d{6}",
    "sicbl23": r"E38\d{6}",
    "icb23": r"E54\d{6}",
    "nhser24": r"E40\d{6}",
    "england": s.ENGLAND_CODE,
}
_ODS_CCG = r"[0-9][0-9A-Z]{2}"  # 2013-2019 CCG ODS codes: 02N, 13P, 99E ...


def code_pattern(geography: str) -> str:
    """Regular expression an area code of ``geography`` must match (see schema's note)."""
    if geography in _GSS:
        return _GSS[geography]
    if re.fullmatch(r"ccg1[3-9]", geography):
        return _ODS_CCG
    raise ValueError(f"unknown geography {geography!r}")


def reject_bad_codes(frame: pd.DataFrame, problems: Problems, column: str, geography: str) -> pd.DataFrame:
    """Reject (as Problems) rows whose code in ``column`` does not fit ``geography``."""
    ok = frame[column].astype("string").str.fullmatch(code_pattern(geography)).fillna(False)
    return problems.reject_mask(
        frame, ~ok.astype(bool), column, f"unknown area code for geography {geography}"
    )


def numeric_columns(
    frame: pd.DataFrame, problems: Problems, columns: list[str], *, required: bool = True
) -> pd.DataFrame:
    """Coerce each of ``columns`` to float, rejecting non-numbers (and blanks if required)."""
    for col in columns:
        frame = problems.numeric(frame, col, required=required)
    return frame


def read_part(ctx, result, entry_id: str | None, func, *args):
    """Run one part of a multi-file reader; a missing or unreadable file is a Problem, not a crash.

    Returns what ``func`` returns, or an empty values frame when its file could not be read,
    so the reader's other files still load.
    """
    from data.model.validation import Problem, read_error

    entry = ctx.entry if entry_id is None else ctx.manifest[entry_id]
    path = ctx.data_dir / entry["path"]
    if not path.is_file():
        result.problems.append(Problem(entry["id"], entry["path"], None, None, None, "file not found"))
        return empty_values()
    try:
        return func(*args)
    except Exception as exc:  # a truncated, garbled or reshaped file: this part only is lost
        reason, row, column = read_error(exc)
        problem = Problem(entry["id"], entry["path"], row, column, None, f"could not be read: {reason}")
        log.error("%s: %s; the reader's other files still load", entry["id"], problem.message())
        result.problems.append(problem)
        return empty_values()


# Files a reader uses that other manifest entries own, by key, relative to the data root (a
# reader's params may name another path under the same key).
EXTERNAL_FILES: dict[str, str] = {
    "qof_prevalence": "indicators/qof_prevalence_2022_23/PREVALENCE_2223.csv",
    "qof_mapping": "indicators/qof_prevalence_2022_23/MAPPING_NHS_GEOGRAPHIES_2223.csv",
    "payments": "indicators/nhs_payments_gp_ccg/nhs_payments_to_general_practice_ccg_by_year.csv",
    "obesity_ccg13": "indicators/obesity_admissions_ccg13/obesity_admissions_by_ccg_tidy.csv",
    "ccg19_boundaries": "boundaries/ccg19_apr2019_openprescribing.geojson",
    "ccg18_cartogram": "boundaries/ccg18_apr2018_cartogram.geojson",
    "ccg17_boundaries": "boundaries/ccg17_apr2017_openprescribing.geojson",
    "qof_points_ccg": "indicators/qof_points_practice_ccg/qof_points_ccg_by_year.csv",
}
