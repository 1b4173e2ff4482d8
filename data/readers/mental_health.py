"""Mental health indicators by CCG (April 2021 set): out-of-area placements and survey scores.

Reads the OAPs file (rate per 100,000 of the mid-2020 population, Byar's limits) and the
CQC Community Mental Health Survey 2021 (CMH21) scored means (no CI), naming in each row the
mental-health trusts whose headquarters lie in the CCG. The MHSDS restrictive-interventions
file is counted but not loaded (see ``MHSDS_REASON``).
"""

from __future__ import annotations

import logging
import re

import pandas as pd

from data.model import schema as s
from data.model.validation import Problems
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import (
    catalogue_entry,
    conform_values,
    empty_values,
    period_start,
    read_part,
    with_statistics,
)
from data.readers.prescribing import read_text_csv

log = logging.getLogger(__name__)

OAPS_COUNT = "Inappropriate OAPs active at period end"
CMHS_COLUMN = re.compile(r"^CMHS Q(\d+) Mean$")
CMH21_PERIOD = "2021"
CMH21_KEYWORDS = (
    "community mental health survey CMH21 CQC mental health services trust patient experience survey Domain 4"
)
ALL_CCG21 = 106
MHSDS_REASON = (
    "not loaded: weak provenance (processed at a hack day, method unknown), values are non-integer "
    "averages rather than counts, there is no denominator or stated period, and only 35 of 106 CCGs "
    "appear, so neither a rate nor a fair comparison can be made"
)


def _ccg21_names(ctx: ReadContext) -> pd.Series:
    """CCG21 names by E38 code; ``attrs["ods"]`` holds the ODS codes (for the trust lookup)."""
    codes = pd.read_csv(ctx.data_dir / ctx.params["ccg21_codes"], dtype=str)
    names = codes.set_index("CCG21CD")["CCG21NM"]
    if "CCG21CDH" in codes.columns:
        names.attrs["ods"] = codes.set_index("CCG21CD")["CCG21CDH"]
    return names


def _population(ctx: ReadContext) -> pd.Series:
    """Mid-2020 all-ages population by CCG21 code (ONS CCG population estimates)."""
    pop = pd.read_csv(ctx.data_dir / ctx.params["population"], dtype={"CCG Code": str})
    return pop.set_index("CCG Code")["All Ages"].astype(float)


