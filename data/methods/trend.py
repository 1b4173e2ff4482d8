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
* Series breaks (Fingertips: no recent trend is calculated across a break in the time series):
  where an indicator's catalogue entry lists a break (``series_breaks``: the first period of the
  new definition, its start date, the reason and the source), only the points from the latest
  break on count. A series left with fewer than five comparable points "Cannot be calculated",
  its reason names the break, and ``series_break`` holds the break's period (the rows a list
  counts as "left out for a break").

``recent_trend`` handles one series; ``trend_table`` computes the latest trend of every
(indicator, geography, area, sex) series of the model at once, vectorised.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

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
    "series_break",  # the break (first period of the new definition) before which points were left out
]


@dataclass(frozen=True)
class SeriesBreak:
    """A change of definition in an indicator's time series: points before ``period`` are not
    comparable with those from it on."""

    period: str  # the first period of the new definition, as the indicator's periods are labelled
    start: str  # that period's start date (ISO), to order it against any period
    reason: str  # what changed, in words
    source: str  # where the break is documented


def series_breaks(value: object) -> list[SeriesBreak]:
    """The breaks of a catalogue entry's ``series_breaks`` field (JSON text; "" or missing: none),
    oldest first. Raises ValueError naming the field for text that is not a list of breaks."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return []
    if isinstance(value, str):
        try:
            items = json.loads(value)
        except json.JSONDecodeError as err:
            raise ValueError(f"series_breaks is not JSON: {value!r} ({err})") from None
    else:
        items = value
    if not isinstance(items, list):
        raise ValueError(f"series_breaks must be a list of breaks, not {value!r}")
    out = []
    for item in items:
        if isinstance(item, SeriesBreak):
            out.append(item)
            continue
        missing = [k for k in ("period", "start", "reason", "source") if not item.get(k)]
        if missing:
            raise ValueError(f"series break {item!r} lacks {', '.join(missing)}")
        pd.Timestamp(item["start"])  # a date, or ValueError
        out.append(SeriesBreak(*(str(item[k]) for k in ("period", "start", "reason", "source"))))
    return sorted(out, key=lambda b: pd.Timestamp(b.start))


def series_breaks_text(breaks: Iterable[SeriesBreak | Mapping[str, str]]) -> str:
    """The catalogue field for some breaks (JSON text, "" for none): the inverse of ``series_breaks``."""
    parsed = series_breaks(list(breaks))
    return json.dumps([asdict(b) for b in parsed]) if parsed else ""


def break_reason(brk: SeriesBreak, n_points: int) -> str:
    """Why a trend is not calculated across ``brk``: 'series break in 2021/22 (...): 2 comparable
    points (5 needed)'."""
    return (
        f"series break in {brk.period} ({brk.reason}): {n_points} comparable "
        f"point{'s' if n_points != 1 else ''} ({POINTS} needed)"
    )


@dataclass(frozen=True)
class TrendResult:
    """The recent trend of one series."""

    label: str
    direction: str = ""
    n_points: int = 0
    chi2: float = float("nan")
    method: str = ""
    reason: str = ""
    series_break: str = ""  # the break before which points were left out, if any


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


def _after_breaks(
    data: pd.DataFrame, catalogue: pd.DataFrame, keys: list[str]
) -> tuple[pd.DataFrame, dict[tuple, SeriesBreak]]:
    """The points each series may use (those from its latest break on: a break after a series'
    last point does not touch it) and, per series that lost points, the break that cut it."""
    if "series_breaks" not in catalogue.columns:
        return data, {}
    breaks = {ind: series_breaks(text) for ind, text in catalogue["series_breaks"].items()}
    breaks = {ind: b for ind, b in breaks.items() if b}
    if not breaks:
        return data, {}
    last = data.groupby(keys, sort=False)[s.PERIOD_START].transform("max").to_numpy()
    starts = data[s.PERIOD_START].to_numpy()
    indicators = data[s.INDICATOR_ID].to_numpy()
    cut = np.full(len(data), np.datetime64("NaT"), dtype="datetime64[ns]")
    chosen = np.full(len(data), None, dtype=object)
    for indicator, found in breaks.items():
        mine = indicators == indicator
        for brk in found:  # oldest first: a later break overrides an earlier one
            start = np.datetime64(pd.Timestamp(brk.start), "ns")
            hit = mine & (last >= start)
            cut[hit] = start
            chosen[hit] = brk
    before = ~np.isnat(cut) & (starts < cut)
    if not before.any():
        return data, {}
    cut_at: dict[tuple, SeriesBreak] = {}
    for k, brk in zip(data.loc[before, keys].itertuples(index=False, name=None), chosen[before], strict=True):
        cut_at.setdefault(k, brk)
    log.info("trends: %d series keep only their points after a series break", len(cut_at))
    return data[~before], cut_at


def trend_table(values: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """The latest recent trend of every (indicator, geography, area, sex) series, TREND_COLUMNS.

    ``values`` is the model's long indicator table (any order); ``catalogue`` gives each
    indicator's ``statistic`` and ``polarity`` (and ``series_breaks``, if any). Every series with
    a value gets a row: a label, or "Cannot be calculated" with the reason.
    """
    keys = [s.INDICATOR_ID, s.GEOGRAPHY, s.AREA_CODE, s.SEX]
    data = values[values[s.VALUE].notna()].sort_values(keys + [s.PERIOD_START])
    data = data.drop_duplicates(keys + [s.PERIOD], keep="first")
    if data.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    data, cut_at = _after_breaks(data, catalogue, keys)
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
    out["series_break"] = ""
    if cut_at:
        found = [cut_at.get(k) for k in out[keys].itertuples(index=False, name=None)]
        out["series_break"] = [b.period if b is not None else "" for b in found]
    short = out["method"] == ""
    out.loc[short, "reason"] = [
        break_reason(cut_at[tuple(k)], n) if b else f"{n} valid point{'s' if n != 1 else ''} (5 needed)"
        for k, n, b in zip(
            out.loc[short, keys].itertuples(index=False, name=None),
            out.loc[short, "n_points"],
            out.loc[short, "series_break"],
            strict=True,
        )
    ]
    out["n_points"] = out["n_points"].astype(int)
    out["chi2"] = out["chi2"].astype(float)
    return out[TREND_COLUMNS]


def recent_trend(
    frame: pd.DataFrame, statistic: str, polarity: str, breaks: Iterable[SeriesBreak | Mapping] = ()
) -> TrendResult:
    """The recent trend of one series (rows of one area over time, schema columns).

    ``frame`` needs period_start, value, lower95, upper95, count and denominator
    (count/denominator may be NaN); ``breaks`` are the indicator's series breaks. Uses the same
    code as ``trend_table``.
    """
    catalogue = pd.DataFrame(
        {"statistic": [statistic], "polarity": [polarity], "series_breaks": [series_breaks_text(breaks)]},
        index=["_"],
    )
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
        series_break=row["series_break"],
    )
