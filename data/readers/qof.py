"""QOF readers: recorded prevalence of 21 registers (2022/23) and % of QOF points achieved.

Both are computed here from NHS Digital's practice-level files, summed to Sub-ICB, ICB,
region and England (prevalence) or to the CCG / Sub-ICB of each year and England (points),
so that every value comes with its count and denominator and Wilson limits.
"""

from __future__ import annotations

import logging
import re

import pandas as pd

from data.model import schema as s
from data.model.validation import Problems, SourceError
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import (
    catalogue_entry,
    conform_values,
    financial_year_label,
    normalise_header,
    numeric_columns,
    period_start,
    reject_bad_codes,
    reject_bad_denominators,
    with_statistics,
)

log = logging.getLogger(__name__)

PUBLISHER = "NHS England (NHS Digital), Quality and Outcomes Framework"
LICENCE = "OGL-3.0"

# Register code -> (name in the indicator title, short name stem).
QOF_REGISTERS: dict[str, tuple[str, str]] = {
    "AF": ("Atrial fibrillation", "Atrial fibrillation"),
    "AST": ("Asthma", "Asthma"),
    "CAN": ("Cancer", "Cancer"),
    "CHD": ("Coronary heart disease", "CHD"),
    "CKD": ("Chronic kidney disease (stages 3 to 5)", "CKD 3-5"),
    "COPD": ("Chronic obstructive pulmonary disease", "COPD"),
    "DEM": ("Dementia", "Dementia"),
    "DEP": ("Depression", "Depression"),
    "DM": ("Diabetes mellitus", "Diabetes"),
    "EP": ("Epilepsy", "Epilepsy"),
    "HF": ("Heart failure", "Heart failure"),
    "HYP": ("Hypertension", "Hypertension"),
    "LD": ("Learning disability", "Learning disability"),
    "MH": ("Mental health (schizophrenia, bipolar disorder and other psychoses)", "Serious mental illness"),
    "NDH": ("Non-diabetic hyperglycaemia", "Non-diabetic hyperglycaemia"),
    "OB": ("Obesity (BMI 30+)", "Obesity"),
    "OST": ("Osteoporosis", "Osteoporosis"),
    "PAD": ("Peripheral arterial disease", "PAD"),
    "PC": ("Palliative care", "Palliative care"),
    "RA": ("Rheumatoid arthritis", "Rheumatoid arthritis"),
    "STIA": ("Stroke and transient ischaemic attack", "Stroke and TIA"),
}

PREVALENCE_COLUMNS = ["PRACTICE_CODE", "GROUP_CODE", "REGISTER", "PATIENT_LIST_TYPE", "PRACTICE_LIST_SIZE"]
MAPPING_COLUMNS = [
    "PRACTICE_CODE",
    "SUB_ICB_ODS_CODE",
    "SUB_ICB_ONS_CODE",
    "SUB_ICB_NAME",
    "ICB_ONS_CODE",
    "ICB_NAME",
    "REGION_ONS_CODE",
    "REGION_NAME",
]
# geography key -> (code column, name column) in the mapping file; None: England.
PREVALENCE_LEVELS: dict[str, tuple[str, str] | None] = {
    "sicbl22": ("SUB_ICB_ONS_CODE", "SUB_ICB_NAME"),
    "icb22": ("ICB_ONS_CODE", "ICB_NAME"),
    "nhser22": ("REGION_ONS_CODE", "REGION_NAME"),
    "england": None,
}


def age_group(list_type: str) -> str:
    """QOF PATIENT_LIST_TYPE to an age label: "TOTAL" -> "all ages", "17OV" -> "17+"."""
    m = re.fullmatch(r"(\d{1,2})OV", str(list_type).strip())
    if m:
        return f"{int(m.group(1))}+"
    if str(list_type).strip().upper() == "TOTAL":
        return "all ages"
    raise ValueError(f"unknown QOF patient list type {list_type!r}")


def read_csv_text(path, problems_file: str) -> pd.DataFrame:
    """Read a CSV as text (BOM-tolerant); a missing file is a SourceError."""
    if not path.exists():
        raise SourceError(f"{problems_file}: file not found at {path}")
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    frame.columns = [normalise_header(c) for c in frame.columns]
    return frame.replace({"": None})


