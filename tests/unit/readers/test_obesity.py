"""Tests of the obesity admissions reader against the tidy file, the official table 7.8, and bad inputs."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from data.model import schema as s
from data.model.manifest import load_manifest
from data.model.settings import get_settings
from data.model.validation import SourceError
from data.readers import ReadContext
from data.readers.obesity import read_obesity_admissions

DATA = get_settings().data_dir
MANIFEST = load_manifest()
needs_data = pytest.mark.skipif(not (DATA / "indicators").exists(), reason="real data not present")


@pytest.fixture(scope="module")
def obesity():
    entry = MANIFEST["obesity_admissions_ccg13"]
    return read_obesity_admissions(ReadContext(entry=entry, data_dir=DATA, manifest=MANIFEST))


@needs_data
def test_england_2013_14(obesity):
    v = obesity.values
    eng = v[(v[s.GEOGRAPHY] == "england") & (v[s.PERIOD] == "2013/14")].set_index(s.SEX)
    assert eng.loc["Persons", s.COUNT] == 365_577
    # the unrounded rate of table 7.8 (the tidy file says 679), and ONS mid-2013 England behind it
    assert eng.loc["Persons", s.VALUE] == pytest.approx(678.680878, abs=1e-6)
    assert eng.loc["Persons", s.DENOMINATOR] == pytest.approx(53_865_800, rel=1e-6)
    assert eng.loc["Persons", s.LOWER95] < 678.68 < eng.loc["Persons", s.UPPER95]
    eng15 = v[(v[s.GEOGRAPHY] == "england") & (v[s.PERIOD] == "2014/15") & (v[s.SEX] == "Persons")]
    assert eng15[s.COUNT].iat[0] == 440_288


@needs_data
def test_counts_codes_and_limits(obesity):
    v = obesity.values
    counts = v.groupby([s.GEOGRAPHY, s.PERIOD, s.SEX])[s.AREA_CODE].nunique()
    assert (counts.xs("ccg13") == 211).all() and len(counts.xs("ccg13")) == 6
    assert (counts.xs("england") == 1).all()
    assert "13P" in set(v[s.AREA_CODE])
    assert v.loc[v[s.GEOGRAPHY] == "ccg13", s.AREA_CODE].str.fullmatch(r"[0-9][0-9A-Z]{2}").all()
    assert v[[s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998, s.DENOMINATOR]].notna().all().all()
    # The implied population reproduces the published rate, so the limits bracket it.
    assert ((v[s.LOWER95] <= v[s.VALUE]) & (v[s.VALUE] <= v[s.UPPER95])).all()
    assert obesity.problems == []
    assert any("NHS area team 50; NHS commissioning region 8" in n for n in obesity.notes)
    assert obesity.rows_read == 482


@needs_data
def test_agrees_with_official_table_7_8(obesity):
    wb = openpyxl.load_workbook(
        DATA / MANIFEST["obesity_tables_2015_xlsx"]["path"], read_only=True, data_only=True
    )
    rows = [r for r in wb["7.8"].iter_rows(min_row=7, values_only=True) if r[2] and len(str(r[2])) == 3]
    wb.close()
    table = pd.DataFrame([(r[2], r[4], r[8]) for r in rows], columns=["ods", "count", "rate"]).set_index(
        "ods"
    )
    v = obesity.values
    ours = v[(v[s.GEOGRAPHY] == "ccg13") & (v[s.PERIOD] == "2013/14") & (v[s.SEX] == "Persons")]
    ours = ours.set_index(s.AREA_CODE)
    common = ours.index.intersection(table.index)
    assert len(common) == 211
    assert (ours.loc[common, s.COUNT] == table.loc[common, "count"].astype(float)).all()
    # 2013/14 rates are table 7.8's unrounded ones, so the implied population is exact.
    assert (ours.loc[common, s.VALUE] == table.loc[common, "rate"].astype(float)).all()
    true_pop = table.loc[common, "count"] / table.loc[common, "rate"] * 1e5
    rel = (ours.loc[common, s.DENOMINATOR] / true_pop.astype(float) - 1).abs()
    assert rel.max() < 1e-12
    assert any("636 rates of 2013/14 from table 7.8" in n for n in obesity.notes)


def synthetic(tmp_path, rows: list[str]):
    header = (
        "financial_year,area_type,area_code,ods_code,area_name,admissions_persons,admissions_male,"
        "admissions_female,rate_per_100k_persons,rate_per_100k_male,rate_per_100k_female"
    )
    (tmp_path / "o.csv").write_text("\n".join([header, *rows]) + "\n")
    entry = {"id": "o", "path": "o.csv"}
    return ReadContext(entry=entry, data_dir=tmp_path, manifest={"o": entry})


def test_synthetic_bad_rows(tmp_path):
    rows = [
        "2013/14,England,E92000001,,England,100,40,60,200,160,240",
        "2013/14,CCG,E38000001,02N,A,x,1,2,3,4,5",  # non-numeric persons count
        "2013/14,CCG,E38000002,BAD1,B,10,5,5,20,20,20",  # unknown code (all sexes)
        "2013/14,CCG,E38000003,02P,C,-3,1,1,5,5,5",  # negative persons count
        "2013/14,NHS area team,E39000001,Q44,AT,10,5,5,20,20,20",  # skipped, counted
        "2013/14,CCG,E38000004,02Q,D,0,0,0,0,0,0",  # zero count and rate: kept, no limits
    ]
    result = read_obesity_admissions(synthetic(tmp_path, rows))
    reasons = sorted((p.row, p.column, p.reason) for p in result.problems)
    assert reasons == [
        (3, "admissions_persons", "not a number"),
        (4, s.AREA_CODE, "unknown area code for geography ccg13"),
        (5, "admissions_persons", "negative count"),
    ]
    v = result.values
    assert len(v[v[s.AREA_CODE] == "02N"]) == 2 and len(v[v[s.AREA_CODE] == "02P"]) == 2
    zero = v[v[s.AREA_CODE] == "02Q"]
    assert (
        len(zero) == 3 and zero[s.LOWER95].isna().all() and zero[s.NOTE].str.contains("no population").all()
    )
    assert any("NHS area team 1" in n for n in result.notes)


def test_missing_key_column(tmp_path):
    (tmp_path / "o.csv").write_text("financial_year,area_code\n2013/14,E92000001\n")
    entry = {"id": "o", "path": "o.csv"}
    with pytest.raises(SourceError):
        read_obesity_admissions(ReadContext(entry=entry, data_dir=tmp_path, manifest={"o": entry}))
