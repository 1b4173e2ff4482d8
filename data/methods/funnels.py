"""Funnel plots: control limits, each area's funnel category, and over-dispersion.

Methods (PHE Technical Guide: Funnel Plots, 2017; PHEindicatormethods / PHStatsMethods):

* **Proportions**: Wilson-based limits around the overall proportion, at each population.
* **Crude rates and DSRs**: exact Poisson limits for a number of events, each drawn at the
  population that number of events gives for that limit (``population = expected events /
  average rate``; the four limits sit at four different populations). For DSRs the area's
  population is the one derived from its events and rate (``events / DSR``).
* **Ratios (ISR/SMR)**: exact Poisson limits around 1 (100 for an ISR), each at its own
  expected number of events.
* **Significance** of each area: PHEindicatormethods' ``assign_funnel_significance`` rule
  ("High (0.001)", "High (0.025)", "Not significant", "Low (0.025)", "Low (0.001)"); DSRs
  from fewer than 10 events are "Not applicable".
* **Over-dispersion** (Spiegelhalter 2005, QSHC 14:347): z-scores of every area against the
  target under the null, winsorised at the 10th and 90th percentiles; phi = mean of their
  squares. *Multiplicative*: limits target +/- z * sqrt(phi) * SE(n). *Additive* (random
  effects): tau^2 = max(0, (I*phi - (I-1)) / (sum w - sum w^2 / sum w)), w = 1/SE^2, limits
  target +/- z * sqrt(SE(n)^2 + tau^2). The adjusted limits and categories use the normal
  approximation, as in the paper; nothing is adjusted when phi <= 1.

The limit vectors reproduce PHEindicatormethods' published test vectors to 6 significant
figures (tests/unit/data/methods/test_reference_funnels.py). The exact Poisson limits use
PHStatsMethods' own search for fewer than ``EXACT_SEARCH_BELOW`` events and the closed form
(chi-squared quantiles) above, which agrees with it to about 1e-7 and is much faster.

Public API (a page calls these with a slice of the model):

* ``funnel_limits(...) -> FunnelLimits``: limits over a plotting grid.
* ``funnel_points(...) -> pd.DataFrame``: each area's x position, significance and category,
  with and without over-dispersion.
* ``overdispersion(...) -> Overdispersion``: the estimated factor on its own.
* ``funnel(...) -> Funnel``: all three for one set of counts and denominators.
* ``slice_funnel(rows, meta, overdispersion=None) -> Funnel``: the same for rows of the
  model's indicator table (one indicator, period, sex and geography) and the indicator's
  catalogue entry; points are indexed by area code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from PHStatsMethods.utils_funnel import poisson_funnel, signif_ceiling, signif_floor
from scipy.stats import chi2, norm

from data.methods import vocabulary as s

STATISTICS = ("proportion", "rate", "dsr", "ratio")
# catalogue statistic -> funnel statistic (other statistics have no funnel plot)
FUNNEL_STATISTIC = {"proportion": "proportion", "rate": "rate", "dsr": "dsr", "isr": "ratio", "smr": "ratio"}
OVERDISPERSION_METHODS = ("multiplicative", "additive")
LIMITS = ("lower95", "upper95", "lower998", "upper998")
# one-sided tail probabilities of the 95% and 99.8% limits
TAIL = {"95": 0.025, "998": 0.001}
Z = {"95": norm.ppf(0.975), "998": norm.ppf(0.999)}
EXACT_SEARCH_BELOW = 100
WINSOR = 0.10  # winsorise z-scores at the 10th and 90th percentiles (Spiegelhalter 2005)
GRID_POINTS = 100

# PHEindicatormethods' significance words, and the categories the app shows.
HIGH_998, HIGH_95, NOT_SIG, LOW_95, LOW_998 = (
    "High (0.001)",
    "High (0.025)",
    "Not significant",
    "Low (0.025)",
    "Low (0.001)",
)
NOT_APPLICABLE = "Not applicable for events less than 10 for DSRs"
CATEGORY_OF = {
    HIGH_998: "above 99.8%",
    HIGH_95: "above 95%",
    NOT_SIG: "inside",
    LOW_95: "below 95%",
    LOW_998: "below 99.8%",
    NOT_APPLICABLE: "not applicable",
}
FUNNEL_CATEGORIES = ("above 99.8%", "above 95%", "inside", "below 95%", "below 99.8%", "not applicable")


@dataclass(frozen=True)
class Overdispersion:
    """Spiegelhalter's over-dispersion estimate for a set of areas."""

    method: str  # "multiplicative" | "additive"
    phi: float  # mean squared winsorised z-score (1 = no over-dispersion)
    tau2: float  # additive between-area variance, on the statistic's raw scale (0 when phi <= 1)
    n_areas: int
    p_value: float  # chi-squared test of I * phi on I - 1 degrees of freedom
    applied: bool  # False when phi <= 1: the limits are left as they are

    @property
    def factor(self) -> float:
        """The multiplicative inflation of the limits' width: sqrt(phi) (1 when not applied)."""
        return math.sqrt(self.phi) if self.applied else 1.0

    def describe(self) -> str:
        """A short sentence for a chart: the factor and whether it was applied."""
        if not self.applied:
            return f"over-dispersion phi = {self.phi:.2f} (not above 1: limits unadjusted)"
        if self.method == "multiplicative":
            return f"over-dispersion phi = {self.phi:.2f} (multiplicative, limits x {self.factor:.2f})"
        return f"over-dispersion phi = {self.phi:.2f}, tau\u00b2 = {self.tau2:.3g} (additive random effects)"


