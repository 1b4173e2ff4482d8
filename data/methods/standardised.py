"""Directly and indirectly standardised rates, standardised ratios, and means with t limits.

For anyone who loads age-specific counts (the model's published indicators arrive already
standardised): each function takes a long frame of one row per area (group) and age band and
returns one row per group, with value and 95% / 99.8% limits, following PHEindicatormethods
and computed through PHStatsMethods where it has the method:

* ``dsr``: directly standardised rate, Dobson limits on Byar's/exact limits of the total count
  (Dobson et al. 1991); NaN below 10 events; 2013 European Standard Population by default.
  ``event_frequencies`` switches to PHEindicatormethods' non-independent-events variance
  (people with 1, 2, ... events: var = sum((stdpop/pop)^2 * sum_f f^2 * n_f) / stdpop^2).
* ``isr`` (indirectly standardised rate) and ``isratio`` (ratio of observed to expected):
  expected events from reference age-specific rates; Byar's limits (exact below 10 events).
* ``mean_ci``: means with Student's t limits.

Tests: tests/unit/data/methods/test_reference_standardised.py (testdata_DSR_ISR.xlsx,
testdata_Mean.xlsx, DSR_testdata.csv) to 6 significant figures.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from PHStatsMethods.confidence_intervals import (
    byars_lower,
    byars_upper,
    dobson_lower,
    dobson_upper,
    exact_lower,
    exact_upper,
    student_t_dist,
)

# 2013 European Standard Population, 19 five-year bands 0-4 .. 90+ (as PHStatsMethods)
ESP2013 = (
    5000,
    5500,
    5500,
    5500,
    6000,
    6000,
    6500,
    7000,
    7000,
    7000,
    7000,
    6500,
    6000,
    5500,
    5000,
    4000,
    2500,
    1500,
    1000,
)
LEVELS = {"95": 0.95, "998": 0.998}
RESULT_COLUMNS = ["group", "total_count", "total_pop", "value", "lower95", "upper95", "lower998", "upper998"]


def _check(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"missing column(s) {missing}")
    for c in columns:
        if not pd.api.types.is_numeric_dtype(frame[c]):
            raise ValueError(f"column {c!r} must be numeric")


def dsr(
    frame: pd.DataFrame,
    *,
    count: str = "count",
    pop: str = "pop",
    group: str | None = "area",
    stdpop: Sequence[float] | str | None = None,
    multiplier: float = 100_000,
    event_frequencies: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Directly standardised rate of each group with Dobson 95% and 99.8% limits.

    ``frame`` has one row per group and age band, in the same band order in every group.
    ``stdpop`` is a column name or a sequence of standard populations, one per band
    (default: the 2013 ESP, 19 bands). ``event_frequencies`` names columns holding the number
    of people with 1, 2, 3, ... events in each band (non-independent events).
    Returns RESULT_COLUMNS; groups with fewer than 10 events get NaN value and limits.
    """
    _check(frame, [count, pop])
    data = frame.copy()
    data["_group"] = data[group] if group else "all"
    if (data[count].dropna() < 0).any():
        raise ValueError(f"column {count!r}: counts must be 0 or more")
    if (data[pop] <= 0).any():
        raise ValueError(f"column {pop!r}: populations must be greater than zero")
    sizes = data.groupby("_group", sort=False).size()
    if sizes.nunique() != 1:
        raise ValueError("every group needs the same number of age bands")
    if isinstance(stdpop, str):
        data["_std"] = data[stdpop].astype(float)
    else:
        std = np.asarray(ESP2013 if stdpop is None else stdpop, dtype=float)
        if len(std) != sizes.iloc[0]:
            raise ValueError(f"{len(std)} standard populations for {sizes.iloc[0]} age bands")
        data["_std"] = np.tile(std, len(sizes))
    x = data[count].fillna(0).astype(float)
    ratio = data["_std"] / data[pop]
    data["_wt"] = x * ratio
    if event_frequencies:
        # variance of the events of people with f events each: f^2 per person
        sq = sum((i + 1) ** 2 * data[c].fillna(0).astype(float) for i, c in enumerate(event_frequencies))
        data["_sq"] = sq * ratio**2
    else:
        data["_sq"] = x * ratio**2
    data["_x"] = x
    g = data.groupby("_group", sort=False).agg(
        total_count=("_x", "sum"),
        total_pop=(pop, "sum"),
        wt=("_wt", "sum"),
        std=("_std", "sum"),
        sq=("_sq", "sum"),
    )
    out = pd.DataFrame(
        {"group": g.index, "total_count": g["total_count"].to_numpy(), "total_pop": g["total_pop"].to_numpy()}
    )
    value = (g["wt"] / g["std"] * multiplier).to_numpy()
    var = (g["sq"] / g["std"] ** 2).to_numpy()
    out["value"] = value
    for level, conf in LEVELS.items():
        out[f"lower{level}"] = [
            dobson_lower(v, n, vr, conf, multiplier) for v, n, vr in zip(value, out["total_count"], var)
        ]
        out[f"upper{level}"] = [
            dobson_upper(v, n, vr, conf, multiplier) for v, n, vr in zip(value, out["total_count"], var)
        ]
    small = out["total_count"] < 10
    out.loc[small, ["value", "lower95", "upper95", "lower998", "upper998"]] = np.nan
    return out[RESULT_COLUMNS]


