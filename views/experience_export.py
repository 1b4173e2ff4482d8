"""The Patient experience page's export parts: each chart with the table behind it, and the tables
the page shows in words (every Domain 4 row, the main trusts, what is missing).

With a CCG (April 2021) focus area: 1 each source against the comparator (the "sources agree"
chart; its table is one row per source with its lean, counts, significance and sentence), 2 every
Domain 4 row (data), 3 GP FFT practices, 4 inpatient survey (chart of the sections; table of all
56 items), 5 the main trusts (data), 6 community mental health survey, 7 GP Patient Survey (the
ICB by deprivation), 8 what is missing and why (data). Without one: 1 every CCG on each source
(data), 2 England's rows (data), 3 GP FFT, 4 inpatient survey, 5 community mental health survey,
6 GP Patient Survey, each chart with every area's values.
"""

from __future__ import annotations

import functools

import pandas as pd

from data.methods.formatting import published_name
from data.model import schema as s
from data.model.core import Model
from data.queries.experience import (
    FFT,
    FFT_ADVICE,
    SOURCE_CMH21,
    SOURCE_FFT,
    SOURCE_GPPS,
    SOURCE_IP22,
    SUMMARY_RULE,
    against,
)
from views.experience import (
    ATTRIBUTION,
    GPPS_NOTE,
    fft_figure,
    fft_national_figure,
    gpps_figure,
    lean_figure,
    national_view,
    spreads,
    survey_figure,
    view_of,
)
from views.provenance import APP, Piece, Provenance

FOCUS_PARTS = [
    ("each source against the comparator", True),
    ("every Domain 4 row", False),
    ("GP FFT practices", True),
    ("inpatient survey", True),
    ("inpatient survey: main trusts", False),
    ("community mental health survey", True),
    ("GP Patient Survey", True),
    ("what is missing", False),
]
NATIONAL_PARTS = [
    ("every CCG on each source", False),
    ("England's values", False),
    ("GP FFT", True),
    ("inpatient survey", True),
    ("community mental health survey", True),
    ("GP Patient Survey", True),
]
ROW_NAMES = {
    "source": "Source",
    s.INDICATOR_ID: "Indicator ID",
    "label": "Item",
    "level": "Level",
    s.PERIOD: "Time period",
    "unit": "Unit",
    s.VALUE: "Value",
    "lower": "Lower limit",
    "upper": "Upper limit",
    "limits": "Limits",
    s.COUNT: "Count",
    s.DENOMINATOR: "Denominator",
    "covered_share": "Covered share",
    "comparator": "Comparator",
    "comparator_value": "Comparator value",
    "side": "Against the comparator",
    "sound": "Sound comparison",
    "category": "Category",
    "reason": "Why (or why not) compared",
}
LEAN_NAMES = {
    "source": "Source",
    "lean": "Lean",
    "below": "Items below",
    "level": "Items level",
    "above": "Items above",
    "n": "Items",
    "items": "Item kind",
    "counted": "Counted in the summary",
    "significance": "Significance",
    "detail": "In words",
}
PRACTICE_NAMES = {
    "practice_code": "Practice code",
    "practice_name": "Practice",
    "pcn_name": "PCN",
    "responses": "Responses",
    "positive": "Positive responses",
    "value": "% positive",
    "lower95": "Lower 95%",
    "upper95": "Upper 95%",
    "list_size": "List size",
    "responses_per_1000": "Responses per 1,000 registered patients",
    "status": "Status",
    "flag": "Flag",
    "contribution": "Contribution to the gap (percentage points)",
    "driver": "Pulls the value down most",
}
TRUST_NAMES = {
    "trust_code": "Trust code",
    "trust_name": "Trust",
    "share": "Share of the area's admissions",
    "predecessors": "Predecessors",
    "item": "Item",
    "label": "Item name",
    "respondents": "Respondents",
    "mean": "Score",
    "national_mean": "National mean",
    "band": "CQC band",
    "band_label": "CQC band in words",
    "change_2021": "Change since 2021",
    "trend_2021": "Change since 2021 in words",
    "red_red": "Worse than expected and down since 2021",
}
GPPS_NAMES = {
    "indicator": "Indicator",
    "name": "Question",
    "year": "Year",
    "icb22_code": "ICB code",
    "icb_name": "ICB",
    s.VALUE: "ICB value (%)",
    "quintile": "Practice-deprivation group",
    "england_group": "England, same group (%)",
    "side": "ICB against England, same group",
    "england_avg": "England, all practices (%)",
    "national_2026": "GP Patient Survey 2026, England (%; a new series)",
}
FFT_METHOD = (
    "Positive responses (responses x % positive / 100) summed over the area's practices, over all their "
    "responses; practice A84009 left out (more responses in the month than registered patients)."
)
CMH21_METHOD = (
    "The unweighted mean of the scores of the mental-health trusts headquartered in each CCG (0-10, higher is "
    "better); no limits, so values only."
)
ENGLAND_METHOD = (
    f"GP FFT: {FFT_METHOD} Inpatient survey: CQC's national mean, the unweighted mean of the trusts' scores. "
    "CMH21: the mean of the CCGs with a value (the source gives no England figure)."
)
MISSING_METHOD = (
    "What each source lacks for the area and why, from the source files: suppression, data-quality flags, "
    "coverage, and data older than three years."
)
MISSING_NAMES = {"source": "Source", "what": "What", "why": "Why"}
NATIONAL_NAMES = {
    s.AREA_CODE: "Area Code",
    s.AREA_NAME: "Area Name",
    "region_name": "Region Name",
    "fft": "GP FFT % positive",
    "fft_rate": "GP FFT responses per 1,000 registered patients",
    "ip22_sections": "Inpatient sections whose attributed score stands",
    "ip22_below": "Inpatient sections below England",
    "ip22_above": "Inpatient sections above England",
    "ip22_worse": "Inpatient sections significantly worse (99.8%)",
    "ip22_better": "Inpatient sections significantly better (99.8%)",
    "cmh21_questions": "CMH21 questions with a value",
    "cmh21_below": "CMH21 questions below the mean of the CCGs with a value",
    "cmh21_above": "CMH21 questions above the mean of the CCGs with a value",
}