@dataclass(frozen=True)
class FunnelLimits:
    """Control limits over a plotting grid.

    ``table`` has, for each limit in LIMITS, a column with the limit's value (in the
    statistic's display units) and a column ``<limit>_x`` with the population (proportions,
    rates, DSRs: per year of data) or expected events (ratios) at which that limit applies.
    ``grid`` is the column the limits were generated from (population, events or observed
    events), kept for reference.
    """

    statistic: str
    multiplier: float
    baseline: float  # target in display units (overall average; 1, 0 or 100 for ratios)
    table: pd.DataFrame
    grid: str
    overdispersion: Overdispersion | None = None

    def long(self) -> pd.DataFrame:
        """One row per limit point: limit, x, y (sorted by x), for plotting."""
        parts = [
            pd.DataFrame({"limit": name, "x": self.table[f"{name}_x"], "y": self.table[name]})
            for name in LIMITS
        ]
        out = pd.concat(parts, ignore_index=True)
        out = out[np.isfinite(out["x"].to_numpy(dtype=float)) & np.isfinite(out["y"].to_numpy(dtype=float))]
        return out.sort_values(["limit", "x"]).reset_index(drop=True)


@dataclass(frozen=True)
class Funnel:
    """Everything a funnel page shows for one indicator slice."""

    limits: FunnelLimits  # unadjusted (exact) limits
    adjusted: FunnelLimits | None  # over-dispersion-adjusted limits (None without the option)
    points: pd.DataFrame  # funnel_points() output, in the input order
    overdispersion: Overdispersion | None
    n_changed: int  # areas whose category changes when the adjustment is applied


# --- inputs -------------------------------------------------------------------------------


def _check_statistic(statistic: str) -> None:
    if statistic not in STATISTICS:
        raise ValueError(f"funnel statistic must be one of {STATISTICS}, not {statistic!r}")


