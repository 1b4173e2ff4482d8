"""Demographic context per CCG21 (population, age, sex, deprivation, rurality, GP list size, GP payments,
an ethnicity proxy), one row per CCG, for the explorer's scatter and context panels.

Choices (see SOURCES.md): the population is ONS mid-2022 by single year of age (mid-2020 banded file kept
as a cross-check and a second population column); deprivation and rurality are LSOA-count summaries (no
LSOA populations are available), checked against ``derived/ccg21_imd2019_rurality_summary.csv``; the GP
list size is the QOF 2022-23 practice list size (``PATIENT_LIST_TYPE`` TOTAL) summed to the Sub-ICB
location, whose ODS code equals the CCG21 ODS code; payments are NHS payments to general practice
2021-22 per registered patient (CCG21 ODS codes).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from data.model import schema
from data.model.validation import Problems
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import EXTERNAL_FILES
from data.readers.lookups import CCG21_NAMES_ID, check_codes, read_csv_checked

log = logging.getLogger(__name__)

# Manifest entry ids (data/sources/demographics.toml, lookups.toml).
MID2020_ID = "demog_ccg21_population_by_ageband_mid2020"
IMD_ID = "demog_imd2019_lsoa11"
RUC_ID = "demog_ruc11_lsoa11"
ORIGIN_ID = "demog_ccg21_non_white_british_origin"
DERIVED_IMD_ID = "derived_ccg21_imd2019_rurality_summary"
LSOA_CCG21_ID = "lookup_lsoa11_ccg21_lad21"

POPULATION_SHEET = "Mid-2022 CCG 2021"
POPULATION_HEADER_ROW = 3  # 0-based: the header is on spreadsheet row 4
PAYMENTS_YEAR = "2021-22"
# Tolerance of the cross-check against the derived summary (it is rounded to 2 d.p.).
DERIVED_TOLERANCE = 0.006

# id, name, unit, source key (manifest id or external key), note
CATALOGUE: list[tuple[str, str, str, str, str]] = [
    ("population", "Resident population, mid-2022", "persons", "sya", "ONS mid-2022 estimate, all ages."),
    ("population_mid2020", "Resident population, mid-2020", "persons", MID2020_ID, "ONS mid-2020 estimate."),
    ("pop_0_17", "Population aged 0-17, mid-2022", "persons", "sya", ""),
    ("pop_18_64", "Population aged 18-64, mid-2022", "persons", "sya", ""),
    ("pop_65_74", "Population aged 65-74, mid-2022", "persons", "sya", ""),
    ("pop_75plus", "Population aged 75+, mid-2022", "persons", "sya", "Age 90 is 90 and over."),
    ("pop_65plus", "Population aged 65+, mid-2022", "persons", "sya", ""),
    ("pct_under18", "% of population aged under 18", "%", "sya", "Mid-2022."),
    ("pct_65plus", "% of population aged 65+", "%", "sya", "Mid-2022."),
    ("pct_75plus", "% of population aged 75+", "%", "sya", "Mid-2022."),
    ("pct_male", "% of population male", "%", "sya", "Mid-2022."),
    ("n_lsoa", "Number of LSOAs (2011)", "count", LSOA_CCG21_ID, "LSOAs in the CCG (April 2021 lookup)."),
    (
        "imd19_mean_rank",
        "IMD 2019: mean LSOA rank (a higher rank means less deprived)",
        "rank",
        IMD_ID,
        "Unweighted mean of LSOA ranks (1 = most deprived of 32,844); lower is more deprived.",
    ),
    (
        "imd19_median_decile",
        "IMD 2019: median LSOA decile (1 = most deprived)",
        "decile",
        IMD_ID,
        "1 = most deprived decile.",
    ),
    (
        "imd19_pct_lsoa_most_deprived_decile",
        "IMD 2019: % of LSOAs in England's most deprived decile",
        "%",
        IMD_ID,
        "Share of LSOAs, not of population.",
    ),
    (
        "imd19_pct_lsoa_most_deprived_quintile",
        "IMD 2019: % of LSOAs in England's most deprived quintile",
        "%",
        IMD_ID,
        "Share of LSOAs, not of population.",
    ),
    (
        "pct_lsoa_rural",
        "% of LSOAs classed as rural (RUC 2011)",
        "%",
        RUC_ID,
        "Share of LSOAs (classes D1-E2), not of population.",
    ),
    (
        "gp_list_size_2022_23",
        "GP-registered patients, QOF 2022-23",
        "persons",
        "qof_prevalence",
        "Sum of QOF 2022-23 practice list sizes (PATIENT_LIST_TYPE TOTAL) of the practices of the Sub-ICB "
        "location with the CCG's ODS code (July 2022 boundaries: Glossop, West Birmingham and 9 "
        "Cambridgeshire LSOAs moved).",
    ),
    (
        "n_practices_2022_23",
        "GP practices, QOF 2022-23",
        "count",
        "qof_prevalence",
        "Practices in QOF 2022-23.",
    ),
    (
        "gp_payment_per_patient_2021_22",
        "NHS payments to general practice per registered patient, 2021-22",
        "GBP",
        "payments",
        "Context (resource) variable, not an outcome.",
    ),
    (
        "pct_non_white_british",
        "% of population not White British (rough proxy)",
        "%",
        ORIGIN_ID,
        "WEAK: made from a private LA-level file aggregated to CCGs with a LAD20/LAD21 mismatch; its population "
        "total does not equal ONS. Use only as a rough ethnicity proxy.",
    ),
]
DEMOGRAPHIC_COLUMNS: list[str] = [c[0] for c in CATALOGUE]


def _rel(ctx: ReadContext, path: Path) -> str:
    return str(path.relative_to(ctx.data_dir)) if path.is_relative_to(ctx.data_dir) else str(path)


def _external(ctx: ReadContext, key: str) -> tuple[Path, str]:
    """Path of a file owned by another manifest and its manifest id (or its path if it has none)."""
    rel = ctx.params.get(key, EXTERNAL_FILES[key])
    ids = [eid for eid, entry in ctx.manifest.items() if entry.get("path") == rel]
    return ctx.data_dir / rel, ids[0] if ids else rel


@reader("demographics_ccg21")
def read_demographics(ctx: ReadContext) -> ReadResult:
    """One row per CCG21 with the demographic columns, plus a catalogue of those columns."""
    result = ReadResult()
    problem_sets: list[Problems] = []

    def problems_for(path: Path) -> Problems:
        problems = Problems(ctx.dataset, _rel(ctx, path))
        problem_sets.append(problems)
        return problems

    def load(path: Path, columns: list[str]) -> tuple[pd.DataFrame | None, Problems]:
        problems = problems_for(path)
        frame = read_csv_checked(path, problems, columns)
        if frame is not None:
            result.rows_read += len(frame)
        return frame, problems

    spine, p = load(ctx.path(CCG21_NAMES_ID), ["CCG21CD", "CCG21CDH", "CCG21NM"])
    if spine is None:
        result.problems.extend(p.items)
        return result
    spine = check_codes(spine, p, "CCG21CD", "E38")
    out = spine.rename(
        columns={"CCG21CD": schema.AREA_CODE, "CCG21CDH": "ods_code", "CCG21NM": schema.AREA_NAME}
    )[[schema.AREA_CODE, "ods_code", schema.AREA_NAME]].set_index(schema.AREA_CODE)

    pop = _population(ctx, problems_for(ctx.path()), result)
    out = out.join(pop)
    out = out.join(_population_mid2020(ctx, load, out["population"], result))

    lsoa, p = load(ctx.path(LSOA_CCG21_ID), ["LSOA11CD", "CCG21CD"])
    if lsoa is not None:
        lsoa = check_codes(lsoa, p, "CCG21CD", "E38")
        out = out.join(_imd(ctx, lsoa, problems_for(ctx.path(IMD_ID)), result))
        out = out.join(_rural(ctx, lsoa, load))
        _cross_check(ctx, out, load, result)

    qof_path, qof_id = _external(ctx, "qof_prevalence")
    map_path, _ = _external(ctx, "qof_mapping")
    list_size = _gp_list_size(qof_path, map_path, load)
    out = out.join(list_size, on="ods_code")

    pay_path, pay_id = _external(ctx, "payments")
    out = out.join(_payments(pay_path, load), on="ods_code")

    origin, p = load(ctx.path(ORIGIN_ID), ["CCG21CD", "NWB_pct"])
    if origin is not None:
        origin = p.numeric(origin, "NWB_pct")
        out = out.join(origin.set_index("CCG21CD")["NWB_pct"].rename("pct_non_white_british"))

    for col in DEMOGRAPHIC_COLUMNS:
        if col not in out.columns:
            out[col] = np.nan
    out = out.reset_index()[[schema.AREA_CODE, "ods_code", schema.AREA_NAME, *DEMOGRAPHIC_COLUMNS]]
    result.frames["demographics"] = out
    sources = {"sya": ctx.dataset, "qof_prevalence": qof_id, "payments": pay_id}
    result.frames["demographic_catalogue"] = pd.DataFrame(
        [
            {"id": cid, "name": name, "unit": unit, "source": sources.get(src, src), "note": note}
            for cid, name, unit, src, note in CATALOGUE
        ]
    )
    present = out[DEMOGRAPHIC_COLUMNS].notna().sum()
    result.notes.append(
        f"demographics: {len(out)} CCG21s; columns with gaps: "
        + (", ".join(f"{c} {n}/{len(out)}" for c, n in present.items() if n < len(out)) or "none")
    )
    for problems in problem_sets:
        result.problems.extend(problems.items)
    return result


# --- pieces ----------------------------------------------------------------------------------------


def _population(ctx: ReadContext, problems: Problems, result: ReadResult) -> pd.DataFrame:
    """Mid-2022 population, age bands, % under 18 / 65+ / 75+ and % male from the single-year file."""
    sheet = ctx.params.get("sheet", POPULATION_SHEET)
    ages = range(91)
    female, male = [f"F{a}" for a in ages], [f"M{a}" for a in ages]
    code = "CCG 2021 Code"
    try:
        raw = pd.read_excel(ctx.path(), sheet_name=sheet, header=POPULATION_HEADER_ROW, dtype={code: str})
    except (FileNotFoundError, ValueError) as exc:
        problems.add(f"cannot read sheet {sheet!r}: {exc}")
        return pd.DataFrame()
    result.rows_read += len(raw)
    raw.columns = [str(c).strip() for c in raw.columns]
    # Spreadsheet row of data row i is i + header row + 2; Problems adds 2, so shift the index.
    raw.index = raw.index + POPULATION_HEADER_ROW
    if problems.require_columns(raw, [code, "Total", *female, *male]):
        return pd.DataFrame()
    raw = check_codes(raw.assign(**{code: raw[code].astype(str).str.strip()}), problems, code, "E38")
    for col in ["Total", *female, *male]:
        raw = problems.numeric(raw, col)
    by_age = raw[female].to_numpy() + raw[male].to_numpy()
    total = by_age.sum(axis=1)
    raw = problems.reject_mask(
        raw,
        pd.Series(np.abs(total - raw["Total"].to_numpy()) > 0.5, index=raw.index),
        "Total",
        "Total differs from the sum of F0..F90 and M0..M90",
    )
    by_age = raw[female].to_numpy() + raw[male].to_numpy()
    pop = pd.DataFrame(index=raw[code].rename(schema.AREA_CODE))
    pop["population"] = raw["Total"].to_numpy()
    pop["pop_0_17"] = by_age[:, :18].sum(axis=1)
    pop["pop_18_64"] = by_age[:, 18:65].sum(axis=1)
    pop["pop_65_74"] = by_age[:, 65:75].sum(axis=1)
    pop["pop_75plus"] = by_age[:, 75:].sum(axis=1)
    pop["pop_65plus"] = pop["pop_65_74"] + pop["pop_75plus"]
    pop["pct_under18"] = 100 * pop["pop_0_17"] / pop["population"]
    pop["pct_65plus"] = 100 * pop["pop_65plus"] / pop["population"]
    pop["pct_75plus"] = 100 * pop["pop_75plus"] / pop["population"]
    pop["pct_male"] = 100 * raw[male].sum(axis=1).to_numpy() / pop["population"]
    return pop


def _population_mid2020(ctx: ReadContext, load, pop2022: pd.Series, result: ReadResult) -> pd.DataFrame:
    """Mid-2020 population (banded file); logs the England difference from mid-2022 as a cross-check."""
    frame, p = load(ctx.path(MID2020_ID), ["CCG Code", "All Ages"])
    if frame is None:
        return pd.DataFrame()
    frame = p.numeric(check_codes(frame, p, "CCG Code", "E38"), "All Ages")
    mid2020 = frame.set_index("CCG Code")["All Ages"].rename("population_mid2020")
    e2020, e2022 = mid2020.sum(), pop2022.sum()
    msg = (
        f"England population mid-2020 {e2020:,.0f}, mid-2022 {e2022:,.0f} (difference {e2022 - e2020:+,.0f})"
    )
    log.info("%s: %s", ctx.dataset, msg)
    result.notes.append(msg)
    return mid2020.to_frame()


def _imd(ctx: ReadContext, lsoa: pd.DataFrame, problems: Problems, result: ReadResult) -> pd.DataFrame:
    """IMD 2019 LSOA-count summaries per CCG21: n LSOAs, mean rank, median decile, % in decile 1, quintile 1."""
    lsoa_col = "LSOA code (2011)"
    rank, decile = "Index of Multiple Deprivation (IMD) Rank", "Index of Multiple Deprivation (IMD) Decile"
    try:
        imd = pd.read_excel(ctx.path(IMD_ID), sheet_name=ctx.params.get("imd_sheet", "IMD2019"))
    except (FileNotFoundError, ValueError) as exc:
        problems.add(f"cannot read the IMD sheet: {exc}")
        return pd.DataFrame()
    result.rows_read += len(imd)
    if problems.require_columns(imd, [lsoa_col, rank, decile]):
        return pd.DataFrame()
    imd = problems.numeric(problems.numeric(imd, rank), decile)
    joined = lsoa.merge(imd[[lsoa_col, rank, decile]], left_on="LSOA11CD", right_on=lsoa_col, how="left")
    for code in joined.loc[joined[rank].isna(), "LSOA11CD"]:
        problems.add("LSOA of the CCG21 lookup has no IMD 2019 rank", column=lsoa_col, value=code)
    joined = joined.dropna(subset=[rank])
    grouped = joined.groupby("CCG21CD")
    out = pd.DataFrame(
        {
            "n_lsoa": grouped.size(),
            "imd19_mean_rank": grouped[rank].mean(),
            "imd19_median_decile": grouped[decile].median(),
            "imd19_pct_lsoa_most_deprived_decile": 100 * grouped[decile].apply(lambda d: (d == 1).mean()),
            "imd19_pct_lsoa_most_deprived_quintile": 100 * grouped[decile].apply(lambda d: (d <= 2).mean()),
        }
    )
    return out.rename_axis(schema.AREA_CODE)


def _rural(ctx: ReadContext, lsoa: pd.DataFrame, load) -> pd.DataFrame:
    """% of each CCG21's LSOAs classed as rural in the 2011 rural-urban classification."""
    ruc, p = load(ctx.path(RUC_ID), ["lsoa11_code", "ruc"])
    if ruc is None:
        return pd.DataFrame()
    ruc = p.reject_mask(ruc, ~ruc["ruc"].isin(["Urban", "Rural"]), "ruc", "not Urban or Rural")
    joined = lsoa.merge(ruc, left_on="LSOA11CD", right_on="lsoa11_code", how="left")
    missing = joined["ruc"].isna()
    if missing.any():
        log.warning("%s: %d LSOAs have no rural-urban class", ctx.dataset, int(missing.sum()))
    rural = (joined.loc[~missing, "ruc"] == "Rural").groupby(joined.loc[~missing, "CCG21CD"]).mean()
    return (100 * rural).rename("pct_lsoa_rural").rename_axis(schema.AREA_CODE).to_frame()


