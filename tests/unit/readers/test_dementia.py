"""Tests of the dementia reader (DDR 65+ and antipsychotic share) on the real monthly files and bad inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from data.model import schema as s
from data.model.manifest import load_manifest
from data.model.settings import get_settings
from data.readers import ReadContext
from data.readers.dementia import ANTIPSYCHOTIC_ID, DDR_ID, read_dementia

DATA = get_settings().data_dir
MANIFEST = load_manifest()
needs_data = pytest.mark.skipif(not (DATA / "indicators").exists(), reason="real data not present")


@pytest.fixture(scope="module")
def dementia():
    entry = MANIFEST["dementia_ddr_65plus_monthly"]
    return read_dementia(ReadContext(entry=entry, data_dir=DATA, manifest=MANIFEST))


@needs_data
def test_england_ddr(dementia):
    v = dementia.values
    eng = v[(v[s.INDICATOR_ID] == DDR_ID) & (v[s.GEOGRAPHY] == "england")].set_index(s.PERIOD)
    assert eng.loc["2024-01", s.VALUE] == 64.4 and eng.loc["2025-01", s.VALUE] == 65.4
    assert eng[s.LOWER998].isna().all()  # not published, not recomputed
    assert (eng[s.LOWER95] < eng[s.VALUE]).all()
    anti = v[(v[s.INDICATOR_ID] == ANTIPSYCHOTIC_ID) & (v[s.GEOGRAPHY] == "england")]
    assert anti[s.VALUE].round(1).between(8.7, 9.0).all() and len(anti) == 13


@needs_data
def test_areas_per_month_and_codes(dementia):
    v = dementia.values
    per_month = v.groupby([s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD])[s.AREA_CODE].nunique()
    for ind in (DDR_ID, ANTIPSYCHOTIC_ID):
        assert (per_month.xs((ind, "sicbl23")) == 106).all() and len(per_month.xs((ind, "sicbl23"))) == 13
        assert (per_month.xs((ind, "icb23")) == 42).all()
        assert (per_month.xs((ind, "nhser24")) == 7).all()
    codes = set(v[s.AREA_CODE])
    # Published codes kept: the April 2023 sub-ICB and ICB codes, the 2024 region codes.
    assert {"E38000265", "E38000264", "E54000064", "E54000063", "E40000013", "E40000014"} <= codes
    assert {"E38000248", "E38000246", "E54000053", "E54000052", "E40000007", "E40000010"}.isdisjoint(codes)
    east = v[(v[s.AREA_CODE] == "E40000013")]
    assert east.loc[east[s.PERIOD] < "2024-06", s.NOTE].str.contains("E40000007").all()
    assert (east.loc[east[s.PERIOD] >= "2024-06", s.NOTE] == "").all()
    lookup = pd.read_csv(DATA / MANIFEST["lookup_sicbl24_icb24"]["path"], dtype=str)
    assert set(v.loc[v[s.GEOGRAPHY] == "sicbl23", s.AREA_CODE]) == set(lookup["sicbl24_code"])
    assert set(v.loc[v[s.GEOGRAPHY] == "icb23", s.AREA_CODE]) == set(lookup["icb24_code"])
    assert dementia.problems == []
    assert v[s.PERIOD_START].min() == pd.Timestamp("2024-01-01")


@needs_data
def test_limits_and_registers(dementia):
    v = dementia.values
    anti = v[v[s.INDICATOR_ID] == ANTIPSYCHOTIC_ID]
    assert anti[[s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998]].notna().all().all()
    ddr = v[v[s.INDICATOR_ID] == DDR_ID]
    assert ddr[[s.LOWER95, s.UPPER95, s.COUNT, s.DENOMINATOR]].notna().all().all()
    # Sub-ICB registers sum to England's in every month.
    sub = ddr[ddr[s.GEOGRAPHY] == "sicbl23"].groupby(s.PERIOD)[s.COUNT].sum()
    eng = ddr[ddr[s.GEOGRAPHY] == "england"].set_index(s.PERIOD)[s.COUNT]
    assert (sub == eng).all()
    polarity = {c[s.INDICATOR_ID]: (c["polarity"], c["domain"]) for c in dementia.catalogue}
    assert polarity == {DDR_ID: (s.POLARITY_HIGH_GOOD, "2"), ANTIPSYCHOTIC_ID: (s.POLARITY_LOW_GOOD, "2")}


def synthetic(tmp_path, ddr_rows: list[str], anti_rows: list[str]):
    (tmp_path / "map.csv").write_text(
        "sicbl24_name,sicbl24_code,sicbl24_code_nhs,icb24_name,icb24_code,icb24_code_nhs,n_lsoa21\n"
        "NHS Sussex ICB - 70F,E38000265,70F,NHS Sussex Integrated Care Board,E54000064,QNX,500\n"
    )
    key = "period,org_type,ods_code,ons_code,name"
    (tmp_path / "ddr.csv").write_text(
        "\n".join(
            [
                f"{key},dementia_register_65plus,dementia_estimate_65plus,ddr_65plus_pct,ddr_lower_ci95,"
                "ddr_upper_ci95",
                *ddr_rows,
            ]
        )
        + "\n"
    )
    (tmp_path / "anti.csv").write_text(
        "\n".join([f"{key},dementia_register,antipsychotic_rx", *anti_rows]) + "\n"
    )
    manifest = {
        "ddr": {"id": "ddr", "path": "ddr.csv", "params": {"antipsychotic": "anti", "lookup": "map"}},
        "anti": {"id": "anti", "path": "anti.csv"},
        "map": {"id": "map", "path": "map.csv"},
    }
    return ReadContext(entry=manifest["ddr"], data_dir=tmp_path, manifest=manifest)


def test_synthetic_bad_rows(tmp_path):
    ddr = [
        "2024-01,SUB_ICB_LOC,70F,E38000248,SUSSEX,100,150,66.7,60,72",
        "2024-01,SUB_ICB_LOC,99Z,E38000999,NOWHERE,100,150,66.7,60,72",  # ODS not in lookup
        "2024-01,SUB_ICB_LOC,70F,E38000265,SUSSEX,abc,150,66.7,60,72",  # non-numeric
        "2024-01,SUB_ICB_LOC,70F,E38000265,SUSSEX,100,0,66.7,60,72",  # zero denominator
        "2024-01,National,ENG,ENG,ENGLAND,100,150,66.7,60,72",
    ]
    anti = [
        "2024-01,SUB_ICB_LOC,70F,E38000265,SUSSEX,100,10",
        "2024-01,SUB_ICB_LOC,70F,E38000265,SUSSEX,10,20",  # count above denominator
        "2024-01,Practice,X,X,X,10,1",  # unknown organisation type
    ]
    result = read_dementia(synthetic(tmp_path, ddr, anti))
    got = sorted((p.file, p.row, p.reason) for p in result.problems)
    assert got == [
        ("anti.csv", 3, "count above denominator for a proportion"),
        ("anti.csv", 4, "unknown organisation type"),
        ("ddr.csv", 3, "ODS code not in the lookup"),
        ("ddr.csv", 4, "not a number"),
        ("ddr.csv", 5, "denominator is zero or negative"),
    ]
    v = result.values
    assert sorted(v[s.AREA_CODE]) == ["E38000265", "E38000265", "E92000001"]
    anti_row = v[v[s.INDICATOR_ID] == ANTIPSYCHOTIC_ID].iloc[0]
    assert anti_row[s.VALUE] == pytest.approx(10.0) and anti_row[s.UPPER998] > anti_row[s.UPPER95]
    ddr_row = v[(v[s.INDICATOR_ID] == DDR_ID) & (v[s.AREA_CODE] == "E38000265")].iloc[0]
    # published under the earlier code: kept under the April 2023 code of its ODS code, and said
    assert ddr_row[s.VALUE] == 66.7 and ddr_row[s.LOWER95] == 60 and "E38000248" in ddr_row[s.NOTE]
