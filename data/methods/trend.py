"""Fingertips' recent trend: the last five valid points, a chi-squared test and a stability rule.

The rule (``../shared/docs/METHODS.md`` "Trends"; Fingertips' ``TrendMarkerCalculator``):

* Take the five most recent *valid* points of a series, skipping back over missing or
  invalid ones. Fewer than five: "Cannot be calculated" (with the reason).
* Proportions and crude rates with counts and denominators: the chi-squared test for linear
  trend (Cochran-Armitage) on the counts and denominators. The slope whose sign is checked is
  the least-squares slope of log-odds (proportions) or log rate (rates) against time.
* Any other statistic, or a series without counts: the weighted least-squares slope of the
  values against time, weights 1/SE^2 with SE = (upper95 - lower95) / 3.92; chi-squared =
  (slope / SE(slope))^2.
* Significant when chi-squared > 9.5495 (p < 0.002) **and** the slope keeps its sign when each
  of the five points is left out in turn; otherwise "No significant change".
* The label combines the direction with the indicator's polarity ("Increasing and getting
  worse"); without a polarity it is "Increasing" or "Decreasing".

``recent_trend`` handles one series; ``trend_table`` computes the latest trend of every
(indicator, geography, area, sex) series of the model at once, vectorised.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.methods import vocabulary as s

log = logging.getLogger(__name__)

POINTS = 5
CHI2_THRESHOLD = 9.54953570608324  # chi-squared(1) at p = 0.002, as Fingertips
SE_DIVISOR = 3.92  # width of a 95% interval in standard errors

CANNOT = "Cannot be calculated"
NO_CHANGE = "No significant change"
COUNT_STATISTICS = ("proportion", "rate")
METHOD_COUNTS = "chi-squared test for trend on counts"
METHOD_REGRESSION = "weighted regression on values"

TREND_COLUMNS = [
    s.INDICATOR_ID,
    s.GEOGRAPHY,
    s.AREA_CODE,
    s.SEX,
    s.PERIOD,  # the latest period of the five used (or of the series when it cannot be calculated)
    "trend",  # the Fingertips label
    "direction",  # "increasing" | "decreasing" | "" (not significant or not calculated)
    "n_points",  # valid points used (5) or available (fewer)
    "chi2",
    "method",
    "reason",  # why it cannot be calculated; "" otherwise
]


@dataclass(frozen=True)
class TrendResult:
    """The recent trend of one series."""

    label: str
    direction: str = ""
    n_points: int = 0
    chi2: float = float("nan")
    method: str = ""
    reason: str = ""


def trend_label(direction: str, polarity: str) -> str:
    """Fingertips' words for a significant trend in ``direction`` ("increasing"/"decreasing")."""
    word = direction.capitalize()
    if polarity == s.POLARITY_NONE or polarity not in (s.POLARITY_HIGH_GOOD, s.POLARITY_LOW_GOOD):
        return word
    good = (direction == "increasing") == (polarity == s.POLARITY_HIGH_GOOD)
    return f"{word} and getting {'better' if good else 'worse'}"


