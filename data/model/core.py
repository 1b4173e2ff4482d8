"""The shape of the read-only data model: the frames every view reads, and what each indicator has.

``Model`` is built by ``data.model.build`` and read from the disk cache by ``data.model.store``
(``load_model()``); both import it from here, so neither imports the other's module at load.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from data.model import schema as s


@dataclass(frozen=True)
class Availability:
    """One indicator's geographies, sexes and periods (oldest first, overall and per geography)."""

    geographies: frozenset[str]
    sexes: frozenset[str]
    periods: tuple[str, ...]
    periods_by_geography: MappingProxyType


def availability_index(avail: pd.DataFrame | None) -> dict[str, Availability]:
    """``Availability`` per indicator from the build's availability frame (one pass, no pandas per row)."""
    if avail is None or avail.empty:
        return {}
    ordered = avail.sort_values("period_start", kind="stable")
    found: dict[str, tuple[set, set, dict, dict]] = {}
    columns = (s.INDICATOR_ID, s.GEOGRAPHY, s.SEX, s.PERIOD)
    for indicator, geography, sex, period in zip(*(ordered[c].tolist() for c in columns), strict=True):
        geos, sexes, periods, by_geo = found.setdefault(indicator, (set(), set(), {}, {}))
        geos.add(geography)
        sexes.add(sex)
        periods.setdefault(period, None)
        by_geo.setdefault(geography, {}).setdefault(period, None)
    return {
        indicator: Availability(
            frozenset(geos),
            frozenset(sexes),
            tuple(periods),
            MappingProxyType({g: tuple(p) for g, p in by_geo.items()}),
        )
        for indicator, (geos, sexes, periods, by_geo) in found.items()
    }


def methods_index(frame: pd.DataFrame | None) -> dict[tuple[str, str], dict]:
    """The build's geography_methods rows by (indicator_id, geography): how each indicator's values
    on each geography were made, or why there are none (the first row of a pair)."""
    if frame is None or frame.empty:
        return {}
    index: dict[tuple[str, str], dict] = {}
    for row in frame.to_dict("records"):
        index.setdefault((row[s.INDICATOR_ID], row[s.GEOGRAPHY]), row)
    return index


@dataclass(frozen=True)
class Model:
    """Every frame the app reads. Treat as read-only: nothing may modify it."""

    indicators: pd.DataFrame  # long table, schema.INDICATOR_COLUMNS
    catalogue: pd.DataFrame  # indexed by indicator_id; CATALOGUE_COLUMNS + geographies, periods
    areas: pd.DataFrame  # schema.AREA_COLUMNS (+ gss_code)
    demographics: pd.DataFrame  # one row per CCG 2021, indexed by area_code
    demographic_catalogue: pd.DataFrame  # indexed by id
    lineage: pd.DataFrame  # from_geography, from_code, to_code, share, method
    layers: pd.DataFrame  # browser layers: layer, n_areas, tolerance_deg, bytes
    inventory: pd.DataFrame  # one row per dataset
    problems: pd.DataFrame  # every rejected row: dataset, file, row, column, value, reason
    frames: Mapping[str, pd.DataFrame]  # hierarchy, practices, peers, inequalities, ...
    geojson: dict[str, dict]  # layer -> FeatureCollection for the browser
    fingerprint: str
    build_notes: tuple[str, ...] = field(default=())
    # Row positions of each (indicator_id, geography, period, sex) slice, made at load.
    slices: dict[tuple[str, str, str, str], Any] = field(default_factory=dict, compare=False, repr=False)
    # What each indicator has (geographies, sexes, periods), from the availability frame, made at
    # load: every callback's selection is re-parsed against it, so it must be a dict lookup.
    available: dict[str, Availability] = field(default_factory=dict, compare=False, repr=False)
    # The geography_methods frame by (indicator_id, geography), made at load: the controls ask it
    # for every geography of the indicator on every change.
    methods: dict[tuple[str, str], dict] = field(default_factory=dict, compare=False, repr=False)

    def indicator(self, indicator_id: str) -> pd.Series:
        return self.catalogue.loc[indicator_id]

    def slice(self, indicator_id: str, geography: str, period: str, sex: str) -> pd.DataFrame:
        """The rows of one indicator, geography, period and sex (empty if none)."""
        pos = self.slices.get((indicator_id, geography, period, sex))
        if pos is None:
            return self.indicators.iloc[0:0]
        return self.indicators.iloc[pos]


FRAME_FIELDS = (
    "indicators",
    "catalogue",
    "areas",
    "demographics",
    "demographic_catalogue",
    "lineage",
    "layers",
    "inventory",
    "problems",
)


def area_names(model: Model, geography: str) -> pd.Series:
    areas = model.areas
    return areas.loc[areas[s.GEOGRAPHY] == geography].set_index(s.AREA_CODE)[s.AREA_NAME]
