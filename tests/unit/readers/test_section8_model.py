"""SOURCES.md section 8 in the built model: what `python -m data indicators` and `export` show."""

from __future__ import annotations

import io
import math
import re
from contextlib import redirect_stdout

import pandas as pd
import pytest

from data.__main__ import main
from data.model import schema as s


def _cli(*args: str) -> pd.DataFrame:
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(list(args)) == 0
    return pd.read_csv(io.StringIO(buf.getvalue()))


@pytest.fixture(scope="module")
def indicators(model):
    return _cli("indicators").set_index("indicator_id")


def test_indicator_list(model, indicators):
    fft = indicators.loc["gp_fft_positive"]
    assert str(fft["domain"]) == "4" and fft["statistic"] == "proportion"
    ccg21 = model.indicators.query("indicator_id == 'gp_fft_positive' and geography == 'ccg21'")
    assert ccg21[s.AREA_CODE].nunique() == 106 and ccg21[s.VALUE].notna().all()
    for ind in ("mort_treatable_u75", "mort_preventable_u75"):
        assert str(indicators.loc[ind, "domain"]) == "1"
        listed = re.search(r"\((\d+)\)$", str(indicators.loc[ind, "periods"]))  # "2010 .. 2019 (10)"
        assert listed and int(listed.group(1)) >= 9
        years = model.indicators.query("indicator_id == @ind and geography == 'ccg21'")[s.PERIOD].nunique()
        assert years >= 9
    assert not indicators["name"].str.contains("Survey 2020").any()
    assert indicators.loc["mh_cmhs_q03", "name"].startswith("Community mental health survey 2021, question 3")


def test_export_reproduces_england_from_the_raw_file(model):
    from data.model.settings import get_settings

    out = _cli("export", "gp_fft_positive")
    england = out[out["Area Code"] == s.ENGLAND_CODE].iloc[0]
    raw = pd.read_csv(
        get_settings().data_dir / "indicators/gp_fft_practice_2026_02/fft_gp_feb26.csv"
    ).dropna()
    raw = raw[raw["gp_code"] != "A84009"]  # rejected: more responses than registered patients
    count = (raw["fft_responses"] * raw["fft_pct_positive"] / 100).round().sum()
    n = raw["fft_responses"].sum()
    assert (england["Count"], england["Denominator"]) == (count, n)
    assert england["Value"] == pytest.approx(100 * count / n, abs=1e-9)
    z = 1.959963984540054
    p = count / n
    half = z * math.sqrt(z**2 + 4 * count * (1 - p))
    assert england["Lower CI 95.0 limit"] == pytest.approx(
        100 * (2 * count + z**2 - half) / (2 * (n + z**2)), abs=1e-6
    )
    assert england["Upper CI 95.0 limit"] == pytest.approx(
        100 * (2 * count + z**2 + half) / (2 * (n + z**2)), abs=1e-6
    )


def test_frames_and_problems(model):
    practices = model.frames["practice_fft"]
    assert len(practices) == 6186 and practices["practice_code"].is_unique
    assert list(model.frames["gpps_national"].columns) == [
        "question",
        "response",
        "national_pct",
        "national_n",
    ]
    problems = model.problems[model.problems["dataset"] == "fft_gp_practice_2026_02"]
    # A84009 rejected; B86673 (85% of its list in a month) and 3 unmapped practices flagged, kept
    assert len(problems) == 5
    inv = model.inventory.set_index("dataset")
    assert inv.at["fft_gp_practice_2026_02", "rows_rejected"] == 1
    assert "36300.0" in set(problems["value"])  # A84009's responses, above its list size
    assert "list" in inv.at["fft_gp_practice_2026_02", "rejections"]
    assert "2018 191 (ccg19), 2019 135 (ccg20)" in inv.at["avoidable_mortality_ccg", "notes"]
    demo = model.demographic_catalogue
    assert {"am_unemployment_pct", "am_qual_level4_pct"} <= set(demo.index)
    assert model.demographics.index.is_unique and len(model.demographics) == 106


def test_mortality_carried_onto_ccg21_as_population_weighted_means(model):
    """A DSR never adds up: merged CCG 2021 areas get their predecessors' population-weighted mean."""
    v = model.indicators
    links = model.lineage[
        (model.lineage["from_geography"] == "ccg19") & (model.lineage["to_code"] == "E38000233")
    ]
    assert sorted(links["from_code"]) == ["01C", "01R", "02D", "02F"]  # Cheshire CCG, April 2020
    old = v.query("indicator_id == 'mort_treatable_u75' and geography == 'ccg19' and period == '2016'")
    old = old[old[s.AREA_CODE].isin(links["from_code"])]
    want = (old[s.VALUE] * old[s.DENOMINATOR]).sum() / old[s.DENOMINATOR].sum()
    got = v.query(
        "indicator_id == 'mort_treatable_u75' and area_code == 'E38000233' and period == '2016'"
    ).iloc[0]
    assert got[s.VALUE] == pytest.approx(want, rel=1e-9)
    assert got[s.HARMONISATION] == "merged" and "population-weighted" in got[s.NOTE]
    # Every year and area: within the range of that year's published CCG values, never a sum.
    for ind in ("mort_treatable_u75", "mort_preventable_u75"):
        rows = v[v[s.INDICATOR_ID] == ind]
        published = (
            rows[rows[s.GEOGRAPHY].isin(["ccg19", "ccg20"])].groupby(s.PERIOD)[s.VALUE].agg(["min", "max"])
        )
        ccg21 = rows[rows[s.GEOGRAPHY] == "ccg21"].join(published, on=s.PERIOD)
        assert ccg21.groupby(s.PERIOD)[s.AREA_CODE].nunique().min() == 106
        assert (ccg21[s.VALUE] >= ccg21["min"] - 1e-9).all() and (ccg21[s.VALUE] <= ccg21["max"] + 1e-9).all()