@reader("qof_prevalence")
def read_qof_prevalence(ctx: ReadContext) -> ReadResult:
    """QOF 2022/23 recorded prevalence for each register at Sub-ICB, ICB, region and England.

    Σ REGISTER / Σ PRACTICE_LIST_SIZE over the practices of each area (the list size is
    for the register's age group), with Wilson limits at 95% and 99.8%.
    """
    prev_path = ctx.path()
    map_id = ctx.params.get("mapping", "qof_mapping_2223")
    year = financial_year_label(ctx.params.get("year", "2022/23"))
    problems = Problems(ctx.dataset, prev_path.name)
    prev = read_csv_text(prev_path, prev_path.name)
    rows_read = len(prev)
    if problems.require_columns(prev, PREVALENCE_COLUMNS):
        raise SourceError(f"{prev_path.name}: key columns missing")
    map_path = ctx.path(map_id)
    map_problems = Problems(ctx.dataset, map_path.name)
    mapping = read_csv_text(map_path, map_path.name)
    if map_problems.require_columns(mapping, MAPPING_COLUMNS):
        raise SourceError(f"{map_path.name}: key columns missing")
    dup = mapping["PRACTICE_CODE"].duplicated(keep="first")
    mapping = map_problems.reject_mask(mapping, dup, "PRACTICE_CODE", "practice listed twice in the mapping")

    prev = numeric_columns(prev, problems, ["REGISTER", "PRACTICE_LIST_SIZE"])
    # A register above its practice's list size is what NHS Digital published (e.g. Y05750's
    # learning-disability register, 121 on a list of 118): the national totals include it,
    # so it is kept and flagged, not rejected. Zero or negative lists and negative
    # registers are real errors and are still rejected.
    prev = reject_bad_denominators(
        prev, problems, count="REGISTER", denominator="PRACTICE_LIST_SIZE", proportion=False
    )
    prev = problems.flag_mask(
        prev,
        prev["REGISTER"] > prev["PRACTICE_LIST_SIZE"],
        "REGISTER",
        "register above the practice's list size as published; included in totals",
    )
    known = prev["GROUP_CODE"].isin(list(QOF_REGISTERS))
    prev = problems.reject_mask(prev, ~known, "GROUP_CODE", "unknown QOF register code")
    # Each register has one list type (age group); rows with another one cannot be summed with it.
    usual = prev.groupby("GROUP_CODE")["PATIENT_LIST_TYPE"].agg(lambda x: x.mode().iat[0])
    odd = prev["PATIENT_LIST_TYPE"] != prev["GROUP_CODE"].map(usual)
    prev = problems.reject_mask(prev, odd, "PATIENT_LIST_TYPE", "list type differs from the register's")
    in_map = prev["PRACTICE_CODE"].isin(mapping["PRACTICE_CODE"])
    prev = problems.reject_mask(prev, ~in_map, "PRACTICE_CODE", "practice not in the geography mapping")
    joined = prev.merge(mapping[MAPPING_COLUMNS], on="PRACTICE_CODE", how="left")

    frames = []
    for geography, cols in PREVALENCE_LEVELS.items():
        if cols is None:
            keyed = joined.assign(_code=s.ENGLAND_CODE, _name=s.ENGLAND_NAME)
        else:
            keyed = joined.assign(_code=joined[cols[0]], _name=joined[cols[1]])
        agg = (
            keyed.groupby(["GROUP_CODE", "PATIENT_LIST_TYPE", "_code", "_name"], dropna=False)
            .agg(count=("REGISTER", "sum"), denominator=("PRACTICE_LIST_SIZE", "sum"))
            .reset_index()
        )
        agg[s.GEOGRAPHY] = geography
        frames.append(agg)
    values = pd.concat(frames, ignore_index=True).rename(columns={"_code": s.AREA_CODE, "_name": s.AREA_NAME})
    values[s.INDICATOR_ID] = "qof_" + values["GROUP_CODE"].str.lower()
    values[s.PERIOD] = year
    values[s.PERIOD_START] = period_start(year)
    values[s.SEX] = "Persons"
    values = with_statistics(values, "proportion", 100)

    catalogue = []
    for code, list_type in usual.items():
        name, short = QOF_REGISTERS[code]
        ages = age_group(list_type)
        short_name = f"{short} ({ages}) prevalence" if ages != "all ages" else f"{short} prevalence"
        catalogue.append(
            catalogue_entry(
                f"qof_{code.lower()}",
                name=f"QOF recorded prevalence: {name} ({ages})",
                short_name=short_name,
                domain="context",
                unit="%",
                multiplier=100,
                polarity=s.POLARITY_NONE,
                statistic="proportion",
                ci_method="Wilson",
                source=ctx.dataset,
                publisher=PUBLISHER,
                licence=LICENCE,
                definition=(
                    f"Patients on the QOF {name.lower()} register ({code}) as a percentage of patients "
                    f"registered with the practices of the area"
                    + ("" if ages == "all ages" else f" aged {ages}")
                    + f", {year}; practice registers and list sizes summed to Sub-ICB location, ICB, "
                    "NHS region and England through NHS Digital's QOF geography mapping."
                ),
                caveats=(
                    "Recorded (diagnosed) prevalence, not true prevalence: it reflects case finding and "
                    "recording as well as disease. Practices are assigned to areas as at March 2023."
                ),
            )
        )
    out = conform_values(values)
    notes = [
        f"{ctx.dataset}: {out[s.INDICATOR_ID].nunique()} registers; rows by geography "
        + ", ".join(f"{g} {n}" for g, n in out[s.GEOGRAPHY].value_counts().sort_index().items())
    ]
    return ReadResult(
        rows_read=rows_read,
        values=out,
        catalogue=catalogue,
        problems=map_problems.items + problems.items,
        notes=notes,
    )


