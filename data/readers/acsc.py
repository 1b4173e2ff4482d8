"""Reader for unplanned hospitalisation for chronic ACSC by CCG (2016 set), with its inequality gradient.

The rate is indirectly standardised (observed / expected × England crude rate) with Byar's
limits on the observed count, as published (95%); the 99.8% limits are computed the same way.
The absolute gradient index (AGI) is kept with its published 95% limits.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from data.methods import stats
from data.model import schema as s
from data.model.validation import Problems, SourceError
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import (
    catalogue_entry,
    conform_values,
    normalise_header,
    numeric_columns,
    period_start,
    reject_bad_codes,
    reject_bad_denominators,
)

log = logging.getLogger(__name__)

ISR_ID = "acsc_chronic_isr"
AGI_ID = "acsc_chronic_agi"
PERIOD_LABEL = "c. 2014/15-2015/16"
GEOGRAPHY = "ccg16"
LOW_QUALITY = ("09H", "09L", "10K", "07T", "10R")
LOW_NOTE = "implausibly low rate: probable coding or submission gap; treat with caution"
KEY_COLUMNS = [
    "ccg16_ods_code",
    "ccg16_name",
    "registered_population",
    "observed_admissions",
    "expected_admissions",
    "england_crude_rate_per_100k",
    "isr_per_100k",
]
ISR_LIMITS = ["isr_lower_ci95", "isr_upper_ci95"]
AGI_COLUMNS = ["agi_per_100k", "agi_lower_ci95", "agi_upper_ci95"]
Z95 = 1.959964
Z998 = 3.090232
PUBLISHER = "NHS Digital (HES), via the York Health Equity Indicators (Asaria et al. 2016)"


@reader("acsc")
def read_acsc(ctx: ReadContext) -> ReadResult:
    """ISR per 100,000 (Byar's) and AGI per 100,000 (published CI) by CCG, plus England's crude rate."""
    path = ctx.path()
    problems = Problems(ctx.dataset, path.name)
    if not path.exists():
        raise SourceError(f"{path.name}: file not found at {path}")
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    frame.columns = [normalise_header(c) for c in frame.columns]
    frame = frame.replace({"": None})
    rows_read = len(frame)
    if problems.require_columns(frame, KEY_COLUMNS):
        raise SourceError(f"{path.name}: key columns missing")
    frame = frame.rename(columns={"ccg16_ods_code": s.AREA_CODE})
    frame[s.AREA_CODE] = frame[s.AREA_CODE].str.strip()
    frame = reject_bad_codes(frame, problems, s.AREA_CODE, GEOGRAPHY)
    frame = numeric_columns(
        frame,
        problems,
        [
            "registered_population",
            "observed_admissions",
            "expected_admissions",
            "england_crude_rate_per_100k",
        ],
    )
    frame = numeric_columns(frame, problems, ["isr_per_100k"], required=False)
    frame = reject_bad_denominators(
        frame, problems, count="observed_admissions", denominator="expected_admissions", proportion=False
    )
    frame = problems.reject_mask(
        frame,
        frame["registered_population"] <= 0,
        "registered_population",
        "denominator is zero or negative",
    )
    dup = frame[s.AREA_CODE].duplicated()
    frame = problems.reject_mask(frame, dup, s.AREA_CODE, "CCG listed twice")
    reference = frame["england_crude_rate_per_100k"].median() if len(frame) else np.nan

    isr = pd.DataFrame(index=frame.index)
    isr[s.AREA_CODE] = frame[s.AREA_CODE]
    isr[s.AREA_NAME] = frame["ccg16_name"].str.strip()
    isr[s.GEOGRAPHY] = GEOGRAPHY
    isr[s.COUNT] = frame["observed_admissions"]
    isr[s.DENOMINATOR] = frame["registered_population"]
    ratio = frame["observed_admissions"] / frame["expected_admissions"]
    isr[s.VALUE] = frame["isr_per_100k"].fillna(ratio * frame["england_crude_rate_per_100k"])
    for conf, lo_col, hi_col in ((0.95, s.LOWER95, s.UPPER95), (0.998, s.LOWER998, s.UPPER998)):
        # Byar's limits of O, divided by E, times the reference rate (multiplier).
        lo, hi = stats.byars_limits(frame["observed_admissions"], frame["expected_admissions"], conf, 1.0)
        isr[lo_col] = lo * frame["england_crude_rate_per_100k"].to_numpy()
        isr[hi_col] = hi * frame["england_crude_rate_per_100k"].to_numpy()
    if all(c in frame.columns for c in ISR_LIMITS):
        published = numeric_columns(frame[ISR_LIMITS].copy(), problems, ISR_LIMITS, required=False)
        isr.loc[published.index, s.LOWER95] = published["isr_lower_ci95"].fillna(isr[s.LOWER95])
        isr.loc[published.index, s.UPPER95] = published["isr_upper_ci95"].fillna(isr[s.UPPER95])
    isr[s.NOTE] = np.where(isr[s.AREA_CODE].isin(LOW_QUALITY), LOW_NOTE, "")
    isr[s.INDICATOR_ID] = ISR_ID

    # England: the crude rate, which is the ISRs' reference (O/E = 1 by construction).
    total_o = frame["observed_admissions"].sum()
    total_pop = frame["registered_population"].sum()
    england = pd.DataFrame(
        {
            s.INDICATOR_ID: [ISR_ID],
            s.AREA_CODE: [s.ENGLAND_CODE],
            s.AREA_NAME: [s.ENGLAND_NAME],
            s.GEOGRAPHY: ["england"],
            s.COUNT: [total_o],
            s.DENOMINATOR: [total_pop],
            s.VALUE: [total_o / total_pop * 100_000 if total_pop > 0 else np.nan],
            s.NOTE: [
                "England crude rate (sum of the CCGs), the reference rate of the ISRs"
                f" ({reference:.2f} per 100,000 published)"
            ],
        }
    )
    for conf, lo_col, hi_col in ((0.95, s.LOWER95, s.UPPER95), (0.998, s.LOWER998, s.UPPER998)):
        lo, hi = stats.byars_limits(england[s.COUNT], england[s.DENOMINATOR], conf, 100_000)
        england[lo_col], england[hi_col] = lo, hi

    frames = [isr, england]
    if problems.require_columns(frame, AGI_COLUMNS):
        log.warning("%s: AGI columns missing; the gradient indicator is not read", ctx.dataset)
    else:
        agi_part = numeric_columns(
            frame[[s.AREA_CODE, "ccg16_name", *AGI_COLUMNS]].copy(), problems, AGI_COLUMNS
        )
        agi = pd.DataFrame(
            {
                s.INDICATOR_ID: AGI_ID,
                s.AREA_CODE: agi_part[s.AREA_CODE],
                s.AREA_NAME: agi_part["ccg16_name"].str.strip(),
                s.GEOGRAPHY: GEOGRAPHY,
                s.VALUE: agi_part["agi_per_100k"],
                s.LOWER95: agi_part["agi_lower_ci95"],
                s.UPPER95: agi_part["agi_upper_ci95"],
                s.NOTE: np.where(agi_part[s.AREA_CODE].isin(LOW_QUALITY), LOW_NOTE, ""),
            }
        )
        # The published 95% limits are symmetric (a regression slope ± 1.96 SE): 99.8% from the same SE.
        se = (agi[s.UPPER95] - agi[s.LOWER95]) / (2 * Z95)
        agi[s.LOWER998] = agi[s.VALUE] - Z998 * se
        agi[s.UPPER998] = agi[s.VALUE] + Z998 * se
        frames.append(agi)
    values = pd.concat(frames, ignore_index=True)
    values[s.PERIOD] = PERIOD_LABEL
    values[s.PERIOD_START] = period_start(PERIOD_LABEL)
    values[s.SEX] = "Persons"
    out = conform_values(values)
    year_caveat = (
        "The source does not record its year: the file dates from mid-2016 and the indicator was used "
        "for the 2015/16 CCG IAF, but the HES year may be 2014/15, hence the period label "
        f"'{PERIOD_LABEL}'. Five CCGs (09H, 09L, 10K, 07T, 10R) have implausibly low rates, probably "
        "coding or submission gaps; they are flagged in the note. Populations are GP-registered."
    )
    catalogue = [
        catalogue_entry(
            ISR_ID,
            name=(
                "Unplanned hospitalisation for chronic ambulatory care sensitive conditions "
                "(indirectly age-sex standardised rate per 100,000 registered population)"
            ),
            short_name="Unplanned admissions, chronic ACSC",
            domain="2",
            unit="per 100,000",
            multiplier=100_000,
            polarity=s.POLARITY_LOW_GOOD,
            statistic="isr",
            ci_method="Byar's",
            source=ctx.dataset,
            publisher=PUBLISHER,
            licence=ctx.entry.get("licence", "OGL-3.0"),
            definition=(
                "Emergency admissions for chronic ambulatory care sensitive conditions (NHS OF 2.3.i), "
                "indirectly standardised for age and sex: observed / expected × the England crude rate; "
                "Byar's limits on the observed count. The count is observed admissions and the "
                "denominator the registered population; the value is not count / denominator."
            ),
            caveats=year_caveat
            + " The England value is the crude rate, the reference the ISRs are standardised to.",
        ),
        catalogue_entry(
            AGI_ID,
            name=(
                "Inequality in unplanned hospitalisation for chronic ACSC: absolute gradient index "
                "(per 100,000) across IMD 2015 deprivation within the CCG"
            ),
            short_name="ACSC admissions: deprivation gap",
            domain="2",
            unit="per 100,000",
            multiplier=100_000,
            polarity=s.POLARITY_NONE,
            statistic="value",
            ci_method="published",
            source=ctx.dataset,
            publisher=PUBLISHER,
            licence=ctx.entry.get("licence", "OGL-3.0"),
            definition=(
                "Slope of a population-weighted regression of LSOA age-standardised ACSC admission rates on "
                "the scaled IMD 2015 rank within the CCG: the modelled gap in rate between the most and "
                "least deprived neighbourhoods (York Health Equity Indicators; CCG IAF 2016/17)."
            ),
            caveats=year_caveat
            + " No polarity: a steeper gradient means more inequality, but it also depends on how much "
            "deprivation varies within a CCG, one CCG has a negative gradient, and there is no England "
            "benchmark, so areas are not ranked better or worse. 95% limits as published (symmetric, slope ± "
            "1.96 SE); 99.8% limits derived from the same standard error.",
        ),
    ]
    notes = [
        f"{ctx.dataset}: {int((out[s.INDICATOR_ID] == ISR_ID).sum())} ISR rows (incl. England), "
        f"{int((out[s.INDICATOR_ID] == AGI_ID).sum())} AGI rows; "
        f"{int(out[s.NOTE].str.startswith('implausibly').sum())} rows flagged implausibly low"
    ]
    # Expected admissions per CCG, so the model can aggregate ISRs as ΣO / ΣE × the reference rate.
    expected = pd.DataFrame(
        {
            s.AREA_CODE: frame[s.AREA_CODE].to_numpy(),
            "expected": frame["expected_admissions"].to_numpy(),
            "reference_rate": frame["england_crude_rate_per_100k"].to_numpy(),
        }
    )
    return ReadResult(
        rows_read=rows_read,
        values=out,
        catalogue=catalogue,
        frames={"acsc_expected": expected},
        problems=problems.items,
        notes=notes,
    )
