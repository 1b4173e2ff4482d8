"""Tests of the OpenPrescribing readers: real data counts and values, synthetic bad inputs."""

from __future__ import annotations

import json
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
from data.readers.prescribing import read_statin_intensity, read_trimethoprim, tidy_name

MANIFEST = {e["id"]: e for e in tomllib.loads((SOURCES_DIR / "indicators_b.toml").read_text())["source"]}
DATA = get_settings().data_dir
real = pytest.mark.skipif(not DATA.exists(), reason="shared data not available")


def ctx(entry_id: str, data_dir: Path = DATA) -> ReadContext:
    return ReadContext(entry=MANIFEST[entry_id], data_dir=data_dir, manifest=MANIFEST)


def reasons(result) -> list[str]:
    return sorted(p.reason for p in result.problems)


@pytest.fixture(scope="module")
def statins():
    return read_statin_intensity(ctx("op_statin_intensity"))


@pytest.fixture(scope="module")
def trimethoprim():
    return read_trimethoprim(ctx("op_trimethoprim"))


@real
def test_statins_real_counts(statins):
    v = statins.values
    assert list(v.columns) == VALUE_COLUMNS
    assert statins.rows_read == 2145 and len(v) == 2145 and statins.problems == []
    assert v[s.AREA_CODE].nunique() == 195 and v[s.PERIOD].nunique() == 11
    assert set(v[s.GEOGRAPHY]) == {"ccg18"} and v[s.AREA_NAME].notna().all()
    assert v.groupby(s.PERIOD).size().eq(195).all()


@real
def test_statins_hand_checked_value(statins):
    row = statins.values.query("area_code == '02N' and period == '2018-07'").iloc[0]
    assert row[s.COUNT] == 7098 and row[s.DENOMINATOR] == 17138
    assert row[s.VALUE] == pytest.approx(41.4167347, abs=1e-6)
    assert row[s.LOWER95] < row[s.VALUE] < row[s.UPPER95]
    assert row[s.LOWER998] < row[s.LOWER95] and row[s.UPPER998] > row[s.UPPER95]
    assert row[s.PERIOD_START] == pd.Timestamp("2018-07-01")
    cat = statins.catalogue[0]
    assert cat["polarity"] == s.POLARITY_LOW_GOOD and cat["ci_method"] == "Wilson"
    assert list(cat) == s.CATALOGUE_COLUMNS


@real
def test_trimethoprim_real_counts(trimethoprim):
    v = trimethoprim.values
    assert trimethoprim.rows_read == 17316 and trimethoprim.problems == []
    monthly = v[v[s.INDICATOR_ID] == "op_trimethoprim_monthly"]
    yearly = v[v[s.INDICATOR_ID] == "op_trimethoprim_fy"]
    # every month carries the 207 April 2017 CCGs (after folding 00F, 00W and 01N)
    assert len(monthly) == 207 * 83 and monthly.groupby(s.PERIOD).size().eq(207).all()
    assert sorted(yearly[s.PERIOD].unique()) == [f"{y}/{(y + 1) % 100:02d}" for y in range(2011, 2017)]
    assert len(yearly) == 207 * 6 and set(v[s.GEOGRAPHY]) == {"ccg17"}
    # nothing lost: item totals survive folding
    raw = pd.read_csv(DATA / MANIFEST["op_trimethoprim"]["path"])
    assert monthly[s.DENOMINATOR].sum() == raw["all_items"].sum()
    assert monthly[s.COUNT].sum() == raw["trimethoprim_items"].sum()
    assert v[s.AREA_NAME].notna().all()


@real
def test_trimethoprim_hand_checked(trimethoprim):
    v = trimethoprim.values
    jan = v.query("indicator_id == 'op_trimethoprim_monthly' and area_code == '00C' and period == '2011-01'")
    assert jan[s.VALUE].iloc[0] == pytest.approx(100 * 731 / 989)
    raw = pd.read_csv(DATA / MANIFEST["op_trimethoprim"]["path"], dtype={"pct": str})
    fy = raw[(raw["pct"] == "00C") & (raw["period"] >= "2011-04-01") & (raw["period"] <= "2012-03-01")]
    row = v.query("indicator_id == 'op_trimethoprim_fy' and area_code == '00C' and period == '2011/12'").iloc[
        0
    ]
    assert row[s.COUNT] == fy["trimethoprim_items"].sum() and row[s.DENOMINATOR] == fy["all_items"].sum()
    # Manchester (14L) in 2011 includes items of practices still coded 00W / 01N
    man = v.query("indicator_id == 'op_trimethoprim_monthly' and area_code == '14L' and period == '2011-01'")
    assert "00W" in man[s.NOTE].iloc[0] and "01N" in man[s.NOTE].iloc[0]
    assert man[s.AREA_NAME].iloc[0] == "NHS Manchester CCG"
    assert any("00F" in n and "13T" in n for n in trimethoprim.notes)


def test_tidy_name():
    assert tidy_name("NHS HAMMERSMITH AND FULHAM CCG") == "NHS Hammersmith and Fulham CCG"
    assert tidy_name("NHS Bath and North East Somerset CCG") == "NHS Bath and North East Somerset CCG"


