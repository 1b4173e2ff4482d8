"""A thin adapter over PHStatsMethods (DHSC's package of the Fingertips methods).

The confidence limits come from PHStatsMethods' own scalar functions, applied
element-wise so that whole columns can be computed at model build. The
comparison rule follows ../shared/docs/METHODS.md; quintiles are in ``data.methods.quantiles``,
recent trends in ``data.methods.trend``, funnels in ``data.methods.funnels``, standardised rates and means
in ``data.methods.standardised``, SII/RII in ``data.methods.inequality``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from PHStatsMethods.confidence_intervals import (
    byars_lower,
    byars_upper,
    exact_upper,
    wilson_lower,
    wilson_upper,
)
from scipy.stats import norm

from data.methods import vocabulary as s
from data.methods.quantiles import quintiles  # noqa: F401  (re-exported: the Fingertips rule)

CONFIDENCE_LEVELS = (0.95, 0.998)


def _elementwise(func, *arrays) -> np.ndarray:
    """Apply a scalar PHStatsMethods function to aligned arrays, NaN where undefined."""
    out = np.full(len(arrays[0]), np.nan)
    for i, args in enumerate(zip(*arrays)):
        if any(a is None or (isinstance(a, float) and math.isnan(a)) for a in args):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out[i] = func(*args)
    return out


def wilson_limits(
    count: pd.Series | np.ndarray,
    denominator: pd.Series | np.ndarray,
    confidence: float = 0.95,
    multiplier: float = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score limits of a proportion (count / denominator) times ``multiplier``."""
    count = np.asarray(count, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    ok = (denominator > 0) & (count >= 0) & (count <= denominator)
    c = np.where(ok, count, np.nan)
    d = np.where(ok, denominator, np.nan)
    conf = np.full(len(c), confidence)
    lower = _elementwise(wilson_lower, c, d, conf) * multiplier
    upper = _elementwise(wilson_upper, c, d, conf) * multiplier
    return lower, upper


def _byars_upper_safe(value: float, confidence: float) -> float:
    # PHStatsMethods rejects a zero count; the exact upper limit is defined there.
    if value == 0:
        return exact_upper(0.0, confidence)
    return byars_upper(value, confidence)


def _byars_lower_safe(value: float, confidence: float) -> float:
    # The exact lower limit of a zero count is 0 (chi-squared with 0 df is undefined).
    if value == 0:
        return 0.0
    return byars_lower(value, confidence)


def _byars_formula(value: float, confidence: float, upper: bool) -> float:
    """Byar's approximation without the exact switch below 10 events.

    PHStatsMethods always switches to exact limits below 10 (as Fingertips does for
    rates); PHEindicatormethods' own byars_lower/byars_upper test vectors apply the
    approximation to small counts too, so this reproduces them for completeness.
    """
    z = norm.ppf(confidence + (1 - confidence) / 2)
    if upper:
        v = value + 1
        return v * (1 - 1 / (9 * v) + z / (3 * math.sqrt(v))) ** 3
    if value <= 0:
        return math.nan
    result = value * (1 - 1 / (9 * value) - z / (3 * math.sqrt(value))) ** 3
    return result if result >= 0 and (1 - 1 / (9 * value) - z / (3 * math.sqrt(value))) > 0 else math.nan


def byars_limits(
    count: pd.Series | np.ndarray,
    denominator: pd.Series | np.ndarray,
    confidence: float = 0.95,
    multiplier: float = 100_000,
    *,
    exact_below_10: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Byar's limits of a crude rate (exact Poisson below 10 events), times ``multiplier``."""
    count = np.asarray(count, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    ok = (denominator > 0) & (count >= 0)
    c = np.where(ok, count, np.nan)
    conf = np.full(len(c), confidence)
    if exact_below_10:
        lower = _elementwise(_byars_lower_safe, c, conf)
        upper = _elementwise(_byars_upper_safe, c, conf)
    else:
        lower = _elementwise(lambda v, cf: _byars_formula(v, cf, False), c, conf)
        upper = _elementwise(lambda v, cf: _byars_formula(v, cf, True), c, conf)
    scale = np.where(ok, multiplier / np.where(ok, denominator, 1.0), np.nan)
    return lower * scale, upper * scale


def add_statistics(frame: pd.DataFrame, statistic: str, multiplier: float) -> pd.DataFrame:
    """Fill value and 95% / 99.8% limits from count and denominator.

    ``statistic`` is "proportion" (Wilson) or "rate" (Byar's/exact). Rows without a
    usable count and denominator keep whatever value and limits they already have.
    """
    out = frame.copy()
    count = out[s.COUNT].to_numpy(dtype=float)
    denom = out[s.DENOMINATOR].to_numpy(dtype=float)
    has = ~np.isnan(count) & ~np.isnan(denom) & (denom > 0)
    if statistic == "proportion":
        has &= count <= denom
        limits = wilson_limits
    elif statistic == "rate":
        limits = byars_limits
    else:
        raise ValueError(f"no CI method for statistic {statistic!r}")
    value = np.where(has, count / np.where(has, denom, 1.0) * multiplier, np.nan)
    out[s.VALUE] = np.where(has, value, out[s.VALUE].to_numpy(dtype=float))
    for conf, lo_col, hi_col in ((0.95, s.LOWER95, s.UPPER95), (0.998, s.LOWER998, s.UPPER998)):
        lo, hi = limits(np.where(has, count, np.nan), np.where(has, denom, np.nan), conf, multiplier)
        out[lo_col] = np.where(has, lo, out[lo_col].to_numpy(dtype=float))
        out[hi_col] = np.where(has, hi, out[hi_col].to_numpy(dtype=float))
    return out


def compare(
    value: np.ndarray | pd.Series,
    lower: np.ndarray | pd.Series,
    upper: np.ndarray | pd.Series,
    benchmark: np.ndarray | pd.Series | float,
    polarity: str,
) -> np.ndarray:
    """Fingertips comparison of each area's CI with a benchmark value.

    Similar when the benchmark lies inside the CI; otherwise Better/Worse (with a
    polarity) or Higher/Lower (without one); Not compared without a CI or benchmark.
    """
    value = np.asarray(value, dtype=float)
    lower = np.asarray(lower, dtype=float)
    upper = np.asarray(upper, dtype=float)
    bench = np.broadcast_to(np.asarray(benchmark, dtype=float), value.shape)
    out = np.full(value.shape, s.NOT_COMPARED, dtype=object)
    known = ~(np.isnan(value) | np.isnan(lower) | np.isnan(upper) | np.isnan(bench))
    above = known & (lower > bench)
    below = known & (upper < bench)
    out[known & ~above & ~below] = s.SIMILAR
    if polarity == s.POLARITY_HIGH_GOOD:
        out[above], out[below] = s.BETTER, s.WORSE
    elif polarity == s.POLARITY_LOW_GOOD:
        out[above], out[below] = s.WORSE, s.BETTER
    else:
        out[above], out[below] = s.HIGHER, s.LOWER
    return out


def quintile_label(q: float, polarity: str) -> str:
    """The words Fingertips uses for a quintile (Best..Worst, or Highest..Lowest)."""
    if q is None or (isinstance(q, float) and math.isnan(q)):
        return s.NOT_COMPARED
    q = int(q)
    if polarity == s.POLARITY_NONE:
        return {5: "Highest", 4: "High", 3: "Middle", 2: "Low", 1: "Lowest"}[q]
    return {5: "Best", 4: "Better", 3: "Middle", 2: "Worse", 1: "Worst"}[q]
