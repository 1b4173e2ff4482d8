"""Tests of the PHE modelled prevalence reader: real data, practice-file check, synthetic bad rows."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.model import schema as s
from data.model.manifest import SOURCES_DIR
from data.model.settings import get_settings
from data.readers import ReadContext
from data.readers.common import VALUE_COLUMNS
from data.readers.phe_modelled import read_phe_modelled

MANIFEST = {e["id"]: e for e in tomllib.loads((SOURCES_DIR / "indicators_b.toml").read_text())["source"]}
DATA = get_settings().data_dir
real = pytest.mark.skipif(not DATA.exists(), reason="shared data not available")


def ctx(data_dir: Path = DATA) -> ReadContext:
    return ReadContext(entry=MANIFEST["phe_modelled_prevalence"], data_dir=data_dir, manifest=MANIFEST)


@pytest.fixture(scope="module")
def result():
    return read_phe_modelled(ctx())


@real
def test_real_counts(result):
    v = result.values
    assert list(v.columns) == VALUE_COLUMNS and result.problems == []
    assert result.rows_read == 418
    assert v.groupby(s.INDICATOR_ID).size().eq(209).all() and v[s.INDICATOR_ID].nunique() == 14
    assert set(v[s.GEOGRAPHY]) == {"ccg16"} and set(v[s.PERIOD]) == {"2014/15-2015/16"}
    assert v[s.AREA_CODE].str.len().eq(3).all() and v[s.AREA_NAME].notna().all()
    assert {c[s.INDICATOR_ID] for c in result.catalogue} == set(v[s.INDICATOR_ID])


@real
def test_real_values_match_source(result):
    src = pd.read_csv(DATA / MANIFEST["phe_modelled_prevalence"]["path"]).set_index("ccg13_ods_code")
    v = result.values
    ratio = v[v[s.INDICATOR_ID] == "phe_dx_ratio_chd"].set_index(s.AREA_CODE)[s.VALUE]
    assert np.allclose(ratio, src.loc[ratio.index, "chd_ratio_recorded_to_estimated"])
    prev = v[v[s.INDICATOR_ID] == "phe_est_prev_bp"].set_index(s.AREA_CODE)
    assert prev.loc["02N", s.VALUE] == pytest.approx(23.06264190489501)
    assert prev.loc["02N", s.DENOMINATOR] == 153260
    assert np.allclose(prev[s.COUNT] / prev[s.DENOMINATOR] * 100, prev[s.VALUE])
    dep = v[v[s.INDICATOR_ID] == "phe_est_prev_depression_ccg_model"].set_index(s.AREA_CODE)
    assert dep.loc["00C", [s.VALUE, s.LOWER95, s.UPPER95]].tolist() == pytest.approx(
        [17.667, 16.4265, 18.9805], abs=1e-3
    )
    assert dep[s.LOWER998].isna().all() and dep[s.COUNT].isna().all()


@real
def test_ccg_means_agree_with_practice_file():
    """The derived CCG file equals list-size-weighted means of the practice estimates."""
    practice = pd.read_csv(
        DATA / MANIFEST["phe_modelled_prevalence_practice"]["path"],
        usecols=["CCGgeogcode", "listsize", "chd-estimate", "depression-estimate"],
    )
    ccg = pd.read_csv(DATA / MANIFEST["phe_modelled_prevalence"]["path"]).set_index("ccg_ons_code")
    for col, derived in (
        ("chd-estimate", "chd_estimated_prev_pct"),
        ("depression-estimate", "depression_estimated_prev_pct"),
    ):
        p = practice.dropna(subset=[col, "listsize", "CCGgeogcode"])
        weighted = (p[col] * p["listsize"]).groupby(p["CCGgeogcode"]).sum() / p.groupby("CCGgeogcode")[
            "listsize"
        ].sum()
        assert len(weighted) == 209
        assert np.allclose(weighted, ccg.loc[weighted.index, derived])


def test_synthetic_bad_rows(tmp_path):
    params = MANIFEST["phe_modelled_prevalence"]["params"]
    files = {
        params["ccg16_codes"]: "CCG16CD,CCG16CDH,CCG16NM\nE38000001,02N,NHS A CCG\nE38000002,09C,NHS B CCG\n",
        MANIFEST["phe_depression_estimate"]["path"]: (
            "ccg_code,estimate,min95,max95\n02N,15,14,16\nXXX,15,14,16\n09C,15,16,17\n09C,abc,1,2\n"
        ),
    }
    conds = ["bp", "chd", "copd", "depression", "pad", "stroke"]
    header = ["ccg_ons_code", "list_size", "undx_bp_estimated_prev_pct"]
    header += [f"{c}_{k}" for c in conds for k in ("estimated_prev_pct", "qof_recorded_prev_pct")]
    good = ["10", "1000", "12"] + ["10", "5"] * 6
    rows = [
        good,
        ["E38000001", *good[1:]],
        ["E38999999", *good[1:]],  # unknown code
        ["E38000002", "0", *good[2:]],  # zero list size
        ["E38000002", "1000", "12", "0", "5", *good[5:]],  # zero modelled prevalence (bp)
        ["E38000002", "1000", "12", "10", "n/a", *good[5:]],  # not a number (bp recorded)
    ]
    rows[0][0] = "E38000002"
    files[MANIFEST["phe_modelled_prevalence"]["path"]] = (
        "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    )
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    result = read_phe_modelled(ctx(tmp_path))
    got = sorted((p.dataset, p.reason) for p in result.problems)
    assert got == sorted(
        [
            ("phe_modelled_prevalence", "not an April 2016 CCG code"),
            ("phe_modelled_prevalence", "list size is zero or negative"),
            ("phe_modelled_prevalence", "prevalence not in (0, 100]"),
            ("phe_modelled_prevalence", "not a number"),
            ("phe_depression_estimate", "not an April 2016 CCG ODS code"),
            ("phe_depression_estimate", "not a number"),
            ("phe_depression_estimate", "estimate outside its own 95% limits"),
        ]
    )
    v = result.values
    bp = v[v[s.INDICATOR_ID] == "phe_dx_ratio_bp"]
    assert len(bp) == 2 and bp[s.VALUE].eq(0.5).all()  # rows 1-2 only; rows 5-6 rejected for bp
    assert len(v[v[s.INDICATOR_ID] == "phe_dx_ratio_chd"]) == 4  # rows 5-6 are fine for CHD
    assert v[v[s.INDICATOR_ID] == "phe_est_prev_depression_ccg_model"][s.AREA_CODE].tolist() == ["02N"]
