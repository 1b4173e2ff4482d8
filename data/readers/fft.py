"""GP practice Friends and Family Test (FFT), NHS England, February 2026.

Two indicators, both summed from practices to Sub-ICB location 2022 (= CCG 2021 by ODS code), ICB,
region and England through the QOF 2022/23 practice mapping:

* ``gp_fft_positive``: positive responses ("Very good" + "Good") as a % of all responses to
  "Overall, how was your experience of our service?". Positive counts are rebuilt from responses
  x % positive / 100 (they must be whole numbers); Wilson limits from the sums. NHS England
  advises against comparing or ranking on FFT, so its categories are shown only on request
  (catalogue ``compare = "on request"``).
* ``gp_fft_response_rate``: responses in the month per 1,000 registered patients (QOF 2022/23
  list sizes of the practices in the file; a practice without data counts as 0 responses): how
  much feedback is heard. A count of all feedback given, not a sample: no limits, no categories.

Practice rows are kept in the model frame ``practice_fft`` with each practice's flag and file row:
responses above the registered list are rejected (a reporting error); above half the list in a
month, or under 30 responses, are flagged (kept).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from data.methods import stats
from data.model import schema as s
from data.model.validation import KEPT, Problems, SourceError, file_row
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import (
    catalogue_entry,
    conform_values,
    empty_values,
    normalise_header,
    period_start,
    with_statistics,
)

log = logging.getLogger(__name__)

INDICATOR_ID = "gp_fft_positive"
RATE_ID = "gp_fft_response_rate"
PERIOD = "Feb 2026"
CODE, RESPONSES, PCT = "gp_code", "fft_responses", "fft_pct_positive"
FFT_COLUMNS = [CODE, RESPONSES, PCT]
MAPPING_COLUMNS = [
    "PRACTICE_CODE",
    "PRACTICE_NAME",
    "PCN_ODS_CODE",
    "PCN_NAME",
    "SUB_ICB_ODS_CODE",
    "SUB_ICB_ONS_CODE",
    "SUB_ICB_NAME",
    "ICB_ONS_CODE",
    "ICB_NAME",
    "REGION_ONS_CODE",
    "REGION_NAME",
]
LEVELS: dict[str, tuple[str, str]] = {
    "sicbl22": ("SUB_ICB_ONS_CODE", "SUB_ICB_NAME"),
    "icb22": ("ICB_ONS_CODE", "ICB_NAME"),
    "nhser22": ("REGION_ONS_CODE", "REGION_NAME"),
}
# Practice frame (model.frames["practice_fft"]): one row per practice in the file.
PRACTICE_COLUMNS = [
    "practice_code",
    "practice_name",
    "responses",
    "positive",
    "value",
    "lower95",
    "upper95",
    "lower998",
    "upper998",
    "list_size",
    "sub_icb_ods",
    "sub_icb_code",
    "sub_icb_name",
    "pcn_code",
    "pcn_name",
    "suppressed",
    "status",
    "responses_per_1000",
    "flag",
    "file_row",
]
STATUS_INCLUDED = "included"
STATUS_SUPPRESSED = "no data (did not submit, or suppressed: 1-4 responses)"
STATUS_UNMAPPED = "not in the QOF 2022/23 practice mapping (counted in England only)"
# Practice flags (kept rows): a month's responses above this share of the registered list cannot be
# taken at face value; fewer than SMALL_RESPONSES make a practice's % too unstable to rank.
IMPLAUSIBLE_SHARE = 0.5
SMALL_RESPONSES = 30
RULE_OVER_LIST = "responses in the month exceed the registered list: a reporting error, left out"
RULE_IMPLAUSIBLE = f"responses in the month above {IMPLAUSIBLE_SHARE:.0%} of the registered list: implausible, kept and flagged"
RULE_SMALL = f"fewer than {SMALL_RESPONSES} responses: too few to rank the practice, kept and flagged"
KEYWORDS = (
    "friends and family test FFT GP practice general practice feedback patient experience satisfaction "
    "recommend Domain 4"
)
# Whole-number tolerance for responses x % / 100 (the % is a float written to ~15 digits).
INTEGER_TOLERANCE = 1e-6
PUBLISHER = "NHS England, Friends and Family Test (GP practices)"
FFT_QUESTION = "Overall, how was your experience of our service?"
# Where the wording is stated (a file under the data root, then the original).
FFT_WORDING_SOURCE = (
    "SOURCES.md (data root), section 8a | NHS England, friends-and-family-test-gp-data-february-2026.xlsm"
)
NHSE_CAVEAT = (
    "FFT responses are self-selected (anyone may respond, at any time), not a sample survey; "
    "NHS England advises that FFT results should not be used to compare or rank providers."
)


def _read_text(path) -> pd.DataFrame:
    if not path.exists():
        raise SourceError(f"{path.name}: file not found at {path}")
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    frame.columns = [normalise_header(c) for c in frame.columns]
    return frame.replace({"": None})


def practice_list_sizes(path) -> pd.Series:
    """Registered list (all ages) by practice from the QOF 2022/23 prevalence file."""
    prev = _read_text(path)
    total = prev[prev["PATIENT_LIST_TYPE"].astype("string").str.upper() == "TOTAL"]
    sizes = pd.to_numeric(total["PRACTICE_LIST_SIZE"], errors="coerce")
    return sizes.groupby(total["PRACTICE_CODE"]).max()


def clean_practices(
    raw: pd.DataFrame, problems: Problems, list_sizes: pd.Series
) -> tuple[pd.DataFrame, pd.Series]:
    """Checked practice rows with ``positive``; and a status for every rejected row (by index).

    Blank responses and % together mean "no data" (kept as suppressed, not a problem);
    everything else that cannot be used is a Problem naming the row, column and value.
    """
    status = pd.Series(pd.NA, index=raw.index, dtype="string")
    frame = raw.copy()
    frame[CODE] = frame[CODE].astype("string").str.strip().str.upper()
    dup = frame[CODE].duplicated(keep="first")
    frame = problems.reject_mask(frame, dup, CODE, "practice listed twice (first row kept)")
    bad_code = ~frame[CODE].str.fullmatch(r"[A-Z][0-9A-Z]{5}").fillna(False).astype(bool)
    frame = problems.reject_mask(frame, bad_code, CODE, "not an ODS practice code")
    for col in (RESPONSES, PCT):
        frame = problems.numeric(frame, col, required=False)
    blank_r, blank_p = frame[RESPONSES].isna(), frame[PCT].isna()
    status[frame.index[(blank_r & blank_p).to_numpy()]] = STATUS_SUPPRESSED

    def reject(frame: pd.DataFrame, mask: pd.Series, column: str, reason: str) -> pd.DataFrame:
        # Report the cell as written in the file, not as coerced.
        return problems.reject_mask_with_values(frame, mask, column, raw[column], reason)

    frame = reject(frame, blank_r & ~blank_p, RESPONSES, "missing value (a % is given)")
    frame = reject(frame, blank_p & ~blank_r, PCT, "missing value (responses are given)")
    frame = frame[frame[RESPONSES].notna()]
    frame = reject(frame, frame[RESPONSES] <= 0, RESPONSES, "denominator is zero or negative")
    whole = (frame[RESPONSES] - frame[RESPONSES].round()).abs() <= INTEGER_TOLERANCE
    frame = reject(frame, ~whole, RESPONSES, "responses not a whole number")
    frame = reject(frame, (frame[PCT] < 0) | (frame[PCT] > 100), PCT, "% outside 0-100")
    positive = frame[RESPONSES] * frame[PCT] / 100
    exact = (positive - positive.round()).abs() <= INTEGER_TOLERANCE
    for idx in frame.index[~exact.to_numpy()]:
        problems.add(
            f"responses x % / 100 = {positive[idx]:.6f} is not a whole number of positive responses",
            row=file_row(idx),
            column=PCT,
            value=raw.at[idx, PCT],
        )
    frame = frame[exact.to_numpy()].assign(positive=positive[exact].round())
    listed = frame[CODE].map(list_sizes)
    over = listed.notna() & (frame[RESPONSES] > listed)
    for idx in frame.index[over.to_numpy()]:
        problems.add(
            f"monthly responses ({frame.at[idx, RESPONSES]:,.0f}) exceed the practice's registered list "
            f"({listed[idx]:,.0f}, QOF 2022/23): taken as a reporting error and left out",
            row=file_row(idx),
            column=RESPONSES,
            value=raw.at[idx, RESPONSES],
        )
    frame = frame[~over.to_numpy()]
    listed = listed.loc[frame.index]
    implausible = listed.notna() & (frame[RESPONSES] > IMPLAUSIBLE_SHARE * listed)
    for idx in frame.index[implausible.to_numpy()]:
        problems.add(
            f"{KEPT}: monthly responses ({frame.at[idx, RESPONSES]:,.0f}) are "
            f"{frame.at[idx, RESPONSES] / listed[idx]:.0%} of the practice's registered list "
            f"({listed[idx]:,.0f}, QOF 2022/23): {RULE_IMPLAUSIBLE}",
            row=file_row(idx),
            column=RESPONSES,
            value=raw.at[idx, RESPONSES],
        )
    rejected = raw.index.difference(frame.index).difference(status.dropna().index)
    for idx in rejected:
        status[idx] = "rejected: " + next(
            (p.reason for p in reversed(problems.items) if p.row == file_row(idx)), "see problems"
        )
    return frame.assign(list_size=listed.reindex(frame.index)), status


def practice_frame(
    raw: pd.DataFrame, clean: pd.DataFrame, status: pd.Series, mapping: pd.DataFrame, list_sizes: pd.Series
) -> pd.DataFrame:
    """Every practice of the file with its counts, Wilson limits, Sub-ICB, PCN and status."""
    out = pd.DataFrame({"practice_code": raw[CODE].astype("string").str.strip().str.upper()})
    out["responses"] = clean[RESPONSES].reindex(out.index)
    out["positive"] = clean["positive"].reindex(out.index)
    out["value"] = out["positive"] / out["responses"] * 100
    for level, tag in ((0.95, "95"), (0.998, "998")):
        lo, hi = stats.wilson_limits(out["positive"], out["responses"], level, 100)
        out[f"lower{tag}"], out[f"upper{tag}"] = lo, hi
    out["list_size"] = out["practice_code"].map(list_sizes)
    m = mapping.drop_duplicates("PRACTICE_CODE").set_index("PRACTICE_CODE")
    for col, src in (
        ("practice_name", "PRACTICE_NAME"),
        ("sub_icb_ods", "SUB_ICB_ODS_CODE"),
        ("sub_icb_code", "SUB_ICB_ONS_CODE"),
        ("sub_icb_name", "SUB_ICB_NAME"),
        ("pcn_code", "PCN_ODS_CODE"),
        ("pcn_name", "PCN_NAME"),
    ):
        out[col] = out["practice_code"].map(m[src]).astype("string")
    unmapped = out["sub_icb_code"].isna() & out["responses"].notna()
    out["status"] = status.reindex(out.index).astype("string")
    out.loc[out["status"].isna() & unmapped, "status"] = STATUS_UNMAPPED
    out["status"] = out["status"].fillna(STATUS_INCLUDED)
    out["suppressed"] = out["status"] == STATUS_SUPPRESSED
    counted = out["status"].isin([STATUS_INCLUDED, STATUS_SUPPRESSED, STATUS_UNMAPPED])
    heard = out["responses"].where(~out["suppressed"], 0.0)
    rate = (heard / out["list_size"] * 1000).where(counted & (out["list_size"] > 0))
    out["responses_per_1000"] = rate.astype(float)
    over_list = out["status"].str.startswith("rejected: monthly responses").fillna(False)
    over_half = (out["responses"] > IMPLAUSIBLE_SHARE * out["list_size"]).fillna(False)
    small = (out["responses"] < SMALL_RESPONSES).fillna(False)
    out["flag"] = np.select(
        [over_list.to_numpy(bool), over_half.to_numpy(bool), small.to_numpy(bool)],
        [RULE_OVER_LIST, RULE_IMPLAUSIBLE, RULE_SMALL],
        "",
    )
    out["file_row"] = [file_row(i) for i in out.index]
    return out[PRACTICE_COLUMNS].reset_index(drop=True)


def area_values(clean: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    """Counts summed to Sub-ICB 2022, ICB, region (mapped practices) and England (all)."""
    joined = clean.merge(mapping[MAPPING_COLUMNS], left_on=CODE, right_on="PRACTICE_CODE", how="left")
    mapped = joined[joined["SUB_ICB_ONS_CODE"].notna()]
    frames = []
    for geography, (code_col, name_col) in LEVELS.items():
        agg = (
            mapped.groupby([code_col, name_col])
            .agg(count=("positive", "sum"), denominator=(RESPONSES, "sum"), n=(CODE, "size"))
            .reset_index()
            .rename(columns={code_col: s.AREA_CODE, name_col: s.AREA_NAME})
        )
        agg[s.GEOGRAPHY] = geography
        agg[s.NOTE] = agg["n"].map(lambda n: f"{n} practices with responses")
        frames.append(agg)
    n_unmapped = int(len(joined) - len(mapped))
    england_note = f"{len(joined)} practices with responses"
    if n_unmapped:
        england_note += f", including {n_unmapped} not in the QOF 2022/23 mapping (no Sub-ICB)"
    frames.append(
        pd.DataFrame(
            {
                s.AREA_CODE: [s.ENGLAND_CODE],
                s.AREA_NAME: [s.ENGLAND_NAME],
                "count": [joined["positive"].sum()],
                "denominator": [joined[RESPONSES].sum()],
                s.GEOGRAPHY: ["england"],
                s.NOTE: [england_note],
            }
        )
    )
    values = pd.concat(frames, ignore_index=True).drop(columns="n")
    values[s.INDICATOR_ID] = INDICATOR_ID
    values[s.PERIOD] = PERIOD
    values[s.PERIOD_START] = period_start(PERIOD)
    values[s.SEX] = "Persons"
    return with_statistics(values, "proportion", 100)


def response_rate_values(practices: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    """Responses per 1,000 registered patients summed to Sub-ICB 2022, ICB, region and England.

    Practices counted: those in the file with a QOF 2022/23 list size and not rejected (a practice
    without data counts 0 responses); the numerator and denominator are summed over the same set.
    """
    base = practices[practices["responses_per_1000"].notna()].copy()
    base["heard"] = base["responses"].where(~base["suppressed"], 0.0).fillna(0.0)
    joined = base.merge(
        mapping[MAPPING_COLUMNS], left_on="practice_code", right_on="PRACTICE_CODE", how="left"
    )
    frames = []
    for geography, (code_col, name_col) in LEVELS.items():
        agg = (
            joined[joined[code_col].notna()]
            .groupby([code_col, name_col])
            .agg(
                count=("heard", "sum"),
                denominator=("list_size", "sum"),
                n=("practice_code", "size"),
                silent=("suppressed", "sum"),
            )
            .reset_index()
            .rename(columns={code_col: s.AREA_CODE, name_col: s.AREA_NAME})
        )
        agg[s.GEOGRAPHY] = geography
        frames.append(agg)
    frames.append(
        pd.DataFrame(
            {
                s.AREA_CODE: [s.ENGLAND_CODE],
                s.AREA_NAME: [s.ENGLAND_NAME],
                "count": [joined["heard"].sum()],
                "denominator": [joined["list_size"].sum()],
                "n": [len(joined)],
                "silent": [int(joined["suppressed"].sum())],
                s.GEOGRAPHY: ["england"],
            }
        )
    )
    values = pd.concat(frames, ignore_index=True)
    values[s.NOTE] = [
        f"{n} practices ({int(q)} without data, counted as no responses); registered patients: QOF 2022/23 lists"
        for n, q in zip(values["n"], values["silent"], strict=True)
    ]
    values[s.VALUE] = values["count"] / values["denominator"] * 1000
    values[s.INDICATOR_ID] = RATE_ID
    values[s.PERIOD] = PERIOD
    values[s.PERIOD_START] = period_start(PERIOD)
    values[s.SEX] = "Persons"
    return values.drop(columns=["n", "silent"])


def rate_catalogue(ctx: ReadContext, practices: pd.DataFrame) -> dict:
    """The catalogue entry of the response rate, its flagged practices named in the caveats."""
    flagged = practices[practices["flag"] == RULE_IMPLAUSIBLE]
    named = "; ".join(
        f"{r.practice_code} ({r.responses:,.0f} responses, list {r.list_size:,.0f}, file row {r.file_row})"
        for r in flagged.itertuples()
    )
    return catalogue_entry(
        RATE_ID,
        name="GP Friends and Family Test: responses per 1,000 registered patients",
        short_name="GP Friends and Family Test: responses per 1,000",
        domain="4",
        unit="per 1,000 patients",
        multiplier=1000,
        polarity=s.POLARITY_NONE,
        statistic="ratio",
        ci_method="none",
        source=ctx.dataset,
        publisher=f"{PUBLISHER}; list sizes: NHS Digital, QOF 2022/23",
        licence=ctx.entry.get("licence", "OGL-3.0"),
        definition=(
            "How much feedback is heard: FFT responses in February 2026 per 1,000 patients registered with "
            "the area's practices (QOF 2022/23 list sizes, all ages). Practices that sent no data (or had "
            "1-4 responses, which NHS England suppresses) count as no responses; practices not in QOF "
            "2022/23 (opened later) and practices whose responses exceed their list are left out of both "
            "sides. A count of all the feedback given, not a sample: no confidence limits and no better or "
            "worse; more responses make the % positive steadier, not the service better."
        ),
        caveats=(
            f"{NHSE_CAVEAT} Responses are from one month (February 2026), list sizes from 2022/23 (lists "
            "change between years). Practices choose how and when they invite feedback, which can drive "
            "differences between practices and areas. "
            f"Flagged, kept: {named or 'none'} ({RULE_IMPLAUSIBLE})."
        ),
        keywords=KEYWORDS + " response rate how many responses feedback heard",
        compare=s.COMPARE_VALUES,
    )


def _caveats(raw_clean_effect: str, n_unmapped: int) -> str:
    return (
        f"{NHSE_CAVEAT} Practices with 1-4 responses are suppressed by NHS England and practices that did "
        f"not submit have no value; both are left out. {raw_clean_effect} "
        f"{n_unmapped} practices opened after 2022/23 are not in the QOF practice mapping: they count in "
        "England but in no Sub-ICB location. Practices are assigned to areas as at March 2023."
    ).strip()


def rejection_effect(before: pd.DataFrame, after: pd.DataFrame, rejected: pd.DataFrame) -> str:
    """Sentence saying how England and each affected Sub-ICB move because rows were rejected."""
    if rejected.empty:
        return ""
    parts = []
    for _, r in rejected.iterrows():
        parts.append(
            f"{r[CODE]} reports {r[RESPONSES]:,.0f} responses against a registered list of "
            f"{r['list_size']:,.0f}, almost certainly a reporting error, so it is left out"
        )
    text = "; ".join(parts) + "."
    eng = lambda f: f["positive"].sum() / f[RESPONSES].sum() * 100  # noqa: E731
    text += f" With it England would be {eng(before):.2f}%; without it {eng(after):.2f}% (published here)."
    for ods in sorted(rejected["SUB_ICB_ODS_CODE"].dropna().unique()):
        b, a = before[before["SUB_ICB_ODS_CODE"] == ods], after[after["SUB_ICB_ODS_CODE"] == ods]
        text += f" Sub-ICB {ods} moves from {eng(b):.2f}% with it to {eng(a):.2f}% without it."
    return text


@reader("gp_fft")
def read_gp_fft(ctx: ReadContext) -> ReadResult:
    """GP FFT % positive by Sub-ICB 2022, ICB, region and England, and the practice frame."""
    path = ctx.path()
    problems = Problems(ctx.dataset, ctx.entry["path"])
    raw = _read_text(path)
    map_entry = ctx.manifest[ctx.params.get("mapping", "qof_mapping_2223")]
    mapping = _read_text(ctx.path(map_entry["id"]))
    map_problems = Problems(ctx.dataset, map_entry["path"])
    missing = problems.require_columns(raw, FFT_COLUMNS) + map_problems.require_columns(
        mapping, MAPPING_COLUMNS
    )
    if missing:  # named in the problems (file and column); the other sources still load
        return ReadResult(
            rows_read=len(raw), values=empty_values(), problems=map_problems.items + problems.items
        )
    list_sizes = practice_list_sizes(ctx.path(ctx.params.get("list_sizes", "qof_prevalence_2223")))

    clean, status = clean_practices(raw, problems, list_sizes)
    unmapped = clean[~clean[CODE].isin(mapping["PRACTICE_CODE"])]
    for idx, r in unmapped.iterrows():
        problems.add(
            f"{KEPT}: practice not in the QOF 2022/23 mapping (opened later?): counted in England, "
            "in no Sub-ICB",
            row=file_row(idx),
            column=CODE,
            value=r[CODE],
        )
    values = area_values(clean, mapping)
    # What the list-size rule changed, in words, for the caveats.
    rule_hits = status[status.fillna("").str.contains("exceed the practice's registered list")].index
    keyed = lambda f: f.merge(  # noqa: E731
        mapping[["PRACTICE_CODE", "SUB_ICB_ODS_CODE"]], left_on=CODE, right_on="PRACTICE_CODE", how="left"
    )
    if len(rule_hits):
        back = raw.loc[rule_hits, [CODE, RESPONSES, PCT]].copy()
        back[CODE] = back[CODE].str.strip().str.upper()
        back[RESPONSES] = pd.to_numeric(back[RESPONSES])
        back["positive"] = (back[RESPONSES] * pd.to_numeric(back[PCT]) / 100).round()
        back["list_size"] = back[CODE].map(list_sizes)
        effect = rejection_effect(keyed(pd.concat([clean, back])), keyed(clean), keyed(back))
    else:
        effect = ""
    catalogue = [
        catalogue_entry(
            INDICATOR_ID,
            name="GP Friends and Family Test (FFT): % of responses positive",
            short_name="GP Friends and Family Test: % positive",
            domain="4",
            unit="%",
            multiplier=100,
            polarity=s.POLARITY_HIGH_GOOD,
            statistic="proportion",
            ci_method="Wilson",
            source=ctx.dataset,
            publisher=PUBLISHER,
            licence=ctx.entry.get("licence", "OGL-3.0"),
            definition=(
                'Responses rating the practice "Very good" or "Good" as a percentage of all responses to '
                '"Overall, how was your experience of our service?" ("Neither good nor poor", "Poor", '
                '"Very poor" and "Don\'t know" count in the denominator), February 2026. Positive counts are '
                "rebuilt from each practice's responses x % positive and summed over the area's practices "
                "(QOF 2022/23 practice mapping; Sub-ICB locations share the ODS codes of the April 2021 "
                f"CCGs); Wilson limits. {NHSE_CAVEAT}"
            ),
            caveats=_caveats(effect, len(unmapped)),
            keywords=KEYWORDS,
            compare=s.COMPARE_ON_REQUEST,
            wording=FFT_QUESTION,
            wording_source=FFT_WORDING_SOURCE,
        )
    ]
    practices = practice_frame(raw, clean, status, mapping, list_sizes)
    catalogue.append(rate_catalogue(ctx, practices))
    rates = response_rate_values(practices, mapping)
    result = ReadResult(
        rows_read=len(raw),
        values=conform_values(pd.concat([values, rates], ignore_index=True)),
        catalogue=catalogue,
        problems=map_problems.items + problems.items,
    )
    result.frames["practice_fft"] = practices
    n_supp = int((status == STATUS_SUPPRESSED).sum())
    result.notes.append(
        f"{ctx.dataset}: {len(raw)} practices, {len(clean)} used, {n_supp} without data (not submitted or "
        f"suppressed), {len(unmapped)} not in the practice mapping (England only); Sub-ICB areas "
        f"{int((values[s.GEOGRAPHY] == 'sicbl22').sum())}"
    )
    log.info("gp_fft: %d practices used of %d", len(clean), len(raw))
    return result
