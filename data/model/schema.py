"""Column names and vocabularies shared by every part of the data model (the statistical
vocabulary, ``data.methods.vocabulary``, re-exported here).

The long indicator table follows Fingertips' shape so that exports can use
Fingertips' column names directly (see ``FINGERTIPS_COLUMNS``).
"""

from __future__ import annotations

# The statistical vocabulary, re-exported: one vocabulary for the app.
from data.methods.vocabulary import (  # noqa: F401
    AREA_CODE,
    AREA_NAME,
    BETTER,
    CATEGORIES,
    CMP_ENGLAND_95,
    CMP_ENGLAND_998,
    CMP_REGION_95,
    CMP_REGION_998,
    COUNT,
    DENOMINATOR,
    GEOGRAPHY,
    HARMONISATION,
    HIGHER,
    INDICATOR_ID,
    LOWER,
    LOWER95,
    LOWER998,
    NOT_COMPARED,
    NOTE,
    PERIOD,
    PERIOD_START,
    POLARITY_HIGH_GOOD,
    POLARITY_LOW_GOOD,
    POLARITY_NONE,
    QUINTILE,
    SEX,
    SIMILAR,
    UPPER95,
    UPPER998,
    VALUE,
    WORSE,
)

# --- geographies -----------------------------------------------------------
# Keys used everywhere for a geography (boundary set / area type + vintage).
GEOGRAPHIES: dict[str, str] = {
    "ccg13": "CCG (April 2013)",
    "ccg15": "CCG (April 2015)",
    "ccg16": "CCG (April 2016)",
    "ccg17": "CCG (April 2017)",
    "ccg18": "CCG (April 2018)",
    "ccg19": "CCG (April 2019)",
    "ccg20": "CCG (April 2020)",
    "ccg21": "CCG (April 2021)",
    "sicbl22": "Sub-ICB location (July 2022)",
    "sicbl23": "Sub-ICB location (April 2023)",
    "stp21": "STP (April 2021)",
    "icb22": "ICB (July 2022)",
    "icb23": "ICB (April 2023)",
    "nhser21": "NHS England region (April 2021)",
    "nhser24": "NHS England region (January 2024)",
    "england": "England",
}
# Area codes: E38/E54/E40/E92 GSS codes for ccg20, ccg21, sicbl22, sicbl23, stp21,
# icb22, icb23, nhser21, nhser22, nhser24 and england; the 3-character ODS code for
# ccg13..ccg19 (their sources and boundaries are keyed by ODS code).
ENGLAND_CODE = "E92000001"
ENGLAND_NAME = "England"
HOME_GEOGRAPHY = "ccg21"
REGION_GEOGRAPHY = "nhser21"


INDICATOR_COLUMNS: list[str] = [
    INDICATOR_ID,
    AREA_CODE,
    AREA_NAME,
    GEOGRAPHY,
    PERIOD,
    PERIOD_START,
    SEX,
    VALUE,
    LOWER95,
    UPPER95,
    LOWER998,
    UPPER998,
    COUNT,
    DENOMINATOR,
    CMP_ENGLAND_95,
    CMP_ENGLAND_998,
    CMP_REGION_95,
    CMP_REGION_998,
    QUINTILE,
    NOTE,
    HARMONISATION,
]

DOMAINS: dict[str, str] = {
    "1": "Domain 1: Preventing people from dying prematurely",
    "2": "Domain 2: Enhancing quality of life for people with long-term conditions",
    "3": "Domain 3: Helping people to recover from episodes of ill health or injury",
    "4": "Domain 4: Ensuring that people have a positive experience of care",
    "5": "Domain 5: Treating and caring for people in a safe environment",
    "context": "Context",
}

