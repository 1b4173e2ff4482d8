"""Early warning: indicators where an area is worse than its benchmark and getting worse.

For a CCG 2021 area, every indicator with a value (persons, latest period) is put in one
group, most severe first:

1. ``red-red``: significantly worse than the benchmark (its confidence interval excludes
   the benchmark on the bad side, Fingertips' rule) **and** the recent trend is significant
   in the worse direction ("... and getting worse": Fingertips' recent-trend rule over the
   last five points, ``model.frames["trends"]``);
2. ``worse``: worse than the benchmark, the trend assessed and not getting worse;
3. ``worsening``: not worse than the benchmark (yet), but getting worse;
4. ``not assessed``: the trend cannot be calculated (fewer than five periods with counts or
   confidence intervals): said with the reason, and whether the area is worse now.

Within a group, indicators worse at 99.8% come before those worse only at 95%, then by the
strength of the trend (chi-squared). Monthly series (dementia diagnosis, prescribing) count
like any other: five months are five points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.model import schema as s
from data.model.core import Model
from data.queries.view_frames import category_column

GROUPS = ("red-red", "worse", "worsening", "not assessed")
GROUP_TITLES = {
    "red-red": "Worse than the benchmark and getting worse",
    "worse": "Worse than the benchmark, not getting worse",
    "worsening": "Getting worse, not (yet) worse than the benchmark",
    "not assessed": "Trend not assessed (fewer than five periods)",
}
COLUMNS = [
    "group",
    s.AREA_CODE,
    s.AREA_NAME,
    "region_code",
    "region_name",
    s.INDICATOR_ID,
    "short_name",
    s.PERIOD,
    s.VALUE,
    "unit",
    "category",
    "category_998",
    "trend",
    "chi2",
    "n_points",
    "reason",
]
CANNOT = "Cannot be calculated"


def latest_rows(model: Model, areas: list[str] | None = None) -> pd.DataFrame:
    """Each CCG 2021 area's latest persons row of every indicator (with a value)."""
    ind = model.indicators
    rows = ind[(ind[s.GEOGRAPHY] == s.HOME_GEOGRAPHY) & (ind[s.SEX] == "Persons") & ind[s.VALUE].notna()]
    if areas is not None:
        rows = rows[rows[s.AREA_CODE].isin(areas)]
    return rows.sort_values(s.PERIOD_START).groupby([s.INDICATOR_ID, s.AREA_CODE]).tail(1)


def alert_table(
    model: Model, *, areas: list[str] | None = None, benchmark: str = "england", ci: str = "95"
) -> pd.DataFrame:
    """Every indicator of the areas (all CCG 2021 areas if None) in its early-warning group.

    ``benchmark`` is a views benchmark key (england, region, peers, peers_<set>).
    """
    rows = latest_rows(model, areas)
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    trends = model.frames["trends"]
    trends = trends[(trends[s.GEOGRAPHY] == s.HOME_GEOGRAPHY) & (trends[s.SEX] == "Persons")]
    rows = rows.merge(
        trends[[s.INDICATOR_ID, s.AREA_CODE, s.PERIOD, "trend", "chi2", "n_points", "reason"]],
        on=[s.INDICATOR_ID, s.AREA_CODE, s.PERIOD],
        how="left",
    )
    rows["trend"] = rows["trend"].fillna(CANNOT)
    rows["reason"] = rows["reason"].fillna("no trend for this period")
    worse = rows[category_column(benchmark, ci)].eq(s.WORSE).to_numpy()
    worsening = rows["trend"].str.endswith("getting worse").to_numpy()
    assessed = (rows["trend"] != CANNOT).to_numpy()
    group = np.select(
        [worse & worsening, worse & assessed, worsening, ~assessed],
        ["red-red", "worse", "worsening", "not assessed"],
        "",
    )
    info = model.areas[model.areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY].set_index(s.AREA_CODE)
    out = pd.DataFrame(
        {
            "group": group,
            s.AREA_CODE: rows[s.AREA_CODE].to_numpy(),
            s.AREA_NAME: rows[s.AREA_CODE].map(info[s.AREA_NAME]).to_numpy(),
            "region_code": rows[s.AREA_CODE].map(info["region_code"]).to_numpy(),
            "region_name": rows[s.AREA_CODE].map(info["region_name"]).to_numpy(),
            s.INDICATOR_ID: rows[s.INDICATOR_ID].to_numpy(),
            "short_name": rows[s.INDICATOR_ID].map(model.catalogue["short_name"]).to_numpy(),
            s.PERIOD: rows[s.PERIOD].to_numpy(),
            s.VALUE: rows[s.VALUE].to_numpy(),
            "unit": rows[s.INDICATOR_ID].map(model.catalogue["unit"]).to_numpy(),
            "category": rows[category_column(benchmark, ci)].to_numpy(),
            "category_998": rows[category_column(benchmark, "99.8")].to_numpy(),
            "trend": rows["trend"].to_numpy(),
            "chi2": rows["chi2"].to_numpy(dtype=float),
            "n_points": rows["n_points"].to_numpy(dtype=float),
            "reason": rows["reason"].to_numpy(),
        }
    )
    out = out[out["group"] != ""]
    out = out.assign(
        _g=out["group"].map({g: i for i, g in enumerate(GROUPS)}),
        _w=-(out["category_998"] == s.WORSE).astype(int),
        _c=-out["chi2"].fillna(0),
    )
    out = out.sort_values(["_g", "_w", "_c", "short_name", s.AREA_NAME]).drop(columns=["_g", "_w", "_c"])
    return out.reset_index(drop=True)[COLUMNS]


def area_alerts(model: Model, area: str, *, benchmark: str = "england", ci: str = "95") -> pd.DataFrame:
    """One area's early-warning list (the section a board pack can call)."""
    return alert_table(model, areas=[area], benchmark=benchmark, ci=ci)


def national_red_reds(model: Model, *, benchmark: str = "england", ci: str = "95") -> pd.DataFrame:
    """Every CCG 2021 area's red-red indicators, by region (region, then severity)."""
    table = alert_table(model, benchmark=benchmark, ci=ci)
    reds = table[table["group"] == "red-red"]
    return reds.sort_values(["region_name", s.AREA_NAME, "short_name"], kind="stable").reset_index(drop=True)
