"""Indicators on the current NHS geography: sub-ICB locations and ICBs (April 2023) and NHS
England regions (January 2024), made at build from what the sources publish.

Sub-ICB location 2023 (``sicbl23``), for every indicator, in this order (the first that has a
row for an indicator, period and sex wins for all its areas):

1. rows published for sub-ICB 2023/2024 codes (SICBL23 = SICBL24);
2. Sub-ICB 2022 rows under the 2023 code of the same ODS code. Every sub-ICB source the app reads
   counts registered patients of GP practices, and no practice changed sub-ICB in April 2023: the
   two codes that changed (92A E38000246 -> E38000264, 70F E38000248 -> E38000265) changed for 4
   LSOAs of residents (Chichester 001A-D, 6,814 people), whose practice (Loxwood, H82031) was
   already in 70F. So a 2022 series and a 2023+ series join into one, said in the row's note;
3. CCG 2021 rows (published, or harmonised from older CCG sets) through the lineage in people
   (whole LSOAs, ONS mid-2019): an area that is one whole CCG 2021 keeps its row ("same area"); the
   8 that changed get counts moved by population share and summed, or population-weighted means of
   non-additive values (data.model.harmonise), marked "apportioned".

ICB 2023 (``icb23``): rows published for ICBs (2023 codes, or the July 2022 code of the same ODS
code: the membership of every ICB is unchanged); else, for additive statistics, counts and
denominators summed over ALL the ICB's sub-ICB locations with limits recomputed ("aggregated");
else the population-weighted mean of the sub-ICB values ("population-weighted": weights are the
sub-ICB rows' own denominators where all have one, else ONS mid-2022 populations), marked as an
approximation with approximate limits. An ICB some of whose members have no value is left out,
except for trust results attributed to the area hosting each trust (the CQC community mental
health survey: a CCG's value is the mean of the trusts headquartered in it, named in its note),
where an ICB's value is the mean of the trusts headquartered in any of its members ("trust mean",
the source's own rule one level up) and an ICB hosting none has no value.

Region 2024 (``nhser24``): published 2024 region rows; July 2022 region rows (the same member
sub-ICB locations, two of them re-coded) under their 2024 code; else sums over all member sub-ICB
locations (data.model.harmonise.regions_from_members).

Where England's value is summed from only some CCGs (GP appointments: 49 of 106), the sub-ICB and
ICB views compare with the sum of their own areas with data ("32 of 42 ICBs with data"), named as
it is (``national_comparators``), never with a sum of other units.

``geography_methods`` says, per indicator and geography, how its rows were made or why there are
none, for the selector and the page.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from data.model import schema as s
from data.model.harmonise import (
    KEYS,
    Z95,
    Z998,
    harmonise_old_vintages,
    is_aggregable,
    is_partial_comparator,
    nearest_period_denominators,
    partial_label,
    recompute,
)

log = logging.getLogger(__name__)

SUBICB, ICB, REGION = s.SUBICB_GEOGRAPHY, s.ICB_GEOGRAPHY, s.CURRENT_REGION_GEOGRAPHY
POPULATION_WEIGHTED = "population-weighted"
TRUST_MEAN = "trust mean"
# Rows whose value is the unweighted mean of the trusts headquartered in the area, named in the note
# as "Name (CODE), Name (CODE)" (data.readers.mental_health).
HOST_NOTE = r"^Unweighted mean of the .* scores of:"
TRUST_CODE = r"\(([A-Z0-9]{3,5})\)"
METHOD_COLUMNS = [s.INDICATOR_ID, s.GEOGRAPHY, "status", "n_areas", "n_of", "how"]


def current_hierarchy(areas: pd.DataFrame) -> pd.DataFrame:
    """One row per sub-ICB location 2023: its ODS code, ICB 2023, region 2024, and the CCG 2021 and
    Sub-ICB 2022 of the same ODS code."""
    a = areas.drop_duplicates([s.GEOGRAPHY, s.AREA_CODE])
    sub = a[a[s.GEOGRAPHY] == SUBICB]
    ods_to = {
        g: a[a[s.GEOGRAPHY] == g].drop_duplicates("ods_code").set_index("ods_code")[s.AREA_CODE]
        for g in ("ccg21", "sicbl22")
    }
    return pd.DataFrame(
        {
            "sicbl23_code": sub[s.AREA_CODE].to_numpy(),
            "ods_code": sub["ods_code"].to_numpy(),
            "icb23_code": sub["parent_code"].to_numpy(),
            "nhser24_code": sub["region_code"].to_numpy(),
            "ccg21_code": sub["ods_code"].map(ods_to["ccg21"]).to_numpy(),
            "sicbl22_code": sub["ods_code"].map(ods_to["sicbl22"]).to_numpy(),
        }
    ).reset_index(drop=True)


def _names(areas: pd.DataFrame, geography: str) -> pd.Series:
    a = areas[areas[s.GEOGRAPHY] == geography].drop_duplicates(s.AREA_CODE)
    return a.set_index(s.AREA_CODE)[s.AREA_NAME]


def _keys(frame: pd.DataFrame) -> set[tuple]:
    return set(zip(frame[s.INDICATOR_ID], frame[s.PERIOD], frame[s.SEX]))


def _not_in(frame: pd.DataFrame, taken: set[tuple]) -> pd.DataFrame:
    if frame.empty or not taken:
        return frame
    mask = [k not in taken for k in zip(frame[s.INDICATOR_ID], frame[s.PERIOD], frame[s.SEX])]
    return frame[mask]


def _append_note(frame: pd.DataFrame, text: str | pd.Series) -> pd.Series:
    base = frame[s.NOTE].fillna("").astype(str)
    return np.where(base == "", text, base + "; " + text)


def subicb_values(
    values: pd.DataFrame, catalogue: pd.DataFrame, lineage: pd.DataFrame, areas: pd.DataFrame
) -> tuple[pd.DataFrame, list[str]]:
    """Sub-ICB location 2023 rows for every indicator not published for it (see the module docstring)."""
    notes: list[str] = []
    h = current_hierarchy(areas)
    names = _names(areas, SUBICB)
    published = values[values[s.GEOGRAPHY] == SUBICB]
    parts: list[pd.DataFrame] = []
    taken = _keys(published)

    # 2. Sub-ICB 2022 rows under the 2023 code of the same ODS code (registered patients).
    old = _not_in(values[values[s.GEOGRAPHY] == "sicbl22"], taken)
    if len(old):
        to23 = h.dropna(subset=["sicbl22_code"]).set_index("sicbl22_code")["sicbl23_code"]
        moved = old.assign(**{s.AREA_CODE: old[s.AREA_CODE].map(to23)})
        lost = moved[s.AREA_CODE].isna()
        if lost.any():
            notes.append(f"{SUBICB}: {int(lost.sum())} Sub-ICB 2022 rows have no 2023 area of their ODS code")
        moved = moved[~lost].copy()
        recoded = moved[s.AREA_CODE].to_numpy() != old.loc[~lost.to_numpy(), s.AREA_CODE].to_numpy()
        moved[s.GEOGRAPHY] = SUBICB
        moved[s.HARMONISATION] = "same area"
        text = np.where(
            recoded,
            "Published for the Sub-ICB location (July 2022) "
            + old.loc[~lost.to_numpy(), s.AREA_CODE].to_numpy()
            + ": the same practices in April 2023 under a new code (4 LSOAs of residents, Chichester "
            "001A-D, moved from Surrey Heartlands to West Sussex; registered-patient counts do not change)",
            "Published for the Sub-ICB location (July 2022): the same area and code in April 2023",
        )
        moved[s.NOTE] = _append_note(moved, pd.Series(text, index=moved.index))
        parts.append(moved)
        taken |= _keys(moved)

    # 3. CCG 2021 rows through the lineage in people.
    links = lineage[(lineage.get("to_geography") == SUBICB) & (lineage["from_geography"] == "ccg21")]
    ccg21 = _not_in(values[values[s.GEOGRAPHY] == "ccg21"], taken)
    if len(ccg21) and len(links):
        n_from = links.groupby("to_code")["from_code"].transform("nunique")
        same = links[(links["method"] == "merged") & (n_from == 1)]
        carried = ccg21.merge(same[["from_code", "to_code"]], left_on=s.AREA_CODE, right_on="from_code")
        carried[s.AREA_CODE] = carried["to_code"]
        carried[s.GEOGRAPHY] = SUBICB
        carried[s.NOTE] = _append_note(carried, "CCG 2021 area: the same area as the sub-ICB location 2023")
        carried = carried.drop(columns=["from_code", "to_code"])
        rest_links = links[~links["to_code"].isin(same["to_code"])]
        predecessors = set(rest_links["from_code"])
        moved, h_notes = harmonise_old_vintages(
            ccg21[ccg21[s.AREA_CODE].isin(predecessors)],
            catalogue,
            rest_links,
            names,
            vintages=("ccg21",),
            target=SUBICB,
        )
        notes += h_notes
        parts += [carried, moved]
    if not parts:
        return values.iloc[0:0], notes
    out = pd.concat([p for p in parts if len(p)], ignore_index=True).reindex(columns=values.columns)
    out[s.GEOGRAPHY] = SUBICB
    out[s.AREA_NAME] = out[s.AREA_CODE].map(names).fillna(out[s.AREA_NAME])
    notes.append(
        f"{SUBICB}: {len(out):,} rows ("
        + ", ".join(f"{k} {n}" for k, n in out[s.HARMONISATION].value_counts().items())
        + ")"
    )
    return out, notes


def by_ods(values: pd.DataFrame, areas: pd.DataFrame, source: str, target: str) -> pd.DataFrame:
    """``source`` rows under the ``target`` code of the same ODS code (ICB 2022 -> 2023: same members)."""
    rows = values[values[s.GEOGRAPHY] == source]
    if rows.empty:
        return rows
    a = areas.drop_duplicates([s.GEOGRAPHY, s.AREA_CODE])
    ods = a[a[s.GEOGRAPHY] == source].set_index(s.AREA_CODE)["ods_code"]
    to = a[a[s.GEOGRAPHY] == target].drop_duplicates("ods_code").set_index("ods_code")[s.AREA_CODE]
    code = rows[s.AREA_CODE].map(ods).map(to)
    out = rows[code.notna()].copy()
    old_code = out[s.AREA_CODE].copy()
    out[s.AREA_CODE] = code[code.notna()]
    out[s.GEOGRAPHY] = target
    out[s.HARMONISATION] = "same area"
    changed = out[s.AREA_CODE] != old_code
    text = np.where(
        changed,
        f"Published for the {s.GEOGRAPHIES.get(source, source)} " + old_code + " (same ODS code and members)",
        f"Published for the {s.GEOGRAPHIES.get(source, source)} (same code and members)",
    )
    out[s.NOTE] = _append_note(out, pd.Series(text, index=out.index))
    return out


def icb_values(
    values: pd.DataFrame,
    subicb: pd.DataFrame,
    catalogue: pd.DataFrame,
    areas: pd.DataFrame,
    population: pd.Series,
) -> tuple[pd.DataFrame, list[str]]:
    """ICB 2023 rows the sources do not publish: published for ICB 2022, else summed from sub-ICB 2023
    counts, else population-weighted (``subicb``: every sub-ICB 2023 row, published or made)."""
    notes: list[str] = []
    h = current_hierarchy(areas)
    members = h.groupby("icb23_code")["sicbl23_code"].nunique()
    names = _names(areas, ICB)
    published = values[values[s.GEOGRAPHY] == ICB]
    bridged = _not_in(by_ods(values, areas, "icb22", ICB), _keys(published))
    taken = _keys(published) | _keys(bridged)
    base = _not_in(subicb, taken).assign(
        _icb=lambda f: f[s.AREA_CODE].map(h.set_index("sicbl23_code")["icb23_code"])
    )
    base = base[base["_icb"].notna() & base[s.VALUE].notna()]
    hosted = base.groupby(s.INDICATOR_ID)[s.NOTE].agg(lambda n: n.str.contains(HOST_NOTE).all())
    hosted = set(hosted[hosted].index)
    additive = {
        i for i in base[s.INDICATOR_ID].unique() if is_aggregable(catalogue.loc[i]) and i not in hosted
    }
    summed = _sum_members(base[base[s.INDICATOR_ID].isin(additive)], members, catalogue)
    weighted = _weighted_members(
        base[~base[s.INDICATOR_ID].isin(additive | hosted)], members, population, areas
    )
    trusts = _trust_means(base[base[s.INDICATOR_ID].isin(hosted)])
    out = pd.concat([bridged, summed, weighted, trusts], ignore_index=True).reindex(columns=values.columns)
    out[s.GEOGRAPHY] = ICB
    out[s.AREA_NAME] = out[s.AREA_CODE].map(names).fillna(out[s.AREA_NAME])
    notes.append(
        f"{ICB}: {len(out):,} rows ("
        + ", ".join(f"{k} {n}" for k, n in out[s.HARMONISATION].value_counts().items())
        + ")"
    )
    return out, notes


def _complete(grouped: pd.DataFrame, members: pd.Series) -> pd.Series:
    return grouped["_n"] == grouped["_icb"].map(members)


def _sum_members(base: pd.DataFrame, members: pd.Series, catalogue: pd.DataFrame) -> pd.DataFrame:
    rows = base[base[s.COUNT].notna() & base[s.DENOMINATOR].notna()]
    if rows.empty:
        return rows.iloc[0:0]
    grouped = (
        rows.groupby(KEYS + ["_icb"], sort=False)
        .agg(
            **{
                s.COUNT: (s.COUNT, "sum"),
                s.DENOMINATOR: (s.DENOMINATOR, "sum"),
                "_n": (s.AREA_CODE, "nunique"),
                "_apportioned": (s.HARMONISATION, lambda x: (x == "apportioned").any()),
            }
        )
        .reset_index()
    )
    grouped = grouped[_complete(grouped, members)].copy()
    grouped[s.AREA_CODE] = grouped["_icb"]
    grouped[s.HARMONISATION] = "aggregated"
    grouped[s.NOTE] = np.where(
        grouped["_apportioned"],
        "Sum of its sub-ICB locations' counts and denominators (limits recomputed); some sub-ICB values apportioned",
        "Sum of its sub-ICB locations' counts and denominators (limits recomputed)",
    )
    return recompute(grouped.drop(columns=["_icb", "_n", "_apportioned"]), catalogue)


def _weighted_members(
    base: pd.DataFrame, members: pd.Series, population: pd.Series, areas: pd.DataFrame
) -> pd.DataFrame:
    """Population-weighted means of non-additive sub-ICB values (all members needed)."""
    if base.empty:
        return base.iloc[0:0]
    rows = base.copy()
    pop, pop_period = nearest_period_denominators(rows)
    key = pd.MultiIndex.from_frame(rows[[s.INDICATOR_ID, s.SEX, s.PERIOD, s.AREA_CODE]])
    rows["_own"] = pop.reindex(key).to_numpy()
    rows["_own_period"] = pop_period.reindex(key).to_numpy()
    group = KEYS + ["_icb"]
    by = [rows[k] for k in group]
    own_ok = (rows["_own"] > 0).groupby(by, dropna=False).transform("all")
    rows["_w"] = np.where(own_ok, rows["_own"], rows[s.AREA_CODE].map(population))
    rows["_w_text"] = np.where(
        own_ok,
        np.where(
            rows["_own_period"] == rows[s.PERIOD],
            "weights: the sub-ICB locations' own denominators",
            "weights: the sub-ICB locations' "
            + rows["_own_period"].astype(str)
            + " populations (the source gives none for "
            + rows[s.PERIOD].astype(str)
            + ")",
        ),
        "weights: ONS mid-2022 populations of the sub-ICB locations",
    )
    rows = rows[(rows["_w"] > 0).groupby(by, dropna=False).transform("all")]
    se95 = (rows[s.UPPER95] - rows[s.LOWER95]) / (2 * Z95)
    rows = rows.assign(
        _wv=rows["_w"] * rows[s.VALUE],
        _wse2=(rows["_w"] * se95) ** 2,
    )
    grouped = (
        rows.groupby(group, sort=False)
        .agg(
            _w=("_w", "sum"),
            _wv=("_wv", "sum"),
            _wse2=("_wse2", lambda x: x.sum(min_count=len(x))),
            _n=(s.AREA_CODE, "nunique"),
            _w_text=("_w_text", "max"),
        )
        .reset_index()
    )
    grouped = grouped[_complete(grouped, members) & (grouped["_w"] > 0)].copy()
    grouped[s.VALUE] = grouped["_wv"] / grouped["_w"]
    se = np.sqrt(grouped["_wse2"]) / grouped["_w"]
    for z, lo, hi in ((Z95, s.LOWER95, s.UPPER95), (Z998, s.LOWER998, s.UPPER998)):
        grouped[lo] = grouped[s.VALUE] - z * se
        grouped[hi] = grouped[s.VALUE] + z * se
    grouped[s.AREA_CODE] = grouped["_icb"]
    grouped[s.HARMONISATION] = POPULATION_WEIGHTED
    limits = np.where(se.notna(), "; limits approximate (normal, from the sub-ICB limits)", "; no limits")
    grouped[s.NOTE] = (
        "Population-weighted mean of its " + grouped["_n"].astype(str) + " sub-ICB locations' values: an "
        "approximation, not the ICB's own statistic (" + grouped["_w_text"] + ")" + limits
    )
    return grouped.drop(columns=["_icb", "_w", "_wv", "_wse2", "_n", "_w_text"])


def _trust_means(base: pd.DataFrame) -> pd.DataFrame:
    """The mean of the trusts headquartered in each ICB: sum(n_trusts x value) / sum(n_trusts) over
    its members with a value (each member's value is the mean of the trusts its note names)."""
    if base.empty:
        return base.iloc[0:0]
    rows = base.assign(_n=base[s.NOTE].str.count(TRUST_CODE).clip(lower=1))
    rows = rows.assign(
        _nv=rows["_n"] * rows[s.VALUE], _codes=rows[s.NOTE].str.findall(TRUST_CODE).map(", ".join)
    )
    grouped = (
        rows.groupby(KEYS + ["_icb"], sort=False)
        .agg(_n=("_n", "sum"), _nv=("_nv", "sum"), _codes=("_codes", lambda c: ", ".join(x for x in c if x)))
        .reset_index()
    )
    grouped[s.VALUE] = grouped["_nv"] / grouped["_n"]
    grouped[s.AREA_CODE] = grouped["_icb"]
    grouped[s.HARMONISATION] = TRUST_MEAN
    grouped[s.NOTE] = (
        "Unweighted mean of the "
        + grouped["_n"].astype(int).astype(str)
        + " trust(s) headquartered in the ICB ("
        + grouped["_codes"]
        + "), the source's rule for an area; no limits"
    )
    return grouped.drop(columns=["_icb", "_n", "_nv", "_codes"])


def regions_2024_from_2022(values: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """July 2022 region rows under their 2024 code (matched by name: the same member sub-ICB
    locations; East of England and North West were re-coded in 2024)."""
    rows = values[values[s.GEOGRAPHY] == "nhser22"]
    if rows.empty:
        return rows
    a = areas.drop_duplicates([s.GEOGRAPHY, s.AREA_CODE])

    def key(name: pd.Series) -> pd.Series:
        return name.astype(str).str.lower().str.replace(r"[^a-z]", "", regex=True)

    r22 = a[a[s.GEOGRAPHY] == "nhser22"]
    r24 = a[a[s.GEOGRAPHY] == REGION]
    code24 = pd.Series(r24[s.AREA_CODE].to_numpy(), index=key(r24[s.AREA_NAME]))
    to24 = pd.Series(key(r22[s.AREA_NAME]).map(code24).to_numpy(), index=r22[s.AREA_CODE].to_numpy())
    taken = _keys(values[values[s.GEOGRAPHY] == REGION])
    rows = _not_in(rows, taken)
    code = rows[s.AREA_CODE].map(to24)
    out = rows[code.notna()].copy()
    old = out[s.AREA_CODE].copy()
    out[s.AREA_CODE] = code[code.notna()]
    out[s.GEOGRAPHY] = REGION
    out[s.HARMONISATION] = "same area"
    out[s.NOTE] = _append_note(
        out,
        pd.Series(
            np.where(
                out[s.AREA_CODE] != old,
                "Published for the July 2022 region " + old + ": the same member areas, re-coded in 2024",
                "Published for the July 2022 region: the same code and member areas in 2024",
            ),
            index=out.index,
        ),
    )
    return out


def geography_methods(values: pd.DataFrame, catalogue: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Per indicator and geography (the current sets and CCG 2021): how its rows were made, or why
    there are none. ``status``: published | same area | summed | population-weighted | apportioned |
    partial | none; ``how`` says it in a sentence (the selector and the page show it)."""
    n_of = areas.drop_duplicates([s.GEOGRAPHY, s.AREA_CODE]).groupby(s.GEOGRAPHY)[s.AREA_CODE].nunique()
    rows = []
    for geography in ("ccg21", SUBICB, ICB, REGION):
        here = values[(values[s.GEOGRAPHY] == geography) & values[s.VALUE].notna()]
        by_ind = dict(tuple(here.groupby(s.INDICATOR_ID, sort=False)))
        label = s.GEOGRAPHIES[geography]
        for indicator_id in catalogue.index:
            part = by_ind.get(indicator_id)
            total = int(n_of.get(geography, 0))
            if part is None or part.empty:
                status, n, how = "none", 0, _why_none(values, catalogue, indicator_id, geography)
            else:
                latest = part.sort_values(s.PERIOD_START)[s.PERIOD].iloc[-1]
                now = part[part[s.PERIOD] == latest]
                n = int(now[s.AREA_CODE].nunique())
                counts = now[s.HARMONISATION].map(lambda h: STATUS.get(h, h)).value_counts()
                status = counts.index[0]
                how = "; ".join(
                    f"{k} areas {_how(st, catalogue.loc[indicator_id])}"
                    if len(counts) > 1
                    else _how(st, catalogue.loc[indicator_id])
                    for st, k in counts.items()
                )
                if n < total:
                    how += (
                        f"; {n} of {total} areas have a value in {latest} (the others: {_short_of(status)})"
                    )
                    if status in ("summed", POPULATION_WEIGHTED):
                        status = "partial"
            rows.append(
                {
                    s.INDICATOR_ID: indicator_id,
                    s.GEOGRAPHY: geography,
                    "status": status,
                    "n_areas": n,
                    "n_of": total,
                    "how": f"{label}: {how}",
                }
            )
    return pd.DataFrame(rows, columns=METHOD_COLUMNS)


STATUS = {"aggregated": "summed", "ods-match": "same area", "merged": "summed"}


def _how(status: str, meta: pd.Series) -> str:
    return {
        "published": "as published",
        "same area": "as published for the same areas (earlier codes or vintages)",
        "summed": "counts and denominators summed from smaller areas, limits recomputed",
        POPULATION_WEIGHTED: f"population-weighted means of smaller areas' values (a {meta['statistic']} cannot "
        "be summed): an approximation",
        "apportioned": "moved from CCG 2021 areas by population share (whole LSOAs)",
        TRUST_MEAN: "the mean of the trusts headquartered in the area (the source's rule)",
    }.get(status, status)


def _short_of(status: str) -> str:
    if status == TRUST_MEAN:
        return "host no trust"
    if status in ("published", "same area"):
        return "the source has no value"
    return "a member area has no data"


def _why_none(values: pd.DataFrame, catalogue: pd.DataFrame, indicator_id: str, geography: str) -> str:
    mine = values[values[s.INDICATOR_ID] == indicator_id]
    has = set(mine[s.GEOGRAPHY])
    if geography == REGION and (mine[s.HARMONISATION] == TRUST_MEAN).any():
        return "not shown: results of the trusts headquartered in each area, and the source publishes no region values"
    if geography == REGION and not is_aggregable(catalogue.loc[indicator_id]):
        return (
            f"not shown: values of this statistic ({catalogue.loc[indicator_id, 'statistic']}) cannot be summed "
            "to regions, and the source publishes no region values"
        )
    if not has - set(s.COMPARATOR_GEOGRAPHIES):
        return "not shown: the source publishes national values only"
    return "not shown: no area of this geography has every member area with data"


NATIONAL_FRAME = "national_comparators"
# Geographies whose areas compare with a sum of their own areas where England is partial.
OWN_PARTIAL_GEOGRAPHIES = (SUBICB, ICB)
AREA_PLURAL = {SUBICB: "sub-ICB locations", ICB: "ICBs"}


def national_comparators(values: pd.DataFrame, catalogue: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Per indicator, period and sex whose England row is a partial sum (``partial_label``), and per
    geography of ``OWN_PARTIAL_GEOGRAPHIES``: the national comparator of that geography's areas, the
    sum of the counts and denominators of its areas with data (limits recomputed), named for them
    ("32 of 42 ICBs with data"). Rows in the indicator table's columns, ``geography`` the areas'
    geography the comparator is for, ``area_code`` England's; empty when no England is partial."""
    eng = values[
        (values[s.GEOGRAPHY] == "england") & values[s.AREA_NAME].map(is_partial_comparator).astype(bool)
    ]
    if eng.empty:
        return values.iloc[0:0].copy()
    keys = set(zip(eng[s.INDICATOR_ID], eng[s.PERIOD], eng[s.SEX]))
    n_of = areas.drop_duplicates([s.GEOGRAPHY, s.AREA_CODE]).groupby(s.GEOGRAPHY)[s.AREA_CODE].nunique()
    here = values[
        values[s.GEOGRAPHY].isin(OWN_PARTIAL_GEOGRAPHIES)
        & values[s.VALUE].notna()
        & values[s.COUNT].notna()
        & values[s.DENOMINATOR].notna()
    ]
    wanted = [k in keys for k in zip(here[s.INDICATOR_ID], here[s.PERIOD], here[s.SEX])]
    here = here[wanted]
    if here.empty:
        return values.iloc[0:0].copy()
    grouped = (
        here.groupby([*KEYS, s.GEOGRAPHY], sort=False)
        .agg(
            **{
                s.COUNT: (s.COUNT, "sum"),
                s.DENOMINATOR: (s.DENOMINATOR, "sum"),
                "_n": (s.AREA_CODE, "nunique"),
            }
        )
        .reset_index()
    )
    total = grouped[s.GEOGRAPHY].map(n_of).fillna(0).astype(int)
    grouped[s.AREA_CODE] = s.ENGLAND_CODE
    grouped[s.AREA_NAME] = [
        partial_label(n, m, AREA_PLURAL[g]) for n, m, g in zip(grouped["_n"], total, grouped[s.GEOGRAPHY])
    ]
    grouped[s.HARMONISATION] = "aggregated"
    grouped[s.NOTE] = [
        f"Not England: the sum of the {n} of {m} {AREA_PLURAL[g]} with data (partial coverage; "
        "counts and denominators summed, limits recomputed)"
        for n, m, g in zip(grouped["_n"], total, grouped[s.GEOGRAPHY])
    ]
    out = recompute(grouped.drop(columns="_n"), catalogue)
    return out.reindex(columns=values.columns).reset_index(drop=True)
