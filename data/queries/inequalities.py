"""The inequalities page: HEEC's ICB panel by practice-deprivation quintile.

HEEC gives, per ICB, indicator and year, the mean of its practices' values in four groups
of practice deprivation (quintiles 1, 2, 3 and 4-5 merged) and England's average. It has
no populations, no denominators and no confidence limits, so:

* given: the values by group, the gap (most deprived group minus least deprived) and its
  ratio, and a **descriptive slope**: the least-squares line of value on the groups'
  deprivation midpoints (0.1, 0.3, 0.5, 0.8 of the national practice ranking, assuming
  equal fifths), the change from least (0) to most (1) deprived;
* not given: PHE's slope index of inequality (``data.methods.inequality.sii`` needs five or more
  quantiles with populations and standard errors) and any confidence limits; so ICBs are
  ranked by the descriptive slope, with no judgement of significance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.model.core import Model

GROUPS = ("1 (least deprived)", "2", "3", "4-5 (most deprived)")
MIDPOINTS = np.array([0.1, 0.3, 0.5, 0.8])
ENGLAND = "England"


def indicators(model: Model) -> list[str]:
    cat = model.frames.get("inequality_catalogue")
    return [] if cat is None else cat["indicator"].tolist()


def latest_year(model: Model, indicator: str) -> int | None:
    q = model.frames["inequalities"]
    years = q.loc[q["indicator"] == indicator, "year"]
    return int(years.max()) if len(years) else None


def icb_of_ccg(model: Model, ccg21: str) -> str | None:
    h = model.frames["hierarchy"]
    hit = h.loc[h["ccg21_code"] == ccg21, "icb22_code"]
    return str(hit.iloc[0]) if len(hit) else None


def icb_table(model: Model, indicator: str, year: int) -> pd.DataFrame:
    """One row per ICB: the four group values, England's average, gap, ratio and slope."""
    q = model.frames["inequalities"]
    q = q[(q["indicator"] == indicator) & (q["year"] == year)]
    england = q.groupby("year")["england_avg"].first()
    q = q[q["icb22_code"].isin(set(model.frames["hierarchy"]["icb22_code"].dropna()))]  # ICBs, not England
    # an ICB can appear under two spellings of its name (HEEC's capitalisation): one row per code
    names = model.frames["hierarchy"].drop_duplicates("icb22_code").set_index("icb22_code")["icb22_name"]
    wide = q.pivot_table(index="icb22_code", columns="quintile", values="value", aggfunc="mean")
    wide = wide.reindex(columns=list(GROUPS)).reset_index()
    wide.insert(1, "icb_name", wide["icb22_code"].map(names).fillna(wide["icb22_code"]))
    wide["england"] = float(england.iloc[0]) if len(england) else np.nan
    values = wide[list(GROUPS)].to_numpy(dtype=float)
    wide["gap"] = values[:, 3] - values[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        wide["ratio"] = values[:, 3] / values[:, 0]
    slopes = []
    for row in values:
        ok = np.isfinite(row)
        slopes.append(np.polyfit(MIDPOINTS[ok], row[ok], 1)[0] if ok.sum() >= 3 else np.nan)
    wide["slope"] = slopes
    wide["n_groups"] = np.isfinite(values).sum(axis=1)
    return wide.sort_values("slope", ascending=False, na_position="last").reset_index(drop=True)
