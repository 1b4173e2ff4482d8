"""NHS Adult Inpatient Survey 2022 (CQC): each trust's result with CQC's own comparison, and each
CCG 2021 area's score attributed from the hospitals its residents are admitted to.

Trusts (``frames["ip22_trust"]``, one row per trust and item): respondents, the standardised mean
(0-10), CQC's expected range around the national mean for a trust of that size (90%, 95%,
99.8%), CQC's 7-level band ("Much worse than expected" ... "Much better than expected"; 0 = not
shown, fewer than 30 respondents), and the significance of the change since 2021 and 2020 (-1,
0, +1) as the trend. A trust worse than expected (bands 1-3) and significantly down since 2021 is
``red_red``.

Areas (``values``, ``frames["ip22_areas"]``): a CCG's attributed score is Σ w x trust score over
the trusts with a score, w the share of the CCG's residents attributed to each trust (OHID 2019
catchments, SOURCES.md 8d, with the trust successions of 9c), renormalised. It is the residents'
hospitals weighted by where they are admitted, not a sample of the area's residents. Its
**covered share** is the share of the residents' admissions that went to trusts with a score,
out of all admissions except those to trusts outside the survey (children's and specialist
trusts with no 2022 results): low when a trust has no score for the question, or when a
surveyed trust has no catchment (Somerset FT, RH5, whose host area's value then omits its main
hospital: flagged, never silent).

CQC's expected range of trust i is the national mean μ ± z x sigma_i (sigma_i taken from the
95% range; it holds both sampling error and the spread between trusts). Trusts are independent,
so the attributed score A has sigma_A = sqrt(Σ w² sigma_i²), and A is compared with μ exactly as
CQC compares a trust (outside μ ± 1.96 sigma_A: better or worse at 95%; 3.09: at 99.8%; 1.64:
"somewhat") **only where that is sound**: the covered share at least ``min_covered_share`` and
no catchment gap in the area. Elsewhere the value is shown without limits (never coloured better
or worse) and the row says why. England is CQC's national benchmark μ, the unweighted mean of
the trusts' scores (the centre of every expected range, checked).

The workbook has no question text: items are labelled "Inpatient survey 2022, question 46" and
"section 10" only. Which questions make up a section is derived from the data (the section's
score equals the mean of those questions' scores for every trust) and stated as such.
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd
from scipy.stats import norm

from data.model import schema as s
from data.model.validation import KEPT, Problems, SourceError, file_row
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import (
    catalogue_entry,
    conform_values,
    empty_values,
    normalise_header,
    period_start,
    read_part,
)
from data.readers.trusts import WEIGHT_COLUMNS, WEIGHTS_ID, apply_successions, attribute

log = logging.getLogger(__name__)

PERIOD = "2022"
SURVEY = "Inpatient survey 2022"
SCORE_COLUMNS = [
    "trust_code",
    "trust_name",
    "n_tpat",
    "item",
    "item_type",
    "mean",
    "ll90",
    "ul90",
    "ll95",
    "ul95",
    "ll998",
    "ul998",
    "band",
    "z_adj",
]
LIMITS = ["ll998", "ll95", "ll90", "ul90", "ul95", "ul998"]  # in the order they must lie
HISTORY_COLUMNS = [
    "comparison_year",
    "trust_code",
    "item",
    "mean_comparison_year",
    "base_unweighted_comparison_year",
    "sig_change_2022_vs_comparison",
]
COMPARISON_YEARS = (2021, 2020)
# CQC's seven bands, as the workbook's Guidance sheet names them (0: no score shown).
BANDS = {
    1: "Much worse than expected",
    2: "Worse than expected",
    3: "Somewhat worse than expected",
    4: "About the same as expected",
    5: "Somewhat better than expected",
    6: "Better than expected",
    7: "Much better than expected",
}
NOT_SHOWN = "No score: fewer than 30 respondents to the question"
WORSE_BANDS = (1, 2, 3)
Z90, Z95, Z998 = (float(norm.ppf(q)) for q in (0.95, 0.975, 0.999))
ITEM = re.compile(r"^(?:Q(?P<q>\d{1,2})(?:_(?P<part>\d))?|S(?P<s>\d{2}))$")
MIN_COVERED_SHARE = 0.95
SUPPRESSION_RULE = "CQC shows no score where fewer than 30 patients answered the question"
KEYWORDS = (
    "inpatient hospital stay adult inpatient survey IP22 CQC NHS trust acute hospital patient "
    "experience survey Domain 4"
)
# Frames (model.frames) this reader makes.
TRUST_FRAME = "ip22_trust"
AREA_FRAME = "ip22_areas"
ITEM_FRAME = "ip22_items"
WEIGHTS_FRAME = "trust_catchments"
AREA_COLUMNS = [
    s.AREA_CODE,
    s.AREA_NAME,
    "item",
    s.INDICATOR_ID,
    s.VALUE,
    "national_mean",
    "sigma",
    "z",
    "band",
    "band_label",
    "covered_share",
    "not_in_survey_share",
    "n_trusts",
    "trusts",
    "sound",
    "reason",
]


def item_id(item: str) -> str:
    """ "Q46" -> "ip22_q46", "Q5_1" -> "ip22_q05_1", "S10" -> "ip22_s10"."""
    m = ITEM.match(item)
    if m is None:
        raise ValueError(f"not an IP22 item: {item!r}")
    if m["s"]:
        return f"ip22_s{m['s']}"
    return f"ip22_q{int(m['q']):02d}" + (f"_{m['part']}" if m["part"] else "")


def item_label(item: str) -> str:
    """The only wording the app may use: "question 46", "question 5 part 1", "section 10"."""
    m = ITEM.match(item)
    if m is None:
        raise ValueError(f"not an IP22 item: {item!r}")
    if m["s"]:
        return f"section {int(m['s'])}"
    return f"question {int(m['q'])}" + (f" part {m['part']}" if m["part"] else "")


def band_of(value, lo90, hi90, lo95, hi95, lo998, hi998) -> np.ndarray:
    """CQC's band (1-7; 0 without a score) of values against their expected ranges."""
    v = np.asarray(value, dtype=float)
    band = np.full(v.shape, 4, dtype=int)
    for limit, b in ((lo90, 3), (lo95, 2), (lo998, 1)):
        band = np.where(v < np.asarray(limit, dtype=float), b, band)
    for limit, b in ((hi90, 5), (hi95, 6), (hi998, 7)):
        band = np.where(v > np.asarray(limit, dtype=float), b, band)
    return np.where(np.isnan(v), 0, band)