CATALOGUE_COLUMNS: list[str] = [
    INDICATOR_ID,
    "name",
    "short_name",
    "domain",  # a key of DOMAINS
    "unit",  # "%", "per 100,000", "score", "count", ...
    "multiplier",  # 100 for %, 100000 per 100k, 1 otherwise
    "polarity",
    "statistic",  # "proportion" | "rate" | "ratio" | "mean" | "count" | "value"
    "ci_method",  # "Wilson" | "Byar's" | "published" | "none"
    "source",  # dataset id in the sources manifest
    "publisher",
    "licence",
    "definition",
    "caveats",
    "keywords",  # everyday words people search with ("friends and family", "inpatient", ...)
    "compare",  # a COMPARE_* policy: when benchmark categories may be shown
    "in_summaries",  # False: kept off the default spine, overview and board pack (own page only)
    "wording",  # a survey question's wording, verbatim, only where a public source states it
    "wording_source",  # where that wording (or the item's meaning) is stated: file in the repo + locator
    # breaks in the time series: JSON list of {period, start, reason, source} (data.methods.trend
    # SeriesBreak), "" for none; trends are not computed across a break
    "series_breaks",
]

# Comparison policy of an indicator (catalogue column "compare"): when may views show
# better/worse categories? The categories are computed for every row either way.
COMPARE_CATEGORIES = "categories"  # by default (Fingertips' rule)
COMPARE_ON_REQUEST = "on request"  # only when a person asks, with the caveat beside them (GP FFT)
COMPARE_ENGLAND_ONLY = "England only"  # against England only; region and peers not compared
COMPARE_VALUES = "values only"  # never: shown as values (no sampling error to judge)
COMPARE_POLICIES = (COMPARE_CATEGORIES, COMPARE_ON_REQUEST, COMPARE_ENGLAND_ONLY, COMPARE_VALUES)

# --- Fingertips export columns -------------------------------------------------
FINGERTIPS_COLUMNS: list[str] = [
    "Indicator ID",
    "Indicator Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Compared to England value or percentiles",
]

# --- areas table ------------------------------------------------------------------
AREA_COLUMNS: list[str] = [
    GEOGRAPHY,
    AREA_CODE,
    "ods_code",
    AREA_NAME,
    "parent_code",  # STP/ICB for ccg21/sicbl22/sicbl23, else empty
    "region_code",  # NHS region (E40) of the area's own region set (region_geography) where known
    "region_name",
    "short_name",  # a label for tight spaces, never cut mid-word (sicbl23, icb23, nhser24; else empty)
    "former_name",  # the CCG 2021 name of a sub-ICB location 2023 (else empty)
]

# Regions as published in 2022/23 files (codes changed with the July 2022 boundaries).
GEOGRAPHIES["nhser22"] = "NHS England region (July 2022)"


# The region set each geography's areas are compared with (and drawn inside): the July 2022
# sets with the 2022 codes, the April 2023 sets with the January 2024 regions (the same
# member sub-ICB locations as 2022/2023; two regions got new codes), all else April 2021.
REGION_GEOGRAPHY_OF: dict[str, str] = {
    "sicbl22": "nhser22",
    "icb22": "nhser22",
    "sicbl23": "nhser24",
    "icb23": "nhser24",
    "nhser24": "nhser24",
}
REGION_GEOGRAPHIES: tuple[str, ...] = ("nhser21", "nhser22", "nhser24")
# Geographies that are comparators (England, regions), not areas a spine, grid or spread is made of.
COMPARATOR_GEOGRAPHIES: tuple[str, ...] = ("england", *REGION_GEOGRAPHIES)
# The current NHS geography (April 2023 on): sub-ICB locations nest in ICBs, ICBs in regions.
SUBICB_GEOGRAPHY = "sicbl23"
ICB_GEOGRAPHY = "icb23"
CURRENT_REGION_GEOGRAPHY = "nhser24"


def region_geography(geography: str) -> str:
    """The region set an area of ``geography`` belongs to (see REGION_GEOGRAPHY_OF)."""
    return REGION_GEOGRAPHY_OF.get(geography, "nhser21")


# The lineage crosswalk (model.lineage): which predecessor area makes up which successor, with
# the people behind each share and the evidence for it. The boundary overlays add the land shares.
LINEAGE_COLUMNS: list[str] = [
    "from_geography",
    "from_code",
    "to_geography",
    "to_code",
    "share",
    "method",
    "population",
    "share_of_to",
    "weight",
    "people_source",
    "evidence",
]
