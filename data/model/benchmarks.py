"""Benchmark comparisons (England and region) and quintiles for every indicator row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.methods.quantiles import model_quintiles
from data.methods.stats import compare
from data.model import schema as s

KEYS = [s.INDICATOR_ID, s.PERIOD, s.SEX]


def add_comparisons(
    values: pd.DataFrame,
    catalogue: pd.DataFrame,
    areas: pd.DataFrame,
    national: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Fill the four comparison columns and the quintile column.

    England: the England row of the same indicator, period and sex, or, for the areas of a
    geography ``national`` has a row for (a sum of that geography's areas with data where
    England is partial: data.model.current.national_comparators), that row. Region: the row
    of the area's NHS region (2021 or 2022 set, whichever the areas table gives for
    the area's geography). Rows of England itself are not compared.
    """
    out = values.copy()
    region_of = areas.set_index([s.GEOGRAPHY, s.AREA_CODE])["region_code"]
    out["_region"] = pd.Series(
        region_of.reindex(pd.MultiIndex.from_arrays([out[s.GEOGRAPHY], out[s.AREA_CODE]])).to_numpy(),
        index=out.index,
    )
    england = out[out[s.GEOGRAPHY] == "england"].drop_duplicates(KEYS).set_index(KEYS)[s.VALUE]
    regions = (
        out[out[s.GEOGRAPHY].isin(s.REGION_GEOGRAPHIES)]
        .drop_duplicates(KEYS + [s.GEOGRAPHY, s.AREA_CODE])
        .set_index(KEYS + [s.GEOGRAPHY, s.AREA_CODE])[s.VALUE]
    )
    key = pd.MultiIndex.from_frame(out[KEYS])
    eng_value = england.reindex(key).to_numpy()
    if national is not None and len(national):
        own = national.drop_duplicates([*KEYS, s.GEOGRAPHY]).set_index([*KEYS, s.GEOGRAPHY])[s.VALUE]
        found = own.reindex(pd.MultiIndex.from_frame(out[[*KEYS, s.GEOGRAPHY]])).to_numpy()
        eng_value = np.where(np.isnan(found.astype(float)), eng_value, found)
    region_geo = out[s.GEOGRAPHY].map(s.region_geography)
    reg_key = pd.MultiIndex.from_arrays([out[c] for c in KEYS] + [region_geo, out["_region"]])
    reg_value = regions.reindex(reg_key).to_numpy()
    polarity = out[s.INDICATOR_ID].map(catalogue["polarity"]).fillna(s.POLARITY_NONE).to_numpy()
    is_england = (out[s.GEOGRAPHY] == "england").to_numpy()
    is_region = out[s.GEOGRAPHY].isin(s.REGION_GEOGRAPHIES).to_numpy()
    for level, lo, hi in (("95", s.LOWER95, s.UPPER95), ("998", s.LOWER998, s.UPPER998)):
        eng_cmp = np.full(len(out), s.NOT_COMPARED, dtype=object)
        reg_cmp = np.full(len(out), s.NOT_COMPARED, dtype=object)
        for pol in np.unique(polarity):
            m = polarity == pol
            eng_cmp[m] = compare(
                out[s.VALUE].to_numpy()[m], out[lo].to_numpy()[m], out[hi].to_numpy()[m], eng_value[m], pol
            )
            reg_cmp[m] = compare(
                out[s.VALUE].to_numpy()[m], out[lo].to_numpy()[m], out[hi].to_numpy()[m], reg_value[m], pol
            )
        eng_cmp[is_england] = s.NOT_COMPARED
        reg_cmp[is_england | is_region] = s.NOT_COMPARED
        out[s.CMP_ENGLAND_95 if level == "95" else s.CMP_ENGLAND_998] = eng_cmp
        out[s.CMP_REGION_95 if level == "95" else s.CMP_REGION_998] = reg_cmp
    out[s.QUINTILE] = model_quintiles(out, polarity)  # Fingertips' rule (data.methods.quantiles)
    out.loc[is_england | is_region, s.QUINTILE] = np.nan
    return out.drop(columns="_region")


# Rows made by the reader itself (or the same area under a new code): where an "England only"
# comparison (CQC's expected ranges, combined over the trusts) holds.
OWN_ROWS = ("published", "same area")
DERIVED_NOTE = (
    "not compared: a value made from other areas' values, to which CQC's expected-range comparison "
    "does not carry over (limits left out)"
)


def apply_compare_policy(values: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Blank the comparisons an indicator's policy (catalogue ``compare``) rules out.

    "England only" (inpatient scores attributed from trusts, compared through CQC's expected
    ranges, which are drawn around the national mean): region and peer columns become "Not
    compared"; and on rows the build derived from other areas' rows (apportioned, population-
    weighted: sub-ICB locations that changed, ICBs), whose limits would treat correlated values as
    independent, the limits are left out and nothing is compared, said in the note. "values only":
    every comparison column. Categories "on request" (GP FFT) are kept: the views hide them unless
    asked (``data.queries.view_frames.shows_categories``).
    """
    if "compare" not in catalogue.columns:
        return values
    policy = values[s.INDICATOR_ID].map(catalogue["compare"]).fillna(s.COMPARE_CATEGORIES)
    cmp_cols = [c for c in values.columns if c.startswith("cmp_")]
    england = {s.CMP_ENGLAND_95, s.CMP_ENGLAND_998}
    out = values.copy()
    for rule, columns in (
        (s.COMPARE_ENGLAND_ONLY, [c for c in cmp_cols if c not in england]),
        (s.COMPARE_VALUES, cmp_cols),
    ):
        hit = (policy == rule).to_numpy()
        if hit.any() and columns:
            out.loc[hit, columns] = s.NOT_COMPARED
    derived = (
        (policy == s.COMPARE_ENGLAND_ONLY)
        & ~out[s.HARMONISATION].isin(OWN_ROWS)
        & (out[s.GEOGRAPHY] != "england")
    ).to_numpy(dtype=bool)
    if derived.any():
        out.loc[derived, cmp_cols] = s.NOT_COMPARED
        out.loc[derived, [s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998]] = np.nan
        note = out.loc[derived, s.NOTE].fillna("").astype(str)
        out.loc[derived, s.NOTE] = np.where(note == "", DERIVED_NOTE, note + "; " + DERIVED_NOTE)
    return out