def _cross_check(ctx: ReadContext, out: pd.DataFrame, load, result: ReadResult) -> None:
    """Record a problem wherever the computed IMD/rural summaries differ from the derived file."""
    pairs = {
        "n_lsoa": "n_lsoa",
        "imd19_mean_rank": "imd19_mean_rank",
        "imd19_median_decile": "imd19_median_decile",
        "imd19_pct_lsoa_most_deprived_decile": "imd19_pct_lsoa_most_deprived_decile",
        "imd19_pct_lsoa_most_deprived_quintile": "imd19_pct_lsoa_most_deprived_quintile",
        "pct_lsoa_rural": "ruc11_pct_lsoa_rural",
    }
    derived, p = load(ctx.path(DERIVED_IMD_ID), ["CCG21CD", *pairs.values()])
    if derived is None:
        return
    for col in pairs.values():
        derived = p.numeric(derived, col)
    row_of = pd.Series(derived.index, index=derived["CCG21CD"])
    worst = 0.0
    for ours, theirs in pairs.items():
        if ours not in out.columns:
            continue
        mine = derived["CCG21CD"].map(out[ours])
        diff = (mine - derived[theirs]).abs()
        worst = max(worst, float(diff.max()))
        for idx in derived.index[(diff > DERIVED_TOLERANCE) | mine.isna()]:
            p.add(
                f"differs from the computed {ours} ({mine[idx]:.4f})",
                row=int(row_of[derived.at[idx, "CCG21CD"]]) + 2,
                column=theirs,
                value=derived.at[idx, theirs],
            )
    result.notes.append(f"IMD/rurality summaries vs the derived file: largest difference {worst:.4f}")