def _read_oaps(ctx: ReadContext, names: pd.Series, result: ReadResult) -> pd.DataFrame:
    problems = Problems(ctx.dataset, ctx.entry["path"], items=result.problems)
    raw = read_text_csv(ctx.path())
    result.rows_read += len(raw)
    if problems.require_columns(raw, ["CCG21CD", OAPS_COUNT]):
        return pd.DataFrame()
    pop = _population(ctx)
    frame = raw.copy()
    frame["CCG21CD"] = frame["CCG21CD"].str.strip()
    frame = problems.reject_mask(
        frame, ~frame["CCG21CD"].isin(names.index), "CCG21CD", "not an April 2021 CCG code"
    )
    frame = problems.reject_mask(
        frame, ~frame["CCG21CD"].isin(pop.index), "CCG21CD", "no mid-2020 population for this CCG"
    )
    frame = problems.numeric(frame, OAPS_COUNT)
    frame = problems.reject_mask(frame, frame[OAPS_COUNT] < 0, OAPS_COUNT, "count is negative")
    denominator = frame["CCG21CD"].map(pop)
    frame = problems.reject_mask(
        frame.assign(population=denominator), denominator <= 0, "CCG21CD", "population is zero or negative"
    )
    n_areas = frame["CCG21CD"].nunique()
    values = pd.DataFrame(
        {
            s.INDICATOR_ID: "mh_oaps_rate",
            s.AREA_CODE: frame["CCG21CD"],
            s.AREA_NAME: frame["CCG21CD"].map(names),
            s.GEOGRAPHY: "ccg21",
            s.PERIOD: "Nov 2020",
            s.PERIOD_START: period_start("Nov 2020"),
            s.SEX: "Persons",
            s.COUNT: frame[OAPS_COUNT],
            s.DENOMINATOR: frame["population"],
            s.NOTE: "count as published (rounded to a multiple of 5)",
        }
    )
    result.notes.append(f"OAPs: {n_areas} of {ALL_CCG21} CCGs have a row")
    result.catalogue.append(
        catalogue_entry(
            "mh_oaps_rate",
            name="Inappropriate mental health out-of-area placements active at period end, per 100,000",
            short_name="Inappropriate out-of-area placements",
            domain="3",
            unit="per 100,000",
            multiplier=100_000,
            polarity=s.POLARITY_LOW_GOOD,
            statistic="rate",
            ci_method="Byar's",
            source=ctx.dataset,
            publisher="NHS Digital; population: ONS mid-2020 CCG estimates",
            licence="OGL-3.0",
            definition=(
                "Inappropriate out-of-area placements (OAPs) active at the end of the 3 months to "
                "November 2020, by sending CCG, divided by the CCG's mid-2020 resident population "
                "(all ages), times 100,000. Placed under Domain 3 because being treated far from home "
                "hinders recovery from an acute mental health episode."
            ),
            caveats=(
                f"{n_areas} of {ALL_CCG21} CCGs have a value; the rest are missing, not zero. Every published "
                "count is a multiple of 5 (rounded for disclosure control), so the limits treat a rounded "
                "count as exact and small rates are coarse. The CCG codes were mapped to April 2021 E38 "
                "codes by the repository author."
            ),
        )
    )
    return with_statistics(values, "rate", 100_000)


# Trusts in the host-CCG lookup that are not mental-health trusts although neither acute nor
# ambulance nor "community"/"hospital" by name (not in CMH21).
NOT_CMH21_TRUSTS = {
    "RNK": "Tavistock and Portman (specialist)",
    "RYK": "Dudley Integrated Health and Care (primary and community care)",
    "RT3": "Royal Brompton & Harefield (specialist acute)",
}
TRUST_LOOKUP_ID = "lookup_trust_ccg_ods_host"
ACUTE_TRUSTS_ID = "trust_ccg21_catchment_weights_2019"


def cmh21_trusts_by_ccg(ctx: ReadContext, ccg21: pd.DataFrame, result: ReadResult) -> pd.Series:
    """CCG21 code -> "Trust A (R1L); Trust B (RXY)": the mental-health trusts whose HQ lies in it.

    The ODS host-CCG lookup lists every kind of trust; acute trusts (those with a catchment),
    ambulance trusts, community-only trusts and ``NOT_CMH21_TRUSTS`` are left out, leaving the
    trusts whose CMH21 scores the published CCG means average. Empty when the lookup is absent.
    """
    if TRUST_LOOKUP_ID not in ctx.manifest:
        return pd.Series(dtype="string")
    path = ctx.path(TRUST_LOOKUP_ID)
    problems = Problems(TRUST_LOOKUP_ID, ctx.manifest[TRUST_LOOKUP_ID]["path"], items=result.problems)
    lookup = read_text_csv(path)
    host = "Geographic Primary Care Organisation Code"
    if problems.require_columns(lookup, ["Code", "Name", host]):
        return pd.Series(dtype="string")
    acute: set[str] = set()
    if ACUTE_TRUSTS_ID in ctx.manifest and ctx.path(ACUTE_TRUSTS_ID).is_file():
        acute = set(read_text_csv(ctx.path(ACUTE_TRUSTS_ID))["trust_code"])
    name = lookup["Name"].fillna("").str.upper()
    keep = (
        ~lookup["Code"].isin(acute)
        & ~name.str.contains("AMBULANCE")
        & ~name.str.contains("COMMUNITY|HOSPITAL")
        & ~lookup["Code"].isin(list(NOT_CMH21_TRUSTS))
    )
    mh = lookup[keep].copy()
    mh["ccg21"] = mh[host].map(ccg21.set_index("CCG21CDH")["CCG21CD"])
    outside = mh[mh["ccg21"].isna()]
    if len(outside):
        result.notes.append(
            f"CMH21 trust lookup: {len(outside)} trusts hosted outside the April 2021 CCGs (Wales) left out: "
            + ", ".join(outside["Code"])
        )
    mh = mh[mh["ccg21"].notna()]
    label = mh["Name"].map(_trust_name) + " (" + mh["Code"] + ")"
    return label.groupby(mh["ccg21"]).agg(lambda x: "; ".join(sorted(x))).astype("string")


