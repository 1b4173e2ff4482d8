"""The read-only data API (``/api/v1``) and its documentation page (``/api``).

``ENDPOINTS`` declares every route once (``api.spec``); ``api.http`` serves them (JSON or CSV,
pagination, ETag, gzip, CORS, rate limit) and ``/api/v1/openapi.json`` describes the same
declarations; ``api.answers`` computes each answer from the model with the pages' rules.
"""

from __future__ import annotations

from dataclasses import replace

from api import answers
from api.spec import PREFIX, Endpoint, Param

_SELECTION = (
    Param(
        "geography",
        "Area type and vintage (see the indicator's `geographies`); default its home geography.",
        example="ccg21",
    ),
    Param(
        "period",
        "Time period label as listed in `first_period`..`latest_period`; default the latest. "
        "With neither `period` nor `areas`, every row of the indicator (all periods).",
    ),
    Param("sex", "Persons, Male or Female where the indicator has them; default Persons."),
    Param(
        "areas", "Comma-separated area codes (GSS or ODS, old CCG codes too), at most 6.", example="E38000089"
    ),
    Param(
        "benchmark",
        "What each area is compared with: england, region or peers.",
        {"type": "string", "enum": ["england", "region", "peers"]},
        example="england",
    ),
    Param(
        "peers",
        "The peer set when benchmark=peers: similar (nearest neighbours) or rightcare.",
        {"type": "string", "enum": ["similar", "rightcare"]},
    ),
    Param(
        "ci",
        "Confidence level of the limits and of the comparison: 95 or 99.8.",
        {"type": "string", "enum": ["95", "99.8"]},
        example="95",
    ),
)
_ID = Param("id", "Indicator id (GET /api/v1/indicators).", where="path", example="gp_fft_positive")
_NUMBER = {"type": ["number", "null"]}
_TEXT = {"type": ["string", "null"]}

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        f"{PREFIX}/indicators",
        "listIndicators",
        "The indicator catalogue",
        "Every indicator: names, domain, unit, polarity, method, source, licence, periods, "
        "geographies, coverage, data age and series breaks.",
        answers.indicators,
        (Param("domain", "Only one domain: 1-5 or context.", example="4"),),
        {c: _TEXT for c in answers.CATALOGUE_FIELDS},
        tags=("indicators",),
    ),
    Endpoint(
        f"{PREFIX}/indicators/{{id}}",
        "getIndicator",
        "One indicator's metadata",
        "The catalogue entry of one indicator.",
        answers.indicator,
        (_ID,),
        {c: _TEXT for c in answers.CATALOGUE_FIELDS},
        listing=False,
        tags=("indicators",),
    ),
    Endpoint(
        f"{PREFIX}/indicators/{{id}}/data",
        "getIndicatorData",
        "One indicator's values, one row per area",
        "Value, confidence limits at the chosen level, count, denominator, the comparator named as "
        "it really is and its value, the category, the recent trend, the quintile and notes "
        "(apportioned, population-weighted, partial coverage). With no `areas` and no `period`: "
        "every row of the indicator, streamed.",
        answers.indicator_data,
        (_ID, *_SELECTION),
        {
            **{c: _TEXT for c in answers.DATA_COLUMNS},
            **{
                c: _NUMBER
                for c in (
                    "value",
                    "lower",
                    "upper",
                    "ci_level",
                    "count",
                    "denominator",
                    "comparator_value",
                    "quintile",
                )
            },
        },
        tags=("data",),
    ),
    Endpoint(
        f"{PREFIX}/areas",
        "listAreas",
        "Areas of one geography",
        "Codes (GSS and ODS), names, parents, regions, and for CCG 2021 the predecessor areas "
        "each is made of (with the share of each).",
        answers.areas,
        (Param("geography", "Area type and vintage; default ccg21.", example="ccg21"),),
        {
            c: _TEXT
            for c in (
                "area_code",
                "ods_code",
                "area_name",
                "geography",
                "parent_code",
                "parent_name",
                "region_code",
                "region_name",
                "predecessors",
            )
        },
        tags=("areas",),
    ),
    Endpoint(
        f"{PREFIX}/areas/{{code}}/spine",
        "getAreaSpine",
        "Every indicator for one area",
        "What the spine chart and the board pack show: each indicator's latest value for the area, "
        "its comparator and category, and the spread of all areas.",
        answers.spine,
        (
            Param("code", "Area code (GSS or ODS).", where="path", example="E38000089"),
            *[p for p in _SELECTION if p.name in ("benchmark", "peers", "ci")],
        ),
        tags=("areas",),
    ),
    Endpoint(
        f"{PREFIX}/alerts",
        "listAlerts",
        "Early warning for areas",
        "For each area: indicators worse than the benchmark and getting worse, worse now, and "
        "getting worse but not yet worse.",
        answers.alerts,
        tuple(
            replace(p, required=True) if p.name == "areas" else p
            for p in _SELECTION
            if p.name in ("areas", "benchmark", "peers", "ci")
        ),
        tags=("alerts",),
    ),
)


def register_api(server) -> None:
    """Serve ``ENDPOINTS`` under /api/v1, their OpenAPI document, and the /api page."""
    from api.http import register

    register(server, ENDPOINTS)