def band_label(band) -> pd.Series:
    return pd.Series(band).map(lambda b: BANDS.get(int(b), NOT_SHOWN) if pd.notna(b) else NOT_SHOWN)


def _read_text(path) -> pd.DataFrame:
    if not path.exists():
        raise SourceError(f"{path.name}: file not found at {path}")
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    raw.columns = [normalise_header(c) for c in raw.columns]
    return raw.replace({"": None})


def read_scores(path, problems: Problems) -> tuple[pd.DataFrame | None, int]:
    """Checked Trust_Scores rows; every row that cannot be used is a Problem (row, column, value).

    A suppressed score (blank mean and limits, band 0) is kept: it is the publisher's rule.
    """
    raw = _read_text(path)
    if problems.require_columns(raw, SCORE_COLUMNS):
        return None, len(raw)
    frame = raw[SCORE_COLUMNS].copy()
    for col in ("trust_code", "item", "item_type"):
        frame[col] = frame[col].astype("string").str.strip()
    frame["trust_code"] = frame["trust_code"].str.upper()
    bad = ~frame["trust_code"].str.fullmatch(r"[RTN][0-9A-Z]{2}").fillna(False).astype(bool)
    frame = problems.reject_mask(frame, bad, "trust_code", "not an NHS trust ODS code")
    kind = frame["item"].map(lambda i: _item_kind(str(i)))
    frame = problems.reject_mask(frame, kind.isna(), "item", "not an IP22 item (Qn, Qn_m or Snn)")
    frame = problems.reject_mask(
        frame, frame["item_type"] != kind.loc[frame.index], "item_type", "does not match the item"
    )
    frame = problems.numeric(frame, "n_tpat")
    frame = problems.reject_mask(frame, frame["n_tpat"] <= 0, "n_tpat", "respondents zero or negative")
    frame = problems.numeric(frame, "band")
    frame = problems.reject_mask(frame, ~frame["band"].isin(range(8)), "band", "not a CQC band (0-7)")
    for col in ("mean", *LIMITS, "z_adj"):
        frame = problems.numeric(frame, col, required=False)
    frame = problems.reject_mask(
        frame, (frame["mean"] < 0) | (frame["mean"] > 10), "mean", "score outside 0-10"
    )
    scored = frame["mean"].notna()
    frame = problems.reject_mask(frame, ~scored & (frame["band"] != 0), "band", "a band without a score")
    scored = frame["mean"].notna()
    no_range = frame[LIMITS].isna().any(axis=1)
    frame = problems.reject_mask(frame, scored & no_range, "ll95", "a score without its expected range")
    limits = frame[LIMITS].to_numpy(dtype=float)
    disorder = pd.Series((np.diff(limits, axis=1) < -1e-9).any(axis=1), index=frame.index)
    frame = problems.reject_mask(frame, disorder, "ll95", "expected range limits out of order")
    dup = frame.duplicated(["trust_code", "item"], keep="first")
    frame = problems.reject_mask(frame, dup, "item", "trust and item listed twice (first kept)")
    ours = band_of(*(frame[c] for c in ("mean", "ll90", "ul90", "ll95", "ul95", "ll998", "ul998")))
    frame = problems.flag_mask(
        frame,
        pd.Series(ours != frame["band"].to_numpy(), index=frame.index),
        "band",
        "CQC's band differs from the band its expected range gives (CQC's band kept)",
    )
    frame["band"] = frame["band"].astype(int)
    frame["file_row"] = [file_row(i) for i in frame.index]
    return frame.reset_index(drop=True), len(raw)