def experience_parts(model: Model, state: dict) -> list[tuple[str, bool]]:
    """(label, has a chart) of each export part (without drawing anything)."""
    return FOCUS_PARTS if view_of(state) is not None else NATIONAL_PARTS


SOURCE_INDICATORS = {SOURCE_FFT: FFT, SOURCE_IP22: "ip22_s01", SOURCE_CMH21: "mh_cmhs_q03"}


def sources_text(
    model: Model, sources: tuple[str, ...] = (SOURCE_FFT, SOURCE_IP22, SOURCE_CMH21, SOURCE_GPPS)
) -> str:
    """The publishers of the page's own sources (all four, or the ones named), never the model's every one."""
    cat = model.catalogue
    names = [
        cat.at[SOURCE_INDICATORS[x], "publisher"]
        for x in sources
        if x in SOURCE_INDICATORS and SOURCE_INDICATORS[x] in cat.index
    ]
    items = model.frames.get("gpps_items")
    if SOURCE_GPPS in sources and items is not None and len(items):
        names.append(f"GP Patient Survey: {items['publisher'].iloc[0]}")
    if SOURCE_IP22 in sources:
        names.append("catchments: OHID acute trust catchment populations, 2019")
    return "; ".join(dict.fromkeys(str(n) for n in names)) + f". Compiled by the {APP}."


def _named(frame: pd.DataFrame, names: dict[str, str], **front: str) -> pd.DataFrame:
    out = frame.reindex(columns=list(names)).rename(columns=names)
    for i, (key, value) in enumerate(front.items()):
        out.insert(i, key, value)
    return out


def experience_pieces(model: Model, state: dict, link: str) -> list[Piece]:
    """The export's parts (see the module docstring)."""
    view = view_of(state)
    source = sources_text(model)
    if view is None:
        return _national_pieces(model, state, link, source)
    name = published_name(view.area_name)
    versus = against(view.comparator)
    common = f"{name} ({view.area_code}) · against {versus} · {state['ci']}% confidence"
    described = functools.partial(Provenance, source=source, link=link)
    area = {"Area Code": view.area_code, "Area Name": name, "Benchmark": versus}
    rows = view.rows
    ip = rows[rows["source"] == SOURCE_IP22]
    cmh = rows[rows["source"] == SOURCE_CMH21]
    return [
        Piece(
            FOCUS_PARTS[0][0],
            lean_figure(view),
            _named(view.leans, LEAN_NAMES, **area, Headline=view.headline),
            described(
                title=f"Patient experience: {name}",
                subtitle=f"{common} · {view.headline}",
                method=SUMMARY_RULE,
            ),
            "Each source",
        ),
        Piece(
            FOCUS_PARTS[1][0],
            None,
            _named(rows, ROW_NAMES, **area),
            described(
                title=f"Patient experience: every Domain 4 row, {name}",
                subtitle=common,
                method="Each row's comparison, or why there is none, in its last column.",
                caveat=FFT_ADVICE,
            ),
            "Every row",
        ),
        Piece(
            FOCUS_PARTS[2][0],
            fft_figure(view),
            _named(view.fft_practices, PRACTICE_NAMES, **area),
            described(
                title=f"GP Friends and Family Test: {name}'s practices",
                subtitle=common,
                source=sources_text(model, (SOURCE_FFT,)),
                method=(
                    "A practice's contribution to the gap is (its % positive - the comparator) x its share of the "
                    "area's responses; over the practices counted these add up to the area's gap. The practices that "
                    "pull the value down most: at least 30 responses, no data-quality flag, most negative contribution."
                ),
                caveat=FFT_ADVICE,
            ),
            "GP FFT practices",
        ),
        Piece(
            FOCUS_PARTS[3][0],
            survey_figure(state, SOURCE_IP22),
            _named(ip, ROW_NAMES, **area),
            described(
                title=f"Inpatient survey 2022: {name}",
                subtitle=common,
                method=ATTRIBUTION,
                source=sources_text(model, (SOURCE_IP22,)),
            ),
            "Inpatient survey",
        ),
        Piece(
            FOCUS_PARTS[4][0],
            None,
            _named(view.inpatient_trusts, TRUST_NAMES, **area),
            described(
                title=f"Inpatient survey 2022: the main trusts serving {name}",
                source=sources_text(model, (SOURCE_IP22,)),
                subtitle=f"{common} · trusts with at least 5% of the residents' admissions (2019 catchments)",
                method="CQC's bands: each trust's score against expected ranges around the national mean.",
            ),
            "Main trusts",
        ),
        Piece(
            FOCUS_PARTS[5][0],
            survey_figure(state, SOURCE_CMH21),
            _named(cmh, ROW_NAMES, **area),
            described(
                title=f"Community mental health survey 2021: {name}",
                source=sources_text(model, (SOURCE_CMH21,)),
                subtitle=common,
                method=CMH21_METHOD,
            ),
            "Mental health survey",
        ),
        Piece(
            FOCUS_PARTS[6][0],
            gpps_figure(state),
            _named(view.gpps, GPPS_NAMES, **area),
            described(
                title=f"GP Patient Survey: {name}'s ICB by practice deprivation",
                subtitle=common,
                method=GPPS_NOTE,
            ),
            "GP Patient Survey",
        ),
        Piece(
            FOCUS_PARTS[7][0],
            None,
            _named(view.missing, MISSING_NAMES, **area),
            described(
                title=f"Patient experience: what is missing for {name}, and why",
                subtitle=common,
                method=MISSING_METHOD,
            ),
            "What is missing",
        ),
    ]