# --- synthetic edge cases ---------------------------------------------------------------


def _cartogram(root: Path) -> None:
    path = root / MANIFEST["op_statin_intensity"]["params"]["ccg18_cartogram"]
    path.parent.mkdir(parents=True, exist_ok=True)
    feats = [
        {"type": "Feature", "geometry": None, "properties": {"ccg": c, "name": f"NHS {c} CCG"}}
        for c in ("AAA", "BBB")
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))


def _write(root: Path, entry_id: str, text: str) -> None:
    path = root / MANIFEST[entry_id]["path"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_statins_rejects_each_bad_row_kind(tmp_path):
    _cartogram(tmp_path)
    _write(
        tmp_path,
        "op_statin_intensity",
        "pct_id,month,numerator,denominator\n"
        "AAA,2018-01-01,10,40\n"  # good
        "ZZZ,2018-01-01,10,40\n"  # unknown code
        "AAA,2018-02-01,ten,40\n"  # not a number
        "BBB,2018-01-01,5,0\n"  # zero denominator
        "BBB,2018-02-01,50,40\n"  # count above denominator
        "BBB,2018-13-01,5,40\n"  # bad month
        "BBB,2018-03-01,,40\n",  # missing value
    )
    result = read_statin_intensity(ctx("op_statin_intensity", tmp_path))
    assert result.rows_read == 7 and len(result.values) == 1
    assert reasons(result) == sorted(
        [
            "not an April 2018 CCG ODS code",
            "not a number",
            "denominator is zero or negative",
            "count above denominator for a proportion",
            "not a month (YYYY-MM-DD)",
            "missing value",
        ]
    )
    assert {p.row for p in result.problems} == {3, 4, 5, 6, 7, 8}
    assert result.values[s.VALUE].iloc[0] == pytest.approx(25.0)


def test_statins_missing_column(tmp_path):
    _cartogram(tmp_path)
    _write(tmp_path, "op_statin_intensity", "pct_id,month,numerator\nAAA,2018-01-01,10\n")
    result = read_statin_intensity(ctx("op_statin_intensity", tmp_path))
    assert result.values.empty and [p.column for p in result.problems] == ["denominator"]


def _trim_lookups(root: Path) -> None:
    params = MANIFEST["op_trimethoprim"]["params"]
    for key in ("ccg17_boundaries", "ccg_names", "ccg16_names"):
        (root / params[key]).parent.mkdir(parents=True, exist_ok=True)
    feats = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}, "properties": {"name": n}}
        for n in ("NHS NEWCASTLE GATESHEAD CCG", "NHS DARLINGTON CCG")
    ] + [{"type": "Feature", "geometry": None, "properties": {"name": "NHS LATER CCG"}}]
    (root / params["ccg17_boundaries"]).write_text(
        json.dumps({"type": "FeatureCollection", "features": feats})
    )
    (root / params["ccg_names"]).write_text(
        "code,name,is_london\n13T,NHS NEWCASTLE GATESHEAD CCG,False\n00C,NHS DARLINGTON CCG,False\n"
        "00F,NHS GATESHEAD CCG,False\n15A,NHS LATER CCG,False\n"
    )
    (root / params["ccg16_names"]).write_text("CCG16CD,CCG16CDH,CCG16NM\nE38000001,00C,NHS Darlington CCG\n")


def test_trimethoprim_folds_predecessors_and_builds_full_years(tmp_path):
    _trim_lookups(tmp_path)
    months = pd.date_range("2012-04-01", "2013-04-01", freq="MS").strftime("%Y-%m-%d")
    lines = ["period,pct,trimethoprim_items,nitrofurantoin_items,all_items"]
    lines += [f"{m},00C,6,4,10" for m in months]  # 13 months: one full year + April
    lines += [f"{m},13T,3,1,4" for m in months[:12]]
    lines += ["2012-04-01,00F,1,1,2", "2012-05-01,15A,1,1,2", "2012-06-01,00C,1,1,3"]
    _write(tmp_path, "op_trimethoprim", "\n".join(lines) + "\n")
    result = read_trimethoprim(ctx("op_trimethoprim", tmp_path))
    assert reasons(result) == [
        "all_items is not trimethoprim_items + nitrofurantoin_items",
        "not an April 2017 CCG ODS code nor a listed predecessor code",  # 15A is not in the 2017 set
    ]
    v = result.values
    fy = v[v[s.INDICATOR_ID] == "op_trimethoprim_fy"].set_index(s.AREA_CODE)
    assert list(fy[s.PERIOD].unique()) == ["2012/13"]
    assert fy.loc["00C", s.COUNT] == 72 and fy.loc["13T", s.COUNT] == 37  # 36 + 1 folded from 00F
    assert "00F" in fy.loc["13T", s.NOTE]
    assert fy.loc["13T", s.AREA_NAME] == "NHS Newcastle Gateshead CCG"
    monthly = v[v[s.INDICATOR_ID] == "op_trimethoprim_monthly"]
    assert len(monthly) == 13 + 12 and not np.isnan(monthly[s.LOWER95]).any()