def _item_kind(item: str) -> str | None:
    m = ITEM.match(item)
    if m is None:
        return None
    return "section" if m["s"] else "question"


def read_history(path, problems: Problems) -> pd.DataFrame:
    """Wide: per trust and item, the 2021 and 2020 means, bases and significance of the change."""
    columns = ["trust_code", "item"] + [
        f"{what}_{y}" for y in COMPARISON_YEARS for what in ("mean", "base", "change")
    ]
    raw = _read_text(path)
    if problems.require_columns(raw, HISTORY_COLUMNS):
        return pd.DataFrame(columns=columns)
    frame = raw[HISTORY_COLUMNS].copy()
    frame["trust_code"] = frame["trust_code"].astype("string").str.strip().str.upper()
    frame["item"] = frame["item"].astype("string").str.strip()
    frame = problems.numeric(frame, "comparison_year")
    frame = problems.reject_mask(
        frame, ~frame["comparison_year"].isin(COMPARISON_YEARS), "comparison_year", "not 2021 or 2020"
    )
    frame = problems.reject_mask(
        frame, frame["item"].map(lambda i: _item_kind(str(i))).isna(), "item", "not an IP22 item"
    )
    for col in HISTORY_COLUMNS[3:]:
        frame = problems.numeric(frame, col, required=False)
    sig = "sig_change_2022_vs_comparison"
    frame = problems.reject_mask(
        frame, frame[sig].notna() & ~frame[sig].isin([-1, 0, 1]), sig, "not -1, 0 or +1"
    )
    dup = frame.duplicated(["comparison_year", "trust_code", "item"], keep="first")
    frame = problems.reject_mask(frame, dup, "item", "trust, item and year listed twice (first kept)")
    parts = []
    for year in COMPARISON_YEARS:
        part = frame[frame["comparison_year"] == year].set_index(["trust_code", "item"])
        parts.append(
            part[["mean_comparison_year", "base_unweighted_comparison_year", sig]].set_axis(
                [f"mean_{year}", f"base_{year}", f"change_{year}"], axis=1
            )
        )
    wide = pd.concat(parts, axis=1).reset_index()
    return wide.reindex(columns=columns)