def _as_float(values, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    return arr


def _average(count: np.ndarray, denom: np.ndarray, statistic: str, target: float | None) -> float:
    """The funnel's target: 1 for ratios, else ``target`` or the overall count / denominator."""
    if statistic == "ratio":
        return 1.0
    return float(count.sum() / denom.sum()) if target is None else float(target)


def derived_denominator(
    count: np.ndarray, statistic: str, *, denominator=None, rate=None, multiplier: float = 1.0
) -> np.ndarray:
    """The denominator each area sits at on the funnel's x axis (before dividing by years).

    Proportions, crude rates with a denominator and ratios: the denominator (the expected
    events for ratios). Crude rates and DSRs given as rates: events x multiplier / rate; for a
    crude rate with no events, the denominator; for a DSR with no events, NaN.
    """
    count = _as_float(count, "count")
    if statistic in ("proportion", "ratio"):
        if denominator is None:
            raise ValueError(f"a {statistic} funnel needs denominators")
        return _as_float(denominator, "denominator")
    if rate is None:
        if denominator is None:
            raise ValueError("a rate funnel needs a denominator or a rate")
        return _as_float(denominator, "denominator")
    rate = _as_float(rate, "rate")
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = multiplier * count / rate
    if statistic == "dsr":
        return np.where(count == 0, np.nan, derived)
    if denominator is None:
        return derived
    return np.where(count == 0, _as_float(denominator, "denominator"), derived)


# --- limits -------------------------------------------------------------------------------


def _poisson_mean(events: float, tail: float, side: str) -> float:
    """The Poisson mean at which ``events`` is the upper ("high") or lower ("low") tail limit.

    ``side="high"``: P(X <= events) = tail (the exact upper confidence limit of ``events``);
    ``side="low"``: P(X >= events) = tail (the exact lower limit).
    """
    if events < EXACT_SEARCH_BELOW:
        return poisson_funnel(events, tail, side)
    if side == "high":
        return chi2.ppf(1 - tail, 2 * events + 2) / 2
    return chi2.ppf(tail, 2 * events) / 2


def wilson_funnel(p: float, population, average: float, side: str, multiplier: float = 1) -> np.ndarray:
    """PHStatsMethods' ``sigma_adjustment`` (Wilson-based proportion funnel limit), vectorised.

    ``p`` is 0.975 (95% limits) or 0.999 (99.8%); ``side`` "low" or "high". Same formula,
    evaluated on arrays of populations (tested against the scalar function and the vectors).
    """
    n = np.asarray(population, dtype=float)
    z2 = norm.ppf(p) ** 2
    first = average * (n / z2 + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        adj = np.sqrt(
            (-8 * average * (n / z2 + 1)) ** 2
            - 64 * (1 / z2 + 1 / n) * average * (n * (average * (n / z2 + 2) - 1) + z2 * (average - 1))
        )
        last = 1 / z2 + 1 / n
        value = (first - adj / 8) / last if side == "low" else (first + adj / 8) / last
        return value / n * multiplier


def _grid(start: float, stop: float, offset_ratio: bool) -> np.ndarray:
    """PHEindicatormethods' 100-point geometric grid of whole numbers from ``start`` to ``stop``."""
    values = [max(1, start)]
    for j in range(2, GRID_POINTS + 1):
        offset = j - 1 if offset_ratio else j
        prev = values[-1]
        values.append(max(round((stop / prev) ** (1 / (GRID_POINTS + 1 - offset)) * prev), prev + 1))
    return np.asarray(values, dtype=float)


def _axis(denominators: np.ndarray, years: float, per_year: bool) -> tuple[float, float]:
    lo, hi = float(np.nanmin(denominators)), float(np.nanmax(denominators))
    if per_year:
        axis_min = 0 if hi > 2 * lo else signif_floor(lo / years) * years
        axis_max = signif_ceiling(hi / years) * years
    else:
        axis_min = 0 if hi > 2 * lo else signif_floor(lo)
        axis_max = signif_ceiling(hi)
    return axis_min, axis_max


def _ratio_display(values: np.ndarray, ratio_type: str) -> np.ndarray:
    if ratio_type == "isr":
        return values * 100
    if ratio_type == "count":
        return values - 1
    return values


def funnel_limits(
    count: Sequence[float],
    denominator: Sequence[float] | None = None,
    *,
    statistic: str,
    multiplier: float = 100,
    rate: Sequence[float] | None = None,
    years_of_data: float = 1,
    ratio_type: str = "isr",
    target: float | None = None,
    overdispersion_method: str | None = None,
) -> FunnelLimits:
    """Funnel limits (95% and 99.8%) for a set of areas, over PHE's 100-point plotting grid.

    ``statistic``: "proportion" (count of denominator, Wilson), "rate" (crude rate: events
    with a denominator and/or a rate), "dsr" (events and the DSR as ``rate``) or "ratio"
    (observed events ``count`` over expected events ``denominator``; ``ratio_type`` "isr"
    shows x100, "count" shows O/E - 1, "ratio" shows O/E). ``multiplier`` scales proportions
    and rates (100 = per cent, 100000 = per 100,000). ``years_of_data`` divides the
    populations of rate funnels (per-year population on the x axis).

    ``target`` replaces the overall average (proportions and rates; as a raw fraction, e.g.
    0.2 for 20%). ``overdispersion_method`` ("multiplicative" | "additive") returns
    Spiegelhalter-adjusted limits instead (normal approximation), estimated from the areas
    (x is then the population, or expected events, for all four limits). Rows with a missing count or denominator are left out.
    """
    _check_statistic(statistic)
    count = _as_float(count, "count")
    denom = derived_denominator(count, statistic, denominator=denominator, rate=rate, multiplier=multiplier)
    ok = np.isfinite(count) & np.isfinite(denom) & (denom > 0)
    if not ok.any():
        raise ValueError("a funnel needs at least one area with a count and a positive denominator")
    denom_ok = denom[ok]
    average = _average(count[ok], denom_ok, statistic, target)
    if overdispersion_method is not None:
        return _adjusted_limits(
            count[ok],
            denom_ok,
            statistic=statistic,
            multiplier=multiplier,
            years_of_data=years_of_data,
            ratio_type=ratio_type,
            average=average,
            method=overdispersion_method,
        )
    if statistic == "proportion":
        axis_min, axis_max = _axis(denom_ok, 1, per_year=False)
        population = _grid(axis_min, axis_max, offset_ratio=False)
        table = pd.DataFrame({"population": population})
        for level, tail in TAIL.items():
            p = 1 - tail
            table[f"lower{level}"] = np.maximum(0, wilson_funnel(p, population, average, "low", multiplier))
            table[f"upper{level}"] = np.minimum(
                multiplier, wilson_funnel(p, population, average, "high", multiplier)
            )
        for name in LIMITS:
            table[f"{name}_x"] = population
        return FunnelLimits(statistic, multiplier, average * multiplier, table, "population")
    if statistic == "ratio":
        axis_min, axis_max = _axis(denom_ok, 1, per_year=False)
        observed = _grid(axis_min, axis_max, offset_ratio=True)
        table = pd.DataFrame({"observed_events": observed})
        for level, tail in TAIL.items():
            low_exp = np.array([_poisson_mean(x, tail, "high") for x in observed])
            high_exp = np.array([_poisson_mean(x, tail, "low") for x in observed])
            table[f"lower{level}_x"] = low_exp
            table[f"lower{level}"] = _ratio_display(observed / low_exp, ratio_type)
            table[f"upper{level}_x"] = high_exp
            table[f"upper{level}"] = _ratio_display(observed / high_exp, ratio_type)
        baseline = float(_ratio_display(np.array([1.0]), ratio_type)[0])
        return FunnelLimits(statistic, multiplier, baseline, table, "observed_events")
    # crude rates and DSRs
    axis_min, axis_max = _axis(denom_ok, years_of_data, per_year=True)
    events = _grid(math.floor(axis_min * average), math.ceil(axis_max * average), offset_ratio=False)
    table = pd.DataFrame({"events": events})
    for level, tail in TAIL.items():
        for name, side in ((f"lower{level}", "high"), (f"upper{level}", "low")):
            population = np.array([_poisson_mean(x, tail, side) for x in events]) / average
            table[name] = events / population * multiplier
            table[f"{name}_x"] = population / years_of_data
    return FunnelLimits(statistic, multiplier, average * multiplier, table, "events")


def limits_at(limits: FunnelLimits, x: Sequence[float]) -> pd.DataFrame:
    """Each of the four limits (LIMITS) at the positions ``x`` on the funnel's x axis (an area's
    population, or its expected events for ratios): where an area sits against the limits drawn.

    Exact where the limits have a closed form (proportions, and every over-dispersion-adjusted
    funnel drawn per unit of denominator); otherwise the drawn curve interpolated on a log scale
    (the 100-point grid of PHE's method). NaN outside the drawn range or where x is missing.
    """
    x = _as_float(x, "x")
    ok = np.isfinite(x) & (x > 0)
    out = pd.DataFrame(index=range(len(x)), columns=list(LIMITS), dtype=float)
    table = limits.table
    average = limits.baseline / limits.multiplier if limits.multiplier else np.nan
    per_unit = limits.grid == "denominator" and np.allclose(table["lower95_x"], table["denominator"])
    if limits.grid == "population" and limits.statistic == "proportion":
        for level, tail in TAIL.items():
            low = np.maximum(0, wilson_funnel(1 - tail, x, average, "low", limits.multiplier))
            high = np.minimum(
                limits.multiplier, wilson_funnel(1 - tail, x, average, "high", limits.multiplier)
            )
            out[f"lower{level}"], out[f"upper{level}"] = low, high
    elif per_unit and limits.statistic != "ratio":
        od = limits.overdispersion
        with np.errstate(divide="ignore", invalid="ignore"):
            se = _null_se(average, x, limits.statistic)
        for level, z in Z.items():
            if od is None or not od.applied:
                width = z * se
            elif od.method == "multiplicative":
                width = z * math.sqrt(od.phi) * se
            else:
                width = z * np.sqrt(se**2 + od.tau2)
            lower, upper = average - width, average + width
            if limits.statistic == "proportion":
                lower, upper = np.clip(lower, 0, 1), np.clip(upper, 0, 1)
            else:
                lower = np.clip(lower, 0, None)
            out[f"lower{level}"], out[f"upper{level}"] = lower * limits.multiplier, upper * limits.multiplier
    else:
        for name in LIMITS:
            curve = pd.DataFrame({"x": table[f"{name}_x"], "y": table[name]}).dropna()
            curve = curve[curve["x"] > 0].sort_values("x")
            lx = np.log(curve["x"].to_numpy(dtype=float))
            with np.errstate(divide="ignore", invalid="ignore"):
                out[name] = np.interp(
                    np.log(x), lx, curve["y"].to_numpy(dtype=float), left=np.nan, right=np.nan
                )
    out.loc[~ok, :] = np.nan
    return out


# --- significance of each area ------------------------------------------------------------


def _byars_or_exact(obs: float, tail: float, side: str) -> float:
    """PHEindicatormethods' funnel significance limit of an observed count (Byar's from 10)."""
    if side == "low":
        if obs == 0:
            return 0.0
        if obs < 10:
            return chi2.ppf(tail, 2 * obs) / 2
        z = norm.ppf(1 - tail)
        return obs * (1 - 1 / (9 * obs) - z / (3 * math.sqrt(obs))) ** 3
    if obs < 10:
        return chi2.ppf(1 - tail, 2 * obs + 2) / 2
    z = norm.ppf(1 - tail)
    o = obs + 1
    return o * (1 - 1 / (9 * o) + z / (3 * math.sqrt(o))) ** 3


def funnel_significance(
    count: Sequence[float],
    denominator: Sequence[float] | None = None,
    *,
    statistic: str,
    multiplier: float = 100,
    rate: Sequence[float] | None = None,
    target: float | None = None,
) -> np.ndarray:
    """Each area's significance against the funnel, in PHEindicatormethods' words.

    Proportions: the area's proportion against the Wilson limits at its own denominator.
    Rates and ratios: the target against the Byar's (exact below 10 events) limits of the
    area's count over its (derived) denominator or expected events. Areas with a missing
    count or denominator get "" (not on the funnel).
    """
    _check_statistic(statistic)
    count = _as_float(count, "count")
    denom = derived_denominator(count, statistic, denominator=denominator, rate=rate, multiplier=multiplier)
    out = np.full(len(count), "", dtype=object)
    ok = np.isfinite(count) & np.isfinite(denom) & (denom > 0)
    if statistic == "proportion":
        average = float(count[ok].sum() / denom[ok].sum()) if target is None else target
        p, n = count[ok] / denom[ok], denom[ok]
        out[ok] = np.select(
            [
                p < wilson_funnel(0.999, n, average, "low"),
                p < wilson_funnel(0.975, n, average, "low"),
                p > wilson_funnel(0.999, n, average, "high"),
                p > wilson_funnel(0.975, n, average, "high"),
            ],
            [LOW_998, LOW_95, HIGH_998, HIGH_95],
            NOT_SIG,
        )
        return out
    average = _average(count[ok], denom[ok], statistic, target)
    for i in np.flatnonzero(ok):
        o, e = count[i], denom[i]
        if _byars_or_exact(o, TAIL["998"], "low") / e > average:
            out[i] = HIGH_998
        elif _byars_or_exact(o, TAIL["95"], "low") / e > average:
            out[i] = HIGH_95
        elif _byars_or_exact(o, TAIL["998"], "high") / e < average:
            out[i] = LOW_998
        elif _byars_or_exact(o, TAIL["95"], "high") / e < average:
            out[i] = LOW_95
        else:
            out[i] = NOT_SIG
    if statistic == "dsr":
        out[np.isfinite(count) & (count < 10)] = NOT_APPLICABLE
    return out


# --- over-dispersion ----------------------------------------------------------------------


def _null_se(average: float, denom: np.ndarray, statistic: str) -> np.ndarray:
    """Standard error of each area's raw statistic under the null (target ``average``)."""
    if statistic == "proportion":
        return np.sqrt(average * (1 - average) / denom)
    return np.sqrt(average / denom)  # Poisson: rates per unit of denominator, and O/E ratios


def overdispersion(
    count: Sequence[float],
    denominator: Sequence[float] | None = None,
    *,
    statistic: str,
    method: str = "multiplicative",
    multiplier: float = 100,
    rate: Sequence[float] | None = None,
    target: float | None = None,
) -> Overdispersion:
    """Spiegelhalter's (2005) over-dispersion estimate from winsorised z-scores.

    z_i = (y_i - target) / SE_i with SE_i the null standard error at the area's denominator;
    the z-scores are winsorised at the 10th and 90th percentiles and phi = sum(z^2) / I.
    ``method`` "additive" also estimates tau^2 (DerSimonian-Laird style, on winsorised z).
    """
    _check_statistic(statistic)
    if method not in OVERDISPERSION_METHODS:
        raise ValueError(f"over-dispersion method must be one of {OVERDISPERSION_METHODS}, not {method!r}")
    count = _as_float(count, "count")
    denom = derived_denominator(count, statistic, denominator=denominator, rate=rate, multiplier=multiplier)
    ok = np.isfinite(count) & np.isfinite(denom) & (denom > 0)
    count, denom = count[ok], denom[ok]
    n_areas = len(count)
    if n_areas < 2:
        raise ValueError("over-dispersion needs at least two areas")
    average = _average(count, denom, statistic, target)
    y = count / denom
    se = _null_se(average, denom, statistic)
    z = (y - average) / se
    lo, hi = np.quantile(z, [WINSOR, 1 - WINSOR])
    zw = np.clip(z, lo, hi)
    phi = float((zw**2).sum() / n_areas)
    p_value = float(chi2.sf(n_areas * phi, n_areas - 1))
    w = 1 / se**2
    tau2 = max(0.0, (n_areas * phi - (n_areas - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    return Overdispersion(
        method=method,
        phi=phi,
        tau2=float(tau2) if method == "additive" else 0.0,
        n_areas=n_areas,
        p_value=p_value,
        applied=phi > 1,
    )


def _adjusted_limits(
    count: np.ndarray,
    denom: np.ndarray,
    *,
    statistic: str,
    multiplier: float,
    years_of_data: float,
    ratio_type: str,
    average: float,
    method: str,
) -> FunnelLimits:
    od = overdispersion(
        count,
        denom,
        statistic="ratio" if statistic == "ratio" else statistic,
        method=method,
        multiplier=multiplier,
        target=None if statistic == "ratio" else average,
    )
    axis_min, axis_max = _axis(denom, years_of_data if statistic in ("rate", "dsr") else 1, per_year=False)
    x = np.geomspace(max(axis_min, float(np.nanmin(denom)) / 2, 1e-9), axis_max, GRID_POINTS)
    se = _null_se(average, x, statistic)
    table = pd.DataFrame({"denominator": x})
    for level, z in Z.items():
        if not od.applied:
            width = z * se
        elif method == "multiplicative":
            width = z * math.sqrt(od.phi) * se
        else:
            width = z * np.sqrt(se**2 + od.tau2)
        lower, upper = average - width, average + width
        if statistic == "proportion":
            lower, upper = np.clip(lower, 0, 1), np.clip(upper, 0, 1)
        else:
            lower = np.clip(lower, 0, None)
        if statistic == "ratio":
            table[f"lower{level}"] = _ratio_display(lower, ratio_type)
            table[f"upper{level}"] = _ratio_display(upper, ratio_type)
        else:
            table[f"lower{level}"] = lower * multiplier
            table[f"upper{level}"] = upper * multiplier
    per_year = years_of_data if statistic in ("rate", "dsr") else 1
    for name in LIMITS:
        table[f"{name}_x"] = x / per_year
    baseline = (
        float(_ratio_display(np.array([1.0]), ratio_type)[0])
        if statistic == "ratio"
        else average * multiplier
    )
    return FunnelLimits(statistic, multiplier, baseline, table, "denominator", od)


def adjusted_significance(
    count: Sequence[float],
    denominator: Sequence[float] | None = None,
    *,
    statistic: str,
    method: str,
    multiplier: float = 100,
    rate: Sequence[float] | None = None,
    target: float | None = None,
) -> tuple[np.ndarray, Overdispersion]:
    """Each area's significance with Spiegelhalter's adjustment (normal z against 1.96 / 3.09)."""
    count_arr = _as_float(count, "count")
    denom = derived_denominator(
        count_arr, statistic, denominator=denominator, rate=rate, multiplier=multiplier
    )
    od = overdispersion(
        count_arr, denom, statistic=statistic, method=method, multiplier=multiplier, target=target
    )
    ok = np.isfinite(count_arr) & np.isfinite(denom) & (denom > 0)
    average = _average(count_arr[ok], denom[ok], statistic, target)
    out = np.full(len(count_arr), "", dtype=object)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = _null_se(average, denom, statistic)
        diff = count_arr / denom - average
        if not od.applied:
            z = diff / se
        elif method == "multiplicative":
            z = diff / (se * math.sqrt(od.phi))
        else:
            z = diff / np.sqrt(se**2 + od.tau2)
    conds = [z > Z["998"], z > Z["95"], z < -Z["998"], z < -Z["95"]]
    labels = np.select(conds, [HIGH_998, HIGH_95, LOW_998, LOW_95], NOT_SIG)
    out[ok] = labels[ok]
    if statistic == "dsr":
        out[np.isfinite(count_arr) & (count_arr < 10)] = NOT_APPLICABLE
    return out, od


# --- points and the whole funnel ----------------------------------------------------------


def funnel_points(
    count: Sequence[float],
    denominator: Sequence[float] | None = None,
    *,
    statistic: str,
    multiplier: float = 100,
    rate: Sequence[float] | None = None,
    years_of_data: float = 1,
    ratio_type: str = "isr",
    target: float | None = None,
    overdispersion_method: str | None = None,
) -> pd.DataFrame:
    """Each area's position and category on the funnel, in the input order.

    Columns: x (population per year of data, or expected events for ratios), y (the value in
    display units), significance and category (FUNNEL_CATEGORIES; "" when the area is not on
    the funnel), and with ``overdispersion_method`` also significance_adjusted and
    category_adjusted.
    """
    _check_statistic(statistic)
    count_arr = _as_float(count, "count")
    denom = derived_denominator(
        count_arr, statistic, denominator=denominator, rate=rate, multiplier=multiplier
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        if statistic == "ratio":
            y = _ratio_display(count_arr / denom, ratio_type)
        elif statistic in ("rate", "dsr") and rate is not None:
            y = _as_float(rate, "rate")
        else:
            y = count_arr / denom * multiplier
    per_year = years_of_data if statistic in ("rate", "dsr") else 1
    x = denom / per_year
    if statistic == "dsr":
        x = np.where(count_arr < 10, np.nan, x)
        y = np.where(count_arr < 10, np.nan, y)
    sig = funnel_significance(
        count_arr,
        denom,
        statistic="rate" if statistic == "dsr" else statistic,
        multiplier=multiplier,
        target=target,
    )
    if statistic == "dsr":
        sig = np.where(np.isfinite(count_arr) & (count_arr < 10), NOT_APPLICABLE, sig)
    out = pd.DataFrame({"x": x, "y": y, "significance": sig})
    out["category"] = out["significance"].map(CATEGORY_OF).fillna("")
    if overdispersion_method is not None:
        adj, _ = adjusted_significance(
            count_arr,
            denom,
            statistic=statistic,
            method=overdispersion_method,
            multiplier=multiplier,
            target=target,
        )
        out["significance_adjusted"] = adj
        out["category_adjusted"] = out["significance_adjusted"].map(CATEGORY_OF).fillna("")
    return out


def funnel(
    count: Sequence[float],
    denominator: Sequence[float] | None = None,
    *,
    statistic: str,
    multiplier: float = 100,
    rate: Sequence[float] | None = None,
    years_of_data: float = 1,
    ratio_type: str = "isr",
    target: float | None = None,
    overdispersion_method: str | None = None,
) -> Funnel:
    """Limits, points and (optionally) the over-dispersion adjustment for one indicator slice.

    A page typically calls ``funnel(rows["count"], rows["denominator"], statistic=...,
    multiplier=meta["multiplier"], overdispersion_method=None | "multiplicative" |
    "additive")`` on the rows of one indicator, period, sex and geography.
    """
    kwargs = dict(
        statistic=statistic,
        multiplier=multiplier,
        rate=rate,
        years_of_data=years_of_data,
        ratio_type=ratio_type,
        target=target,
    )
    limits = funnel_limits(count, denominator, **kwargs)
    points = funnel_points(count, denominator, overdispersion_method=overdispersion_method, **kwargs)
    adjusted, od, changed = None, None, 0
    if overdispersion_method is not None:
        adjusted = funnel_limits(count, denominator, overdispersion_method=overdispersion_method, **kwargs)
        od = adjusted.overdispersion
        on = points["category"] != ""
        changed = int((points.loc[on, "category"] != points.loc[on, "category_adjusted"]).sum())
    return Funnel(limits=limits, adjusted=adjusted, points=points, overdispersion=od, n_changed=changed)


def funnel_statistic(meta: Mapping) -> str:
    """The funnel type of an indicator, or ValueError naming the statistic that has none."""
    statistic = str(meta.get("statistic", "proportion"))
    if statistic not in FUNNEL_STATISTIC:
        raise ValueError(
            f"no funnel plot for statistic {statistic!r} (proportions, rates, DSRs and ISRs only)"
        )
    return FUNNEL_STATISTIC[statistic]


def slice_funnel(rows: pd.DataFrame, meta: Mapping, overdispersion: str | None = None) -> Funnel:
    """``funnel`` for rows of the indicator table and the indicator's catalogue entry.

    Uses count and denominator (DSRs: count and value, the population derived from them;
    ISRs: observed count over expected events in ``denominator``), the catalogue's
    ``statistic`` and ``multiplier``. Rows need the count (and denominator) to be plotted:
    pass only those (``rows[[count, denominator, value]].notna().all(axis=1)``).
    ``overdispersion``: None, "multiplicative" or "additive". Points are indexed by area code.
    """
    statistic = funnel_statistic(meta)
    multiplier = float(meta.get("multiplier") or (100 if statistic == "proportion" else 100_000))
    result = funnel(
        rows[s.COUNT],
        None if statistic == "dsr" else rows[s.DENOMINATOR],
        statistic=statistic,
        multiplier=multiplier,
        rate=rows[s.VALUE] if statistic == "dsr" else None,
        ratio_type="isr" if multiplier == 100 else "ratio",
        overdispersion_method=overdispersion,
    )
    result.points.index = pd.Index(rows[s.AREA_CODE].to_numpy(), name=s.AREA_CODE)
    return result
