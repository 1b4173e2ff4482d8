"""PHE modelled prevalence and the recorded-to-modelled ratio (case finding) by CCG, 2014/15-2015/16.

Values are list-size-weighted means of practice estimates, so they have no CI. Count and
denominator are derived (percentage times list size) only so that the model can sum them
upward; the CCG-level depression estimate carries PHE's published 95% limits.
"""

from __future__ import annotations

import logging

import pandas as pd

from data.model import schema as s
from data.model.validation import Problems
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import catalogue_entry, conform_values, empty_values, period_start
from data.readers.prescribing import read_text_csv

log = logging.getLogger(__name__)

PERIOD = "2014/15-2015/16"
PUBLISHER = "Public Health England (modelled estimates); NHS Digital (QOF registers)"
CONDITIONS: dict[str, tuple[str, str]] = {
    # key: (name, short label)
    "bp": ("hypertension", "Hypertension"),
    "chd": ("coronary heart disease", "CHD"),
    "copd": ("COPD", "COPD"),
    "depression": ("depression", "Depression"),
    "pad": ("peripheral arterial disease", "PAD"),
    "stroke": ("stroke", "Stroke"),
}
ALL_CCG16 = 209


def _ccg16(ctx: ReadContext) -> pd.DataFrame:
    peers = pd.read_csv(ctx.data_dir / ctx.params["ccg16_codes"], dtype=str)
    return peers[["CCG16CD", "CCG16CDH", "CCG16NM"]]


def _base(frame: pd.DataFrame, indicator_id: str) -> dict:
    return {
        s.INDICATOR_ID: indicator_id,
        s.AREA_CODE: frame["CCG16CDH"],
        s.AREA_NAME: frame["CCG16NM"],
        s.GEOGRAPHY: "ccg16",
        s.PERIOD: PERIOD,
        s.PERIOD_START: period_start(PERIOD),
        s.SEX: "Persons",
    }


def _entry(ctx_source: str, indicator_id: str, **fields) -> dict:
    # value = count / denominator x multiplier must hold so that sums aggregate correctly:
    # prevalences are percentages of the list (x100); ratios are plain (x1).
    fields.setdefault("multiplier", 100 if fields.get("unit") == "%" else 1)
    return catalogue_entry(
        indicator_id,
        source=ctx_source,
        publisher=PUBLISHER,
        licence="OGL-3.0",
        **fields,
    )


def _read_ccg_means(ctx: ReadContext, ccg16: pd.DataFrame, result: ReadResult) -> list[pd.DataFrame]:
    problems = Problems(ctx.dataset, ctx.entry["path"], items=result.problems)
    raw = read_text_csv(ctx.path())
    result.rows_read += len(raw)
    wanted = ["ccg_ons_code", "list_size", "undx_bp_estimated_prev_pct"]
    for key in CONDITIONS:
        wanted += [f"{key}_estimated_prev_pct", f"{key}_qof_recorded_prev_pct"]
    if problems.require_columns(raw, wanted):
        return []
    frame = raw.copy()
    frame["ccg_ons_code"] = frame["ccg_ons_code"].str.strip()
    frame = problems.reject_mask(
        frame, ~frame["ccg_ons_code"].isin(ccg16["CCG16CD"]), "ccg_ons_code", "not an April 2016 CCG code"
    )
    frame = frame.merge(ccg16, left_on="ccg_ons_code", right_on="CCG16CD", how="left").set_axis(frame.index)
    frame = problems.numeric(frame, "list_size")
    frame = problems.reject_mask(frame, frame["list_size"] <= 0, "list_size", "list size is zero or negative")
    pieces = []
    for key, (name, label) in CONDITIONS.items():
        est, rec = f"{key}_estimated_prev_pct", f"{key}_qof_recorded_prev_pct"
        part = problems.numeric(frame, est)
        part = problems.numeric(part, rec)
        part = problems.reject_mask(
            part, (part[est] <= 0) | (part[est] > 100), est, "prevalence not in (0, 100]"
        )
        part = problems.reject_mask(
            part, (part[rec] < 0) | (part[rec] > 100), rec, "prevalence not in [0, 100]"
        )
        estimated = part[est] / 100 * part["list_size"]
        recorded = part[rec] / 100 * part["list_size"]
        prev = pd.DataFrame(_base(part, f"phe_est_prev_{key}"))
        prev[s.VALUE] = part[est]
        prev[s.COUNT] = estimated
        prev[s.DENOMINATOR] = part["list_size"]
        ratio = pd.DataFrame(_base(part, f"phe_dx_ratio_{key}"))
        ratio[s.VALUE] = part[rec] / part[est]
        ratio[s.COUNT] = recorded
        ratio[s.DENOMINATOR] = estimated
        pieces += [prev, ratio]
        result.catalogue += [
            _entry(
                ctx.dataset,
                f"phe_est_prev_{key}",
                name=f"Modelled (expected) prevalence of {name}, PHE estimate",
                short_name=f"{label}: modelled prevalence (%)",
                domain="context",
                unit="%",
                polarity=s.POLARITY_NONE,
                statistic="mean",
                ci_method="none",
                definition=(
                    f"PHE's modelled prevalence of {name} for each practice, averaged over the CCG's "
                    "practices weighted by list size. Count is the implied number of people (% x list "
                    "size / 100) and denominator the list size, derived here so that sums give the "
                    "weighted mean for larger areas."
                ),
                caveats=(
                    "A model estimate from practice population characteristics, not a measurement; "
                    "no CI at CCG level. Period about 2014/15-2015/16. CCG set of April 2015 (= April "
                    "2016, 209 CCGs)."
                ),
            ),
            _entry(
                ctx.dataset,
                f"phe_dx_ratio_{key}",
                name=f"Recorded (QOF) to modelled prevalence ratio: {name} (case finding)",
                short_name=f"{label}: recorded / modelled ratio",
                domain="2",
                unit="ratio",
                polarity=s.POLARITY_HIGH_GOOD,
                statistic="ratio",
                ci_method="none",
                definition=(
                    f"List-size-weighted QOF recorded prevalence of {name} divided by the list-size-weighted "
                    "modelled prevalence: the share of expected cases that practices have diagnosed and "
                    "registered. Count = recorded % x list size / 100, denominator = modelled % x list "
                    "size / 100 (both derived, not published register counts)."
                ),
                caveats=(
                    "Higher means more of the expected cases are found, but QOF registers and the model "
                    "use different definitions (e.g. age ranges), so the ratio is not a detection rate "
                    "and can exceed 1. No CI. Period about 2014/15-2015/16; 209 CCGs (April 2015/2016 set)."
                ),
            ),
        ]
    undx = problems.numeric(frame, "undx_bp_estimated_prev_pct")
    piece = pd.DataFrame(_base(undx, "phe_est_prev_undx_bp"))
    piece[s.VALUE] = undx["undx_bp_estimated_prev_pct"]
    piece[s.COUNT] = undx["undx_bp_estimated_prev_pct"] / 100 * undx["list_size"]
    piece[s.DENOMINATOR] = undx["list_size"]
    pieces.append(piece)
    result.catalogue.append(
        _entry(
            ctx.dataset,
            "phe_est_prev_undx_bp",
            name="Modelled prevalence of undiagnosed hypertension, PHE estimate",
            short_name="Undiagnosed hypertension: modelled (%)",
            domain="context",
            unit="%",
            polarity=s.POLARITY_NONE,
            statistic="mean",
            ci_method="none",
            definition=(
                "PHE's modelled prevalence of undiagnosed hypertension per practice, list-size-weighted "
                "mean over the CCG's practices (count = % x list size / 100, derived)."
            ),
            caveats=(
                "A separate PHE model: it is not modelled minus recorded hypertension prevalence. "
                "No CI. Period about 2014/15-2015/16."
            ),
        )
    )
    result.notes.append(f"PHE modelled prevalence: {frame['CCG16CDH'].nunique()} of {ALL_CCG16} CCGs")
    return pieces