def _trust_name(upper: str) -> str:
    """ "SOUTH WEST LONDON AND ST GEORGE'S MENTAL HEALTH NHS TRUST" -> readable title case."""
    words = []
    for w in str(upper).split():
        words.append(w if w in ("NHS", "&") else w.capitalize())
    text = " ".join(words)
    for small in (" And ", " Of ", " The "):
        text = text.replace(small, small.lower())
    return text


def _read_cmhs(ctx: ReadContext, names: pd.Series, result: ReadResult) -> pd.DataFrame:
    entry = ctx.manifest[ctx.params.get("cmhs_entry", "mh_cmhs")]
    problems = Problems(entry["id"], entry["path"], items=result.problems)
    raw = read_text_csv(ctx.path(entry["id"]))
    result.rows_read += len(raw)
    score_cols = {c: int(m.group(1)) for c in raw.columns if (m := CMHS_COLUMN.match(c))}
    if problems.require_columns(raw, ["CCG21CD"]) or not score_cols:
        if not score_cols:
            problems.add("no 'CMHS Qn Mean' columns")
        return pd.DataFrame()
    frame = raw.copy()
    frame["CCG21CD"] = frame["CCG21CD"].str.strip()
    frame = problems.reject_mask(
        frame, ~frame["CCG21CD"].isin(names.index), "CCG21CD", "not an April 2021 CCG code"
    )
    n_areas = frame["CCG21CD"].nunique()
    trusts = pd.Series(dtype="string")
    if "ods" in names.attrs:
        ccg21 = names.attrs["ods"].rename("CCG21CDH").rename_axis("CCG21CD").reset_index()
        trusts = cmh21_trusts_by_ccg(ctx, ccg21, result)
    if len(trusts):
        without = sorted(set(frame["CCG21CD"]) - set(trusts.index))
        extra = sorted(set(trusts.index) - set(frame["CCG21CD"]))
        result.notes.append(
            f"CMH21: {len(trusts)} CCGs host a mental-health trust; "
            f"{len(without)} CCGs with a value but no trust found ({', '.join(without) or 'none'}); "
            f"{len(extra)} hosting a trust but without a value ({', '.join(extra) or 'none'})"
        )
    row_note = (
        frame["CCG21CD"]
        .map(trusts)
        .map(
            lambda t: (
                f"Unweighted mean of the CMH21 scores of: {t}"
                if isinstance(t, str) and t
                else "Unweighted mean of the CMH21 scores of the mental-health trusts headquartered in this CCG"
            )
        )
    )
    pieces = []
    for col, q in score_cols.items():
        part = problems.numeric(frame[["CCG21CD", col]], col)
        part = problems.reject_mask(part, (part[col] < 0) | (part[col] > 10), col, "score outside 0-10")
        indicator_id = f"mh_cmhs_q{q:02d}"
        pieces.append(
            pd.DataFrame(
                {
                    s.INDICATOR_ID: indicator_id,
                    s.AREA_CODE: part["CCG21CD"],
                    s.AREA_NAME: part["CCG21CD"].map(names),
                    s.GEOGRAPHY: "ccg21",
                    s.PERIOD: CMH21_PERIOD,
                    s.PERIOD_START: period_start(CMH21_PERIOD),
                    s.SEX: "Persons",
                    s.VALUE: part[col],
                    s.NOTE: row_note.reindex(part.index),
                }
            )
        )
        result.catalogue.append(
            catalogue_entry(
                indicator_id,
                name=f"Community mental health survey 2021, question {q}: scored mean (0-10), CQC CMH21",
                short_name=f"Community mental health survey 2021, question {q}",
                domain="4",
                unit="score 0-10",
                multiplier=1,
                polarity=s.POLARITY_HIGH_GOOD,
                statistic="mean",
                ci_method="none",
                source=entry["id"],
                publisher="Care Quality Commission",
                licence="OGL-3.0",
                definition=(
                    f"CQC's scored mean for question {q} of the 2021 Community Mental Health Survey (CMH21; "
                    "people aged 18+ seen by NHS community mental health services of a trust in September-"
                    "November 2020, published December 2021), on a 0-10 scale where higher is a better "
                    "experience. Each CCG's value is the unweighted mean of the scores of the mental-health "
                    "trusts whose headquarters lie in the CCG (ODS host CCG); the row note names them. "
                    f"The question wording is not in the data and no public source stating it was found, so "
                    f"the item is named by its number only: look up question {q} in CQC's CMH21 "
                    "questionnaire. No confidence intervals are available, so areas are coloured by "
                    "quintile rather than compared for significance."
                ),
                caveats=(
                    f"Only {n_areas} of {ALL_CCG21} CCGs have a value: a CCG that hosts no mental-health trust "
                    "headquarters gets none, although a neighbouring trust serves it. A trust serves several "
                    "CCGs, but its score counts only where its headquarters is. No CI, so no significance "
                    "comparison; quintiles rank the CCGs with a value. The source holds question scores "
                    "only: no section scores and no grouping of questions into CQC's sections, so none is "
                    "shown."
                ),
                keywords=CMH21_KEYWORDS,
                compare=s.COMPARE_VALUES,
                in_summaries=False,  # unworded: on its survey's page and in the catalogue only
            )
        )
    result.notes.append(f"CMH21: {n_areas} of {ALL_CCG21} CCGs, {len(score_cols)} questions")
    return pd.concat(pieces, ignore_index=True)


