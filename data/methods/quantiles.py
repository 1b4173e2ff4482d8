"""Quintiles of areas where there are no confidence limits: Fingertips' rule, and phe_quantile.

**Fingertips' rule** (used for the model's ``quintile`` column): with at least 5 valid values,
sort them and take the bounds min, P20, P40, P60, P80, max, the percentiles interpolated as
R's type 7 (``(n - 1) * f + 1``-th value); each value falls in the first quintile whose upper
bound it does not exceed (so a value equal to P20 is in quintile 1, and equal values always
share a quintile). Fewer than 5 values: no quintiles.

**PHEindicatormethods' ``phe_quantile``** (PHStatsMethods ``ph_quantile``): rank-based, ties
ranked "min", ``quantile = floor(n_q + 1 - ceil((N + 1 - rank) / (N / n_q)))``; the package
needs at least ``nquantiles`` values. It can put equal-sized groups where Fingertips' bounds
would not (and vice versa); offered for reproducing that package's published results
(``testdata_Quantiles.xlsx``), not used by the app's views.

Both put the quintile in the app's orientation: 5 is best (higher is better: highest values;
lower is better: lowest values) or highest (no polarity); labels follow polarity
(``data.methods.stats.quintile_label``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from PHStatsMethods.quantiles import ph_quantile

from data.methods import vocabulary as s

MIN_AREAS = 5
N_QUINTILES = 5


def fingertips_bounds(values: np.ndarray, categories: int = N_QUINTILES) -> np.ndarray:
    """Fingertips' category bounds: min, the interpolated percentiles, max (sorted input not needed)."""
    v = np.sort(np.asarray(values, dtype=float))
    n = len(v)
    bounds = [v[0]]
    for i in range(1, categories):
        pos = (n - 1) * (i / categories) + 1  # 1-based position, R type 7
        k = int(pos)
        d = pos - k
        value = v[k - 1] if k >= n else v[k - 1] + d * (v[k] - v[k - 1])
        bounds.append(round(value, 10))
    bounds.append(v[-1])
    return np.asarray(bounds)


def fingertips_category(values: pd.Series | np.ndarray, categories: int = N_QUINTILES) -> np.ndarray:
    """Fingertips' category 1..``categories`` of each value, lowest values in 1; NaN if too few."""
    v = np.asarray(values, dtype=float)
    out = np.full(len(v), np.nan)
    valid = np.isfinite(v)
    if valid.sum() < MIN_AREAS:
        return out
    bounds = fingertips_bounds(v[valid], categories)
    # first category c (1-based) with value <= bounds[c]
    out[valid] = np.searchsorted(bounds[1:], v[valid], side="left") + 1
    return out


def orient(category: np.ndarray, polarity: str, categories: int = N_QUINTILES) -> np.ndarray:
    """Turn "1 = lowest values" into the app's "5 = best (or highest)"."""
    if polarity == s.POLARITY_LOW_GOOD:
        return categories + 1 - category
    return category


def quintiles(values: pd.Series, polarity: str) -> pd.Series:
    """Fingertips quintile 1..5 of each value among its peers; 5 is best (or highest)."""
    return pd.Series(orient(fingertips_category(values), polarity), index=values.index)


def model_quintiles(frame: pd.DataFrame, polarity: np.ndarray | pd.Series) -> pd.Series:
    """The quintile column of the long table: Fingertips' rule within each indicator,
    geography, period and sex (``polarity`` aligned with ``frame``'s rows)."""
    group = [s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD, s.SEX]
    category = frame.groupby(group, sort=False)[s.VALUE].transform(
        lambda v: pd.Series(fingertips_category(v.to_numpy()), index=v.index)
    )
    low_good = np.asarray(polarity) == s.POLARITY_LOW_GOOD
    return category.where(~low_good, N_QUINTILES + 1 - category)


def phe_quantile(
    values: pd.Series, nquantiles: int = N_QUINTILES, *, invert: bool = True, groups: pd.Series | None = None
) -> pd.Series:
    """PHEindicatormethods' ``phe_quantile`` (via PHStatsMethods): 1..nquantiles by rank.

    ``invert=True`` puts the highest values in quantile 1 (as the package's default); pass
    ``invert = polarity == "lower is better"`` for "nquantiles = best". ``groups`` assigns
    quantiles within each group. NaN where a group has fewer than ``nquantiles`` values.
    """
    frame = pd.DataFrame({"value": pd.to_numeric(values, errors="coerce").to_numpy()})
    group_cols = None
    if groups is not None:
        frame["group"] = np.asarray(groups)
        group_cols = ["group"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "too few small areas": NaN says so
        out = ph_quantile(frame, "value", group_cols=group_cols, nquantiles=int(nquantiles), invert=invert)
    return pd.Series(out["quantile"].to_numpy(dtype=float), index=values.index)
