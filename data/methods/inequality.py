"""Slope and relative index of inequality (SII, RII) across deprivation quantiles.

PHEindicatormethods' ``phe_sii`` (PHStatsMethods has no SII):

* Each quantile i (ordered 1..n, most to least deprived or as given) has population N_i,
  value y_i and a standard error. a_i = N_i / sum N; b_i = the cumulative population share at
  the quantile's midpoint. The model sqrt(a) * y = alpha * sqrt(a) + beta * b * sqrt(a)
  (weighted least squares, weights a) gives SII = multiplier * beta and RII =
  (alpha + beta) / alpha (1 / RII when the multiplier is negative); the intercept alpha is
  the fitted value at the most deprived end.
* ``transform=True`` (rates: log, proportions: logit) fits the model to the transformed
  values and returns SII = f(alpha + beta) - f(alpha), RII = f(alpha + beta) / f(alpha) and
  intercept f(alpha), f the back-transform.
* Confidence limits by simulation (as the package): ``repetitions`` draws of each quantile's
  value from a normal distribution (on the log / logit scale for rates and proportions) with
  its standard error (given, or (upper - lower) / (2 * 1.96) of its 95% limits on that
  scale); limits are the percentiles of the simulated SIIs and RIIs. Simulated limits vary
  from run to run (``seed`` fixes them); PHEindicatormethods' own tests compare them within
  5%.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

VALUE_TYPES = {0: "normal", 1: "rate", 2: "proportion"}


@dataclass(frozen=True)
class SIIResult:
    """SII and RII with simulated limits (one pair per confidence level)."""

    sii: float
    rii: float
    intercept: float
    sii_limits: tuple[tuple[float, float], ...]
    rii_limits: tuple[tuple[float, float], ...]
    confidence: tuple[float, ...]


def _forward(values: np.ndarray, value_type: int) -> np.ndarray:
    if value_type == 1:
        return np.log(values)
    if value_type == 2:
        return np.log(values / (1 - values))
    return values


def _back(values: np.ndarray, value_type: int) -> np.ndarray:
    if value_type == 1:
        return np.exp(values)
    if value_type == 2:
        return np.exp(values) / (1 + np.exp(values))
    return values


def _design(population: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sqrt(a) and the least-squares solver M (coef = M @ (sqrt(a) * y))."""
    a = population / population.sum()
    b = (np.cumsum(population) - population / 2) / population.sum()
    root = np.sqrt(a)
    design = np.column_stack([root, b * root])
    return root, np.linalg.pinv(design)


def _indices(y: np.ndarray, root: np.ndarray, solver: np.ndarray, value_type: int, transform: bool):
    """SII (before the multiplier), RII and intercept for rows of values y (..., n)."""
    coef = (y * root) @ solver.T
    alpha, beta = coef[..., 0], coef[..., 1]
    if transform:
        low, high = _back(alpha, value_type), _back(alpha + beta, value_type)
        return high - low, high / low, low
    return beta, (alpha + beta) / alpha, alpha


def sii(
    population: Sequence[float],
    value: Sequence[float],
    *,
    value_type: int = 0,
    se: Sequence[float] | None = None,
    lower_cl: Sequence[float] | None = None,
    upper_cl: Sequence[float] | None = None,
    multiplier: float = 1,
    transform: bool = False,
    confidence: float | Sequence[float] = 0.95,
    repetitions: int = 100_000,
    seed: int | None = None,
) -> SIIResult:
    """SII and RII of one area's quantiles (in quantile order) with simulated limits.

    ``value_type``: 0 normal (e.g. life expectancy), 1 rate, 2 proportion (0..1). Give ``se``
    or both ``lower_cl`` and ``upper_cl`` (95% limits, untransformed).
    """
    if value_type not in VALUE_TYPES:
        raise ValueError(f"value_type must be one of {sorted(VALUE_TYPES)}, not {value_type!r}")
    if transform and value_type == 0:
        raise ValueError("transform needs value_type 1 (rate) or 2 (proportion)")
    pop = np.asarray(population, dtype=float)
    v = np.asarray(value, dtype=float)
    if len(pop) < 5 or len(pop) > 100:
        raise ValueError(f"SII needs 5 to 100 quantiles, not {len(pop)}")
    if (~np.isfinite(pop)).any() or (pop <= 0).any():
        raise ValueError("every quantile needs a population greater than zero")
    if (~np.isfinite(v)).any():
        raise ValueError("every quantile needs a value")
    if value_type == 2 and ((v < 0) | (v > 1)).any():
        raise ValueError("proportions must lie between 0 and 1")
    if repetitions < 1000:
        raise ValueError("repetitions must be 1000 or more")
    levels = tuple(np.atleast_1d(np.asarray(confidence, dtype=float)))
    levels = tuple(c / 100 if c > 1 else c for c in levels)
    if se is not None:
        sd = np.asarray(se, dtype=float)
    elif lower_cl is not None and upper_cl is not None:
        lo = _forward(np.asarray(lower_cl, dtype=float), value_type)
        hi = _forward(np.asarray(upper_cl, dtype=float), value_type)
        sd = (hi - lo) / norm.ppf(0.975) / 2
    else:
        raise ValueError("SII limits need standard errors or lower and upper 95% limits")
    if (~np.isfinite(sd)).any() or (sd < 0).any():
        raise ValueError("standard errors must be present and not negative")

    root, solver = _design(pop)
    centre = _forward(v, value_type)
    fit_values = centre if transform else v
    s, r, intercept = _indices(fit_values, root, solver, value_type, transform)

    rng = np.random.default_rng(seed)
    draws = rng.normal(centre, sd, size=(repetitions, len(pop)))
    sim_values = draws if transform else _back(draws, value_type)
    sim_s, sim_r, _ = _indices(sim_values, root, solver, value_type, transform)

    sii_limits, rii_limits = [], []
    for c in levels:
        tail = (1 - c) / 2
        s_lo, s_hi = np.quantile(sim_s, [tail, 1 - tail])
        r_lo, r_hi = np.quantile(sim_r, [tail, 1 - tail])
        if multiplier < 0:
            sii_limits.append((multiplier * s_hi, multiplier * s_lo))
            rii_limits.append((1 / r_hi, 1 / r_lo))
        else:
            sii_limits.append((multiplier * s_lo, multiplier * s_hi))
            rii_limits.append((r_lo, r_hi))
    return SIIResult(
        sii=float(multiplier * s),
        rii=float(1 / r if multiplier < 0 else r),
        intercept=float(intercept),
        sii_limits=tuple(sii_limits),
        rii_limits=tuple(rii_limits),
        confidence=levels,
    )