def _count_mhsds(ctx: ReadContext, result: ReadResult) -> None:
    entry_id = ctx.params.get("mhsds_entry", "mh_mhsds")
    if entry_id not in ctx.manifest:
        return
    raw = read_text_csv(ctx.path(entry_id))
    result.rows_read += len(raw)
    result.notes.append(
        f"{ctx.manifest[entry_id]['path']}: {len(raw)} rows x {raw.shape[1] - 1} measures {MHSDS_REASON}"
    )


@reader("mental_health")
def read_mental_health(ctx: ReadContext) -> ReadResult:
    """OAPs per 100,000 (Byar's) and CMH21 question scores by April 2021 CCG."""
    result = ReadResult(values=empty_values())
    names = _ccg21_names(ctx)
    pieces = [read_part(ctx, result, None, _read_oaps, ctx, names, result)]
    cmhs = ctx.params.get("cmhs_entry", "mh_cmhs")
    if cmhs in ctx.manifest:
        pieces.append(read_part(ctx, result, cmhs, _read_cmhs, ctx, names, result))
    mhsds = ctx.params.get("mhsds_entry", "mh_mhsds")
    if mhsds in ctx.manifest:
        read_part(ctx, result, mhsds, _count_mhsds, ctx, result)
    pieces = [p for p in pieces if len(p)]
    if pieces:
        result.values = conform_values(pd.concat(pieces, ignore_index=True))
    log.info("mental_health: %d rows, %d indicators", len(result.values), len(result.catalogue))
    return result