def trend_text(change: float, year: int) -> str:
    if pd.isna(change):
        return f"no comparison with {year} (question new or changed, trust merged or not surveyed)"
    return {
        1: f"significantly up since {year}",
        -1: f"significantly down since {year}",
        0: f"no significant change since {year}",
    }[int(change)]


def derive_sections(scores: pd.DataFrame, tolerance: float = 1e-9) -> dict[str, list[str]]:
    """Section -> the run of consecutive questions (file order) whose mean is the section score
    for every trust with both; a section no run reproduces is left out (no grouping claimed)."""
    wide = scores.pivot(index="trust_code", columns="item", values="mean")
    order = list(dict.fromkeys(scores["item"]))
    questions = [i for i in order if _item_kind(i) == "question"]
    values = wide[questions].to_numpy(dtype=float)
    # Run means from cumulative sums: mean of questions a..b-1 = (C[b] - C[a]) / (b - a).
    cumulative = np.concatenate([np.zeros((len(values), 1)), np.cumsum(values, axis=1)], axis=1)
    found: dict[str, list[str]] = {}
    for section in (i for i in order if _item_kind(i) == "section"):
        target = wide[section].to_numpy(dtype=float)
        for a in range(len(questions)):
            for b in range(a + 1, len(questions) + 1):
                mean = (cumulative[:, b] - cumulative[:, a]) / (b - a)
                both = ~np.isnan(mean) & ~np.isnan(target)
                if both.sum() >= 2 and np.abs(mean[both] - target[both]).max() <= tolerance:
                    found[section] = questions[a:b]
                    break
            if section in found:
                break
    return found


def _trust_sigma(frame: pd.DataFrame, national: pd.Series) -> pd.Series:
    """Each trust's sigma from its 95% expected range (the side not clipped at 0 or 10)."""
    mu = frame["item"].map(national)
    lower = (mu - frame["ll95"]) / Z95
    upper = (frame["ul95"] - mu) / Z95
    clipped_high = frame["ul95"] >= 10 - 1e-9
    clipped_low = frame["ll95"] <= 1e-9
    return pd.Series(
        np.where(clipped_high, lower, np.where(clipped_low, upper, (lower + upper) / 2)), index=frame.index
    )


def national_means(scores: pd.DataFrame, problems: Problems) -> pd.Series:
    """CQC's national benchmark per item: the unweighted mean of the trusts' scores, checked to be
    the centre of every unclipped expected range (a mismatch is named, and the mean is used)."""
    scored = scores[scores["mean"].notna()]
    national = scored.groupby("item", sort=False)["mean"].mean()
    centre = (scored["ll95"] + scored["ul95"]) / 2
    clipped = (scored["ul95"] >= 10 - 1e-9) | (scored["ll95"] <= 1e-9)
    off = ((centre - scored["item"].map(national)).abs() > 1e-6) & ~clipped
    for _, r in scored[off].iterrows():
        problems.add(
            f"{KEPT}: expected range not centred on the national mean {national[r['item']]:.4f} "
            "(the mean of the trusts' scores)",
            row=int(r["file_row"]),
            column="ll95",
            value=r["ll95"],
        )
    return national


def host_areas(ctx: ReadContext, trusts: list[str], problems: Problems) -> dict[str, tuple[str, str]]:
    """Trust -> (CCG 2021 code, trust name as ODS gives it) of its headquarters (ODS host CCG)."""
    host_id = ctx.params.get("host_lookup", "lookup_trust_ccg_ods_host")
    if not trusts or host_id not in ctx.manifest or not ctx.path(host_id).is_file():
        return {}
    lookup = _read_text(ctx.path(host_id))
    host = "Geographic Primary Care Organisation Code"
    if Problems(host_id, ctx.manifest[host_id]["path"], items=problems.items).require_columns(
        lookup, ["Code", "Name", host]
    ):
        return {}
    codes = pd.read_csv(ctx.data_dir / ctx.params["ccg21_codes"], dtype=str).set_index("CCG21CDH")["CCG21CD"]
    lookup = lookup[lookup["Code"].isin(trusts)]
    return {r["Code"]: (codes.get(r[host], ""), str(r["Name"])) for _, r in lookup.iterrows()}


