"""Tests of the mental health reader (OAPs, CMH21, MHSDS skipped): real and synthetic."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from data.model import schema as s
from data.model.manifest import SOURCES_DIR
from data.model.settings import get_settings
from data.readers import ReadContext
from data.readers.common import VALUE_COLUMNS
from data.readers.mental_health import read_mental_health

MANIFEST = {e["id"]: e for e in tomllib.loads((SOURCES_DIR / "indicators_b.toml").read_text())["source"]}
FULL = {
    **MANIFEST,
    **{e["id"]: e for e in tomllib.loads((SOURCES_DIR / "section8.toml").read_text())["source"]},
}
DATA = get_settings().data_dir
real = pytest.mark.skipif(not DATA.exists(), reason="shared data not available")


def ctx(data_dir: Path = DATA) -> ReadContext:
    return ReadContext(entry=MANIFEST["mh_oaps"], data_dir=data_dir, manifest=MANIFEST)


@pytest.fixture(scope="module")
def result():
    return read_mental_health(ctx())


@pytest.fixture(scope="module")
def with_trusts():
    return read_mental_health(ReadContext(entry=MANIFEST["mh_oaps"], data_dir=DATA, manifest=FULL))


@real
def test_real_counts(result):
    v = result.values
    assert list(v.columns) == VALUE_COLUMNS and result.problems == []
    assert result.rows_read == 97 + 43 + 35
    oaps = v[v[s.INDICATOR_ID] == "mh_oaps_rate"]
    assert len(oaps) == 97 and oaps[s.PERIOD].unique().tolist() == ["Nov 2020"]
    assert (oaps[s.COUNT] % 5 == 0).all() and oaps[s.COUNT].sum() == 725
    cmhs = v[v[s.INDICATOR_ID].str.startswith("mh_cmhs_")]
    assert cmhs[s.INDICATOR_ID].nunique() == 28 and len(cmhs) == 28 * 43
    assert cmhs[s.LOWER95].isna().all() and cmhs[s.VALUE].between(0, 10).all()
    assert len(result.catalogue) == 29 and {c["domain"] for c in result.catalogue} == {"3", "4"}
    assert any("mhsds.processed.csv: 35 rows x 18 measures not loaded" in n for n in result.notes)
    assert set(v[s.GEOGRAPHY]) == {"ccg21"} and v[s.AREA_NAME].notna().all()


@real
def test_real_hand_checked(result):
    barnsley = result.values.query("indicator_id == 'mh_oaps_rate' and area_code == 'E38000006'").iloc[0]
    assert barnsley[s.COUNT] == 5 and barnsley[s.DENOMINATOR] == 248071  # mid-2020 population
    assert barnsley[s.VALUE] == pytest.approx(5 / 248071 * 1e5)
    assert barnsley[s.LOWER95] < barnsley[s.VALUE] < barnsley[s.UPPER95]
    q38 = result.values.query("indicator_id == 'mh_cmhs_q38' and area_code == 'E38000024'").iloc[0]
    assert q38[s.VALUE] == pytest.approx(2.128)
    zero = result.values.query("indicator_id == 'mh_oaps_rate' and count == 0")
    assert len(zero) == 17 and (zero[s.UPPER95] > 0).all()  # exact upper limit for a zero count


def _setup(root: Path, oaps: str, cmhs: str, mhsds: str | None = None) -> None:
    params = MANIFEST["mh_oaps"]["params"]
    files = {
        params[
            "ccg21_codes"
        ]: "CCG21CD,CCG21CDH,CCG21NM\nE38000006,02P,NHS Barnsley CCG\nE38000007,99E,NHS B CCG\n",
        params[
            "population"
        ]: "CCG Code,CCG Name,All Ages\nE38000006,NHS Barnsley CCG,250000\nE38000007,B,0\n",
        MANIFEST["mh_oaps"]["path"]: oaps,
        MANIFEST["mh_cmhs"]["path"]: cmhs,
    }
    if mhsds is not None:
        files[MANIFEST["mh_mhsds"]["path"]] = mhsds
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def test_synthetic_bad_rows(tmp_path):
    col = "Inappropriate OAPs active at period end"
    _setup(
        tmp_path,
        f"CCG21CD,{col}\nE38000006,10\nE38999999,5\nE38000006,many\nE38000007,5\nE38000006,-5\n",
        "CCG21CD,CMHS Q3 Mean,CMHS Q4 Mean\nE38000006,6.5,11\nE38999999,6,6\nE38000007,x,7\n",
        "CCG21CD,Seclusion (BAME)\nE38000006,1.5\n",
    )
    result = read_mental_health(ctx(tmp_path))
    got = sorted((p.dataset, p.reason) for p in result.problems)
    assert got == sorted(
        [
            ("mh_oaps", "not an April 2021 CCG code"),
            ("mh_oaps", "not a number"),
            ("mh_oaps", "population is zero or negative"),
            ("mh_oaps", "count is negative"),
            ("mh_cmhs", "not an April 2021 CCG code"),
            ("mh_cmhs", "not a number"),
            ("mh_cmhs", "score outside 0-10"),
        ]
    )
    v = result.values.set_index(s.INDICATOR_ID)
    assert v.loc["mh_oaps_rate", s.VALUE] == pytest.approx(4.0)
    assert v.loc["mh_cmhs_q03", s.VALUE] == 6.5
    assert v.loc["mh_cmhs_q04", s.VALUE] == 7.0
    assert result.rows_read == 5 + 3 + 1


def test_missing_oaps_column_keeps_cmhs(tmp_path):
    _setup(tmp_path, "CCG21CD,Total\nE38000006,1\n", "CCG21CD,CMHS Q3 Mean\nE38000006,6.5\n")
    no_mhsds = {k: v for k, v in MANIFEST.items() if k != "mh_mhsds"}
    result = read_mental_health(ReadContext(entry=MANIFEST["mh_oaps"], data_dir=tmp_path, manifest=no_mhsds))
    assert [p.column for p in result.problems] == ["Inappropriate OAPs active at period end"]
    assert result.values[s.INDICATOR_ID].tolist() == ["mh_cmhs_q03"]


@real
def test_cmh21_labels_and_trusts(with_trusts):
    names = {c[s.INDICATOR_ID]: c for c in with_trusts.catalogue}
    q3 = names["mh_cmhs_q03"]
    # No public source states the wording: named by number only (research/wording/REPORT.md).
    assert q3["short_name"] == "Community mental health survey 2021, question 3"
    assert q3["name"].startswith("Community mental health survey 2021, question 3:")
    assert q3["wording"] == "" and not q3["in_summaries"] and q3["compare"] == s.COMPARE_VALUES
    assert "question wording is not in the data" in q3["definition"]
    assert "no section scores" in q3["caveats"]
    assert q3["ci_method"] == "none" and "quintile" in q3["definition"]
    assert not any(
        "2020" in c["name"] or "2020" in c["short_name"]
        for c in names.values()
        if "cmhs" in c[s.INDICATOR_ID]
    )
    cmhs = with_trusts.values[with_trusts.values[s.INDICATOR_ID] == "mh_cmhs_q03"].set_index(s.AREA_CODE)
    assert set(cmhs[s.PERIOD]) == {"2021"}
    # Every CCG with a value names its trust(s); the host lookup covers exactly the 43 CCGs.
    assert cmhs[s.NOTE].str.startswith("Unweighted mean of the CMH21 scores of: ").all()
    assert "Greater Manchester Mental Health NHS Foundation Trust (RXV)" in cmhs.loc["E38000024", s.NOTE]
    assert "(RPG)" in cmhs.loc["E38000237", s.NOTE] and "(RXY)" in cmhs.loc["E38000237", s.NOTE]
    assert not cmhs[s.NOTE].str.contains("AMBULANCE|Ambulance|Hospital|Community").any()
    assert any(
        "CMH21: 43 CCGs host a mental-health trust; 0 CCGs with a value but no trust" in n
        for n in with_trusts.notes
    )