# --- % of QOF points achieved ------------------------------------------------------

# Normalised header patterns (lower case) for the columns of the practice files.
POINTS_HEADERS: dict[str, str] = {
    "ods": r"(ccg|sub icb loc) (ods )?code( \(practice parent\))?",
    "ons": r"(ccg|sub icb loc) (ons|geography) code( \(practice parent\))?",
    "name": r"(ccg|sub icb loc) name( \(practice parent\))?",
    "practice": r"practice code",
    "points": r"achievement score.*",
}


def find_points_columns(columns: list[str]) -> dict[str, str | None]:
    """Map each role in ``POINTS_HEADERS`` to the file's (normalised) column, or None."""
    found: dict[str, str | None] = {}
    for role, pattern in POINTS_HEADERS.items():
        hits = [c for c in columns if re.fullmatch(pattern, c.lower())]
        found[role] = hits[0] if hits else None
    return found


def max_points_from_header(header: str) -> float | None:
    """The practice maximum stated in the achievement header ("(max. 559)", "(635 max)")."""
    m = re.search(r"\((?:max\.?\s*)?(\d{3})(?:\s*max)?\)", header)
    return float(m.group(1)) if m else None


def read_points_file(path, entry_id: str, spec: dict, dataset: str) -> tuple[pd.DataFrame, list, int]:
    """One year's practice file summed to its CCG / Sub-ICB geography and England."""
    problems = Problems(dataset, path.name)
    frame = read_csv_text(path, path.name)
    rows_read = len(frame)
    cols = find_points_columns(list(frame.columns))
    geography = spec["geography"]
    code_role = spec.get("code", "ons")
    needed = [cols["practice"], cols["points"], cols[code_role]]
    if any(c is None for c in needed):
        missing = [r for r in ("practice", "points", code_role) if cols[r] is None]
        for role in missing:
            problems.add(f"missing column for {role} (columns: {', '.join(frame.columns)})", column=role)
        raise SourceError(f"{path.name}: key columns missing: {', '.join(missing)}")
    max_points = float(spec.get("max_points") or max_points_from_header(cols["points"]) or 0)
    if max_points <= 0:
        raise SourceError(f"{path.name}: cannot tell the maximum points per practice")
    stated = max_points_from_header(cols["points"])
    if stated is not None and stated != max_points:
        log.warning("%s: header says max %s points, manifest says %s", path.name, stated, max_points)
    frame = frame.rename(columns={cols["points"]: "points", cols[code_role]: "code"})
    frame["area_name"] = frame[cols["name"]] if cols["name"] else frame["code"]
    frame = numeric_columns(frame, problems, ["points"])
    frame = problems.reject_mask(frame, frame["points"] < 0, "points", "negative points")
    frame = problems.reject_mask(
        frame, frame["points"] > max_points, "points", f"points above the {max_points:g} available"
    )
    frame = reject_bad_codes(frame, problems, "code", geography)
    frame["denominator"] = max_points
    label = financial_year_label(spec["year"])
    by_area = (
        frame.groupby("code")
        .agg(
            area_name=("area_name", "first"),
            count=("points", "sum"),
            denominator=("denominator", "sum"),
            n=("points", "size"),
        )
        .reset_index()
        .rename(columns={"code": s.AREA_CODE})
    )
    by_area[s.GEOGRAPHY] = geography
    england = pd.DataFrame(
        {
            s.AREA_CODE: [s.ENGLAND_CODE],
            "area_name": [s.ENGLAND_NAME],
            "count": [frame["points"].sum()],
            "denominator": [frame["denominator"].sum()],
            "n": [len(frame)],
            s.GEOGRAPHY: ["england"],
        }
    )
    out = pd.concat([by_area, england], ignore_index=True)
    out[s.PERIOD] = label
    out[s.PERIOD_START] = period_start(label)
    out[s.NOTE] = out["n"].map(lambda n: f"{n} practices; maximum {max_points:g} points each")
    return out, problems.items, rows_read