def _national_pieces(model: Model, state: dict, link: str, source: str) -> list[Piece]:
    nat = national_view()
    described = functools.partial(Provenance, source=source, link=link)
    common = "England · every CCG (April 2021)"
    spread, icbs = spreads()
    surveys = spread.rename(
        columns={
            s.INDICATOR_ID: "Indicator ID",
            s.AREA_CODE: "Area Code",
            s.AREA_NAME: "Area Name",
            s.PERIOD: "Time period",
            s.VALUE: "Value",
        }
    )
    return [
        Piece(
            NATIONAL_PARTS[0][0],
            None,
            _named(nat.areas, NATIONAL_NAMES),
            described(
                title="Patient experience: every CCG on each source",
                subtitle=common,
                method="Inpatient sections: attributed scores against CQC's national mean, where the value stands; "
                "CMH21: against the mean of the CCGs with a value.",
            ),
            "Every CCG",
        ),
        Piece(
            NATIONAL_PARTS[1][0],
            None,
            _named(nat.rows, ROW_NAMES),
            described(
                title="Patient experience: England's values",
                subtitle=common,
                method=ENGLAND_METHOD,
                caveat=FFT_ADVICE,
            ),
            "England",
        ),
        Piece(
            NATIONAL_PARTS[2][0],
            fft_national_figure(state),
            _named(
                nat.areas,
                {k: NATIONAL_NAMES[k] for k in (s.AREA_CODE, s.AREA_NAME, "region_name", "fft", "fft_rate")},
            ),
            described(
                title="GP Friends and Family Test: every CCG",
                subtitle=common,
                method=FFT_METHOD,
                caveat=FFT_ADVICE,
            ),
            "GP FFT",
        ),
        Piece(
            NATIONAL_PARTS[3][0],
            survey_figure(state, SOURCE_IP22),
            surveys[surveys["Indicator ID"].str.startswith("ip22_")],
            described(title="Inpatient survey 2022: every CCG", subtitle=common, method=ATTRIBUTION),
            "Inpatient survey",
        ),
        Piece(
            NATIONAL_PARTS[4][0],
            survey_figure(state, SOURCE_CMH21),
            surveys[~surveys["Indicator ID"].str.startswith("ip22_")],
            described(
                title="Community mental health survey 2021: every CCG with a value",
                subtitle=common,
                method=CMH21_METHOD,
            ),
            "Mental health survey",
        ),
        Piece(
            NATIONAL_PARTS[5][0],
            gpps_figure(state),
            icbs.rename(columns=GPPS_NAMES),
            described(
                title="GP Patient Survey: every ICB by practice deprivation",
                subtitle=common,
                method=GPPS_NOTE,
            ),
            "GP Patient Survey",
        ),
    ]


SHEET_COMPARATORS = {
    "Mental health survey": "the mean of the CCGs with a value (the source gives no England figure)",
    "GP Patient Survey": "England's value for the same practice-deprivation group (HEEC's England row)",
    "Main trusts": "CQC's national mean (each trust's band: expected ranges around it)",
}


def experience_comparator(piece: Piece, state: dict) -> str:
    """What a part's values are set against, in words (its metadata)."""
    if piece.sheet in SHEET_COMPARATORS:
        return SHEET_COMPARATORS[piece.sheet]
    view = view_of(state)
    if view is None:
        return "England (CQC's national mean for the inpatient survey)"
    return against(view.comparator)
