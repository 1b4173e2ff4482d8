"""Reader for obesity-related hospital admissions by CCG (2013 set), 2013/14 and 2014/15.

NHS Digital published counts and rates per 100,000 but no populations, so Byar's limits
are computed from the count and the population the rate implies (count / rate × 100,000).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from data.methods import stats
from data.model import schema as s
from data.model.validation import Problems, SourceError
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import (
    catalogue_entry,
    conform_values,
    financial_year_label,
    normalise_header,
    numeric_columns,
    period_start,
    reject_bad_codes,
)

log = logging.getLogger(__name__)

INDICATOR_ID = "obesity_admissions"
KEY_COLUMNS = ["financial_year", "area_type", "area_code", "ods_code", "area_name"]
SEX_SUFFIX = {"Persons": "persons", "Male": "male", "Female": "female"}
# area_type in the file -> geography key; other types are counted in notes and skipped.
AREA_TYPES = {"CCG": "ccg13", "England": "england"}


UNROUNDED_SHEET, UNROUNDED_PERIOD = "7.8", "2013/14"
# Table 7.8 columns (0-based): ONS code, ODS code, counts total/male/female, rates total/male/female.
TABLE_COLUMNS = {"ons": 0, "ods": 2, "count": (4, 5, 6), "rate": (8, 9, 10)}


def read_table_7_8(path) -> pd.DataFrame:
    """Table 7.8 of the 2015 publication: area_code (ODS, or E92000001), sex, count, rate (unrounded)."""
    raw = pd.read_excel(path, sheet_name=UNROUNDED_SHEET, header=None, dtype=object)
    ods = raw[TABLE_COLUMNS["ods"]].astype("string").str.strip()
    ons = raw[TABLE_COLUMNS["ons"]].astype("string").str.strip()
    code = ods.where(ods.str.fullmatch(r"[0-9A-Z]{3}").fillna(False))
    code = code.where(code.notna(), ons.where(ons == s.ENGLAND_CODE))
    rows = []
    for sex, c_col, r_col in zip(SEX_SUFFIX, TABLE_COLUMNS["count"], TABLE_COLUMNS["rate"], strict=True):
        part = pd.DataFrame(
            {
                s.AREA_CODE: code,
                s.SEX: sex,
                "t_count": pd.to_numeric(raw[c_col], errors="coerce"),
                "t_rate": pd.to_numeric(raw[r_col], errors="coerce"),
            }
        )
        rows.append(part[part[s.AREA_CODE].notna() & part["t_rate"].notna()])
    return pd.concat(rows, ignore_index=True).drop_duplicates([s.AREA_CODE, s.SEX])


def use_unrounded_rates(
    ctx: ReadContext, values: pd.DataFrame, table_id: str, problems: Problems
) -> tuple[pd.DataFrame, str]:
    """Replace the whole-number 2013/14 rates by table 7.8's unrounded ones, where the counts agree.

    The tidy file's rates are rounded to whole numbers, which makes the implied
    populations (and so the limits) off by up to 0.5/rate. A row whose count differs
    from the table's keeps its rounded rate and is recorded as a problem.
    """
    path = ctx.path(table_id)
    try:
        table = read_table_7_8(path)
    except Exception as exc:  # the rounded rates still serve
        problems.add(f"table {UNROUNDED_SHEET} of {path.name} could not be read ({exc}); rounded rates kept")
        return values, f"{ctx.dataset}: unrounded table not read; 2013/14 rates rounded as published"
    here = values[s.PERIOD] == UNROUNDED_PERIOD
    key = pd.MultiIndex.from_arrays([values[s.AREA_CODE], values[s.SEX]])
    table = table.set_index([s.AREA_CODE, s.SEX])
    t_count = pd.Series(table["t_count"].reindex(key).to_numpy(), index=values.index)
    t_rate = pd.Series(table["t_rate"].reindex(key).to_numpy(), index=values.index)
    found = here & t_rate.notna()
    differ = found & (t_count != values[s.COUNT])
    for idx in values.index[differ.to_numpy()]:
        problems.add(
            f"count differs from table {UNROUNDED_SHEET} ({t_count[idx]:g}); rounded rate kept",
            row=None,
            column=s.COUNT,
            value=f"{values.at[idx, s.AREA_CODE]} {values.at[idx, s.SEX]} {values.at[idx, s.COUNT]:g}",
        )
    use = found & ~differ
    values = values.copy()
    values.loc[use, s.VALUE] = t_rate[use]
    missing = int((here & ~found).sum())
    return values, (
        f"{ctx.dataset}: {int(use.sum())} rates of {UNROUNDED_PERIOD} from table {UNROUNDED_SHEET} (unrounded); "
        f"{missing} not in the table kept rounded; 2014/15 rates are rounded as published"
    )


@reader("obesity_admissions")
def read_obesity_admissions(ctx: ReadContext) -> ReadResult:
    """Published rates per 100,000 by CCG (ODS code) and England, persons/male/female.

    Area team and 2013 commissioning region rows have no geography in the model and
    no boundaries; they are skipped and counted in ``notes``.
    """
    path = ctx.path()
    problems = Problems(ctx.dataset, path.name)
    if not path.exists():
        raise SourceError(f"{path.name}: file not found at {path}")
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    raw.columns = [normalise_header(c) for c in raw.columns]
    raw = raw.replace({"": None})
    rows_read = len(raw)
    if problems.require_columns(raw, KEY_COLUMNS):
        raise SourceError(f"{path.name}: key columns missing")
    area_types = dict(ctx.params.get("area_types", AREA_TYPES))
    notes: list[str] = []
    skipped = raw.loc[~raw["area_type"].isin(list(area_types)), "area_type"].fillna("(blank)")
    if len(skipped):
        notes.append(
            f"{ctx.dataset}: {len(skipped)} rows without a model geography skipped (no boundaries): "
            + "; ".join(f"{t} {n}" for t, n in skipped.value_counts().items())
        )
    frame = raw.loc[raw["area_type"].isin(list(area_types))].copy()
    frame[s.GEOGRAPHY] = frame["area_type"].map(area_types)
    frame[s.AREA_CODE] = np.where(
        frame[s.GEOGRAPHY] == "england", frame["area_code"], frame["ods_code"].str.strip()
    )
    parts = [
        reject_bad_codes(part, problems, s.AREA_CODE, g) for g, part in frame.groupby(s.GEOGRAPHY, sort=False)
    ]
    frame = pd.concat(parts).sort_index() if parts else frame
    frame[s.PERIOD] = frame["financial_year"].map(financial_year_label)

    long = []
    for sex, suffix in SEX_SUFFIX.items():
        count_col, rate_col = f"admissions_{suffix}", f"rate_per_100k_{suffix}"
        if problems.require_columns(frame, [count_col, rate_col]):
            continue  # that sex cannot be read; recorded as a missing column
        part = frame[[s.GEOGRAPHY, s.AREA_CODE, "area_name", s.PERIOD, count_col, rate_col]].copy()
        part = numeric_columns(part, problems, [count_col, rate_col])
        part = problems.reject_mask(part, part[count_col] < 0, count_col, "negative count")
        part = problems.reject_mask(part, part[rate_col] < 0, rate_col, "negative rate")
        zero_rate = (part[rate_col] == 0) & (part[count_col] > 0)
        part = problems.reject_mask(part, zero_rate, rate_col, "zero rate with a non-zero count")
        part = part.rename(columns={count_col: s.COUNT, rate_col: s.VALUE})
        part[s.SEX] = sex
        long.append(part)
    if not long:
        raise SourceError(f"{path.name}: no count and rate columns")
    values = pd.concat(long)
    table_id = ctx.params.get("unrounded_table")
    if table_id:
        values, note = use_unrounded_rates(ctx, values, table_id, problems)
        notes.append(note)
    with np.errstate(divide="ignore", invalid="ignore"):
        implied = values[s.COUNT] / values[s.VALUE] * 100_000
    values[s.DENOMINATOR] = implied.where(values[s.VALUE] > 0)
    for conf, lo_col, hi_col in ((0.95, s.LOWER95, s.UPPER95), (0.998, s.LOWER998, s.UPPER998)):
        lo, hi = stats.byars_limits(values[s.COUNT], values[s.DENOMINATOR], conf, 100_000)
        values[lo_col], values[hi_col] = lo, hi
    values[s.NOTE] = np.where(
        values[s.DENOMINATOR].isna(), "no population implied (zero rate); no limits", ""
    )
    values[s.AREA_NAME] = values["area_name"].str.strip()
    values[s.INDICATOR_ID] = INDICATOR_ID
    values[s.PERIOD_START] = values[s.PERIOD].map(period_start)
    out = conform_values(values.sort_index(kind="stable"))
    catalogue = [
        catalogue_entry(
            INDICATOR_ID,
            name=(
                "Finished admission episodes with a primary or secondary diagnosis of obesity "
                "(CCG of residence), per 100,000 population"
            ),
            short_name="Obesity-related admissions",
            domain="context",
            unit="per 100,000",
            multiplier=100_000,
            polarity=s.POLARITY_NONE,
            statistic="rate",
            ci_method="Byar's",
            source=ctx.dataset,
            publisher="NHS Digital (HSCIC), Statistics on Obesity, Physical Activity and Diet",
            licence=ctx.entry.get("licence", "OGL-3.0"),
            definition=(
                "Finished admission episodes in an inpatient setting with obesity (ICD-10 E66) as a "
                "primary or secondary diagnosis, by CCG of residence, per 100,000 resident population "
                "(crude rate as published)."
            ),
            caveats=(
                "Mostly reflects recording of obesity as a secondary diagnosis and local coding depth, "
                "plus bariatric surgery activity, so a higher rate is not simply a worse outcome (hence "
                "no polarity). Populations are not published: the denominator is implied from the count "
                "and the published rate (2013/14: the unrounded rate of NHS Digital's table 7.8; 2014/15: "
                "the rate rounded to a whole number), and Byar's limits are computed from it. CCGs of April 2013 (ODS codes); 13P Birmingham CrossCity needs 04W and 05E "
                "dissolved on older maps. Area team and 2013 region rows are not used."
            ),
        )
    ]
    notes.append(
        f"{ctx.dataset}: rows per geography, period and sex: "
        + ", ".join(
            f"{g} {p} {x} {n}" for (g, p, x), n in out.groupby([s.GEOGRAPHY, s.PERIOD, s.SEX]).size().items()
        )
    )
    return ReadResult(
        rows_read=rows_read, values=out, catalogue=catalogue, problems=problems.items, notes=notes
    )
