"""HEEC primary-care equity panel: ICB values by practice deprivation quintile (an equity view).

Not indicator rows: there is no overall ICB value, CI or denominator, and ``avg`` is the
England average. The reader returns a long ``inequalities`` frame keyed by icb22 code
(joined by normalised name) and a small ``inequality_catalogue``.
"""

from __future__ import annotations

import logging
import re

import pandas as pd

from data.methods.trend import series_breaks_text
from data.model import schema as s
from data.model.validation import Problems
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import empty_values
from data.readers.prescribing import read_text_csv

log = logging.getLogger(__name__)

# HEEC's own datapack text pairs quin_1 with "the least deprived 20%" and quin_4_5 with
# "the most deprived 20%" (quintiles 4 and 5 are pooled).
QUINTILES = {
    "quin_1": "1 (least deprived)",
    "quin_2": "2",
    "quin_3": "3",
    "quin_4_5": "4-5 (most deprived)",
}
FRACTIONS = {"overall_pct", "access_pct", "continuity_pct", "trust_pct", "cqc_rating"}
INEQUALITY_COLUMNS = [
    "indicator",
    "indicator_name",
    "year",
    "icb22_code",
    "icb_name",
    "quintile",
    "value",
    "england_avg",
]
PER_10K = "per 10,000 weighted patients"
HIGH, LOW, NONE = s.POLARITY_HIGH_GOOD, s.POLARITY_LOW_GOOD, s.POLARITY_NONE
# indicator -> (name, unit, polarity); anything not listed keeps HEEC's name, unit "as published".
KNOWN: dict[str, tuple[str, str, str]] = {
    # HEEC's GPPS variables (research/wording): Q28_12pct, Q3_12pct ("phone_easy", not making an
    # appointment), Q9_12pct, Q89_12pct; the manifest's `gpps` params name them and cite the sources.
    "overall_pct": ("GP Patient Survey: overall experience of GP practice, %", "%", HIGH),
    "access_pct": ("GP Patient Survey: ease of getting through to the practice by phone, %", "%", HIGH),
    "continuity_pct": ("GP Patient Survey: continuity with a preferred GP, %", "%", HIGH),
    "trust_pct": (
        "GP Patient Survey: trust in the healthcare professional (HEEC's label; the question is not confirmed), %",
        "%",
        HIGH,
    ),
    "cqc_rating": ("Practices rated Good or Outstanding by CQC", "%", HIGH),
    "Life_Expectancy_Male": ("Life expectancy at birth, males", "years", HIGH),
    "Life_Expectancy_Female": ("Life expectancy at birth, females", "years", HIGH),
    "payment_per_patient_all": ("NHS payments per weighted patient, all practices", "£", NONE),
    "payment_per_patient_disp": ("NHS payments per weighted patient, dispensing practices", "£", NONE),
    "payment_per_patient_non_disp": (
        "NHS payments per weighted patient, non-dispensing practices",
        "£",
        NONE,
    ),
    "% QOF points achieved": ("QOF points achieved", "%", HIGH),
    "child_imms": ("Childhood immunisations", "%", HIGH),
    "Face-to-Face": ("Face-to-face appointments", PER_10K, NONE),
    "Telephone": ("Telephone appointments", PER_10K, NONE),
    "Home Visit": ("Home visit appointments", PER_10K, NONE),
    "Video Conference/Online": ("Video or online appointments", PER_10K, NONE),
    "Unknown": ("Appointments of unknown mode", PER_10K, NONE),
    "DNA": ("Appointments not attended (DNA)", PER_10K, LOW),
    "TOTAL_GP_EXTGL_FTE": ("Fully qualified GPs (FTE)", PER_10K, NONE),
    "TOTAL_LOCUUM_TRN_FTE": ("Locum and trainee GPs (FTE)", PER_10K, NONE),
    "TOTAL_NURSES_FTE": ("Nurses (FTE)", PER_10K, NONE),
    "TOTAL_DPC_FTE": ("Direct patient care staff (FTE)", PER_10K, NONE),
    "TOTAL_ADMIN_FTE": ("Admin staff (FTE)", PER_10K, NONE),
    "PCN_staff": ("PCN staff (FTE)", "as published", NONE),
}


