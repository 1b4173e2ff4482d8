"""Avoidable mortality reader: real file (code sets per year, limits, controls) and bad input."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from scipy.stats import chi2

from data.model import schema as s
from data.model.manifest import SOURCES_DIR
from data.model.settings import get_settings
from data.model.validation import SourceError
from data.readers import ReadContext
from data.readers.common import VALUE_COLUMNS
from data.readers.mortality import read_avoidable_mortality

MANIFEST = {e["id"]: e for e in tomllib.loads((SOURCES_DIR / "section8.toml").read_text())["source"]}
ENTRY = "avoidable_mortality_ccg"
DATA = get_settings().data_dir
real = pytest.mark.skipif(not (DATA / MANIFEST[ENTRY]["path"]).exists(), reason="shared data not available")


def ctx(data_dir: Path = DATA) -> ReadContext:
    return ReadContext(entry=MANIFEST[ENTRY], data_dir=data_dir, manifest=MANIFEST)


def byars(o: float, z: float) -> tuple[float, float]:
    """Byar's approximation written out (Breslow & Day 1987)."""
    lower = o * (1 - 1 / (9 * o) - z / (3 * o**0.5)) ** 3
    u = o + 1
    upper = u * (1 - 1 / (9 * u) + z / (3 * u**0.5)) ** 3
    return lower, upper


@pytest.fixture(scope="module")
def result():
    return read_avoidable_mortality(ctx())


@real
def test_years_and_code_sets(result):
    v = result.values
    assert list(v.columns) == VALUE_COLUMNS and result.problems == []
    per = (
        v[v[s.GEOGRAPHY] != "england"].groupby([s.INDICATOR_ID, s.PERIOD])[s.GEOGRAPHY].agg(["first", "size"])
    )
    treat = per.loc["mort_treatable_u75"]
    assert list(treat.index) == [str(y) for y in range(2010, 2020)]
    assert (treat.loc["2010":"2018", "first"] == "ccg19").all() and (
        treat.loc["2010":"2018", "size"] == 191
    ).all()
    assert tuple(treat.loc["2019"]) == ("ccg20", 135)
    prev = per.loc["mort_preventable_u75"]
    assert list(prev.index) == [str(y) for y in range(2011, 2020)]  # no preventable rates for 2010
    # ccg19 rows are keyed by ODS code, as the model's April 2019 areas are.
    assert v.loc[v[s.GEOGRAPHY] == "ccg19", s.AREA_CODE].str.fullmatch(r"[0-9A-Z]{3}").all()
    assert len(v[v[s.GEOGRAPHY] == "england"]) == 10 + 9
    cat = {c[s.INDICATOR_ID]: c for c in result.catalogue}
    assert {c["statistic"] for c in cat.values()} == {"dsr"} and {c["domain"] for c in cat.values()} == {"1"}
    assert all(c["polarity"] == s.POLARITY_LOW_GOOD for c in cat.values())
    assert "approximation" in cat["mort_treatable_u75"]["definition"]
    assert "population-weighted" in cat["mort_treatable_u75"]["definition"]
    assert any("not loaded: 348 rows of regions" in n for n in result.notes)


@real
def test_byars_limits_scaled_to_the_rate(result):
    v = result.values
    airedale = v[
        (v[s.INDICATOR_ID] == "mort_treatable_u75") & (v[s.AREA_CODE] == "02N") & (v[s.PERIOD] == "2016")
    ]
    r = airedale.iloc[0]
    assert (r[s.VALUE], r[s.COUNT]) == (83.5, 129)
    lo, hi = byars(129, 1.959963984540054)
    assert r[s.LOWER95] == pytest.approx(83.5 * lo / 129, rel=1e-9)
    assert r[s.UPPER95] == pytest.approx(83.5 * hi / 129, rel=1e-9)
    # Exact Poisson limits for comparison: Byar's is close at this size.
    assert r[s.LOWER95] == pytest.approx(83.5 * chi2.ppf(0.025, 2 * 129) / 2 / 129, rel=2e-3)
    prev = v[v[s.INDICATOR_ID] == "mort_preventable_u75"]
    assert prev[s.LOWER95].isna().all() and prev[s.COUNT].isna().all()