def _read_depression(ctx: ReadContext, ccg16: pd.DataFrame, result: ReadResult) -> list[pd.DataFrame]:
    entry_id = ctx.params.get("depression_entry", "phe_depression_estimate")
    if entry_id not in ctx.manifest:
        return []
    entry = ctx.manifest[entry_id]
    problems = Problems(entry_id, entry["path"], items=result.problems)
    raw = read_text_csv(ctx.path(entry_id))
    result.rows_read += len(raw)
    if problems.require_columns(raw, ["ccg_code", "estimate", "min95", "max95"]):
        return []
    frame = raw.copy()
    frame["ccg_code"] = frame["ccg_code"].str.strip()
    frame = problems.reject_mask(
        frame, ~frame["ccg_code"].isin(ccg16["CCG16CDH"]), "ccg_code", "not an April 2016 CCG ODS code"
    )
    for col in ("estimate", "min95", "max95"):
        frame = problems.numeric(frame, col)
    frame = problems.reject_mask(
        frame,
        (frame["min95"] > frame["estimate"]) | (frame["max95"] < frame["estimate"]),
        "estimate",
        "estimate outside its own 95% limits",
    )
    frame = frame.merge(ccg16, left_on="ccg_code", right_on="CCG16CDH", how="left").set_axis(frame.index)
    piece = pd.DataFrame(_base(frame, "phe_est_prev_depression_ccg_model"))
    piece[s.VALUE] = frame["estimate"]
    piece[s.LOWER95] = frame["min95"]
    piece[s.UPPER95] = frame["max95"]
    result.catalogue.append(
        _entry(
            entry_id,
            "phe_est_prev_depression_ccg_model",
            name="Estimated prevalence of diagnosed depression, PHE CCG-level model",
            short_name="Depression: CCG-model estimate (%)",
            domain="context",
            unit="%",
            polarity=s.POLARITY_NONE,
            statistic="value",
            ci_method="published",
            definition=(
                "PHE's CCG-level model estimate of the prevalence of diagnosed depression (%), with the "
                "model's published 95% limits (no 99.8% limits)."
            ),
            caveats=(
                "A model estimate; its limits reflect model uncertainty. No count or denominator, so it "
                "cannot be summed to larger areas. Period about 2014/15-2015/16; 209 CCGs."
            ),
        )
    )
    return [piece]


@reader("phe_modelled")
def read_phe_modelled(ctx: ReadContext) -> ReadResult:
    """Modelled prevalence and recorded/modelled ratios for 6 conditions, plus the depression model."""
    result = ReadResult(values=empty_values())
    ccg16 = _ccg16(ctx)
    pieces = _read_ccg_means(ctx, ccg16, result) + _read_depression(ctx, ccg16, result)
    if pieces:
        result.values = conform_values(pd.concat(pieces, ignore_index=True))
    log.info("phe_modelled: %d rows, %d indicators", len(result.values), len(result.catalogue))
    return result