# GP Patient Survey items: the survey was redesigned in 2024 (new questionnaire, new variable
# names), so HEEC's 2024 values are not comparable with 2023 and earlier.
GPPS_ITEMS = ("overall_pct", "access_pct", "continuity_pct", "trust_pct")
GPPS_2024_BREAK = {
    "period": "2024",
    "start": "2024-01-01",
    "reason": (
        "the GP Patient Survey was redesigned in 2024 (new questionnaire and variable names; results from "
        "2023 and earlier are not directly comparable for most items)"
    ),
    "source": (
        "NHS England GP Patient Survey 2024 technical notes, as transcribed in amcunningham/gp-oc-dashboard "
        "research/GPPS_2025_questions.md; HF Analytics Lab health_equity_payment_evaluation "
        "4_extract_GPPS.R ('add 2024 data manually as uses different variable names')"
    ),
}


def normalise_icb_name(name: str) -> str:
    """Lower-case an ICB name without "NHS", "ICB" or "Integrated Care Board" (for joining)."""
    text = str(name).lower()
    text = re.sub(r"\bintegrated care board\b|\bnhs\b|\bicb\b", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _icb22(ctx: ReadContext) -> pd.DataFrame:
    lookup = pd.read_csv(ctx.data_dir / ctx.params["icb22_lookup"], usecols=["icb22_code", "icb22_name"])
    lookup = lookup.drop_duplicates()
    return lookup.assign(key=lookup["icb22_name"].map(normalise_icb_name))


def _describe(ind: str) -> tuple[str, str, str]:
    """Name, unit and polarity of a HEEC indicator (by its exact name, else by its wording)."""
    if ind in KNOWN:
        return KNOWN[ind]
    if "Smoking prevalence" in ind:
        return ind, "%", LOW
    if "QOF prevalence" in ind:
        return ind, "%", NONE
    if ind.startswith(("Women (", "IFCC-HbA1c", "Last BP")):
        return ind, "%", HIGH
    if "emergency admissions" in ind.lower() or "A&E attendances" in ind:
        return ind, "as published", LOW
    return ind.replace("_", " "), "as published", NONE


GPPS_COLUMNS = [
    "indicator",
    "name",
    "variable",
    "meaning",
    "meaning_source",
    "wording",
    "wording_source",
    "responses",
    "national_question",
    "national_response",
    "national_match",
    "national_note",
    "first_year",
    "latest_year",
    "n_icbs",
    "source",
    "publisher",
    "licence",
]
SAME_QUESTION = "same question"
GPPS_KEYWORDS = (
    "GP patient survey GPPS general practice patient experience satisfaction Ipsos ICB deprivation Domain 4"
)


def gpps_items(params: list[dict], panel: pd.DataFrame, entry: dict | None = None) -> pd.DataFrame:
    """The panel's GP Patient Survey items as the manifest describes them, with their years and ICBs."""
    rows = []
    for item in params:
        mine = panel[(panel["indicator"] == item["indicator"]) & (panel["icb22_code"] != s.ENGLAND_CODE)]
        rows.append(
            {
                **{c: str(item.get(c, "")) for c in GPPS_COLUMNS[:12]},
                "first_year": int(mine["year"].min()) if len(mine) else None,
                "latest_year": int(mine["year"].max()) if len(mine) else None,
                "n_icbs": int(mine.loc[mine["year"] == mine["year"].max(), "icb22_code"].nunique())
                if len(mine)
                else 0,
                "source": (entry or {}).get("id", ""),
                "publisher": (entry or {}).get("publisher", ""),
                "licence": (entry or {}).get("licence", ""),
            }
        )
    return pd.DataFrame(rows, columns=GPPS_COLUMNS)


def _catalogue(indicators: list[str], names: dict[str, str] | None = None) -> pd.DataFrame:
    rows = []
    names = names or {}
    for ind in indicators:
        name, unit, polarity = _describe(ind)
        name = names.get(ind, name)
        note = "HEEC value for practices in each ICB x practice-IMD-quintile cell; avg is England's."
        if ind in FRACTIONS:
            note += " Published as a fraction; converted to %."
        if unit == PER_10K:
            note += " Unit as described in HEEC's datapack text."
        breaks = series_breaks_text([GPPS_2024_BREAK]) if ind in GPPS_ITEMS else ""
        if breaks:
            note += " Series break in 2024: the survey was redesigned."
        rows.append(
            {
                "indicator": ind,
                "name": name,
                "unit": unit,
                "polarity": polarity,
                "note": note,
                "series_breaks": breaks,
            }
        )
    return pd.DataFrame(rows, columns=["indicator", "name", "unit", "polarity", "note", "series_breaks"])


@reader("heec_panel")
def read_heec_panel(ctx: ReadContext) -> ReadResult:
    """ICB x practice-deprivation-quintile values for HEEC's 47 indicators, as a long frame."""
    problems = Problems(ctx.dataset, ctx.entry["path"])
    raw = read_text_csv(ctx.path(), missing=("", "NA"))  # R's write.csv marks missing cells "NA"
    result = ReadResult(rows_read=len(raw), values=empty_values(), problems=problems.items)
    if problems.require_columns(raw, ["Year", "Indicator", "ICB.NAME", "avg", *QUINTILES]):
        result.frames["inequalities"] = pd.DataFrame(columns=INEQUALITY_COLUMNS)
        result.frames["inequality_catalogue"] = _catalogue([])
        result.frames["gpps_items"] = pd.DataFrame(columns=GPPS_COLUMNS)
        return result
    icb = _icb22(ctx)
    frame = raw.copy()
    frame["key"] = frame["ICB.NAME"].map(normalise_icb_name)
    codes = dict(zip(icb["key"], icb["icb22_code"], strict=True))
    names = dict(zip(icb["key"], icb["icb22_name"], strict=True))
    codes["england"], names["england"] = s.ENGLAND_CODE, s.ENGLAND_NAME
    frame = problems.reject_mask(
        frame, ~frame["key"].isin(codes), "ICB.NAME", "ICB name matches no icb22 name"
    )
    frame = problems.numeric(frame, "Year")
    frame = problems.numeric(frame, "avg")
    for col in QUINTILES:
        frame = problems.numeric(frame, col, required=False)
    variants = frame.loc[frame["key"] != "england", "ICB.NAME"].nunique()
    long = frame.melt(
        id_vars=["Year", "Indicator", "key", "avg"], value_vars=list(QUINTILES), var_name="q", value_name="v"
    )
    missing = int(long["v"].isna().sum())
    long = long[long["v"].notna()]
    scale = long["Indicator"].isin(FRACTIONS).map({True: 100.0, False: 1.0})
    gpps = ctx.params.get("gpps", [])
    catalogue = _catalogue(sorted(frame["Indicator"].unique()), {g["indicator"]: g["name"] for g in gpps})
    out = pd.DataFrame(
        {
            "indicator": long["Indicator"],
            "indicator_name": long["Indicator"].map(catalogue.set_index("indicator")["name"]),
            "year": long["Year"].astype(int),
            "icb22_code": long["key"].map(codes),
            "icb_name": long["key"].map(names),
            "quintile": long["q"].map(QUINTILES),
            "value": long["v"] * scale,
            "england_avg": long["avg"] * scale,
        }
    )
    out = out.sort_values(["indicator", "year", "icb22_code", "quintile"]).reset_index(drop=True)
    result.frames["inequalities"] = out
    result.frames["inequality_catalogue"] = catalogue
    result.frames["gpps_items"] = gpps_items(gpps, out, ctx.entry)
    result.notes += [
        f"HEEC: {variants} ICB name variants matched to {out.loc[out['icb22_code'] != s.ENGLAND_CODE, 'icb22_code'].nunique()} icb22 codes",
        f"HEEC: {missing} empty quintile cells (not published for that ICB, year and quintile) left out",
    ]
    log.info("heec_panel: %d long rows, %d indicators", len(out), len(catalogue))
    return result
