"""Putting indicators onto CCG 2021 boundaries, and adding areas up to their parents.

Counts and denominators are what move between geographies: a CCG that merged whole
into a CCG 2021 adds its counts; a CCG that was split is apportioned by POPULATION
share (piece populations estimated in geo.lineage.apportion_by_population) and marked
"apportioned". Statistics are then recomputed from the sums, never averaged
(METHODS.md, "Aggregating areas"). Non-additive values (DSRs, ISRs, means with
published limits, modelled values) are never summed: where a CCG 2021 area is not
one whole predecessor they are carried as population-weighted means of the
predecessors' values, and their notes say so.
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

from data.methods.stats import add_statistics
from data.model import schema as s

log = logging.getLogger(__name__)

KEYS = [s.INDICATOR_ID, s.PERIOD, s.PERIOD_START, s.SEX]
# Statistics that are count / denominator x multiplier, so sums of counts and of
# denominators give the right value for a larger area. "mean" and "ratio" count
# only when the reader derived additive counts and the CI is not a published one.
AGGREGABLE = {"proportion", "rate"}
ADDITIVE_WITHOUT_CI = {"mean", "ratio"}
OLD_CCG_VINTAGES = ("ccg13", "ccg16", "ccg17", "ccg18", "ccg19", "ccg20")
# Old vintages whose own (resident) populations are known, to fit the piece populations
# of split areas to: the population the published obesity admission rates imply
# (count / rate x 100,000), mid-2013. The 2016 set is the 2013 set with one whole merge
# (13T), so the same populations serve it. Later vintages have only registered list
# sizes, which differ from resident populations by 5-20% (more than their sliver
# pieces): they are apportioned by successor population density alone.
PREDECESSOR_POPULATION = {
    "ccg13": ("obesity_admissions", "2013/14", "ccg13"),
    "ccg16": ("obesity_admissions", "2013/14", "ccg13"),
}
# Registered patients (GP payments denominators) of the later vintages: used only as a
# check on their sliver pieces (geo.lineage.apportion_by_population, step 3).
REGISTERED_POPULATION = {
    vintage: ("gp_payments_per_patient", None, vintage) for vintage in ("ccg17", "ccg18", "ccg19", "ccg20")
}
WEIGHTED_NOTE = "population-weighted mean of the predecessors' published values (not recomputed from counts)"
Z95, Z998 = 1.959963984540054, 3.090232306167813


def predecessor_populations(
    values: pd.DataFrame, sources: dict[str, tuple[str, str | None, str]] | None = None
) -> dict[str, pd.Series]:
    """Population of every old CCG, per vintage, from ``sources`` (default PREDECESSOR_POPULATION):
    vintage -> (indicator, period or None for the earliest, geography), Persons denominators."""
    out: dict[str, pd.Series] = {}
    for vintage, (indicator_id, period, geography) in (sources or PREDECESSOR_POPULATION).items():
        rows = values[
            (values[s.INDICATOR_ID] == indicator_id)
            & (values[s.GEOGRAPHY] == geography)
            & (values[s.SEX] == "Persons")
        ]
        if period is None and len(rows):
            period = rows.sort_values(s.PERIOD_START)[s.PERIOD].iloc[0]
        pop = rows[rows[s.PERIOD] == period].set_index(s.AREA_CODE)[s.DENOMINATOR].dropna()
        if pop.empty:
            log.warning("no %s %s populations for %s: density weights only", indicator_id, period, vintage)
            continue
        pop.name = f"{indicator_id} {period} denominators"
        out[vintage] = pop
    return out


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
    values: pd.DataFrame,
    catalogue: pd.DataFrame,
    lineage: pd.DataFrame,
    ccg21_names: pd.Series,
    *,
    vintages: tuple[str, ...] = OLD_CCG_VINTAGES,
    target: str = s.HOME_GEOGRAPHY,
) -> tuple[pd.DataFrame, list[str]]:
    """CCG 2013..2020 rows re-expressed on CCG 2021 areas (or ``vintages`` on ``target``: CCG 2021
    on sub-ICB 2023, data.model.current; ``ccg21_names`` are then the target's names).

    Aggregable indicators: counts and denominators are moved by the lineage shares
    and summed; a CCG 2021 value is formed only when every predecessor that
    overlaps it has data for that period (otherwise the sum would be short).
    Other indicators are carried over only where the CCG 2021 area is the same
    area as one predecessor. Returns the new rows and notes for the inventory.
    """
    notes: list[str] = []
    out = []
    for vintage in vintages:
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
                f"{vintage}: {len(codes)} codes have no lineage to {s.GEOGRAPHIES[target]}: {', '.join(codes[:10])}"
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
                    f"{vintage}: {incomplete} {s.GEOGRAPHIES[target]} values not formed because a predecessor "
                    "had no data"
                )
            grouped = grouped[complete]
            grouped[s.HARMONISATION] = np.where(grouped["_apportioned"], "apportioned", "merged")
            grouped[s.NOTE] = np.where(
                grouped["_apportioned"],
                f"Harmonised from {s.GEOGRAPHIES[vintage]}: includes parts of split areas, apportioned by population",
                f"Harmonised from {s.GEOGRAPHIES[vintage]}: predecessors added up",
            )
            grouped = grouped.rename(columns={"to_code": s.AREA_CODE}).drop(
                columns=["_apportioned", "_sources", "_n"]
            )
            out.append(recompute(grouped, catalogue))
        # Non-additive statistics: the same area carries its value as published; any
        # other CCG 2021 area gets the population-weighted mean of its predecessors.
        plain = joined[~joined[s.INDICATOR_ID].isin(agg_ids)]
        if not plain.empty:
            carried, weighted, n_short = carry_non_additive(plain, links, expected, vintage, target)
            out += [carried, weighted]
            if n_short:
                notes.append(
                    f"{vintage}: {n_short} {s.GEOGRAPHIES[target]} non-additive values not formed because a "
                    "predecessor had no value (or no population to weight it by)"
                )
    if not out:
        return _empty_like(values), notes
    result = pd.concat(out, ignore_index=True)
    result[s.GEOGRAPHY] = target
    result[s.AREA_NAME] = result[s.AREA_CODE].map(ccg21_names)
    return result.reindex(columns=values.columns), notes


def carry_non_additive(
    plain: pd.DataFrame,
    links: pd.DataFrame,
    expected: pd.Series,
    vintage: str,
    target: str = s.HOME_GEOGRAPHY,
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Non-additive rows (joined to their lineage links) put onto CCG 2021.

    A CCG 2021 area that is one whole predecessor keeps that row as published ("same
    area"). Any other area with every predecessor present gets the mean of their
    values weighted by each piece's population (``population`` in the lineage); its
    95%/99.8% limits are the normal approximation from the predecessors' limits when
    all have them. Counts and denominators, where every predecessor has them, are moved
    by shares (they are additive); the value is never recomputed from them.
    Returns (same-area rows, weighted rows, number of areas left out as incomplete).
    """
    one_to_one = links.groupby("to_code")["from_code"].nunique() == 1
    same = set(one_to_one[one_to_one].index)
    whole_from = set(links.loc[links["method"] == "merged", "from_code"])
    keep = plain["to_code"].isin(same) & plain["from_code"].isin(whole_from)
    carried = plain[keep].copy()
    carried[s.AREA_CODE] = carried["to_code"]
    carried[s.HARMONISATION] = "same area"
    carried[s.NOTE] = f"Published for {s.GEOGRAPHIES[vintage]}; the same area as the {s.GEOGRAPHIES[target]}"
    rest = plain[~keep & plain[s.VALUE].notna()].copy()
    if rest.empty:
        return carried, _empty_like(plain), 0
    # Weights: the piece's share of the predecessor's own population (the row's denominator,
    # or where the source gives none for that period, the same area's population in the
    # NEAREST period that has one: 2010 and 2011 mortality take 2012's) where every predecessor
    # of the area has one; else the lineage's population of the piece (a real population,
    # never land: geo.lineage.apportion_by_population); else the value is not formed.
    group = KEYS + ["to_code"]
    base, base_period = nearest_period_denominators(plain.drop_duplicates([*KEYS, s.AREA_CODE]))
    key = pd.MultiIndex.from_frame(rest[[s.INDICATOR_ID, s.SEX, s.PERIOD, s.AREA_CODE]])
    rest["_pop"] = base.reindex(key).to_numpy()
    rest["_pop_period"] = base_period.reindex(key).to_numpy()
    own = rest["_pop"] * rest["share"]
    by_group = [rest[k] for k in group]
    own_ok = (own > 0).groupby(by_group, dropna=False).transform("all")
    fallback = rest["population"] if "population" in rest else pd.Series(np.nan, index=rest.index)
    rest["_w"] = own.where(own_ok, fallback)
    rest["_w_ok"] = (rest["_w"] > 0).groupby(by_group, dropna=False).transform("all")
    rest["_w_note"] = np.where(own_ok, "", "; weights: the lineage's population estimates of the pieces")
    borrowed = own_ok & (rest["_pop_period"] != rest[s.PERIOD])
    rest.loc[borrowed, "_w_note"] = (
        "; weights: the predecessors' "
        + rest.loc[borrowed, "_pop_period"]
        + " populations (the source gives "
        "none for " + rest.loc[borrowed, s.PERIOD] + ")"
    )
    n_unweighted = int(rest.loc[~rest["_w_ok"], "to_code"].nunique()) if (~rest["_w_ok"]).any() else 0
    rest = rest[rest["_w_ok"]].copy()
    if rest.empty:
        return carried, _empty_like(plain), n_unweighted
    rest["_wv"] = rest["_w"] * rest[s.VALUE]
    se95 = (rest[s.UPPER95] - rest[s.LOWER95]) / (2 * Z95)
    rest["_wse2"] = (rest["_w"] * se95) ** 2
    rest["_c"] = rest[s.COUNT] * rest["share"]
    rest["_d"] = rest[s.DENOMINATOR] * rest["share"]
    rest["_apportioned"] = rest["method"] == "apportioned"
    grouped = (
        rest.groupby(group, dropna=False, sort=False)
        .agg(
            _w=("_w", "sum"),
            _wv=("_wv", "sum"),
            _wse2=("_wse2", lambda x: x.sum(min_count=len(x))),
            **{
                s.COUNT: ("_c", lambda x: x.sum(min_count=len(x))),
                s.DENOMINATOR: ("_d", lambda x: x.sum(min_count=len(x))),
            },
            _apportioned=("_apportioned", "any"),
            _sources=("from_code", frozenset),
            _w_note=("_w_note", "max"),
        )
        .reset_index()
    )
    complete = np.array(
        [
            src >= expected.get(code, frozenset())
            for src, code in zip(grouped["_sources"], grouped["to_code"])
        ],
        dtype=bool,
    )
    n_short = int((~complete).sum()) + n_unweighted
    grouped = grouped[complete & (grouped["_w"] > 0)].copy()
    grouped[s.VALUE] = grouped["_wv"] / grouped["_w"]
    se = np.sqrt(grouped["_wse2"]) / grouped["_w"]
    for z, lo, hi in ((Z95, s.LOWER95, s.UPPER95), (Z998, s.LOWER998, s.UPPER998)):
        grouped[lo] = grouped[s.VALUE] - z * se
        grouped[hi] = grouped[s.VALUE] + z * se
    grouped[s.HARMONISATION] = np.where(grouped["_apportioned"], "apportioned", "merged")
    limits = np.where(
        se.notna(), "; limits approximate (normal, from the predecessors' limits)", "; no limits"
    )
    split = np.where(grouped["_apportioned"], ", including parts of split areas", "")
    grouped[s.NOTE] = (
        f"Harmonised from {s.GEOGRAPHIES[vintage]}: {WEIGHTED_NOTE}"
        + pd.Series(split, grouped.index)
        + grouped["_w_note"]
        + limits
    )
    grouped = grouped.rename(columns={"to_code": s.AREA_CODE})
    return carried, grouped.reindex(columns=plain.columns.drop(["to_code"], errors="ignore")), n_short


def nearest_period_denominators(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each row's population for weighting: its denominator, or where it has none, the
    denominator of the same indicator, sex and area in the nearest period that has one (ties go
    to the later period). Returns (population, the period it comes from), indexed by
    (indicator_id, sex, period, area_code); NaN where no period of the area has one.
    """
    keys = [s.INDICATOR_ID, s.SEX, s.PERIOD, s.AREA_CODE]
    rows = rows.drop_duplicates(keys)
    index = pd.MultiIndex.from_frame(rows[keys])
    population = pd.Series(rows[s.DENOMINATOR].where(rows[s.DENOMINATOR] > 0).to_numpy(), index=index)
    period = pd.Series(
        np.where(population.notna(), rows[s.PERIOD].to_numpy(), None), index=index, dtype=object
    )
    missing = population.isna().to_numpy()
    if not missing.any():
        return population, period
    series = [s.INDICATOR_ID, s.SEX, s.AREA_CODE]
    have = rows[rows[s.DENOMINATOR] > 0]
    donors = {k: g for k, g in have.groupby(series, sort=False)}
    for pos in np.flatnonzero(missing):
        row = rows.iloc[pos]
        donor = donors.get(tuple(row[c] for c in series))
        if donor is None:
            continue
        gap = (donor[s.PERIOD_START] - row[s.PERIOD_START]).abs()
        # nearest; of two equally near, the later
        best = donor.assign(_gap=gap).sort_values(["_gap", s.PERIOD_START], ascending=[True, False]).iloc[0]
        population.iloc[pos] = best[s.DENOMINATOR]
        period.iloc[pos] = best[s.PERIOD]
    return population, period


def bridge_sicbl22(values: pd.DataFrame, bridge: pd.DataFrame, geography: str = "sicbl22") -> pd.DataFrame:
    """Sub-ICB 2022 (or 2023: ``geography``) rows shown on CCG 2021 areas, matched on the ODS code (1:1).

    ``bridge`` has columns sicbl22_code (the sub-ICB code of ``geography``), ccg21_code, redrawn.
    Six Sub-ICB locations were redrawn in July 2022 (and two re-coded in April 2023); their rows
    carry a note saying so.
    """
    rows = values[values[s.GEOGRAPHY] == geography]
    if rows.empty:
        return _empty_like(values)
    joined = rows.merge(bridge, left_on=s.AREA_CODE, right_on="sicbl22_code", how="inner")
    joined[s.AREA_CODE] = joined["ccg21_code"]
    joined[s.GEOGRAPHY] = s.HOME_GEOGRAPHY
    joined[s.HARMONISATION] = "ods-match"
    when = "in July 2022" if geography == "sicbl22" else "since April 2021"
    redrawn_note = (
        f"{s.GEOGRAPHIES[geography]} shown on its April 2021 CCG polygon (same ODS code); "
        f"its boundary was redrawn {when}, so the areas differ slightly"
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
            note = np.where(full[grouped.index], "Sum of all CCG 2021 values", "").astype(object)
            partial = ~full[grouped.index].to_numpy()
            if partial.any():
                coverage = _coverage(frame, h, names.get("nhser21", pd.Series(dtype=str)))
                keys = list(zip(*(grouped.loc[partial, k] for k in KEYS)))
                note[partial] = [
                    f"Not England: the sum of the {n} of {n_ccg} CCGs with data (partial coverage; "
                    f"{coverage.get(k, '')})"
                    for n, k in zip(grouped.loc[partial, "_n"], keys)
                ]
        grouped = grouped.assign(
            _n_kept=grouped["_n"],
            **{
                s.AREA_CODE: grouped["_parent"],
                s.GEOGRAPHY: geography,
                s.NOTE: note,
                s.HARMONISATION: "aggregated",
            },
        ).drop(columns=["_parent", "_n", "_apportioned"])
        grouped[s.AREA_NAME] = (
            grouped[s.AREA_CODE].map(names.get(geography, pd.Series(dtype=str))).astype(object)
        )
        if geography == "england":
            grouped.loc[partial, s.AREA_NAME] = [
                partial_label(n, n_ccg) for n in grouped.loc[partial, "_n_kept"]
            ]
        out.append(recompute(grouped.drop(columns="_n_kept", errors="ignore"), catalogue))
    result = pd.concat(out, ignore_index=True)
    return result.reindex(columns=ccg21_rows.columns)


def partial_label(n_areas: int, n_all: int, areas: str = "CCGs") -> str:
    """What a comparator summed from only some areas is called (never "England"): "49 of 106 CCGs
    with data", "32 of 42 ICBs with data" (``areas``: what the areas are called, plural)."""
    return f"{n_areas} of {n_all} {areas} with data"


PARTIAL_NAME = re.compile(r"^\d[\d,]* of \d[\d,]* .+ with data$")


def is_partial_comparator(name: str) -> bool:
    """True for a comparator named by ``partial_label`` (a sum of only some areas)."""
    return bool(PARTIAL_NAME.match(str(name)))


def _coverage(frame: pd.DataFrame, h: pd.DataFrame, region_names: pd.Series) -> dict[tuple, str]:
    """Per indicator, period and sex: which NHS regions the CCGs with data cover, and how fully.

    E.g. "London all 5; Midlands 6 of 11; none from North East and Yorkshire, North West".
    """
    members = h["nhser21_code"].value_counts()
    region = frame[s.AREA_CODE].map(h["nhser21_code"])
    counts = frame.assign(_region=region).groupby(KEYS + ["_region"], dropna=False)[s.AREA_CODE].nunique()
    present: dict[tuple, dict[str, int]] = {}
    for (*key, code), n in counts.items():
        present.setdefault(tuple(key), {})[code] = int(n)
    out = {}
    for key, have in present.items():
        parts = []
        for code in sorted(members.index, key=lambda c: str(region_names.get(c, c))):
            name, total, n = region_names.get(code, code), int(members[code]), have.get(code, 0)
            if n:
                parts.append(f"{name} all {n}" if n == total else f"{name} {n} of {total}")
        absent = sorted(str(region_names.get(c, c)) for c in members.index if not have.get(c))
        if absent:
            parts.append("none from " + ", ".join(absent))
        out[key] = "; ".join(parts)
    return out


def regions_2021_from_2022(values: pd.DataFrame, hierarchy: pd.DataFrame) -> pd.DataFrame:
    """NHS region 2021 rows taken from published 2022 (or 2024) region rows where the region is unchanged.

    Sub-ICB data bridged onto CCG 2021 needs a 2021 region to compare with. Where the
    source publishes only 2022/2024 regions and no sum can be formed (e.g. a published ratio),
    a later region with the same member areas (by ODS code) is the same area: its row is
    reused under the 2021 code. Midlands and North East and Yorkshire changed in July 2022 and
    get none.
    """
    members21 = hierarchy.groupby("nhser21_code")["ods_code"].apply(frozenset)
    code21 = {m: c for c, m in members21.items()}
    frames = []
    for later in ("nhser22", "nhser24"):
        col = f"{later}_code"
        if col not in hierarchy:
            continue
        members = hierarchy.dropna(subset=[col]).groupby(col)["ods_code"].apply(frozenset)
        same = {c: code21[m] for c, m in members.items() if m in code21}
        rows = values[(values[s.GEOGRAPHY] == later) & values[s.AREA_CODE].isin(same)]
        frames.append(rows.assign(**{s.AREA_CODE: rows[s.AREA_CODE].map(same)}))
    r22 = pd.concat(frames, ignore_index=True) if frames else values.iloc[0:0]
    r22 = r22.drop_duplicates([s.INDICATOR_ID, s.PERIOD, s.SEX, s.AREA_CODE])
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
    out[s.NOTE] = (
        "Published for the July 2022 (or 2024) region, which has the same member areas as in April 2021"
    )
    return out


# Child geography -> (its region geography, hierarchy column of the child, of the region).
REGION_MEMBERS = {
    "ccg21": ("nhser21", "ccg21_code", "nhser21_code"),
    "sicbl22": ("nhser22", "sicbl22_code", "nhser22_code"),
    "sicbl23": ("nhser24", "sicbl23_code", "nhser24_code"),
}
COUNT_BASED = {"proportion", "rate", "ratio", "mean"}  # checked row by row: value = count / denominator


def regions_from_members(
    values: pd.DataFrame, catalogue: pd.DataFrame, hierarchy: pd.DataFrame, names: dict[str, pd.Series]
) -> tuple[pd.DataFrame, list[str]]:
    """Region rows the source did not publish, computed from every member area's counts.

    For indicators whose value is count / denominator x multiplier (checked row by row,
    so a published ratio of two additive quantities such as the dementia diagnosis rate
    qualifies), a missing NHS region row is Σ count / Σ denominator over ALL its member
    areas, so that "compared with region" does not silently become "not compared". Limits
    are recomputed for proportions (Wilson) and rates (Byar's), else left empty and said.
    Where members are missing the row is not formed, and the notes say how many and why.
    """
    notes: list[str] = []
    out = []
    have = set(
        zip(values[s.INDICATOR_ID], values[s.GEOGRAPHY], values[s.PERIOD], values[s.SEX], values[s.AREA_CODE])
    )
    for child, (region_geo, child_col, region_col) in REGION_MEMBERS.items():
        if not {child_col, region_col} <= set(hierarchy.columns):
            continue
        h = hierarchy.dropna(subset=[child_col, region_col]).drop_duplicates(child_col).set_index(child_col)
        members = h[region_col].value_counts()
        rows = values[
            (values[s.GEOGRAPHY] == child) & values[s.COUNT].notna() & values[s.DENOMINATOR].notna()
        ]
        rows = rows[rows[s.INDICATOR_ID].map(catalogue["statistic"]).isin(COUNT_BASED)]
        if rows.empty:
            continue
        mult = rows[s.INDICATOR_ID].map(catalogue["multiplier"]).astype(float)
        formed = rows[s.COUNT] / rows[s.DENOMINATOR] * mult
        # published values may be rounded (dementia: one decimal): within 0.5% is count / denominator
        consistent = (
            ((formed - rows[s.VALUE]).abs() <= 0.005 * rows[s.VALUE].abs().clip(lower=1))
            .groupby(rows[s.INDICATOR_ID])
            .all()
        )
        rows = rows[rows[s.INDICATOR_ID].map(consistent)]
        rows = rows.assign(_region=rows[s.AREA_CODE].map(h[region_col]))
        rows = rows[rows["_region"].notna()]
        missing = [
            (i, region_geo, p, x, r) not in have
            for i, p, x, r in zip(rows[s.INDICATOR_ID], rows[s.PERIOD], rows[s.SEX], rows["_region"])
        ]
        rows = rows[missing]
        if rows.empty:
            continue
        grouped = (
            rows.groupby(KEYS + ["_region"], sort=False)
            .agg(
                **{
                    s.COUNT: (s.COUNT, "sum"),
                    s.DENOMINATOR: (s.DENOMINATOR, "sum"),
                    "_n": (s.AREA_CODE, "nunique"),
                }
            )
            .reset_index()
        )
        grouped["_members"] = grouped["_region"].map(members)
        short = grouped[grouped["_n"] < grouped["_members"]]
        if len(short):
            notes.append(
                f"{region_geo}: {len(short)} region rows not computed from {s.GEOGRAPHIES.get(child, child)} "
                f"members because some members have no data (e.g. {short.iloc[0][s.INDICATOR_ID]} "
                f"{short.iloc[0][s.PERIOD]} {short.iloc[0]['_region']}: {short.iloc[0]['_n']} of "
                f"{short.iloc[0]['_members']})"
            )
        grouped = grouped[grouped["_n"] == grouped["_members"]].copy()
        if grouped.empty:
            continue
        grouped[s.AREA_CODE] = grouped["_region"]
        grouped[s.GEOGRAPHY] = region_geo
        grouped[s.AREA_NAME] = (
            grouped[s.AREA_CODE].map(names.get(region_geo, pd.Series(dtype=str))).astype(object)
        )
        grouped[s.HARMONISATION] = "aggregated"
        parts = []
        for indicator_id, part in grouped.groupby(s.INDICATOR_ID, sort=False):
            meta = catalogue.loc[indicator_id]
            recomputable = meta["statistic"] in AGGREGABLE  # Wilson / Byar's on the sums
            part = recompute(part, catalogue) if recomputable else part
            if not recomputable:
                part = part.assign(
                    **{c: np.nan for c in (s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998)},
                    **{s.VALUE: part[s.COUNT] / part[s.DENOMINATOR] * float(meta["multiplier"])},
                )
            limits = "" if recomputable else "; no limits (the source's method cannot be applied to sums)"
            part[s.NOTE] = (
                f"Computed from all {part['_n'].iloc[0]} member areas (sum of counts / sum of denominators): "
                f"the source publishes no row for this region{limits}"
            )
            parts.append(part)
        formed_rows = pd.concat(parts, ignore_index=True)
        notes.append(f"{region_geo}: {len(formed_rows)} region rows computed from their member areas")
        out.append(formed_rows.reindex(columns=values.columns))
    if not out:
        return _empty_like(values), notes
    return pd.concat(out, ignore_index=True), notes
