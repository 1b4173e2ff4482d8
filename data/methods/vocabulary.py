"""The words the statistical methods share with the model: the long table's columns, the
comparison categories and the polarities.

Indicator rows follow Fingertips' long shape (one row per indicator, area, period and sex);
the methods read and write these columns and nothing else of the model. ``data.model.schema``
re-exports every name here, so the rest of the app keeps one vocabulary.
"""

from __future__ import annotations

# --- the long indicator table ------------------------------------------------
INDICATOR_ID = "indicator_id"
AREA_CODE = "area_code"
AREA_NAME = "area_name"
GEOGRAPHY = "geography"
PERIOD = "period"  # label, e.g. "2022/23", "2018-07", "Nov 2020"
PERIOD_START = "period_start"  # sortable start date (datetime64)
SEX = "sex"  # "Persons" | "Male" | "Female"
VALUE = "value"
LOWER95 = "lower95"
UPPER95 = "upper95"
LOWER998 = "lower998"
UPPER998 = "upper998"
COUNT = "count"
DENOMINATOR = "denominator"
CMP_ENGLAND_95 = "cmp_england_95"
CMP_ENGLAND_998 = "cmp_england_998"
CMP_REGION_95 = "cmp_region_95"
CMP_REGION_998 = "cmp_region_998"
QUINTILE = "quintile"  # 1..5 where 5 is best (or highest if no polarity); NaN otherwise
NOTE = "note"
HARMONISATION = "harmonisation"  # "published" | "merged" | "apportioned" | "ods-match" | "aggregated"

# --- comparison categories (METHODS.md) --------------------------------------
BETTER, SIMILAR, WORSE = "Better", "Similar", "Worse"
HIGHER, LOWER = "Higher", "Lower"
NOT_COMPARED = "Not compared"
CATEGORIES = [BETTER, SIMILAR, WORSE, HIGHER, LOWER, NOT_COMPARED]

# --- catalogue ------------------------------------------------------------------
POLARITY_HIGH_GOOD = "higher is better"
POLARITY_LOW_GOOD = "lower is better"
POLARITY_NONE = "no judgement"
