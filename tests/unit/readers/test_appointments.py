"""Tests of the GP appointments reader: real data coverage and values, synthetic bad inputs."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

from data.model import schema as s
from data.model.manifest import SOURCES_DIR
from data.model.settings import get_settings
from data.readers import ReadContext
from data.readers.appointments import read_gp_appointments
from data.readers.common import VALUE_COLUMNS

MANIFEST = {e["id"]: e for e in tomllib.loads((SOURCES_DIR / "indicators_b.toml").read_text())["source"]}
DATA = get_settings().data_dir
real = pytest.mark.skipif(not DATA.exists(), reason="shared data not available")


def ctx(data_dir: Path = DATA) -> ReadContext:
    return ReadContext(entry=MANIFEST["gp_appointments"], data_dir=data_dir, manifest=MANIFEST)


@pytest.fixture(scope="module")
def result():
    return read_gp_appointments(ctx())


@real
def test_real_counts_and_coverage(result):
    v = result.values
    assert list(v.columns) == VALUE_COLUMNS
    assert result.rows_read == 50503 and result.problems == []
    for ind in ("gp_appt_dna_rate", "gp_appt_face_to_face"):
        part = v[v[s.INDICATOR_ID] == ind]
        assert len(part) == 49 * 30 and part[s.AREA_CODE].nunique() == 49
        assert part[s.PERIOD].min() == "2019-03" and part[s.PERIOD].max() == "2021-08"
    assert set(v[s.GEOGRAPHY]) == {"ccg21"} and v[s.AREA_NAME].notna().all()
    assert v[s.NOTE].str.startswith("PARTIAL COVERAGE: 49 of 106").all()
    assert all("PARTIAL COVERAGE" in c["caveats"] for c in result.catalogue)


@real
def test_real_hand_checked(result):
    raw = pd.read_csv(DATA / MANIFEST["gp_appointments"]["path"])
    cell = raw[(raw["ccg_ons_code"] == "E38000007") & (raw["month"] == "2019-03")]
    dna = cell.loc[cell["appt_status"] == "DNA", "count_of_appointments"].sum()
    known = cell.loc[cell["appt_status"] != "Unknown", "count_of_appointments"].sum()
    row = result.values.query("indicator_id == 'gp_appt_dna_rate' and area_code == 'E38000007'").iloc[0]
    assert (row[s.COUNT], row[s.DENOMINATOR]) == (dna, known) == (4046, 99813)
    assert row[s.VALUE] == pytest.approx(100 * 4046 / 99813)
    f2f = result.values.query("indicator_id == 'gp_appt_face_to_face'")
    # the pandemic switch to remote consultations shows up: April 2020 far below March 2019
    by_month = f2f.groupby(s.PERIOD)[s.COUNT].sum() / f2f.groupby(s.PERIOD)[s.DENOMINATOR].sum()
    assert by_month["2019-03"] > 0.75 and by_month["2020-04"] < 0.5


def _setup(root: Path, rows: list[str]) -> None:
    lookup = root / MANIFEST["gp_appointments"]["params"]["ccg21_codes"]
    lookup.parent.mkdir(parents=True, exist_ok=True)
    lookup.write_text("CCG21CD,CCG21CDH,CCG21NM\nE38000007,99E,NHS Basildon and Brentwood CCG\n")
    path = root / MANIFEST["gp_appointments"]["path"]
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "month,ccg_ons_code,ccg_code,ccg_name,stp_ons,region_ons_code,appt_status,hcp_type,appt_mode,count_of_appointments"
    path.write_text("\n".join([header, *rows]) + "\n")


def test_synthetic_bad_rows(tmp_path):
    base = "E38000007,99E,X,E54,E40"
    _setup(
        tmp_path,
        [
            f"2019-03,{base},Attended,GP,Face-to-Face,90",
            f"2019-03,{base},DNA,GP,Telephone,10",
            f"2019-03,{base},Unknown,GP,Unknown,50",
            "2019-03,E38999999,99Z,X,E54,E40,Attended,GP,Face-to-Face,5",  # unknown CCG
            f"2019-03,{base},Cancelled,GP,Face-to-Face,5",  # unknown status
            f"2019-03,{base},Attended,GP,Carrier pigeon,5",  # unknown mode
            f"2019-03,{base},Attended,GP,Face-to-Face,lots",  # not a number
            f"2019-03,{base},Attended,GP,Face-to-Face,-4",  # negative
            f"March,{base},Attended,GP,Face-to-Face,4",  # bad month
            f"2019-04,{base},Unknown,GP,Unknown,7",  # only unknowns: no denominators
        ],
    )
    result = read_gp_appointments(ctx(tmp_path))
    got = sorted(p.reason for p in result.problems)
    assert got == sorted(
        [
            "not an April 2021 CCG code",
            "unknown appointment status",
            "unknown appointment mode",
            "not a number",
            "negative appointment count",
            "not a month (YYYY-MM)",
            "gp_appt_dna_rate: no appointments in the denominator for this CCG and month",
            "gp_appt_face_to_face: no appointments in the denominator for this CCG and month",
        ]
    )
    v = result.values.set_index(s.INDICATOR_ID)
    assert v.loc["gp_appt_dna_rate", s.VALUE] == pytest.approx(10.0)  # 10 / (90 + 10)
    assert v.loc["gp_appt_face_to_face", s.VALUE] == pytest.approx(90.0)  # 90 / (90 + 10)
    assert "PARTIAL COVERAGE: 1 of 106" in v.loc["gp_appt_dna_rate", s.NOTE]


def test_missing_column(tmp_path):
    _setup(tmp_path, [])
    path = tmp_path / MANIFEST["gp_appointments"]["path"]
    path.write_text("month,ccg_ons_code,appt_status\n2019-03,E38000007,DNA\n")
    result = read_gp_appointments(ctx(tmp_path))
    assert result.values.empty
    assert sorted(p.column for p in result.problems) == ["appt_mode", "count_of_appointments"]
