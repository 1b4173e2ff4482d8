"""The practice drill-down: a CCG's GP practices on one measure, their PCNs, and flags.

Measures: QOF 2022/23 recorded prevalence (21 registers), QOF points achieved (2022/23),
both from ``frames["practice_values"]``, and the GP Friends and Family Test
(``frames["practice_fft"]``: % positive, and responses per 1,000 registered patients). Each
practice is compared with England (its 95% Wilson interval against England's value) and placed
on a funnel around England's value, except for measures that are not events out of a population
(``NOT_EVENTS``: QOF points, the FFT response rate), which are shown as values.

Publishers' suppression is kept: FFT practices with 1-4 responses have no value and are
listed as suppressed. Values resting on fewer than ``MIN_EVENTS`` events (QOF) or fewer
than ``MIN_RESPONSES`` responses (FFT) are flagged unreliable: shown, not compared, not
ranked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from data.methods.funnels import funnel_points
from data.methods.stats import compare
from data.model import schema as s
from data.model.core import Model

FFT = "gp_fft_positive"
FFT_RATE = "gp_fft_response_rate"
MIN_EVENTS = 5
MIN_RESPONSES = 30
# Points, and FFT responses per 1,000 (all the feedback given, not a sample), are not events out of a
# population: no interval, no funnel, no comparison.
NOT_EVENTS = ("qof_points", FFT_RATE)
# Value = count / denominator x this (per cent unless listed).
MULTIPLIERS = {FFT_RATE: 1000.0}
COLUMNS = [
    "practice_code",
    "practice_name",
    "pcn_code",
    "pcn_name",
    s.COUNT,
    s.DENOMINATOR,
    s.VALUE,
    s.LOWER95,
    s.UPPER95,
    "category",
    "funnel_category",
    "x",
    "flag",
]


def measures(model: Model) -> list[str]:
    """Indicators with practice rows, in catalogue order."""
    have = (
        set(model.frames["practice_values"][s.INDICATOR_ID]) if "practice_values" in model.frames else set()
    )
    if "practice_fft" in model.frames:
        have |= {FFT, FFT_RATE}
    return [i for i in model.catalogue.index if i in have]


def wilson(count: np.ndarray, denominator: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of count / denominator (as fractions), vectorised."""
    z = norm.ppf(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = count / denominator
        centre = (p + z**2 / (2 * denominator)) / (1 + z**2 / denominator)
        half = z * np.sqrt(p * (1 - p) / denominator + z**2 / (4 * denominator**2)) / (1 + z**2 / denominator)
    return centre - half, centre + half


def sub_icb_of(model: Model, ccg21: str) -> str | None:
    """The Sub-ICB location (July 2022) code of a CCG 2021 area (the practices' mapping)."""
    h = model.frames["hierarchy"]
    hit = h.loc[h["ccg21_code"] == ccg21, "sicbl22_code"]
    return str(hit.iloc[0]) if len(hit) else None


def england_value(model: Model, indicator: str) -> float | None:
    rows = model.indicators
    eng = rows[
        (rows[s.INDICATOR_ID] == indicator) & (rows[s.GEOGRAPHY] == "england") & (rows[s.SEX] == "Persons")
    ]
    eng = eng.sort_values(s.PERIOD_START)
    return float(eng[s.VALUE].iloc[-1]) if len(eng) and pd.notna(eng[s.VALUE].iloc[-1]) else None


def practice_rows(model: Model, ccg21: str, indicator: str) -> tuple[pd.DataFrame, float | None]:
    """The CCG's practices on one measure (COLUMNS), and England's value."""
    sicbl = sub_icb_of(model, ccg21)
    mapping = model.frames["practices"]
    mine = mapping[mapping["sicbl22_code"] == sicbl][
        ["practice_code", "practice_name", "pcn_code", "pcn_name"]
    ]
    eng = england_value(model, indicator)
    if indicator == FFT:
        fft = model.frames["practice_fft"]
        rows = mine.merge(
            fft[["practice_code", "positive", "responses", "suppressed", "status"]],
            on="practice_code",
            how="left",
        )
        rows = rows.rename(columns={"positive": s.COUNT, "responses": s.DENOMINATOR})
        suppressed = rows["suppressed"].fillna(True).astype(bool)
        rows.loc[suppressed, [s.COUNT, s.DENOMINATOR]] = np.nan
        small = rows[s.DENOMINATOR] < MIN_RESPONSES
        flag = np.where(
            suppressed,
            "suppressed (1-4 responses) or no data",
            np.where(small, "unreliable: under 30 responses", ""),
        )
    elif indicator == FFT_RATE:
        fft = model.frames["practice_fft"]
        rows = mine.merge(
            fft[["practice_code", "responses", "suppressed", "list_size", "responses_per_1000", "flag"]],
            on="practice_code",
            how="left",
        )
        counted = rows["responses_per_1000"].notna()
        heard = rows["responses"].where(~rows["suppressed"].fillna(False).astype(bool), 0.0)
        rows[s.COUNT] = heard.where(counted)
        rows[s.DENOMINATOR] = rows["list_size"].where(counted)
        source_flag = rows.pop("flag").fillna("")
        flag = np.where(
            ~counted,
            "no data (not in the file, no list size, or responses above the list)",
            np.where(
                rows["suppressed"].fillna(False).astype(bool),
                "no data for the month: counted as no responses",
                source_flag,
            ),
        )
    else:
        vals = model.frames["practice_values"]
        vals = vals[vals[s.INDICATOR_ID] == indicator][["practice_code", s.COUNT, s.DENOMINATOR]]
        rows = mine.merge(vals, on="practice_code", how="left")
        flag = np.where(
            rows[s.COUNT].isna(),
            "no data",
            np.where(rows[s.COUNT] < MIN_EVENTS, "unreliable: fewer than 5 events", ""),
        )
    rows = rows.assign(flag=flag)
    count = rows[s.COUNT].to_numpy(dtype=float)
    den = rows[s.DENOMINATOR].to_numpy(dtype=float)
    multiplier = MULTIPLIERS.get(indicator, 100.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rows[s.VALUE] = count / den * multiplier
    lo, hi = wilson(count, den)
    rows[s.LOWER95], rows[s.UPPER95] = lo * 100, hi * 100
    if indicator in NOT_EVENTS:
        rows[s.LOWER95] = rows[s.UPPER95] = np.nan
    polarity = (
        str(model.catalogue.at[indicator, "polarity"])
        if indicator in model.catalogue.index
        else s.POLARITY_NONE
    )
    reliable = rows["flag"].eq("").to_numpy()
    cats = np.full(len(rows), s.NOT_COMPARED, dtype=object)
    if eng is not None and reliable.any():
        cats[reliable] = compare(
            rows[s.VALUE].to_numpy()[reliable], lo[reliable] * 100, hi[reliable] * 100, eng, polarity
        )
    if indicator in NOT_EVENTS:
        cats[:] = s.NOT_COMPARED
    rows["category"] = cats
    rows["funnel_category"] = ""
    rows["x"] = np.nan
    ok = np.isfinite(count) & (den > 0)
    if ok.sum() >= 1 and eng is not None and indicator not in NOT_EVENTS:
        pts = funnel_points(count[ok], den[ok], statistic="proportion", multiplier=100, target=eng / 100)
        rows.loc[ok, "funnel_category"] = np.where(reliable[ok], pts["category"].to_numpy(), "")
        rows.loc[ok, "x"] = pts["x"].to_numpy()
    out = rows[COLUMNS].sort_values(["pcn_name", "practice_name"]).reset_index(drop=True)
    out.attrs["multiplier"] = multiplier
    return out, eng


def pcn_rollup(
    rows: pd.DataFrame, england: float | None, polarity: str, multiplier: float | None = None
) -> pd.DataFrame:
    """Each PCN: practices, summed count and denominator, value and 95% Wilson interval, vs England.

    Suppressed practices (no count) are left out of the sums; the number used is given. The value
    is count / denominator x ``multiplier`` (default: the rows' own, ``practice_rows`` sets it; else
    per cent); a measure not per cent has no Wilson interval.
    """
    multiplier = float(multiplier or rows.attrs.get("multiplier", 100.0))
    used = rows[rows[s.COUNT].notna() & (rows[s.DENOMINATOR] > 0)]
    total = rows.groupby(["pcn_code", "pcn_name"], dropna=False).size().rename("practices")
    agg = used.groupby(["pcn_code", "pcn_name"], dropna=False).agg(
        used=("practice_code", "size"), count=(s.COUNT, "sum"), denominator=(s.DENOMINATOR, "sum")
    )
    out = pd.concat([total, agg], axis=1).reset_index()
    out["used"] = out["used"].fillna(0).astype(int)
    c, d = out["count"].to_numpy(dtype=float), out["denominator"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[s.VALUE] = c / d * multiplier
    lo, hi = wilson(c, d)
    out[s.LOWER95], out[s.UPPER95] = (lo * 100, hi * 100) if multiplier == 100 else (np.nan, np.nan)
    out["category"] = (
        compare(
            out[s.VALUE].to_numpy(), out[s.LOWER95].to_numpy(), out[s.UPPER95].to_numpy(), england, polarity
        )
        if england is not None
        else s.NOT_COMPARED
    )
    return out.sort_values("pcn_name").reset_index(drop=True)
