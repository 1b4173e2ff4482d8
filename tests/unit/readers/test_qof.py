"""Tests of the QOF readers against the real 2022/23 and 2017-18..2022-23 files, plus bad inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.model import schema as s
from data.model.manifest import load_manifest
from data.model.settings import get_settings
from data.model.validation import KEPT, SourceError, is_kept
from data.readers import ReadContext
from data.readers.qof import age_group, max_points_from_header, read_qof_points, read_qof_prevalence

DATA = get_settings().data_dir
MANIFEST = load_manifest()
needs_data = pytest.mark.skipif(not (DATA / "indicators").exists(), reason="real data not present")


def real_ctx(entry_id: str) -> ReadContext:
    return ReadContext(entry=MANIFEST[entry_id], data_dir=DATA, manifest=MANIFEST)


@pytest.fixture(scope="module")
def prevalence():
    return read_qof_prevalence(real_ctx("qof_prevalence_2223"))


@pytest.fixture(scope="module")
def points():
    return read_qof_points(real_ctx("qof_points_practice_2017_18"))


@needs_data
@pytest.mark.parametrize(
    ("indicator", "published"),
    [("qof_hyp", 14.42), ("qof_dep", 13.25), ("qof_dm", 7.45), ("qof_ob", 11.37), ("qof_ast", 6.52)],
)
def test_england_prevalence_matches_published(prevalence, indicator, published):
    v = prevalence.values
    row = v[(v[s.INDICATOR_ID] == indicator) & (v[s.GEOGRAPHY] == "england")]
    assert len(row) == 1
    assert round(row[s.VALUE].iat[0], 2) == published


@needs_data
def test_prevalence_area_counts_and_limits(prevalence):
    v = prevalence.values
    counts = v.groupby([s.GEOGRAPHY])[s.AREA_CODE].nunique().to_dict()
    assert counts == {"sicbl22": 106, "icb22": 42, "nhser22": 7, "england": 1}
    assert len(v) == 21 * 156
    assert (
        v[[s.VALUE, s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998, s.COUNT, s.DENOMINATOR]].notna().all().all()
    )
    assert (v[s.LOWER998] <= v[s.LOWER95]).all() and (v[s.UPPER95] <= v[s.UPPER998]).all()
    assert v.loc[v[s.GEOGRAPHY] == "sicbl22", s.AREA_CODE].str.match(r"E38\d{6}$").all()
    assert set(v[s.PERIOD]) == {"2022/23"} and set(v[s.SEX]) == {"Persons"}
    names = {c[s.INDICATOR_ID]: c["name"] for c in prevalence.catalogue}
    assert len(names) == 21
    assert names["qof_hyp"] == "QOF recorded prevalence: Hypertension (all ages)"
    assert names["qof_dm"] == "QOF recorded prevalence: Diabetes mellitus (17+)"
    assert all(len(c["short_name"]) <= 60 for c in prevalence.catalogue)
    # never cut mid-word (the 40-character cut gave "Non-diabetic hyperglycaemia (18+) preval")
    assert all(c["short_name"].endswith("prevalence") for c in prevalence.catalogue)
    assert all(len(c["short_name"]) <= 60 for c in prevalence.catalogue)  # wrapped, never cut
    shorts = {c[s.INDICATOR_ID]: c["short_name"] for c in prevalence.catalogue}
    assert shorts["qof_ndh"] == "Non-diabetic hyperglycaemia (18+) prevalence"


@needs_data
def test_prevalence_problems_are_the_one_anomaly_kept(prevalence):
    # Practice Y05750 has an LD register (121) above its list size (118): as NHS Digital
    # published it. Flagged as a source anomaly, kept, and counted in every total.
    assert len(prevalence.problems) == 1
    problem = prevalence.problems[0]
    assert is_kept(problem.reason) and "list size" in problem.reason and problem.value == "121.0"


@needs_data
def test_learning_disability_england_equals_published(prevalence):
    """NHS Digital, QOF 2022-23: LD register 347,840 of 62,378,057 registered patients (0.56%)."""
    v = prevalence.values
    row = v[(v[s.INDICATOR_ID] == "qof_ld") & (v[s.GEOGRAPHY] == "england")].iloc[0]
    assert row[s.COUNT] == 347_840 and row[s.DENOMINATOR] == 62_378_057
    assert round(row[s.VALUE], 2) == 0.56


@needs_data
def test_prevalence_agrees_with_derived_file(prevalence):
    derived = pd.read_csv(DATA / MANIFEST["qof_prevalence_2223_derived"]["path"])
    levels = {"Sub-ICB location": "sicbl22", "ICB": "icb22", "NHS region": "nhser22", "England": "england"}
    derived[s.GEOGRAPHY] = derived["level"].map(levels)
    derived[s.INDICATOR_ID] = "qof_" + derived["GROUP_CODE"].str.lower()
    derived[s.AREA_CODE] = derived["area_ons_code"].fillna(s.ENGLAND_CODE)
    joined = derived.merge(prevalence.values, on=[s.INDICATOR_ID, s.GEOGRAPHY, s.AREA_CODE], validate="1:1")
    assert len(joined) == len(derived) == 3276
    # The derived file and the reader now agree on every area, Y05750's LD row included.
    np.testing.assert_array_equal(joined["register"], joined[s.COUNT])
    np.testing.assert_array_equal(joined["list_size"], joined[s.DENOMINATOR])
    np.testing.assert_allclose(joined[s.VALUE], joined["prevalence_pct"], rtol=1e-12)
    np.testing.assert_allclose(joined[s.LOWER95], joined["lower_ci95"], rtol=1e-8)
    np.testing.assert_allclose(joined[s.UPPER95], joined["upper_ci95"], rtol=1e-8)


@needs_data
def test_points_england_and_areas(points):
    v = points.values
    eng = v[v[s.GEOGRAPHY] == "england"].set_index(s.PERIOD)[s.VALUE].round(2).to_dict()
    assert eng == {"2017/18": 96.16, "2018/19": 96.46, "2019/20": 95.51, "2021/22": 91.72, "2022/23": 90.36}
    areas = v[v[s.GEOGRAPHY] != "england"].groupby([s.PERIOD, s.GEOGRAPHY])[s.AREA_CODE].nunique().to_dict()
    assert areas == {
        ("2017/18", "ccg18"): 194,
        ("2018/19", "ccg19"): 191,
        ("2019/20", "ccg20"): 135,
        ("2021/22", "sicbl22"): 106,
        ("2022/23", "sicbl22"): 106,
    }
    assert v[[s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998]].notna().all().all()
    # 11 (2017-18) + 19 (2018-19) practices have no published score (':').
    assert len(points.problems) == 30 and {p.value for p in points.problems} == {":"}


@needs_data
def test_points_agree_with_derived_pooled(points):
    derived = pd.read_csv(DATA / MANIFEST["qof_points_ccg_by_year"]["path"])
    derived[s.PERIOD] = derived["qof_year"].str.replace("-", "/")
    ods_years = derived["qof_year"].isin(["2017-18", "2018-19"])
    derived[s.AREA_CODE] = np.where(ods_years, derived["ccg_ods_code"], derived["ccg_ons_code"])
    joined = derived.merge(points.values, on=[s.PERIOD, s.AREA_CODE], validate="1:1")
    assert len(joined) == len(derived) == 732
    # The derived file counts practices without a score (':') in its denominator; elsewhere equal.
    missing = joined["n_practices"] - joined[s.DENOMINATOR] / joined["max_points_per_practice"]
    full = missing == 0
    assert full.sum() == 732 - 19
    np.testing.assert_allclose(
        joined.loc[full, s.VALUE], joined.loc[full, "pct_points_achieved_pooled"], rtol=1e-9
    )
    part = joined[~full]
    expected = 100 * part[s.COUNT] / (part["n_practices"] * part["max_points_per_practice"])
    np.testing.assert_allclose(part["pct_points_achieved_pooled"], expected, rtol=1e-9)


def test_helpers():
    assert age_group("TOTAL") == "all ages" and age_group("06OV") == "6+" and age_group("17OV") == "17+"
    assert max_points_from_header("Achievement score (max. 559)") == 559
    assert max_points_from_header("Achievement score (635 max)") == 635


# --- synthetic bad inputs ---------------------------------------------------------------

MAPPING_HEADER = (
    "REGION_ODS_CODE,REGION_ONS_CODE,REGION_NAME,ICB_ODS_CODE,ICB_ONS_CODE,ICB_NAME,"
    "SUB_ICB_ODS_CODE,SUB_ICB_ONS_CODE,SUB_ICB_NAME,PRACTICE_CODE"
)
MAP_ROW = "Y56,E40000003,London,QMJ,E54000028,NCL ICB,93C,E38000240,NCL ICB - 93C,{}"


def synthetic_prevalence(tmp_path: Path, prevalence_text: str) -> ReadContext:
    (tmp_path / "prev.csv").write_text(prevalence_text)
    (tmp_path / "map.csv").write_text(
        "\n".join([MAPPING_HEADER, MAP_ROW.format("P1"), MAP_ROW.format("P2"), MAP_ROW.format("P3")]) + "\n"
    )
    manifest = {
        "prev": {"id": "prev", "path": "prev.csv", "params": {"mapping": "map"}},
        "map": {"id": "map", "path": "map.csv"},
    }
    return ReadContext(entry=manifest["prev"], data_dir=tmp_path, manifest=manifest)


def test_prevalence_bad_rows_become_problems(tmp_path):
    text = (
        "PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PRACTICE_LIST_SIZE\n"
        "P1,HYP,10,TOTAL,100\n"
        "P2,HYP,abc,TOTAL,100\n"  # non-numeric
        "P3,HYP,5,TOTAL,0\n"  # zero denominator
        "P1,DM,50,17OV,40\n"  # count above denominator
        "P9,HYP,5,TOTAL,50\n"  # practice not in mapping
        "P2,DM,4,17OV,80\n"
        "P3,ZZ,4,TOTAL,80\n"  # unknown register
    )
    result = read_qof_prevalence(synthetic_prevalence(tmp_path, text))
    reasons = sorted((p.row, p.reason) for p in result.problems)
    assert reasons == [
        (3, "not a number"),
        (4, "denominator is zero or negative"),
        (5, f"{KEPT}: register above the practice's list size as published; included in totals"),
        (6, "practice not in the geography mapping"),
        (8, "unknown QOF register code"),
    ]
    v = result.values.set_index([s.INDICATOR_ID, s.GEOGRAPHY])
    assert v.loc[("qof_hyp", "england"), s.VALUE] == pytest.approx(10.0)
    assert v.loc[("qof_dm", "sicbl22"), s.COUNT] == 54  # P1's register above its list is kept
    assert result.rows_read == 7


def test_prevalence_missing_key_column_raises(tmp_path):
    ctx = synthetic_prevalence(tmp_path, "PRACTICE_CODE,GROUP_CODE,REGISTER\nP1,HYP,1\n")
    with pytest.raises(SourceError):
        read_qof_prevalence(ctx)


def test_points_synthetic(tmp_path):
    (tmp_path / "p.csv").write_text(
        '"Sub ICB Loc \nODS code","Sub ICB Loc \nONS code","Sub ICB Loc name","Practice code",'
        '"Achievement score (635 max)"\n'
        "00L,E38000130,North,A1,600\n"
        "00L,E38000130,North,A2,:\n"  # not published
        "00L,E38000130,North,A3,700\n"  # above the maximum
        "00L,XYZ,North,A4,500\n"  # unknown code
        "00L,E38000130,North,A5,635\n"
    )
    manifest = {
        "p": {
            "id": "p",
            "path": "p.csv",
            "params": {"files": [{"entry": "p", "year": "2022-23", "geography": "sicbl22", "code": "ons"}]},
        }
    }
    result = read_qof_points(ReadContext(entry=manifest["p"], data_dir=tmp_path, manifest=manifest))
    assert sorted(p.row for p in result.problems) == [3, 4, 5]
    v = result.values.set_index(s.GEOGRAPHY)
    assert v.loc["sicbl22", s.COUNT] == 1235 and v.loc["sicbl22", s.DENOMINATOR] == 1270
    assert v.loc["england", s.VALUE] == pytest.approx(100 * 1235 / 1270)
    assert v.loc["sicbl22", s.PERIOD] == "2022/23"


def test_points_missing_key_column_raises(tmp_path):
    (tmp_path / "p.csv").write_text("Practice code,List size\nA1,100\n")
    manifest = {
        "p": {
            "id": "p",
            "path": "p.csv",
            "params": {"files": [{"entry": "p", "year": "2022-23", "geography": "sicbl22"}]},
        }
    }
    with pytest.raises(SourceError):
        read_qof_points(ReadContext(entry=manifest["p"], data_dir=tmp_path, manifest=manifest))


def test_no_short_name_is_a_cut_of_its_name(model):
    """Issue 18: names wrapped, never cut ('Non-diabetic hyperglycaemia (18+) preval')."""
    assert model.catalogue.at["qof_ndh", "short_name"] == "Non-diabetic hyperglycaemia (18+) prevalence"
    for ind, row in model.catalogue.iterrows():
        short, name = str(row["short_name"]), str(row["name"])
        cut = (
            len(short) in (40, 39) and short != name and name.startswith(short) and name[len(short)].isalnum()
        )
        assert not cut, ind