def _ols_slopes(y: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Least-squares slope of each row of ``y`` on time 1..5, using the points where ``keep``."""
    t = np.arange(1, y.shape[1] + 1, dtype=float)
    w = keep.astype(float)
    n = w.sum(axis=1)
    st = (w * t).sum(axis=1)
    sy = (w * y).sum(axis=1)
    sty = (w * t * y).sum(axis=1)
    stt = (w * t * t).sum(axis=1)
    return (n * sty - st * sy) / (n * stt - st**2)


def _weighted_slopes(y: np.ndarray, weight: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted least-squares slope of each row on time 1..5 and its chi-squared (slope/SE)^2."""
    t = np.arange(1, y.shape[1] + 1, dtype=float)
    w = weight * keep
    s1 = w.sum(axis=1)
    s2 = (w * y * t).sum(axis=1)
    s3 = (w * t).sum(axis=1)
    s4 = (w * y).sum(axis=1)
    s5 = (w * t * t).sum(axis=1)
    det = s1 * s5 - s3**2
    slope = (s1 * s2 - s3 * s4) / det
    se = np.sqrt(s1 / det)
    return slope, (slope / se) ** 2


def _stable(slopes: list[np.ndarray]) -> np.ndarray:
    """True where every slope (all points, then each point left out) has the same sign.

    A zero slope counts as positive, as in Fingertips.
    """
    signs = np.stack([np.where(sl < 0, -1, 1) for sl in slopes])
    return np.abs(signs.sum(axis=0)) == len(slopes)


def counts_test(count: np.ndarray, denominator: np.ndarray, statistic: str) -> tuple[np.ndarray, np.ndarray]:
    """Chi-squared for trend and the slope-stability flag of rows of five counts and denominators.

    ``count`` and ``denominator`` are (n_series, 5) arrays ordered oldest to newest.
    Returns (chi2, full-series slope, stable) where the slope is that of log-odds
    (proportions) or log rate (rates); rows with no events (or all events) get chi2 NaN.
    """
    r = np.asarray(count, dtype=float)
    n = np.asarray(denominator, dtype=float)
    t = np.arange(1, r.shape[1] + 1, dtype=float)
    big_r, big_n = r.sum(axis=1), n.sum(axis=1)
    part = big_n * (r * t).sum(axis=1) - big_r * (n * t).sum(axis=1)
    spread = big_n * (n * t * t).sum(axis=1) - (n * t).sum(axis=1) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = big_n * part**2 / (big_r * (big_n - big_r) * spread)
        if statistic == "proportion":
            # empirical log-odds where a count is 0 or equals its denominator
            edge = ((r <= 0) | (r >= n)).any(axis=1, keepdims=True)
            y = np.where(edge, np.log((r + 0.5) / (n - r + 0.5)), np.log(r / (n - r)))
        else:
            edge = (r <= 0).any(axis=1, keepdims=True)
            y = np.where(edge, np.log((r + 0.5) / n), np.log(r / n))
    chi2 = np.where(np.isfinite(chi2), chi2, np.nan)
    full = np.ones_like(r, dtype=bool)
    slopes = [_ols_slopes(y, full)]
    for i in range(r.shape[1]):
        keep = full.copy()
        keep[:, i] = False
        slopes.append(_ols_slopes(y, keep))
    return chi2, slopes[0], _stable(slopes)


def regression_test(
    value: np.ndarray, lower95: np.ndarray, upper95: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted-regression chi-squared, slope and stability flag of rows of five values."""
    v = np.asarray(value, dtype=float)
    se = (np.asarray(upper95, dtype=float) - np.asarray(lower95, dtype=float)) / SE_DIVISOR
    weight = 1 / se**2
    full = np.ones_like(v, dtype=bool)
    slope, chi2 = _weighted_slopes(v, weight, full)
    slopes = [slope]
    for i in range(v.shape[1]):
        keep = full.copy()
        keep[:, i] = False
        slopes.append(_weighted_slopes(v, weight, keep)[0])
    return chi2, slope, _stable(slopes)


def _valid_count_points(frame: pd.DataFrame, statistic: str) -> np.ndarray:
    count = frame[s.COUNT].to_numpy(dtype=float)
    denom = frame[s.DENOMINATOR].to_numpy(dtype=float)
    ok = (
        frame[s.VALUE].notna().to_numpy()
        & np.isfinite(count)
        & np.isfinite(denom)
        & (denom > 0)
        & (count >= 0)
    )
    if statistic == "proportion":
        ok &= count <= denom
    return ok


def _valid_ci_points(frame: pd.DataFrame) -> np.ndarray:
    v = frame[s.VALUE].to_numpy(dtype=float)
    lo = frame[s.LOWER95].to_numpy(dtype=float)
    hi = frame[s.UPPER95].to_numpy(dtype=float)
    return np.isfinite(v) & np.isfinite(lo) & np.isfinite(hi) & (hi > lo)


def trend_table(values: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """The latest recent trend of every (indicator, geography, area, sex) series, TREND_COLUMNS.

    ``values`` is the model's long indicator table (any order); ``catalogue`` gives each
    indicator's ``statistic`` and ``polarity``. Every series with a value gets a row: a
    label, or "Cannot be calculated" with the reason.
    """
    keys = [s.INDICATOR_ID, s.GEOGRAPHY, s.AREA_CODE, s.SEX]
    data = values[values[s.VALUE].notna()].sort_values(keys + [s.PERIOD_START])
    data = data.drop_duplicates(keys + [s.PERIOD], keep="first")
    if data.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    statistic = data[s.INDICATOR_ID].map(catalogue["statistic"]).fillna("value").to_numpy()
    is_count_stat = np.isin(statistic, COUNT_STATISTICS)
    ok_count = np.zeros(len(data), dtype=bool)
    for stat in COUNT_STATISTICS:
        m = statistic == stat
        ok_count[m] = _valid_count_points(data[m], stat)
    ok_ci = _valid_ci_points(data)
    data = data.assign(_count_ok=ok_count & is_count_stat, _ci_ok=ok_ci, _stat=statistic)
    g = data.groupby(keys, sort=False)
    n_count = g["_count_ok"].transform("sum").to_numpy()
    n_ci = g["_ci_ok"].transform("sum").to_numpy()
    use_counts = (n_count >= POINTS) & data["_count_ok"].to_numpy()
    use_ci = (n_count < POINTS) & (n_ci >= POINTS) & data["_ci_ok"].to_numpy()

    out = g.agg(**{s.PERIOD: (s.PERIOD, "last"), "_stat": ("_stat", "first")}).reset_index()
    out["n_points"] = np.maximum(g["_count_ok"].sum().to_numpy(), g["_ci_ok"].sum().to_numpy())
    out["trend"], out["direction"], out["chi2"], out["method"], out["reason"] = CANNOT, "", np.nan, "", ""
    out = out.set_index(keys)

    for method, mask in ((METHOD_COUNTS, use_counts), (METHOD_REGRESSION, use_ci)):
        pts = data[mask].groupby(keys, sort=False).tail(POINTS)
        if pts.empty:
            continue
        series_keys = pts[keys].iloc[::POINTS]
        idx = pd.MultiIndex.from_frame(series_keys)
        if method == METHOD_COUNTS:
            chi2 = np.full(len(idx), np.nan)
            slope = np.full(len(idx), np.nan)
            stable = np.zeros(len(idx), dtype=bool)
            stats = pts["_stat"].to_numpy()[::POINTS]
            for stat in COUNT_STATISTICS:
                m = stats == stat
                if not m.any():
                    continue
                rows = pts[np.repeat(m, POINTS)]
                c, sl, st = counts_test(
                    rows[s.COUNT].to_numpy(dtype=float).reshape(-1, POINTS),
                    rows[s.DENOMINATOR].to_numpy(dtype=float).reshape(-1, POINTS),
                    stat,
                )
                chi2[m], slope[m], stable[m] = c, sl, st
        else:
            chi2, slope, stable = regression_test(
                pts[s.VALUE].to_numpy(dtype=float).reshape(-1, POINTS),
                pts[s.LOWER95].to_numpy(dtype=float).reshape(-1, POINTS),
                pts[s.UPPER95].to_numpy(dtype=float).reshape(-1, POINTS),
            )
        significant = np.nan_to_num(chi2, nan=0.0) > CHI2_THRESHOLD
        significant &= stable
        direction = np.where(significant, np.where(slope > 0, "increasing", "decreasing"), "")
        out.loc[idx, "chi2"] = chi2
        out.loc[idx, "method"] = method
        out.loc[idx, "n_points"] = POINTS
        out.loc[idx, "direction"] = direction
        out.loc[idx, s.PERIOD] = pts[s.PERIOD].to_numpy()[POINTS - 1 :: POINTS]
        out.loc[idx, "trend"] = np.where(significant, "sig", NO_CHANGE)
        no_events = np.isnan(chi2) if method == METHOD_COUNTS else ~np.isfinite(chi2)
        out.loc[idx[no_events], "trend"] = CANNOT
        out.loc[idx[no_events], "reason"] = (
            "no events (or only events) in the last five points"
            if method == METHOD_COUNTS
            else "the last five points' limits give no weights"
        )
    out = out.reset_index()
    polarity = out[s.INDICATOR_ID].map(catalogue["polarity"]).fillna(s.POLARITY_NONE)
    sig = out["trend"] == "sig"
    out.loc[sig, "trend"] = [trend_label(d, p) for d, p in zip(out.loc[sig, "direction"], polarity[sig])]
    short = out["method"] == ""
    out.loc[short, "reason"] = [
        f"{n} valid point{'s' if n != 1 else ''} (5 needed)" for n in out.loc[short, "n_points"]
    ]
    out["n_points"] = out["n_points"].astype(int)
    out["chi2"] = out["chi2"].astype(float)
    return out[TREND_COLUMNS]


def recent_trend(frame: pd.DataFrame, statistic: str, polarity: str) -> TrendResult:
    """The recent trend of one series (rows of one area over time, schema columns).

    ``frame`` needs period_start, value, lower95, upper95, count and denominator
    (count/denominator may be NaN). Uses the same code as ``trend_table``.
    """
    catalogue = pd.DataFrame({"statistic": [statistic], "polarity": [polarity]}, index=["_"])
    series = frame.assign(
        **{s.INDICATOR_ID: "_", s.GEOGRAPHY: "_", s.AREA_CODE: "_", s.SEX: "_"},
    )
    if s.PERIOD not in series.columns:
        series[s.PERIOD] = series[s.PERIOD_START].astype(str)
    table = trend_table(series, catalogue)
    if table.empty:
        return TrendResult(CANNOT, reason="no values")
    row = table.iloc[0]
    return TrendResult(
        label=row["trend"],
        direction=row["direction"],
        n_points=int(row["n_points"]),
        chi2=float(row["chi2"]),
        method=row["method"],
        reason=row["reason"],
    )
