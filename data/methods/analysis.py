"""Statistics behind the figures: OLS and Spearman for scatters, spine-chart scaling.

Pure numpy/scipy/pandas so the figure builders stay thin and these numbers can be tested on
their own. Methods follow ../shared/docs/METHODS.md (PHE Technical Guides for spine charts and
funnel plots). Funnel limits, categories and over-dispersion live in ``data.methods.funnels``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from data.methods import vocabulary as s

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OLSFit:
    """A straight line y = intercept + slope * x fitted by (weighted) least squares."""

    intercept: float
    slope: float
    r2: float
    n: int
    weighted: bool

    def predict(self, x: np.ndarray | pd.Series | float) -> np.ndarray:
        """Fitted y at ``x``."""
        return self.intercept + self.slope * np.asarray(x, dtype=float)


@dataclass(frozen=True)
class SpearmanResult:
    """Spearman's rank correlation with its two-sided p-value and the number of pairs used."""

    rho: float
    p_value: float
    n: int


def _pairs(x, y, weights=None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Aligned float arrays with any pair (or weight) that is missing or non-finite removed."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    w = None
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        ok &= np.isfinite(w) & (w > 0)
    return x[ok], y[ok], (w[ok] if w is not None else None)


def ols_fit(x, y, weights=None) -> OLSFit:
    """Least-squares line of y on x, optionally weighted (e.g. by population); NaN pairs ignored.

    With weights, R² is the weighted R² (1 - weighted residual SS / weighted total SS).
    """
    x, y, w = _pairs(x, y, weights)
    n = len(x)
    nan = float("nan")
    if n < 2 or np.ptp(x) == 0:
        return OLSFit(nan, nan, nan, n, weights is not None)
    w_eff = np.ones(n) if w is None else w
    xm = np.average(x, weights=w_eff)
    ym = np.average(y, weights=w_eff)
    slope = float(np.sum(w_eff * (x - xm) * (y - ym)) / np.sum(w_eff * (x - xm) ** 2))
    intercept = float(ym - slope * xm)
    resid = y - (intercept + slope * x)
    total = np.sum(w_eff * (y - ym) ** 2)
    r2 = float(1 - np.sum(w_eff * resid**2) / total) if total > 0 else nan
    return OLSFit(intercept, slope, r2, n, weights is not None)


def spearman(x, y) -> SpearmanResult:
    """Spearman's rho between x and y over the pairs where both are present."""
    x, y, _ = _pairs(x, y)
    if len(x) < 3:
        return SpearmanResult(float("nan"), float("nan"), len(x))
    result = stats.spearmanr(x, y)
    return SpearmanResult(float(result.statistic), float(result.pvalue), len(x))


def residual_ranking(
    df: pd.DataFrame, fit: OLSFit, n: int = 5, *, x: str = "x", y: str = "y"
) -> pd.DataFrame:
    """The ``n`` areas furthest above and the ``n`` furthest below the fitted line.

    Returns area_code, area_name, x, y, fitted, residual and position ("above"/"below"),
    largest absolute residual first within each group.
    """
    data = df[[s.AREA_CODE, s.AREA_NAME, x, y]].rename(columns={x: "x", y: "y"})
    data = data[np.isfinite(data["x"].astype(float)) & np.isfinite(data["y"].astype(float))].copy()
    data["fitted"] = fit.predict(data["x"])
    data["residual"] = data["y"] - data["fitted"]
    above = data[data["residual"] > 0].nlargest(n, "residual").assign(position="above")
    below = data[data["residual"] < 0].nsmallest(n, "residual").assign(position="below")
    return pd.concat([above, below], ignore_index=True)


SPINE_POSITIONS = ["worst", "q_worse", "q_better", "best"]


def spine_scale(
    england: pd.Series | np.ndarray | float,
    minimum: pd.Series | np.ndarray | float,
    q25: pd.Series | np.ndarray | float,
    q75: pd.Series | np.ndarray | float,
    maximum: pd.Series | np.ndarray | float,
    polarity: pd.Series | np.ndarray | str,
    values: pd.Series | np.ndarray | float | None = None,
) -> pd.DataFrame:
    """Spine-chart positions in [0, 1] (PHE Technical Guide: Spine Charts, 2017), one row per input.

    England sits at 0.5; half-width = max(|England - min|, |England - max|). Worst is on the
    left and best on the right: the scale is mirrored when lower is better (min/max and the
    quartiles swap ends); without polarity low stays on the left. Returns the positions of
    ``worst``, ``q_worse`` (25th percentile end nearer worst), ``q_better``, ``best``, ``england``
    (always 0.5) and ``value`` (NaN when absent), plus ``half_width``.
    """
    eng, lo, a, b, hi = (
        np.atleast_1d(np.asarray(v, dtype=float)) for v in (england, minimum, q25, q75, maximum)
    )
    n = max(len(eng), len(lo), len(a), len(b), len(hi))
    eng, lo, a, b, hi = (np.broadcast_to(v, n).astype(float) for v in (eng, lo, a, b, hi))
    pol = np.broadcast_to(np.atleast_1d(np.asarray(polarity, dtype=object)), n)
    sign = np.where(pol == s.POLARITY_LOW_GOOD, -1.0, 1.0)
    half = np.maximum(np.abs(eng - lo), np.abs(eng - hi))
    safe_half = np.where(half > 0, half, np.nan)

    def scale(v: np.ndarray) -> np.ndarray:
        pos = 0.5 + sign * (v - eng) / (2 * safe_half)
        # all comparison areas equal to England: everything sits on the centre line
        return np.where(half > 0, pos, np.where(np.isnan(v), np.nan, 0.5))

    p_lo, p_a, p_b, p_hi = scale(lo), scale(a), scale(b), scale(hi)
    out = pd.DataFrame(
        {
            # after mirroring, min/max (and q25/q75) trade places for lower-is-better rows
            "worst": np.where(sign > 0, p_lo, p_hi),
            "q_worse": np.where(sign > 0, p_a, p_b),
            "q_better": np.where(sign > 0, p_b, p_a),
            "best": np.where(sign > 0, p_hi, p_lo),
            "england": np.full(n, 0.5),
            "half_width": half,
        }
    )
    if values is not None:
        val = np.broadcast_to(np.atleast_1d(np.asarray(values, dtype=float)), n)
        out["value"] = scale(val)
    else:
        out["value"] = np.nan
    return out
