"""The spine and overview frames, precomputed at model build (what does not depend on the request).

``spine_focus`` holds the spine chart's rows for every possible focus area and ``overview_cells``
the overview grid of the app's geography; ``data.queries.view_frames`` cuts them per request.
"""

from __future__ import annotations

import re

import pandas as pd

from data.model import schema as s
from data.model.harmonise import is_partial_comparator


def natural_key(text: str) -> str:
    """Sort key in which numbers sort as numbers ("Question 3" before "Question 10")."""
    return re.sub(r"\d+", lambda m: m.group().zfill(6), text.lower())


SPINE_FRAME = "spine_focus"
OVERVIEW_FRAME = "overview_cells"
# The geographies whose overview grid the build makes: the app's home and the current NHS sets.
OVERVIEW_GEOGRAPHIES = (s.HOME_GEOGRAPHY, s.SUBICB_GEOGRAPHY, s.ICB_GEOGRAPHY)
NOT_AREAS = s.COMPARATOR_GEOGRAPHIES  # comparators, not areas a spine or grid is made of
ENGLAND = "England"
SPINE_FOCUS_COLUMNS = [
    s.GEOGRAPHY,
    s.AREA_CODE,
    s.INDICATOR_ID,
    s.PERIOD,
    "short_name",
    "domain",
    "polarity",
    "unit",
    "england_value",
    "min",
    "q25",
    "q75",
    "max",
    "n_areas",
    "comparator",
]


def comparator_names(values: pd.DataFrame) -> pd.DataFrame:
    """What the national comparator of each indicator and period (persons) really is: "England",
    or the name of a comparator summed from only some areas ("49 of 106 CCGs with data")."""
    eng = values[(values[s.GEOGRAPHY] == "england") & (values[s.SEX] == "Persons")]
    eng = eng.sort_values(s.PERIOD_START, kind="stable").drop_duplicates(
        [s.INDICATOR_ID, s.PERIOD], keep="last"
    )
    names = eng[s.AREA_NAME].astype(str)
    partial = names.map(is_partial_comparator).astype(bool)
    return pd.DataFrame(
        {
            s.INDICATOR_ID: eng[s.INDICATOR_ID].to_numpy(),
            s.PERIOD: eng[s.PERIOD].to_numpy(),
            "comparator": names.where(partial, ENGLAND).to_numpy(),
        }
    )


def with_comparator_names(
    frame: pd.DataFrame, values: pd.DataFrame, national: pd.DataFrame | None = None
) -> pd.DataFrame:
    """``frame`` (indicator, geography, period rows) with the ``comparator`` column: the name of the
    national comparator (``comparator_names``), or, for a geography with its own partial sum
    (``national``: "32 of 42 ICBs with data"), that sum's name."""
    out = frame.merge(comparator_names(values), on=[s.INDICATOR_ID, s.PERIOD], how="left")
    out["comparator"] = out["comparator"].fillna(ENGLAND)
    if national is not None and len(national):
        own = national[national[s.SEX] == "Persons"].drop_duplicates([s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD])
        own = own.set_index([s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD])[s.AREA_NAME]
        key = pd.MultiIndex.from_frame(out[[s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD]])
        found = pd.Series(own.reindex(key).to_numpy(), index=out.index)
        out["comparator"] = found.where(found.notna(), out["comparator"])
    return out


def in_summaries(catalogue: pd.DataFrame) -> set[str]:
    """Indicators the default spine, overview and board pack show: all but those the catalogue keeps
    on their own page (``in_summaries`` False: survey questions whose wording no source states)."""
    if "in_summaries" not in catalogue.columns:
        return set(catalogue.index)
    keep = catalogue["in_summaries"].map(lambda v: True if pd.isna(v) else bool(v))
    return set(catalogue.index[keep.to_numpy(dtype=bool)])