def trust_regions(ctx: ReadContext) -> pd.DataFrame:
    """Trust code -> NHS region 2021 (code, name) from the trust names lookup (empty without it)."""
    names_id = ctx.params.get("trust_names", "lookup_trust22_names")
    cols = ["trust_code", "region_code", "region_name"]
    if names_id not in ctx.manifest or not ctx.path(names_id).is_file():
        return pd.DataFrame(columns=cols)
    frame = _read_text(ctx.path(names_id))
    need = ["nhs_trust22_code", "nhs_region21_ons_code", "nhs_region21_name"]
    if not set(need) <= set(frame.columns):
        return pd.DataFrame(columns=cols)
    return frame[need].set_axis(cols, axis=1).drop_duplicates("trust_code")


def trust_frame(
    scores: pd.DataFrame, history: pd.DataFrame, national: pd.Series, sections: dict
) -> pd.DataFrame:
    """One row per trust and item: the score, CQC's comparison and the change since 2021/2020."""
    out = scores.merge(history, on=["trust_code", "item"], how="left")
    out["national_mean"] = out["item"].map(national)
    out["sigma"] = _trust_sigma(out, national)
    out["suppressed"] = out["mean"].isna()
    out["band_label"] = band_label(out["band"]).to_numpy()
    out["trend_2021"] = [trend_text(c, 2021) for c in out["change_2021"]]
    out["trend_2020"] = [trend_text(c, 2020) for c in out["change_2020"]]
    out["red_red"] = out["band"].isin(WORSE_BANDS) & (out["change_2021"] == -1)
    section_of = {q: sec for sec, run in sections.items() for q in run}
    out["section"] = out["item"].map(lambda i: item_label(section_of[i]) if i in section_of else "")
    out["label"] = out["item"].map(item_label)
    return out.rename(columns={"n_tpat": "respondents"})


def members_text(questions: list[str]) -> str:
    """ "question 46"; "question 2 and question 4"; "question 5 part 1 to question 15 (12 items)"."""
    labels = [item_label(q) for q in questions]
    if len(labels) <= 2:
        return " and ".join(labels)
    return f"{labels[0]} to {labels[-1]} ({len(labels)} items)"


def item_frame(
    scores: pd.DataFrame, national: pd.Series, sections: dict, history: pd.DataFrame
) -> pd.DataFrame:
    """One row per item: id, label, section (derived), members (for a section), national mean."""
    rows = []
    compared = {y: set(history.loc[history[f"change_{y}"].notna(), "item"]) for y in COMPARISON_YEARS}
    section_of = {q: sec for sec, run in sections.items() for q in run}
    for item, g in scores.groupby("item", sort=False):
        kind = _item_kind(item)
        members = sections.get(item, []) if kind == "section" else []
        rows.append(
            {
                "item": item,
                s.INDICATOR_ID: item_id(item),
                "item_type": kind,
                "label": f"{SURVEY}, {item_label(item)}",
                "section": item_label(section_of[item]) if kind == "question" and item in section_of else "",
                "members": members_text(members),
                "n_trusts": int(len(g)),
                "n_scored": int(g["mean"].notna().sum()),
                "national_mean": float(national.get(item, np.nan)),
                "compared_2021": item in compared[2021],
                "compared_2020": item in compared[2020],
            }
        )
    return pd.DataFrame(rows)


