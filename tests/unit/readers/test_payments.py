"""Tests of the NHS payments reader: each year on its own CCG set, totals, synthetic bad rows."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from data.model import schema as s
from data.model.manifest import SOURCES_DIR
from data.model.settings import get_settings
from data.readers import ReadContext
from data.readers.common import VALUE_COLUMNS
from data.readers.payments import read_payments

MANIFEST = {e["id"]: e for e in tomllib.loads((SOURCES_DIR / "indicators_b.toml").read_text())["source"]}
DATA = get_settings().data_dir
real = pytest.mark.skipif(not DATA.exists(), reason="shared data not available")


def ctx(data_dir: Path = DATA) -> ReadContext:
    return ReadContext(entry=MANIFEST["gp_payments"], data_dir=data_dir, manifest=MANIFEST)


@pytest.fixture(scope="module")
def result():
    return read_payments(ctx())


@real
def test_real_counts_per_year(result):
    v = result.values
    assert list(v.columns) == VALUE_COLUMNS and result.problems == [] and result.rows_read == 940
    per = v[v[s.INDICATOR_ID] == "gp_payments_per_patient"]
    got = per.groupby([s.PERIOD, s.GEOGRAPHY]).size().to_dict()
    assert got == {
        ("2017/18", "ccg17"): 207,
        ("2018/19", "ccg18"): 195,
        ("2019/20", "ccg19"): 191,
        ("2020/21", "ccg20"): 135,
        ("2021/22", "ccg21"): 106,
        ("2022/23", "sicbl22"): 106,
    }
    assert v[s.AREA_NAME].notna().all() and v[s.LOWER95].isna().all()
    e38 = per[per[s.GEOGRAPHY].isin(["ccg20", "ccg21", "sicbl22"])][s.AREA_CODE]
    assert e38.str.match(r"^E38\d{6}$").all()
    assert per.loc[per[s.GEOGRAPHY].isin(["ccg17", "ccg18", "ccg19"]), s.AREA_CODE].str.len().eq(3).all()


@real
def test_real_hand_checked(result):
    per = result.values[result.values[s.INDICATOR_ID] == "gp_payments_per_patient"]
    totals = per.groupby(s.PERIOD)[s.COUNT].sum()
    assert totals["2017/18"] == pytest.approx(9.05e9, rel=0.01) and totals["2022/23"] == pytest.approx(
        10.23e9, rel=0.01
    )
    darlington = per.query("area_code == '00C' and period == '2017/18'").iloc[0]
    assert darlington[s.VALUE] == pytest.approx(143.87364975510582)
    assert darlington[s.AREA_NAME] == "NHS Darlington CCG"
    # ODS 02P (Barnsley) is E38000006 in 2020/21 and 2021/22
    barnsley = per[per[s.AREA_NAME].eq("NHS Barnsley CCG") & per[s.GEOGRAPHY].isin(["ccg20", "ccg21"])]
    assert set(barnsley[s.AREA_CODE]) == {"E38000006"}


def test_synthetic_bad_rows(tmp_path):
    params = MANIFEST["gp_payments"]["params"]
    files = {
        params["ccg20_codes"]: "CCG20CD,CCG20CDH,CCG20NM\nE38000006,02P,NHS Barnsley CCG\n",
        params["ccg21_codes"]: "CCG21CD,CCG21CDH,CCG21NM\nE38000006,02P,NHS Barnsley CCG\n",
        params["ccg19_boundaries"]: json.dumps(
            {"features": [{"properties": {"code": "00C", "name": "NHS DARLINGTON CCG"}, "geometry": None}]}
        ),
    }
    header = (
        "financial_year,ccg_ods_code,ccg_name,registered_patients,weighted_patients,total_nhs_payments_gbp"
    )
    rows = [
        "2020-21,02P,X,1000,800,150000",  # good
        "2019-20,00C,X,2000,2000,300000",  # good, ODS geography
        "2020-21,99Z,X,1000,800,150000",  # unknown code for the year
        "2021-22,02P,X,0,800,150000",  # zero registered patients (weighted still fine)
        "2021-22,02P,X,1000,800,-1",  # negative payments
        "2021-22,02P,X,1000,800,£1m",  # not a number
        "2015-16,02P,X,1000,800,150000",  # year with no CCG set
    ]
    files[MANIFEST["gp_payments"]["path"]] = "\n".join([header, *rows]) + "\n"
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    result = read_payments(ctx(tmp_path))
    assert sorted(p.reason for p in result.problems) == sorted(
        [
            "year with no CCG set configured",
            "not an ODS code of the CCG (April 2020) set",
            "patients zero or negative",
            "negative payments",
            "not a number",
        ]
    )
    v = result.values.set_index([s.INDICATOR_ID, s.PERIOD])
    assert v.loc[("gp_payments_per_patient", "2020/21"), s.VALUE] == 150.0
    assert v.loc[("gp_payments_per_patient", "2020/21"), s.AREA_CODE] == "E38000006"
    assert v.loc[("gp_payments_per_weighted_patient", "2021/22"), s.VALUE] == 187.5
    assert v.loc[("gp_payments_per_patient", "2019/20"), s.AREA_NAME] == "NHS Darlington CCG"
    assert ("gp_payments_per_patient", "2021/22") not in v.index