@real
def test_controls_become_demographics_not_outcomes(result):
    demo = result.frames["demographics"]
    cat = result.frames["demographic_catalogue"]
    assert set(cat["id"]) == set(demo.columns) - {"area_code"}
    assert len(demo) == 79 and demo["area_code"].str.fullmatch(r"E38\d{6}").all()
    assert cat["note"].str.contains("not an outcome").all()
    assert not any(c[s.INDICATOR_ID].startswith("am_") for c in result.catalogue)


# --- bad input -------------------------------------------------------------------------------

HEADER = "ccg19cd,year,Treatable_Mortality_Rate,Preventatable_Mortality_Rate,treatable_mortality_deaths,CCGpop,CCG19NM\n"


def _write(root: Path, body: str | None, header: str = HEADER) -> None:
    params = MANIFEST[ENTRY]["params"]
    files = {
        params[
            "ccg19_codes"
        ]: "qof_year,ccg_ods_code,ccg_ons_code\n2018-19,02N,E38000001\n2018-19,02P,E38000006\n",
        params["ccg20_codes"]: "CCG20CD,CCG20CDH,CCG20NM\nE38000001,02N,A\nE38000006,02P,B\n",
        params["ccg21_codes"]: "CCG21CD,CCG21CDH,CCG21NM\nE38000006,02P,B\n",
        MANIFEST[ENTRY]["path"]: None if body is None else header + body,
    }
    for rel, text in files.items():
        if text is not None:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)


def test_bad_rows_are_named_and_the_rest_loads(tmp_path):
    _write(
        tmp_path,
        "E38000001,2015,80.0,120.0,100,150000,A\n"  # row 2: fine
        "E38000006,2015,lots,120.0,100,150000,B\n"  # row 3: not a number
        "E38000999,2015,80.0,120.0,100,150000,C\n"  # row 4: not in the 2019 set
        "E38000006,2016,-5,120.0,100,150000,B\n"  # row 5: negative rate
        "E38000006,2017,80.0,120.0,100,0,B\n"  # row 6: zero population
        "E38000006,2019,70.0,110.0,90,150000,B\n"  # row 7: fine (2020 set)
        "E40000003,2015,80.0,120.0,100,,London\n",  # row 8: a region: counted in the note, not loaded
    )
    result = read_avoidable_mortality(ctx(tmp_path))
    got = {(p.row, p.column, p.value): p.reason for p in result.problems}
    kept = " (this value left out; the row's other values kept)"
    assert got == {
        (3, "Treatable_Mortality_Rate", "lots"): "not a number" + kept,
        (4, "ccg19cd", "E38000999"): "code not in the CCG (April 2019) lookup for 2015",
        (5, "Treatable_Mortality_Rate", "-5"): "rate is negative" + kept,
        (6, "CCGpop", "0"): "denominator is zero or negative" + kept,
    }
    assert all(p.file == MANIFEST[ENTRY]["path"] for p in result.problems)
    treat = result.values[result.values[s.INDICATOR_ID] == "mort_treatable_u75"]
    assert sorted(zip(treat[s.AREA_CODE], treat[s.PERIOD])) == [
        ("02N", "2015"),
        ("02P", "2017"),  # the zero population is left out, the rate kept
        ("E38000006", "2019"),
    ]
    prev = result.values[result.values[s.INDICATOR_ID] == "mort_preventable_u75"]
    assert {("02P", "2015"), ("02P", "2016")} <= set(zip(prev[s.AREA_CODE], prev[s.PERIOD]))
    assert any("1 rows of regions" in n for n in result.notes)


def test_missing_file_and_renamed_column_are_clear(tmp_path):
    _write(tmp_path, None)
    with pytest.raises(SourceError, match="file not found"):
        read_avoidable_mortality(ctx(tmp_path))
    _write(tmp_path, "E38000001,2015,80,120,1,1,A\n", HEADER.replace("Treatable_Mortality_Rate", "Treatable"))
    result = read_avoidable_mortality(ctx(tmp_path))
    assert [(p.column, p.reason[:14]) for p in result.problems] == [
        ("Treatable_Mortality_Rate", "missing column")
    ]
    assert result.values.empty