def spine_focus(
    values: pd.DataFrame, catalogue: pd.DataFrame, dist: pd.DataFrame, national: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The spine chart's rows for every possible focus area, without the areas' own values.

    Only indicators ``in_summaries`` (unworded survey questions stay on their survey's page).

    Per geography, area and indicator (persons): the latest period in which the area has a
    value, the spread of every area's values in that period (min, quartiles, max), the
    centre (England; the median where no England value exists, said in the name) and the
    comparator's name (where England is only some areas, said in the name too).
    """
    here = values[
        (values[s.SEX] == "Persons")
        & ~values[s.GEOGRAPHY].isin(NOT_AREAS)
        & values[s.VALUE].notna()
        & values[s.INDICATOR_ID].isin(in_summaries(catalogue))
    ]
    keys = [s.GEOGRAPHY, s.AREA_CODE, s.INDICATOR_ID]
    latest = (
        here.sort_values(s.PERIOD_START, kind="stable").groupby(keys, sort=False).tail(1)[[*keys, s.PERIOD]]
    )
    spread = dist[dist[s.SEX] == "Persons"].drop(columns=[s.SEX])
    base = latest.merge(spread, on=[s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD], how="left")
    for col in ("short_name", "domain", "polarity", "unit"):
        base[col] = base[s.INDICATOR_ID].map(catalogue[col])
    # No England value published or formed: centre on the median and say so.
    missing = base["england_value"].isna() & base["median"].notna()
    base.loc[missing, "england_value"] = base.loc[missing, "median"]
    base.loc[missing, "short_name"] = (
        base.loc[missing, "short_name"] + " (no England value: centred on the median)"
    )
    base = with_comparator_names(base, values, national)
    partial = base["comparator"] != ENGLAND  # the centre line is not England for these: say so
    base.loc[partial, "short_name"] = (
        base.loc[partial, "short_name"] + " (centre: " + base.loc[partial, "comparator"] + ")"
    )
    return _display_order(base, [s.AREA_CODE, s.GEOGRAPHY], [])[SPINE_FOCUS_COLUMNS]


def _display_order(frame: pd.DataFrame, first: list[str], last: list[str]) -> pd.DataFrame:
    """Rows sorted by ``first``, then as the charts list indicators (outcome domains in order,
    then the name with numbers as numbers: "Question 3" before "Question 10"), then ``last``:
    each block of ``first`` is contiguous and already in the order a view shows it."""
    order = {k: i for i, k in enumerate(s.DOMAINS)}
    keyed = frame.assign(
        _d=frame["domain"].astype(str).map(order).fillna(99),
        _n=frame["short_name"].astype(str).map(natural_key),
    )
    keyed = keyed.sort_values([*first, "_d", "_n", *last], kind="stable")
    return keyed.drop(columns=["_d", "_n"]).reset_index(drop=True)


def overview_cells(
    values: pd.DataFrame,
    availability: pd.DataFrame,
    catalogue: pd.DataFrame,
    areas: pd.DataFrame,
    geographies: tuple[str, ...] = (s.HOME_GEOGRAPHY,),
    national: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The overview grid of the geographies (the app's: CCG 2021): each indicator's latest period
    (persons), one row per area with its value and every comparison column, in the order the
    grid shows them (outcome domains, then indicator name with numbers as numbers, then area).
    Only indicators ``in_summaries``, as for the spine."""
    avail = availability[
        availability[s.INDICATOR_ID].isin(in_summaries(catalogue))
        & availability[s.GEOGRAPHY].isin(geographies)
        & ~availability[s.GEOGRAPHY].isin(NOT_AREAS)
        & (availability[s.SEX] == "Persons")
        & (availability["n_values"] > 0)
    ]
    latest = avail.sort_values("period_start").groupby([s.GEOGRAPHY, s.INDICATOR_ID]).tail(1)
    keep = [s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD, s.SEX]
    cmp_cols = [c for c in values.columns if c.startswith("cmp_")]
    limits = [s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998]  # for a comparison made at request time
    rows = values[[s.AREA_CODE, s.AREA_NAME, *keep, s.VALUE, *limits, *cmp_cols]].merge(
        latest[keep], on=keep, how="inner"
    )
    rows = with_comparator_names(rows, values, national)
    rows["short_name"] = rows[s.INDICATOR_ID].map(catalogue["short_name"])
    rows["domain"] = rows[s.INDICATOR_ID].map(catalogue["domain"])
    rows["unit"] = rows[s.INDICATOR_ID].map(catalogue["unit"])
    region = areas.drop_duplicates([s.GEOGRAPHY, s.AREA_CODE]).set_index([s.GEOGRAPHY, s.AREA_CODE])[
        "region_code"
    ]
    rows["region_code"] = region.reindex(
        pd.MultiIndex.from_frame(rows[[s.GEOGRAPHY, s.AREA_CODE]])
    ).to_numpy()
    return _display_order(rows, [s.GEOGRAPHY], [s.AREA_NAME]).drop(columns=[s.SEX])
