"""Putting indicators onto CCG 2021 boundaries, and adding areas up to their parents.

Counts and denominators are what move between geographies: a CCG that merged whole
into a CCG 2021 adds its counts; a CCG that was split is apportioned by area share
(from a polygon overlay, see geo.lineage) and marked "apportioned". Statistics are
then recomputed from the sums, never averaged (METHODS.md, "Aggregating areas").
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from data import schema as s
from data.stats import add_statistics

log = logging.getLogger(__name__)

KEYS = [s.INDICATOR_ID, s.PERIOD, s.PERIOD_START, s.SEX]
# Statistics that are count / denominator x multiplier, so sums of counts and of
# denominators give the right value for a larger area. "mean" and "ratio" count
# only when the reader derived additive counts and the CI is not a published one.
AGGREGABLE = {"proportion", "rate"}
ADDITIVE_WITHOUT_CI = {"mean", "ratio"}
OLD_CCG_VINTAGES = ("ccg13", "ccg16", "ccg17", "ccg18", "ccg19", "ccg20")


def is_aggregable(meta: pd.Series | dict) -> bool:
    """True when the statistic is a ratio of two additive quantities."""
    if meta["statistic"] in AGGREGABLE:
        return True
    return meta["statistic"] in ADDITIVE_WITHOUT_CI and meta["ci_method"] == "none"


def recompute(frame: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Recompute value and CIs from count and denominator, indicator by indicator."""
    parts = []
    for indicator_id, part in frame.groupby(s.INDICATOR_ID, sort=False):
        meta = catalogue.loc[indicator_id]
        part = part.copy()
        for col in (s.VALUE, s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998):
            part[col] = np.nan
        if meta["statistic"] in ("proportion", "rate"):
            part = add_statistics(part, meta["statistic"], float(meta["multiplier"]))
        else:
            ok = part[s.DENOMINATOR] > 0
            part[s.VALUE] = np.where(
                ok, part[s.COUNT] / part[s.DENOMINATOR] * float(meta["multiplier"]), np.nan
            )
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else frame.iloc[0:0]


