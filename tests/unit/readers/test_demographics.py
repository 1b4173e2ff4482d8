"""Tests of the ``demographics_ccg21`` reader: the real files, and small synthetic files for bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.model import schema
from data.model.manifest import load_manifest
from data.model.settings import get_settings
from data.readers import READERS, ReadContext
from data.readers import demographics as dm
from data.readers.lookups import CCG21_NAMES_ID

DATA_DIR = get_settings().data_dir
READER_ID = "demog_pop_health_geographies_sya_2021_2022"
needs_data = pytest.mark.skipif(not (DATA_DIR / "SOURCES.md").exists(), reason="real data not available")


@pytest.fixture(scope="module")
def real():
    manifest = load_manifest()
    ctx = ReadContext(entry=manifest[READER_ID], data_dir=DATA_DIR, manifest=manifest)
    return READERS["demographics_ccg21"](ctx)


@pytest.fixture(scope="module")
def demog(real) -> pd.DataFrame:
    return real.frames["demographics"]


@needs_data
def test_one_row_per_ccg21_with_every_column(demog):
    names = pd.read_csv(DATA_DIR / "lookups/ccg21_codes_names.csv")
    assert len(demog) == 106 and demog[schema.AREA_CODE].is_unique
    assert set(demog[schema.AREA_CODE]) == set(names["CCG21CD"])
    assert list(demog.columns) == [schema.AREA_CODE, "ods_code", schema.AREA_NAME, *dm.DEMOGRAPHIC_COLUMNS]
    gaps = demog[dm.DEMOGRAPHIC_COLUMNS].isna().sum()
    # The only gap: the origin file has no value for Northamptonshire (population 0 there).
    assert gaps[gaps > 0].to_dict() == {"pct_non_white_british": 1}
    assert demog.loc[demog["pct_non_white_british"].isna(), "ods_code"].tolist() == ["78H"]


@needs_data
def test_only_problem_is_the_missing_ethnicity_value(real):
    assert [(p.file, p.row, p.column) for p in real.problems] == [
        ("demographics/ccg21_non_white_british_origin.csv", 92, "NWB_pct")
    ]


@needs_data
def test_population_mid2022_sums_to_england(demog):
    raw = pd.read_excel(
        DATA_DIR / "demographics/ons_pop_health_geographies_sya_mid2021_mid2022.xlsx",
        sheet_name="Mid-2022 CCG 2021",
        header=3,
    )
    assert demog["population"].sum() == raw["Total"].sum() == 57_106_398
    bands = demog[["pop_0_17", "pop_18_64", "pop_65_74", "pop_75plus"]].sum(axis=1)
    assert np.allclose(bands, demog["population"])
    assert demog["population_mid2020"].sum() == 56_550_138
    assert demog["pct_65plus"].between(8, 35).all() and demog["pct_male"].between(47, 52).all()
    barnsley = demog.set_index("ods_code").loc["02P"]
    assert barnsley["population"] == 246_482


@needs_data
def test_imd_and_rurality_agree_with_the_derived_file(demog, real):
    derived = pd.read_csv(DATA_DIR / "derived/ccg21_imd2019_rurality_summary.csv").set_index("CCG21CD")
    ours = demog.set_index(schema.AREA_CODE).loc[derived.index]
    assert (ours["n_lsoa"] == derived["n_lsoa"]).all()
    assert ours["n_lsoa"].sum() == 32_844
    pairs = {
        "imd19_mean_rank": "imd19_mean_rank",
        "imd19_median_decile": "imd19_median_decile",
        "imd19_pct_lsoa_most_deprived_decile": "imd19_pct_lsoa_most_deprived_decile",
        "imd19_pct_lsoa_most_deprived_quintile": "imd19_pct_lsoa_most_deprived_quintile",
        "pct_lsoa_rural": "ruc11_pct_lsoa_rural",
    }
    for col, theirs in pairs.items():
        assert np.allclose(ours[col], derived[theirs], atol=0.006), col
    assert any("largest difference" in n for n in real.notes)


@needs_data
def test_gp_list_size_and_payments(demog):
    assert demog["gp_list_size_2022_23"].sum() == 62_378_057
    assert demog["n_practices_2022_23"].sum() == 6378
    assert (demog["gp_list_size_2022_23"] > 0.8 * demog["population"]).all()
    assert demog["gp_payment_per_patient_2021_22"].between(100, 300).all()


@needs_data
def test_catalogue_describes_every_column(real):
    cat = real.frames["demographic_catalogue"]
    assert cat["id"].tolist() == dm.DEMOGRAPHIC_COLUMNS
    manifest = load_manifest()
    assert cat["source"].isin(manifest).all()
    assert "WEAK" in cat.set_index("id").loc["pct_non_white_british", "note"]


# --- synthetic edge cases ------------------------------------------------------------------------------


def _write_population(path: Path, rows: list[tuple[str, int, int]]) -> None:
    """Tiny single-year file: each row is (code, females per age, males per age)."""
    records = []
    for code, f, m in rows:
        rec = {"CCG 2021 Code": code, "CCG 2021 Name": f"CCG {code}", "Total": 91 * (f + m)}
        rec |= {f"F{a}": f for a in range(91)} | {f"M{a}": m for a in range(91)}
        records.append(rec)
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame(records).to_excel(writer, sheet_name=dm.POPULATION_SHEET, startrow=3, index=False)


def test_synthetic_files_record_problems_and_load_the_rest(tmp_path):
    files = {
        READER_ID: "demographics/pop.xlsx",
        CCG21_NAMES_ID: "lookups/names21.csv",
        dm.MID2020_ID: "demographics/mid2020.csv",
        dm.IMD_ID: "demographics/imd.xlsx",
        dm.RUC_ID: "demographics/ruc.csv",
        dm.ORIGIN_ID: "demographics/origin.csv",
        dm.DERIVED_IMD_ID: "derived/imd.csv",
        dm.LSOA_CCG21_ID: "lookups/lsoa.csv",
    }
    manifest = {i: {"id": i, "path": p} for i, p in files.items()}
    (tmp_path / "lookups").mkdir()
    (tmp_path / "lookups/names21.csv").write_text(
        "\ufeffCCG21CD,CCG21CDH,CCG21NM\nE38000006,02P,NHS Barnsley CCG\nE38000007,99E,NHS Basildon CCG\n"
    )
    _write_population(
        tmp_path / "demographics/pop.xlsx", [("E38000006", 10, 12), ("E38000007", 5, 5), ("X", 1, 1)]
    )
    (tmp_path / "demographics/origin.csv").write_text("CCG21CD,NWB_pct\nE38000006,6.5\nE38000007,abc\n")
    pay = tmp_path / "indicators/nhs_payments_gp_ccg/nhs_payments_to_general_practice_ccg_by_year.csv"
    pay.parent.mkdir(parents=True)
    pay.write_text("financial_year,ccg_ods_code,payment\n2021-22,02P,150\n")  # the payment column is missing

    result = dm.read_demographics(
        ReadContext(entry=manifest[READER_ID], data_dir=tmp_path, manifest=manifest)
    )
    demog = result.frames["demographics"].set_index("ods_code")
    assert list(demog.index) == ["02P", "99E"]
    assert demog.loc["02P", "population"] == 91 * 22
    assert demog.loc["02P", "pop_0_17"] == 18 * 22 and demog.loc["02P", "pop_75plus"] == 16 * 22
    assert demog.loc["02P", "pct_male"] == pytest.approx(100 * 12 / 22)
    assert demog.loc["02P", "pct_non_white_british"] == 6.5
    assert np.isnan(demog.loc["99E", "pct_non_white_british"])
    assert demog["gp_payment_per_patient_2021_22"].isna().all()

    by_value = {p.value: p for p in result.problems if p.value is not None}
    assert (by_value["X"].file, by_value["X"].row, by_value["X"].column) == (
        "demographics/pop.xlsx",
        7,
        "CCG 2021 Code",
    )
    assert (by_value["abc"].row, by_value["abc"].column, by_value["abc"].reason) == (
        3,
        "NWB_pct",
        "not a number",
    )
    pay_problems = [p for p in result.problems if p.file.endswith("by_year.csv")]
    assert len(pay_problems) == 1 and pay_problems[0].column == "payment_per_registered_patient_gbp"
    assert "missing column" in pay_problems[0].reason
    gaps = next(n for n in result.notes if n.startswith("demographics:"))
    assert "pct_non_white_british 1/2" in gaps