def area_rows(
    scores: pd.DataFrame,
    weights: pd.DataFrame,
    national: pd.Series,
    gaps: dict[str, list[str]],
    min_covered: float,
) -> pd.DataFrame:
    """Each CCG 2021 area's attributed score per item, its covered share, and whether (and why not)
    it may be compared with the national mean."""
    scored = scores[scores["mean"].notna()]
    tv = pd.DataFrame(
        {
            "trust_code": scored["trust_code"],
            "item": scored["item"],
            "value": scored["mean"],
            "sigma": scored["sigma"],
        }
    )
    out = attribute(tv, weights.assign(ccg21_pop_mid2019=weights["survey_population"]), by=("item",))
    not_in = weights.groupby("ccg21_code").agg(
        out_pop=("out_of_survey_population", "first"), pop=("ccg21_pop_mid2019", "first")
    )
    out["not_in_survey_share"] = out[s.AREA_CODE].map(not_in["out_pop"] / not_in["pop"]).to_numpy()
    out["national_mean"] = out["item"].map(national)
    out["z"] = (out[s.VALUE] - out["national_mean"]) / out["sigma"]
    low = out["covered_share"] < min_covered
    gap = out[s.AREA_CODE].isin(list(gaps))
    out["sound"] = ~low & ~gap
    reasons = []
    for code, share, is_low in zip(out[s.AREA_CODE], out["covered_share"], low, strict=True):
        why = []
        if code in gaps:
            why.append(
                "; ".join(gaps[code])
                + ": its patients are missing from the catchments, so this value leaves out the area's "
                "own hospital and is biased"
            )
        if is_low:
            why.append(
                f"only {share:.0%} of the residents' admissions went to trusts with a score for this "
                f"question (at least {min_covered:.0%} is needed to compare)"
            )
        reasons.append("; ".join(why))
    out["reason"] = reasons
    mu, sd = out["national_mean"], out["sigma"]
    ranges = [mu + sign * z * sd for z in (Z90, Z95, Z998) for sign in (-1, 1)]  # lo90, hi90, lo95, ...
    band = band_of(out[s.VALUE], *ranges)
    out["band"] = np.where(out["sound"], band, 0)
    out["band_label"] = np.where(out["sound"], band_label(out["band"]).to_numpy(), "not compared")
    out["n_trusts"] = out["n"]
    out[s.INDICATOR_ID] = out["item"].map(item_id)
    return out.reindex(columns=AREA_COLUMNS)


def long_rows(areas: pd.DataFrame, national: pd.Series, n_scored: pd.Series) -> pd.DataFrame:
    """The long table's rows: CCG 2021 (limits only where the comparison is sound) and England."""
    sound = areas["sound"].to_numpy()
    half95 = np.where(sound, Z95 * areas["sigma"], np.nan)
    half998 = np.where(sound, Z998 * areas["sigma"], np.nan)
    covered = (areas["covered_share"] * 100).round(0).astype("Int64").astype(str)
    note = (
        "Attributed from the hospitals the residents are admitted to: "
        + areas["trusts"].astype(str)
        + "; covered share "
        + covered
        + "% of admissions. "
        + np.where(
            sound,
            "Compared with the national mean using the trusts' combined expected range (CQC's method).",
            "Not compared: " + areas["reason"].astype(str) + ".",
        )
    )
    ccg = pd.DataFrame(
        {
            s.INDICATOR_ID: areas[s.INDICATOR_ID],
            s.AREA_CODE: areas[s.AREA_CODE],
            s.AREA_NAME: areas[s.AREA_NAME],
            s.GEOGRAPHY: "ccg21",
            s.VALUE: areas[s.VALUE],
            s.LOWER95: areas[s.VALUE] - half95,
            s.UPPER95: areas[s.VALUE] + half95,
            s.LOWER998: areas[s.VALUE] - half998,
            s.UPPER998: areas[s.VALUE] + half998,
            s.NOTE: note,
        }
    )
    eng = pd.DataFrame(
        {
            s.INDICATOR_ID: [item_id(i) for i in national.index],
            s.AREA_CODE: s.ENGLAND_CODE,
            s.AREA_NAME: s.ENGLAND_NAME,
            s.GEOGRAPHY: "england",
            s.VALUE: national.to_numpy(),
            s.NOTE: [
                f"CQC's national benchmark: the unweighted mean of the {int(n_scored.get(i, 0))} trusts' scores"
                for i in national.index
            ],
        }
    )
    values = pd.concat([ccg, eng], ignore_index=True)
    values[s.PERIOD] = PERIOD
    values[s.PERIOD_START] = period_start(PERIOD)
    values[s.SEX] = "Persons"
    return conform_values(values)