def _empty_like(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[0:0].copy()


def harmonise_old_vintages(
    values: pd.DataFrame, catalogue: pd.DataFrame, lineage: pd.DataFrame, ccg21_names: pd.Series
) -> tuple[pd.DataFrame, list[str]]:
    """CCG 2013..2020 rows re-expressed on CCG 2021 areas.

    Aggregable indicators: counts and denominators are moved by the lineage shares
    and summed; a CCG 2021 value is formed only when every predecessor that
    overlaps it has data for that period (otherwise the sum would be short).
    Other indicators are carried over only where the CCG 2021 area is the same
    area as one predecessor. Returns the new rows and notes for the inventory.
    """
    notes: list[str] = []
    out = []
    for vintage in OLD_CCG_VINTAGES:
        rows = values[values[s.GEOGRAPHY] == vintage]
        links = lineage[lineage["from_geography"] == vintage]
        if rows.empty or links.empty:
            continue
        expected = links.groupby("to_code")["from_code"].apply(frozenset)
        joined = rows.merge(links, left_on=s.AREA_CODE, right_on="from_code", how="left")
        unlinked = joined["to_code"].isna()
        if unlinked.any():
            codes = sorted(joined.loc[unlinked, s.AREA_CODE].unique())
            notes.append(
                f"{vintage}: {len(codes)} codes have no lineage to CCG 2021: {', '.join(codes[:10])}"
            )
        joined = joined[~unlinked]
        agg_ids = [i for i in joined[s.INDICATOR_ID].unique() if is_aggregable(catalogue.loc[i])]
        agg = joined[joined[s.INDICATOR_ID].isin(agg_ids)]
        agg = agg[agg[s.COUNT].notna() & agg[s.DENOMINATOR].notna()]
        if not agg.empty:
            agg = agg.assign(
                **{
                    s.COUNT: agg[s.COUNT] * agg["share"],
                    s.DENOMINATOR: agg[s.DENOMINATOR] * agg["share"],
                    "_apportioned": agg["method"] == "apportioned",
                }
            )
            grouped = agg.groupby(KEYS + ["to_code"], dropna=False, sort=False).agg(
                **{
                    s.COUNT: (s.COUNT, "sum"),
                    s.DENOMINATOR: (s.DENOMINATOR, "sum"),
                    "_apportioned": ("_apportioned", "any"),
                    "_sources": ("from_code", frozenset),
                    "_n": ("from_code", "size"),
                }
            )
            grouped = grouped.reset_index()
            complete = [
                src >= expected.get(code, frozenset())
                for src, code in zip(grouped["_sources"], grouped["to_code"])
            ]
            incomplete = int(len(grouped) - sum(complete))
            if incomplete:
                notes.append(
                    f"{vintage}: {incomplete} CCG 2021 values not formed because a predecessor had no data"
                )
            grouped = grouped[complete]
            grouped[s.HARMONISATION] = np.where(grouped["_apportioned"], "apportioned", "merged")
            grouped[s.NOTE] = np.where(
                grouped["_apportioned"],
                f"Harmonised from {s.GEOGRAPHIES[vintage]}: includes parts of split areas, apportioned by area",
                f"Harmonised from {s.GEOGRAPHIES[vintage]}: predecessors added up",
            )
            grouped = grouped.rename(columns={"to_code": s.AREA_CODE}).drop(
                columns=["_apportioned", "_sources", "_n"]
            )
            out.append(recompute(grouped, catalogue))
        # Non-additive statistics: only where the CCG 2021 area is one predecessor, whole.
        plain = joined[~joined[s.INDICATOR_ID].isin(agg_ids)]
        if not plain.empty:
            # Every link counts: an area with one whole predecessor plus apportioned parts of
            # others is not the same area as that predecessor.
            one_to_one = links.groupby("to_code")["from_code"].nunique() == 1
            same = set(one_to_one[one_to_one].index)
            whole_from = set(links.loc[links["method"] == "merged", "from_code"])
            keep = plain["to_code"].isin(same) & plain["from_code"].isin(whole_from)
            carried = plain[keep].copy()
            carried[s.AREA_CODE] = carried["to_code"]
            carried[s.HARMONISATION] = "same area"
            carried[s.NOTE] = f"Published for {s.GEOGRAPHIES[vintage]}; the same area in April 2021"
            out.append(carried)
    if not out:
        return _empty_like(values), notes
    result = pd.concat(out, ignore_index=True)
    result[s.GEOGRAPHY] = s.HOME_GEOGRAPHY
    result[s.AREA_NAME] = result[s.AREA_CODE].map(ccg21_names)
    return result.reindex(columns=values.columns), notes


def bridge_sicbl22(values: pd.DataFrame, bridge: pd.DataFrame) -> pd.DataFrame:
    """Sub-ICB 2022 rows shown on CCG 2021 areas, matched on the ODS code (1:1).

    ``bridge`` has columns sicbl22_code, ccg21_code, redrawn. Six Sub-ICB locations
    were redrawn in July 2022; their rows carry a note saying so.
    """
    rows = values[values[s.GEOGRAPHY] == "sicbl22"]
    if rows.empty:
        return _empty_like(values)
    joined = rows.merge(bridge, left_on=s.AREA_CODE, right_on="sicbl22_code", how="inner")
    joined[s.AREA_CODE] = joined["ccg21_code"]
    joined[s.GEOGRAPHY] = s.HOME_GEOGRAPHY
    joined[s.HARMONISATION] = "ods-match"
    redrawn_note = (
        "Sub-ICB location 2022 shown on its April 2021 CCG polygon (same ODS code); "
        "its boundary was redrawn in July 2022, so the areas differ slightly"
    )
    base_note = joined[s.NOTE].fillna("").astype(str)
    joined[s.NOTE] = np.where(
        joined["redrawn"].astype(bool),
        np.where(base_note == "", redrawn_note, base_note + "; " + redrawn_note),
        base_note,
    )
    return joined.reindex(columns=values.columns)


def aggregate_up(
    ccg21_rows: pd.DataFrame,
    catalogue: pd.DataFrame,
    hierarchy: pd.DataFrame,
    existing: pd.DataFrame,
    names: dict[str, pd.Series],
) -> pd.DataFrame:
    """STP 2021, NHS region 2021 and England rows summed from CCG 2021 rows.

    Only for additive statistics, only where the source did not publish that
    parent itself, and (for STPs and regions) only when every member CCG has data;
    England from partial coverage is formed but says how many CCGs it covers.
    """
    agg_ids = [i for i in ccg21_rows[s.INDICATOR_ID].unique() if is_aggregable(catalogue.loc[i])]
    base = ccg21_rows[
        ccg21_rows[s.INDICATOR_ID].isin(agg_ids)
        & ccg21_rows[s.COUNT].notna()
        & ccg21_rows[s.DENOMINATOR].notna()
    ]
    if base.empty:
        return _empty_like(ccg21_rows)
    h = hierarchy.set_index("ccg21_code")
    published = set(zip(existing[s.INDICATOR_ID], existing[s.GEOGRAPHY], existing[s.PERIOD], existing[s.SEX]))
    n_ccg = len(h)
    out = []
    for geography, parent_col in (("stp21", "stp21_code"), ("nhser21", "nhser21_code"), ("england", None)):
        parent = base[s.AREA_CODE].map(h[parent_col]) if parent_col else pd.Series(s.ENGLAND_CODE, base.index)
        members = h[parent_col].value_counts() if parent_col else pd.Series({s.ENGLAND_CODE: n_ccg})
        frame = base.assign(_parent=parent)
        grouped = (
            frame.groupby(KEYS + ["_parent"], dropna=False, sort=False)
            .agg(
                **{
                    s.COUNT: (s.COUNT, "sum"),
                    s.DENOMINATOR: (s.DENOMINATOR, "sum"),
                    "_n": (s.AREA_CODE, "nunique"),
                    "_apportioned": (s.HARMONISATION, lambda h_: (h_ == "apportioned").any()),
                }
            )
            .reset_index()
        )
        key = list(
            zip(grouped[s.INDICATOR_ID], [geography] * len(grouped), grouped[s.PERIOD], grouped[s.SEX])
        )
        grouped = grouped[[k not in published for k in key]]
        full = grouped["_n"] == grouped["_parent"].map(members)
        if geography != "england":
            grouped = grouped[full]
            note = np.where(
                grouped["_apportioned"], "Sum of CCG 2021 values, some apportioned", "Sum of CCG 2021 values"
            )
        else:
            note = np.where(
                full[grouped.index],
                "Sum of all CCG 2021 values",
                "Sum of the " + grouped["_n"].astype(str) + f" of {n_ccg} CCGs with data (partial coverage)",
            )
        grouped = grouped.assign(
            **{
                s.AREA_CODE: grouped["_parent"],
                s.GEOGRAPHY: geography,
                s.NOTE: note,
                s.HARMONISATION: "aggregated",
            }
        ).drop(columns=["_parent", "_n", "_apportioned"])
        grouped[s.AREA_NAME] = grouped[s.AREA_CODE].map(names.get(geography, pd.Series(dtype=str)))
        out.append(recompute(grouped, catalogue))
    result = pd.concat(out, ignore_index=True)
    return result.reindex(columns=ccg21_rows.columns)


def regions_2021_from_2022(values: pd.DataFrame, hierarchy: pd.DataFrame) -> pd.DataFrame:
    """NHS region 2021 rows taken from published 2022 region rows where the region is unchanged.

    Sub-ICB data bridged onto CCG 2021 needs a 2021 region to compare with. Where the
    source publishes only 2022 regions and no sum can be formed (e.g. a published ratio),
    a 2022 region with the same code and the same member areas is the same area: its row
    is reused. Midlands and North East and Yorkshire changed in July 2022 and get none.
    """
    members21 = hierarchy.groupby("nhser21_code")["ccg21_code"].apply(frozenset)
    members22 = hierarchy.groupby("nhser22_code")["ccg21_code"].apply(frozenset)
    same = {code for code in members22.index if members21.get(code) == members22[code]}
    r22 = values[(values[s.GEOGRAPHY] == "nhser22") & values[s.AREA_CODE].isin(same)]
    have21 = set(
        zip(*(values.loc[values[s.GEOGRAPHY] == "nhser21", c] for c in (s.INDICATOR_ID, s.PERIOD, s.SEX)))
    )
    bridged = set(
        values.loc[
            (values[s.GEOGRAPHY] == s.HOME_GEOGRAPHY) & (values[s.HARMONISATION] == "ods-match"),
            s.INDICATOR_ID,
        ]
    )
    keep = [
        ind in bridged and (ind, per, sex) not in have21
        for ind, per, sex in zip(r22[s.INDICATOR_ID], r22[s.PERIOD], r22[s.SEX])
    ]
    out = r22[keep].copy()
    out[s.GEOGRAPHY] = "nhser21"
    out[s.HARMONISATION] = "same area"
    out[s.NOTE] = "Published for the July 2022 region, which has the same member areas as in April 2021"
    return out
