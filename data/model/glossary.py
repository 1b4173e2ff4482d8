"""The glossary: every abbreviation and term the app and its board packs use, in plain words.

One table for the /glossary page and the board pack's glossary appendix. A test checks that every
abbreviation a page or a pack prints is a term here.
"""

from __future__ import annotations

import pandas as pd

# (term, what it means): abbreviations spelt out and explained; statistical terms in plain words.
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("A&E", "Accident and emergency department."),
    (
        "ACSC",
        "Ambulatory care sensitive conditions: long-term conditions (such as asthma, diabetes or "
        "heart failure) for which good care outside hospital should usually prevent an emergency admission.",
    ),
    (
        "Apportioned",
        "A count shared out between areas by the share of an old area's population that lies "
        "in each new area, where boundaries changed; shown with one decimal and marked.",
    ),
    (
        "Benchmark",
        "What an area's value is compared with: England, the area's NHS region, or the focus "
        "area's similar CCGs (their value pooled). Where England's value was summed from only some areas, "
        "those areas are named instead (for example '49 of 106 CCGs with data').",
    ),
    (
        "CCG",
        "Clinical commissioning group: the NHS bodies that planned and bought local health services "
        "in England until July 2022, when sub-ICB locations of integrated care boards took over.",
    ),
    ("CHD", "Coronary heart disease."),
    (
        "CI",
        "Confidence interval: the range within which the true value is likely to lie, given the "
        "numbers behind it (95% or 99.8%).",
    ),
    ("CKD", "Chronic kidney disease."),
    ("CMH21", "The Community Mental Health Survey 2021 (Care Quality Commission)."),
    ("COPD", "Chronic obstructive pulmonary disease."),
    ("CQC", "Care Quality Commission, the regulator of health and social care in England."),
    (
        "Descriptive slope",
        "A straight line drawn through an ICB's practice-deprivation groups to show the "
        "direction and size of the gap; not a formal index of inequality (the published groups come without "
        "the counts a slope index needs).",
    ),
    ("DNA", "Did not attend: a booked appointment the patient missed without telling the practice."),
    (
        "DSR",
        "Directly standardised rate: a rate per 100,000 people adjusted to a standard population's "
        "ages, so that areas with older or younger populations can be compared fairly.",
    ),
    (
        "Ecological fallacy",
        "Reading a pattern between areas as if it held for the people in them: areas "
        "with more deprivation may have higher rates without every deprived person being at higher risk.",
    ),
    ("FFT", "Friends and Family Test: patients asked whether their experience of a service was good."),
    ("FTE", "Full-time equivalent: staff numbers counted as if everyone worked full time."),
    (
        "Funnel plot",
        "Each area's value against its size (its denominator), with limits around the average "
        "that narrow as areas get larger: a point outside the limits differs from the average by more "
        "than chance would explain.",
    ),
    ("GP", "General practice (or general practitioner)."),
    (
        "HEEC",
        "Health Equity Evidence Centre: publishes primary care results by how deprived each "
        "practice's patients are.",
    ),
    ("HES", "Hospital Episode Statistics: records of hospital admissions in England."),
    (
        "History",
        "In a board pack, data whose period ended more than three years ago: listed after the "
        "current data, to be read as what was, not what is.",
    ),
    (
        "ICB",
        "Integrated care board: the NHS body that plans and buys health services for an area of "
        "England since July 2022 (42 of them).",
    ),
    (
        "IMD",
        "Index of Multiple Deprivation (2019): ranks every small area (LSOA) in England from 1 (most "
        "deprived) to 32,844 (least deprived); a higher IMD rank means less deprived.",
    ),
    (
        "ISR",
        "Indirectly standardised ratio: observed events against those expected from national rates "
        "for the area's ages (100 = as expected).",
    ),
    ("LSOA", "Lower layer super output area: a small area of about 1,500 people used for statistics."),
    ("ODS code", "The NHS Organisation Data Service's short code for an organisation (for example 11N)."),
    (
        "Over-dispersion",
        "More spread between areas than chance alone explains; the funnel's limits can be "
        "widened for it (phi, the spread beyond chance).",
    ),
    ("PCN", "Primary care network: GP practices working together, usually covering 30,000 to 50,000 people."),
    (
        "Percentage points",
        "The difference between two percentages: 15% against 12% is 3 percentage points higher (not 3%).",
    ),
    (
        "Pooled",
        "The similar CCGs' value made from all their counts over all their denominators, not the "
        "average of their values.",
    ),
    (
        "QOF",
        "Quality and Outcomes Framework: the annual reward scheme for GP practices, and its published "
        "registers of patients with long-term conditions.",
    ),
    (
        "Quintile",
        "One fifth of the areas, ranked by value: Q1 is the fifth with the lowest (or worst) values.",
    ),
    (
        "Recent trend",
        "Whether the last five comparable values rise or fall more than chance would explain "
        "(Fingertips' chi-squared test for trend); not computed across a series break.",
    ),
    ("Red-red", "Worse than the benchmark and getting worse: the early warning's first group."),
    (
        "RII",
        "Relative index of inequality: the gap between the most and least deprived ends of a slope, "
        "as a ratio of the average.",
    ),
    (
        "RightCare",
        "NHS RightCare's lists of the 10 CCGs most similar to each CCG (2016), used as a peer group.",
    ),
    (
        "Series break",
        "A change in how an indicator is defined or collected (for example the QOF points "
        "maximum in 2021/22): values before and after are not compared as a trend.",
    ),
    (
        "SII",
        "Slope index of inequality: the gap in an indicator between the most and least deprived ends "
        "of a line fitted across deprivation groups.",
    ),
    (
        "Similar CCGs",
        "The 10 CCGs most like an area by age, deprivation, rurality and ethnicity (nearest "
        "by standardised distance), or NHS RightCare's list.",
    ),
    (
        "Spine chart",
        "One row per indicator: each area's value against the range of all areas, England at "
        "the centre, worst on the left and best on the right.",
    ),
    (
        "Sub-ICB location",
        "The part of an integrated care board that took over a former CCG's area in July 2022.",
    ),
    ("UTI", "Urinary tract infection."),
)


def glossary_table() -> pd.DataFrame:
    """The glossary as a two-column table (term, meaning), in alphabetical order."""
    rows = sorted(GLOSSARY, key=lambda r: r[0].lower())
    return pd.DataFrame(rows, columns=["Term", "Meaning"])


def terms() -> set[str]:
    return {term for term, _ in GLOSSARY}