def catalogue_entries(items: pd.DataFrame, ctx: ReadContext, min_covered: float) -> list[dict]:
    out = []
    for r in items.itertuples():
        where = f" ({r.section})" if r.section else ""
        if r.item_type == "section":
            where = f" (the mean of {r.members}, derived from the data)" if r.members else ""
        out.append(
            catalogue_entry(
                r.indicator_id,
                name=f"{r.label}{where}: score attributed from the area's hospitals (0-10)",
                short_name=r.label,
                domain="4",
                unit="score 0-10",
                multiplier=1,
                polarity=s.POLARITY_HIGH_GOOD,
                statistic="mean",
                ci_method="CQC expected range, combined over trusts",
                source=ctx.dataset,
                publisher=ctx.entry.get("publisher", "Care Quality Commission"),
                licence=ctx.entry.get("licence", "OGL-3.0"),
                definition=(
                    f"CQC's standardised score (0-10, higher is a better experience) for {r.label[len(SURVEY) + 2 :]} "
                    "of the NHS Adult Inpatient Survey 2022 (adults who stayed at least one night in an "
                    "NHS acute or specialist trust and were discharged in November 2022). The workbook "
                    "holds no question text and no public source stating it was found, so the item is "
                    "named by its number only: its wording is in CQC's 2022 questionnaire "
                    "(nhssurveys.org). Each area's value is attributed: the scores of the trusts its "
                    "residents are admitted to, weighted by the share of the residents' admissions each "
                    "trust receives (OHID 2019 catchments, trust successions applied) and renormalised "
                    "over the trusts with a score. It describes the residents' hospitals, not a sample of "
                    "the area's residents. England is CQC's national benchmark, the unweighted mean of "
                    "the trusts' scores. An area is compared with it only where at least "
                    f"{min_covered:.0%} of its admissions went to trusts with a score and no surveyed "
                    "trust is missing from its catchments: the trusts' own expected ranges (which hold "
                    "sampling error and the spread between trusts) are combined with the same weights "
                    "(trusts independent), and CQC's rule is applied to the result."
                ),
                caveats=(
                    "Attributed, not surveyed by area: an area shares its hospitals' results with every "
                    "other area they serve. The covered share beside each value says how much of the "
                    "residents' admissions the value stands for; areas below the threshold, and NHS "
                    "Somerset CCG (Somerset FT, RH5, has a score but is missing from the 2019 "
                    "catchments), are shown without a comparison and say why. Catchments are of 2019 "
                    "and include children's admissions; trusts outside the survey (children's and "
                    "some specialist trusts) are left out of the covered share. CQC's bands compare "
                    f"trusts with one another, not with a standard. {SUPPRESSION_RULE}."
                ),
                keywords=KEYWORDS,
                compare=s.COMPARE_ENGLAND_ONLY,
                in_summaries=False,  # unworded: on its survey's page and in the catalogue only
            )
        )
    return out


def catchment_weights(ctx: ReadContext, problems: Problems, scored_trusts: set[str]):
    """The catchment weights with successions applied, each area's population outside the survey's
    trusts, and the notes; None when the weights file is unusable (named in the problems)."""
    weights_id = ctx.params.get("weights", WEIGHTS_ID)
    entry = ctx.manifest[weights_id]
    wp = Problems(ctx.dataset, entry["path"], items=problems.items)
    path = ctx.path(weights_id)
    if not path.is_file():
        wp.add("file not found")
        return None, []
    weights = pd.read_csv(path, dtype={"trust_code": str, "ccg21_code": str})
    if wp.require_columns(weights, [*WEIGHT_COLUMNS, "ccg21_pop_mid2019"]):
        return None, []
    weights, notes = apply_successions(weights, ctx.params.get("successions", []))
    surveyed = weights["trust_code"].isin(scored_trusts)
    out_pop = weights[~surveyed].groupby("ccg21_code")["catchment_population_2019"].sum()
    weights["out_of_survey_population"] = weights["ccg21_code"].map(out_pop).fillna(0.0)
    weights["survey_population"] = weights["ccg21_pop_mid2019"] - weights["out_of_survey_population"]
    outside = sorted(set(weights.loc[~surveyed, "trust_code"]))
    notes.append(
        f"trusts in the catchments but not in the 2022 survey (children's and specialist trusts), "
        f"left out of the covered share: {', '.join(outside) or 'none'}"
    )
    return weights, notes