def maximum_breaks(values: pd.DataFrame) -> list[dict[str, str]]:
    """A series break wherever the points available to a practice change between years (559 to
    2019/20, 635 from 2021/22): the percentages before and after are of different totals, and
    the indicators behind them changed. Read from the files themselves (each year's England row:
    points available / practices), not assumed."""
    england = values[values[s.AREA_CODE] == s.ENGLAND_CODE].sort_values(s.PERIOD_START)
    maxima = (england["denominator"] / england["n"]).round(0)
    breaks, before = [], None
    for period, start, maximum in zip(england[s.PERIOD], england[s.PERIOD_START], maxima, strict=True):
        if before is not None and maximum != before[1]:
            breaks.append(
                {
                    "period": str(period),
                    "start": pd.Timestamp(start).date().isoformat(),
                    "reason": (
                        f"the QOF maximum changed from {before[1]:g} to {maximum:g} points a practice "
                        "and the indicators behind it changed"
                    ),
                    "source": (
                        f"NHS Digital QOF practice achievement files: maximum {before[1]:g} points a "
                        f"practice in {before[0]}, {maximum:g} in {period}"
                    ),
                }
            )
        before = (period, maximum)
    return breaks


@reader("qof_points")
def read_qof_points(ctx: ReadContext) -> ReadResult:
    """% of QOF points achieved by CCG / Sub-ICB location and England for each year.

    Σ achievement points / (maximum points × number of practices), as Fingertips
    indicator 295; params ``files`` list each year's manifest entry, year, geography and
    which code (``ods`` or ``ons``) is the area code.
    """
    files = ctx.params.get("files")
    if not files:
        raise SourceError(f"{ctx.dataset}: params.files is empty")
    frames, problems, rows_read = [], [], 0
    for spec in files:
        frame, probs, n = read_points_file(ctx.path(spec["entry"]), spec["entry"], spec, ctx.dataset)
        frames.append(frame)
        problems += probs
        rows_read += n
    values = pd.concat(frames, ignore_index=True).rename(columns={"area_name": s.AREA_NAME})
    breaks = maximum_breaks(values)
    values[s.INDICATOR_ID] = ctx.params.get("indicator_id", "qof_points")
    values[s.SEX] = "Persons"
    values = with_statistics(values, "proportion", 100)
    catalogue = [
        catalogue_entry(
            ctx.params.get("indicator_id", "qof_points"),
            name="QOF points achieved: % of total points available",
            short_name="QOF points achieved (%)",
            domain="context",
            unit="%",
            multiplier=100,
            polarity=s.POLARITY_HIGH_GOOD,
            statistic="proportion",
            ci_method="Wilson",
            source=ctx.dataset,
            publisher=PUBLISHER,
            licence=LICENCE,
            definition=(
                "Total QOF achievement points of the area's practices as a percentage of the points "
                "available (559 a practice to 2019/20, 635 from 2021/22), as Fingertips indicator 295."
            ),
            caveats=(
                "A measure of recorded care processes, not outcomes. The maximum changed from 559 to 635 "
                "points in 2021/22 and indicators change between years, so years are not strictly "
                "comparable; 2020/21 is not available. Practices without a published score (':') are "
                "left out. Geographies follow each year's CCG or Sub-ICB set. Wilson limits treat "
                "points as counts, which overstates precision."
            ),
            series_breaks=breaks,
        )
    ]
    out = conform_values(values)
    notes = [
        f"{ctx.dataset}: areas per period "
        + ", ".join(f"{p} {g} {n}" for (p, g), n in out.groupby([s.PERIOD, s.GEOGRAPHY]).size().items())
    ]
    return ReadResult(rows_read=rows_read, values=out, catalogue=catalogue, problems=problems, notes=notes)