def _gp_list_size(qof_path: Path, map_path: Path, load) -> pd.DataFrame:
    """QOF 2022-23 list size (TOTAL) and practice count per Sub-ICB ODS code (= CCG21 ODS code)."""
    prev, p = load(qof_path, ["PRACTICE_CODE", "PATIENT_LIST_TYPE", "PRACTICE_LIST_SIZE"])
    mapping, _ = load(map_path, ["PRACTICE_CODE", "SUB_ICB_ODS_CODE"])
    if prev is None or mapping is None:
        return pd.DataFrame(columns=["gp_list_size_2022_23", "n_practices_2022_23"])
    total = p.numeric(prev[prev["PATIENT_LIST_TYPE"] == "TOTAL"], "PRACTICE_LIST_SIZE")
    per_practice = total.groupby("PRACTICE_CODE")["PRACTICE_LIST_SIZE"]
    uneven = per_practice.nunique() > 1
    for practice in uneven[uneven].index:
        p.add(
            "practice has different TOTAL list sizes across registers (the largest is used)", value=practice
        )
    sizes = per_practice.max().rename("list_size").reset_index()
    sizes = sizes.merge(mapping[["PRACTICE_CODE", "SUB_ICB_ODS_CODE"]], on="PRACTICE_CODE", how="left")
    for practice in sizes.loc[sizes["SUB_ICB_ODS_CODE"].isna(), "PRACTICE_CODE"]:
        p.add("practice not in the QOF geography mapping", column="PRACTICE_CODE", value=practice)
    grouped = sizes.dropna(subset=["SUB_ICB_ODS_CODE"]).groupby("SUB_ICB_ODS_CODE")["list_size"]
    return pd.DataFrame({"gp_list_size_2022_23": grouped.sum(), "n_practices_2022_23": grouped.size()})


def _payments(path: Path, load) -> pd.Series:
    """NHS payments to general practice per registered patient, 2021-22, by CCG21 ODS code."""
    col = "payment_per_registered_patient_gbp"
    frame, p = load(path, ["financial_year", "ccg_ods_code", col])
    if frame is None:
        return pd.Series(name="gp_payment_per_patient_2021_22", dtype=float)
    year = p.numeric(frame[frame["financial_year"] == PAYMENTS_YEAR], col)
    return year.set_index("ccg_ods_code")[col].rename("gp_payment_per_patient_2021_22")