@reader("inpatient_survey")
def read_inpatient_survey(ctx: ReadContext) -> ReadResult:
    """IP22 trust results (CQC's comparison and trend) and CCG 2021 attributed scores."""
    params = ctx.params
    problems = Problems(ctx.dataset, ctx.entry["path"])
    result = ReadResult(values=empty_values(), problems=problems.items)
    scores, result.rows_read = read_scores(ctx.path(), problems)
    if scores is None or scores.empty:
        return result
    history_id = params.get("history", "ip22_trust_history")
    history = pd.DataFrame(columns=["trust_code", "item"])
    if history_id in ctx.manifest:  # a missing or garbled history file is one problem; scores still load
        hist_problems = Problems(history_id, ctx.manifest[history_id]["path"], items=problems.items)
        history = read_part(ctx, result, history_id, read_history, ctx.path(history_id), hist_problems)
    history = history.reindex(
        columns=["trust_code", "item"]
        + [f"{w}_{y}" for y in COMPARISON_YEARS for w in ("mean", "base", "change")]
    )
    national = national_means(scores, problems)
    sections = derive_sections(scores)
    trusts = trust_frame(scores, history, national, sections)
    regions = trust_regions(ctx)
    trusts = trusts.merge(regions, on="trust_code", how="left")
    items = item_frame(scores, national, sections, history)
    min_covered = float(params.get("min_covered_share", MIN_COVERED_SHARE))

    scored_trusts = set(scores["trust_code"])
    weights, notes = catchment_weights(ctx, problems, scored_trusts)
    result.notes += notes
    trusts["in_catchment"] = trusts["trust_code"].isin(
        set(weights["trust_code"]) if weights is not None else set()
    )
    result.frames[TRUST_FRAME] = trusts.reset_index(drop=True)
    result.frames[ITEM_FRAME] = items
    result.catalogue = catalogue_entries(items, ctx, min_covered)
    if weights is None:  # trust results only; the problem names the weights file
        return result
    missing = sorted(scored_trusts - set(weights["trust_code"]))
    hosts = host_areas(ctx, missing, problems)
    gaps: dict[str, list[str]] = {}
    for trust in missing:
        code, name = hosts.get(trust, ("", ""))
        first = scores.index[scores["trust_code"] == trust][0]
        problems.add(
            f"{KEPT}: trust has 2022 scores but no 2019 catchment (after successions), so no area's "
            f"attributed value includes it; host area {code or 'unknown'} is flagged",
            row=int(scores.at[first, "file_row"]),
            column="trust_code",
            value=trust,
        )
        if code:
            label = str(trusts.loc[trusts["trust_code"] == trust, "trust_name"].iloc[0]) or name
            gaps.setdefault(code, []).append(f"{label} ({trust}) has a score but no catchment")
    areas = area_rows(trusts, weights, national, gaps, min_covered)
    result.values = long_rows(areas, national, items.set_index("item")["n_scored"])
    result.frames[AREA_FRAME] = areas
    result.frames[WEIGHTS_FRAME] = weights.reindex(
        columns=[
            "ccg21_code",
            "ccg21_name",
            "trust_code",
            "predecessors",
            "share_of_ccg_attributed",
            "catchment_population_2019",
            "ccg21_pop_mid2019",
            "out_of_survey_population",
        ]
    ).reset_index(drop=True)
    n_areas = areas[s.AREA_CODE].nunique()
    n_sound = int(areas["sound"].sum())
    result.notes.append(
        f"IP22: {scores['trust_code'].nunique()} trusts x {scores['item'].nunique()} items "
        f"({int(scores['mean'].isna().sum())} scores not shown: {SUPPRESSION_RULE.lower()}); "
        f"{n_areas} CCG 2021 areas attributed, each with a covered share; {n_sound} of {len(areas)} "
        f"area-item values comparable; sections derived from the data: "
        + "; ".join(f"{k} = mean of {', '.join(v)}" for k, v in sections.items())
    )
    log.info("inpatient_survey: %d trust rows, %d area rows", len(trusts), len(areas))
    return result
