"""Early warning: indicators where an area is worse than its benchmark and getting worse.

For a CCG 2021 area, every indicator with a value (persons, latest period) is put in one
group, most severe first:

1. ``red-red``: significantly worse than the benchmark (its confidence interval excludes
   the benchmark on the bad side, Fingertips' rule) **and** the recent trend is significant
   in the worse direction ("... and getting worse": Fingertips' recent-trend rule over the
   last five comparable points, ``model.frames["trends"]``);
2. ``worse now``: worse than the benchmark, but the trend cannot be assessed (fewer than five
   points, a series break, no counts): shown, with why, not hidden among the unassessed;
3. ``worse``: worse than the benchmark, the trend assessed and not getting worse;
4. ``worsening``: not worse than the benchmark (yet), but getting worse;
5. ``not assessed``: not worse, and the trend cannot be calculated (counted, with the reason).

The benchmark is the view's one comparator (``data.queries.comparator``): for one area's list
the focus area's England (named as it really is: "49 of 106 CCGs with data" where England is
not complete), region or similar CCGs; the national list compares every CCG with England, its
region, or its own similar CCGs (said so). Each row carries the comparator's value and name, the
gap in the indicator's unit and the trend test in words.

Indicators the catalogue keeps off the summaries (``in_summaries``: survey questions with no
stated wording) are not listed, and a comparison the indicator's policy rules out (GP FFT's, unless
asked for) does not count as worse (``data.queries.comparator.compare_rows``).

Within a group, indicators worse at 99.8% come before those worse only at 95%, then by the
strength of the trend (chi-squared). Monthly series (dementia diagnosis, prescribing) count
like any other: five months are five points.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np
import pandas as pd

from data.methods.formatting import format_difference, format_number
from data.methods.trend import CHI2_THRESHOLD, NO_CHANGE, POINTS
from data.model import schema as s
from data.model.core import Model
from data.model.precomputed import in_summaries
from data.queries.comparator import Comparator, comparator_for, compare_rows, national_comparator

GROUPS = ("red-red", "worse now", "worse", "worsening", "not assessed")
SHOWN_GROUPS = GROUPS[:4]  # listed open on the page and in the pack; "not assessed" is counted
GROUP_TITLES = {
    "red-red": "Worse than the benchmark and getting worse",
    "worse now": "Worse than the benchmark now; trend cannot be assessed",
    "worse": "Worse than the benchmark, not getting worse",
    "worsening": "Getting worse, not (yet) worse than the benchmark",
    "not assessed": "Not worse; trend cannot be assessed",
}
COLUMNS = [
    "group",
    s.AREA_CODE,
    s.AREA_NAME,
    "region_code",
    "region_name",
    s.INDICATOR_ID,
    "short_name",
    "domain",
    s.PERIOD,
    s.VALUE,
    "unit",
    "comparator_value",
    "comparator_label",
    "comparator_method",
    "gap",
    "gap_text",
    "category",
    "category_998",
    "trend",
    "chi2",
    "n_points",
    "trend_words",
    "reason",
    "series_break",
]
CANNOT = "Cannot be calculated"


# The geographies with an early-warning list: CCG 2021 and the current NHS areas (their trends are
# made at build).
ALERT_GEOGRAPHIES = (s.HOME_GEOGRAPHY, s.SUBICB_GEOGRAPHY, s.ICB_GEOGRAPHY)


def latest_rows(
    model: Model, areas: list[str] | None = None, geography: str = s.HOME_GEOGRAPHY
) -> pd.DataFrame:
    """Each area's (of ``geography``) latest persons row of every indicator (with a value) that the
    summaries show (not the survey questions whose wording no source states: they stay on their
    own page)."""
    ind = model.indicators
    rows = ind[(ind[s.GEOGRAPHY] == geography) & (ind[s.SEX] == "Persons") & ind[s.VALUE].notna()]
    rows = rows[rows[s.INDICATOR_ID].isin(in_summaries(model.catalogue))]
    if areas is not None:
        rows = rows[rows[s.AREA_CODE].isin(areas)]
    return rows.sort_values(s.PERIOD_START).groupby([s.INDICATOR_ID, s.AREA_CODE]).tail(1)


def trend_words(trend: str, chi2: float, n_points: int, period: str, reason: str) -> str:
    """The recent-trend test in words: what it found, over which points, and its statistic
    against the threshold ("Decreasing and getting worse: significant over the 5 periods to
    2022/23 (chi-squared 3,506; 9.55 needed, p < 0.002)")."""
    if trend == CANNOT or not isinstance(trend, str):
        return f"Cannot be assessed: {reason}" if reason else "Cannot be assessed"
    stat = "" if chi2 is None or np.isnan(chi2) else f"chi-squared {format_number(chi2)}"
    needed = f"{CHI2_THRESHOLD:.2f} needed, p < 0.002"
    span = f"the {n_points or POINTS} periods to {period}"
    if trend == NO_CHANGE:
        if stat and chi2 > CHI2_THRESHOLD:
            return (
                f"No significant change over {span}: {stat} is above {CHI2_THRESHOLD:.2f}, but the "
                "direction does not hold when any one period is left out"
            )
        return f"No significant change over {span}" + (f" ({stat}; {needed})" if stat else "")
    return f"{trend}: significant over {span}" + (f" ({stat}; {needed})" if stat else "")


def alert_table(
    model: Model,
    *,
    areas: list[str] | None = None,
    benchmark: str = "england",
    ci: str = "95",
    comparator: Comparator | None = None,
    peer_set: str | None = None,
    geography: str = s.HOME_GEOGRAPHY,
    keep_all: bool = False,
) -> pd.DataFrame:
    """Every indicator of the areas (all areas of ``geography``, CCG 2021 by default, if None) in
    its early-warning group.

    ``keep_all`` keeps the indicators in no group too (group "other": not worse, trend assessed
    and not getting worse), so a board pack's key messages take their better-than rows from the
    same table as its warnings.

    ``comparator`` is the view's comparator; without one it is made from ``benchmark`` (england,
    region, peers or peers_<set>) and ``ci``: for one area, that area's; for several or all
    areas, the national list's (each CCG against its own similar CCGs for peers).
    """
    rows = latest_rows(model, areas, geography)
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    if comparator is None:
        if areas is not None and len(areas) == 1:
            comparator = comparator_for(
                model, benchmark, focus=areas[0], ci=ci, peer_set=peer_set, geography=geography
            )
        else:
            comparator = national_comparator(model, benchmark, ci=ci, peer_set=peer_set, geography=geography)
    trends = model.frames["trends"]
    trends = trends[(trends[s.GEOGRAPHY] == geography) & (trends[s.SEX] == "Persons")]
    wanted = [s.INDICATOR_ID, s.AREA_CODE, s.PERIOD, "trend", "chi2", "n_points", "reason"]
    if "series_break" in trends:
        wanted.append("series_break")
    rows = rows.merge(trends[wanted], on=[s.INDICATOR_ID, s.AREA_CODE, s.PERIOD], how="left")
    if "series_break" not in rows:
        rows["series_break"] = ""
    rows["trend"] = rows["trend"].fillna(CANNOT)
    rows["reason"] = rows["reason"].fillna("no trend for this period")
    rows["series_break"] = rows["series_break"].fillna("")
    rows["n_points"] = rows["n_points"].fillna(0)
    compared = compare_rows(model, rows, comparator)
    at_998 = compare_rows(model, rows, dataclasses.replace(comparator, ci="99.8"))
    worse = compared["category"].eq(s.WORSE).to_numpy()
    worsening = rows["trend"].str.endswith("getting worse").to_numpy()
    assessed = (rows["trend"] != CANNOT).to_numpy()
    group = np.select(
        [worse & worsening, worse & ~assessed, worse, worsening, ~assessed],
        ["red-red", "worse now", "worse", "worsening", "not assessed"],
        "other" if keep_all else "",
    )
    info = model.areas[model.areas[s.GEOGRAPHY] == geography].set_index(s.AREA_CODE)
    unit = rows[s.INDICATOR_ID].map(model.catalogue["unit"]).fillna("")
    gap = rows[s.VALUE].to_numpy(dtype=float) - compared["comparator_value"].to_numpy(dtype=float)
    out = pd.DataFrame(
        {
            "group": group,
            s.AREA_CODE: rows[s.AREA_CODE].to_numpy(),
            s.AREA_NAME: rows[s.AREA_CODE].map(info[s.AREA_NAME]).to_numpy(),
            "region_code": rows[s.AREA_CODE].map(info["region_code"]).to_numpy(),
            "region_name": rows[s.AREA_CODE].map(info["region_name"]).to_numpy(),
            s.INDICATOR_ID: rows[s.INDICATOR_ID].to_numpy(),
            "short_name": rows[s.INDICATOR_ID].map(model.catalogue["short_name"]).to_numpy(),
            "domain": rows[s.INDICATOR_ID].map(model.catalogue["domain"]).astype(str).to_numpy(),
            s.PERIOD: rows[s.PERIOD].to_numpy(),
            s.VALUE: rows[s.VALUE].to_numpy(),
            "unit": unit.to_numpy(),
            "comparator_value": compared["comparator_value"].to_numpy(dtype=float),
            "comparator_label": compared["comparator_label"].to_numpy(),
            "comparator_method": compared["comparator_method"].to_numpy(),
            "gap": gap,
            "gap_text": [format_difference(g, u) for g, u in zip(gap, unit, strict=True)],
            "category": compared["category"].to_numpy(),
            "category_998": at_998["category"].to_numpy(),
            "trend": rows["trend"].to_numpy(),
            "chi2": rows["chi2"].to_numpy(dtype=float),
            "n_points": rows["n_points"].to_numpy(dtype=float),
            "trend_words": [
                trend_words(t, c, int(n), p, r)
                for t, c, n, p, r in zip(
                    rows["trend"],
                    rows["chi2"].astype(float),
                    rows["n_points"],
                    rows[s.PERIOD],
                    rows["reason"],
                    strict=True,
                )
            ],
            "reason": np.where(assessed, "", rows["reason"].to_numpy()),
            "series_break": rows["series_break"].to_numpy(),
        }
    )
    out = out[out["group"] != ""]
    out = out.assign(
        _g=out["group"].map({g: i for i, g in enumerate(GROUPS)}).fillna(len(GROUPS)),
        _w=-(out["category_998"] == s.WORSE).astype(int),
        _c=-out["chi2"].fillna(0),
    )
    out = out.sort_values(["_g", "_w", "_c", "short_name", s.AREA_NAME]).drop(columns=["_g", "_w", "_c"])
    return out.reset_index(drop=True)[COLUMNS]


def area_alerts(
    model: Model,
    area: str,
    *,
    benchmark: str = "england",
    ci: str = "95",
    peer_set: str | None = None,
    geography: str = s.HOME_GEOGRAPHY,
) -> pd.DataFrame:
    """One area's (of ``geography``) early-warning list (the section a board pack can call), against
    the area's own comparator (peers: its similar CCGs' or ICBs' value)."""
    return alert_table(
        model, areas=[area], benchmark=benchmark, ci=ci, peer_set=peer_set, geography=geography
    )


def left_out_for_breaks(table: pd.DataFrame) -> pd.DataFrame:
    """How many rows of an alert table have no trend because of a series break, by indicator:
    indicator_id, short_name, series_break, n (rows), n_worse (of them worse now), reason."""
    columns = [s.INDICATOR_ID, "short_name", "series_break", "n", "n_worse", "reason"]
    hit = table[(table["series_break"] != "") & (table["trend"] == CANNOT)]
    if hit.empty:
        return pd.DataFrame(columns=columns)
    out = (
        hit.assign(_w=hit["category"].eq(s.WORSE))
        .groupby([s.INDICATOR_ID, "short_name", "series_break"], sort=True)
        .agg(n=(s.AREA_CODE, "size"), n_worse=("_w", "sum"), reason=("reason", "first"))
        .reset_index()
    )
    out["n_worse"] = out["n_worse"].astype(int)
    return out[columns]


def breaks_sentence(left_out: pd.DataFrame, *, what: str = "indicator results") -> str:
    """'12 indicator results not assessed because of a series break (QOF points achieved (%),
    2021/22)', or '' when none."""
    if left_out.empty:
        return ""
    n = int(left_out["n"].sum())
    which = "; ".join(f"{r.short_name}, {r.series_break}" for r in left_out.itertuples(index=False))
    if n == 1:  # "1 indicator result", not "1 indicator results"
        what = " ".join([*what.split()[:-1], what.split()[-1].removesuffix("s")])
    return f"{n:,} {what} not assessed because of a series break ({which})"


class NationalAlerts(NamedTuple):
    red_reds: pd.DataFrame  # every CCG's red-red rows, by region
    left_out: pd.DataFrame  # rows without a trend because of a series break (left_out_for_breaks)
    comparator: Comparator


def national_alerts(
    model: Model,
    *,
    benchmark: str = "england",
    ci: str = "95",
    peer_set: str | None = None,
    geography: str = s.HOME_GEOGRAPHY,
) -> NationalAlerts:
    """Every area's (of ``geography``: CCG 2021 by default) red-red indicators by region, and what a
    series break left out."""
    comp = national_comparator(model, benchmark, ci=ci, peer_set=peer_set, geography=geography)
    table = alert_table(model, ci=ci, comparator=comp, geography=geography)
    reds = table[table["group"] == "red-red"]
    reds = reds.sort_values(["region_name", s.AREA_NAME, "short_name"], kind="stable").reset_index(drop=True)
    return NationalAlerts(reds, left_out_for_breaks(table), comp)


def national_red_reds(
    model: Model,
    *,
    benchmark: str = "england",
    ci: str = "95",
    peer_set: str | None = None,
    geography: str = s.HOME_GEOGRAPHY,
) -> pd.DataFrame:
    """Every area's (of ``geography``) red-red indicators, by region (region, then severity)."""
    return national_alerts(model, benchmark=benchmark, ci=ci, peer_set=peer_set, geography=geography).red_reds