def _count_limits(observed: float, confidence: float) -> tuple[float, float]:
    """Byar's limits of a count, exact below 10 (PHStatsMethods' functions)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if observed < 10:
            lower = 0.0 if observed == 0 else exact_lower(observed, confidence)
            return lower, exact_upper(observed, confidence)
        return byars_lower(observed, confidence), byars_upper(observed, confidence)


def _with_reference(
    frame: pd.DataFrame, ref_count: str | Sequence[float], ref_pop: str | Sequence[float], group: str | None
) -> tuple[pd.DataFrame, pd.Series]:
    """The frame with reference columns _rc/_rp (from columns, or one value per band, tiled)."""
    data = frame.copy()
    keys = data[group] if group else pd.Series("all", index=data.index)
    sizes = keys.groupby(keys, sort=False).size()
    for name, ref in (("_rc", ref_count), ("_rp", ref_pop)):
        if isinstance(ref, str):
            _check(data, [ref])
            data[name] = data[ref].astype(float)
        else:
            ref = np.asarray(ref, dtype=float)
            if sizes.nunique() != 1 or len(ref) != sizes.iloc[0]:
                raise ValueError(f"{len(ref)} reference values for groups of {sorted(set(sizes))} age bands")
            data[name] = np.tile(ref, len(sizes))
    return data, keys


def expected_events(
    frame: pd.DataFrame,
    *,
    pop: str = "pop",
    ref_count: str | Sequence[float] = "refcount",
    ref_pop: str | Sequence[float] = "refpop",
    group: str | None = "area",
) -> pd.Series:
    """Expected events of each group: sum over bands of pop x reference rate."""
    _check(frame, [pop])
    if (frame[pop] < 0).any():
        raise ValueError(f"column {pop!r}: populations must be 0 or more")
    data, keys = _with_reference(frame, ref_count, ref_pop, group)
    return (data[pop] * data["_rc"].fillna(0) / data["_rp"]).groupby(keys, sort=False).sum()


def isratio(
    frame: pd.DataFrame,
    *,
    count: str = "count",
    pop: str = "pop",
    ref_count: str | Sequence[float] = "refcount",
    ref_pop: str | Sequence[float] = "refpop",
    group: str | None = "area",
    observed: pd.Series | None = None,
    multiplier: float = 1,
) -> pd.DataFrame:
    """Indirectly standardised ratio (observed / expected) x ``multiplier`` with limits.

    ``ref_count``/``ref_pop`` are columns or one value per age band. ``observed`` (indexed
    by group) gives total observed events when the counts by band are not known. Returns
    group, observed, expected, value and the four limits (Byar's; exact below 10 events).
    """
    expected = expected_events(frame, pop=pop, ref_count=ref_count, ref_pop=ref_pop, group=group)
    if observed is None:
        _check(frame, [count])
        keys = frame[group] if group else pd.Series("all", index=frame.index)
        observed = frame[count].fillna(0).groupby(keys, sort=False).sum()
    observed = observed.reindex(expected.index)
    out = pd.DataFrame(
        {"group": expected.index, "observed": observed.to_numpy(), "expected": expected.to_numpy()}
    )
    out["value"] = out["observed"] / out["expected"] * multiplier
    for level, conf in LEVELS.items():
        limits = [_count_limits(o, conf) for o in out["observed"]]
        out[f"lower{level}"] = [lo / e * multiplier for (lo, _), e in zip(limits, out["expected"])]
        out[f"upper{level}"] = [hi / e * multiplier for (_, hi), e in zip(limits, out["expected"])]
    return out


def isr(
    frame: pd.DataFrame,
    *,
    count: str = "count",
    pop: str = "pop",
    ref_count: str | Sequence[float] = "refcount",
    ref_pop: str | Sequence[float] = "refpop",
    group: str | None = "area",
    observed: pd.Series | None = None,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Indirectly standardised rate: the ratio times the reference population's crude rate."""
    ratio = isratio(
        frame, count=count, pop=pop, ref_count=ref_count, ref_pop=ref_pop, group=group, observed=observed
    )
    data, keys = _with_reference(frame, ref_count, ref_pop, group)
    sums = data[["_rc", "_rp"]].groupby(keys, sort=False).sum()
    ref_rate = (sums["_rc"] / sums["_rp"]).reindex(ratio["group"]).to_numpy() * multiplier
    out = ratio.copy()
    out["ref_rate"] = ref_rate
    for col in ("value", "lower95", "upper95", "lower998", "upper998"):
        out[col] = ratio[col] * ref_rate
    return out


def mean_ci(values: pd.Series, groups: pd.Series | None = None) -> pd.DataFrame:
    """Mean of each group with Student's t 95% and 99.8% limits (PHStatsMethods' t)."""
    keys = groups if groups is not None else pd.Series("all", index=values.index)
    g = pd.DataFrame({"v": pd.to_numeric(values, errors="coerce"), "k": keys}).groupby("k", sort=False)["v"]
    out = pd.DataFrame(
        {"value_sum": g.sum(), "value_count": g.count(), "stdev": g.std(ddof=1), "value": g.mean()}
    ).reset_index(names="group")
    for level, conf in LEVELS.items():
        half = [
            student_t_dist(n, sd, conf) if n > 1 and not math.isnan(sd) else np.nan
            for n, sd in zip(out["value_count"], out["stdev"])
        ]
        out[f"lower{level}"] = out["value"] - half
        out[f"upper{level}"] = out["value"] + half
    return out
