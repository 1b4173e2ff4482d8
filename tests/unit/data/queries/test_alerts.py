"""Early warning: the groups recomputed from the model's rows, the QOF points break, benchmarks named as they are."""

from __future__ import annotations

import numpy as np
import pytest

from data.methods.stats import compare
from data.methods.trend import series_breaks
from data.model import schema as s
from data.model.precomputed import in_summaries
from data.queries.alerts import area_alerts, breaks_sentence, national_alerts, national_red_reds
from data.queries.view_frames import hidden_categories

KERNOW = "E38000089"
CHI2_P002 = 9.5495  # chi-squared(1) at p = 0.002, Fingertips' recent-trend threshold


def chi2_for_trend(count: np.ndarray, denominator: np.ndarray) -> tuple[float, float]:
    """Chi-squared test for linear trend in proportions (Armitage) over equally spaced points."""
    x = np.arange(1, len(count) + 1, dtype=float)
    p = count.sum() / denominator.sum()
    num = (x * (count - denominator * p)).sum() ** 2
    den = p * (1 - p) * ((denominator * x**2).sum() - (denominator * x).sum() ** 2 / denominator.sum())
    slope = np.polyfit(x, count / denominator, 1)[0]
    return float(num / den), float(slope)


def test_qof_points_break_leaves_no_red_red(model):
    """QOF points achieved: 559 points a practice to 2019/20, 635 from 2021/22 (a series break). Every
    CCG's last five points used to fall across it ("decreasing"); no trend is computed across it now."""
    breaks = series_breaks(model.catalogue.at["qof_points", "series_breaks"])
    assert [b.period for b in breaks] == ["2021/22"] and "559 to 635" in breaks[0].reason
    alerts = area_alerts(model, KERNOW)
    row = alerts[alerts[s.INDICATOR_ID] == "qof_points"].iloc[0]
    assert row["group"] == "worse now" and row["trend"] == "Cannot be calculated"
    assert row["series_break"] == "2021/22" and "series break in 2021/22" in row["reason"]
    assert "2 comparable points (5 needed)" in row["reason"]
    ind = model.indicators
    series = ind[
        (ind[s.INDICATOR_ID] == "qof_points")
        & (ind[s.GEOGRAPHY] == "ccg21")
        & (ind[s.AREA_CODE] == KERNOW)
        & (ind[s.SEX] == "Persons")
    ].sort_values(s.PERIOD_START)
    latest = series.iloc[-1]
    # worse now: the 95% interval lies wholly below England (higher is better here)
    eng = model.slice("qof_points", "england", latest[s.PERIOD], "Persons")[s.VALUE].iloc[0]
    assert latest[s.UPPER95] < eng and row["comparator_value"] == pytest.approx(eng)
    assert row["gap"] == pytest.approx(latest[s.VALUE] - eng) and row["gap_text"].endswith(
        "percentage points"
    )
    # what the old rule saw: five points across the break, a "significant" fall made by the new maximum
    last5 = series.tail(5)
    chi2, slope = chi2_for_trend(last5[s.COUNT].to_numpy(), last5[s.DENOMINATOR].to_numpy())
    assert chi2 > CHI2_P002 and slope < 0
    national = national_alerts(model)
    assert "qof_points" not in set(national.red_reds[s.INDICATOR_ID])
    left = national.left_out.set_index(s.INDICATOR_ID)
    assert left.at["qof_points", "n"] == 106 and left.at["qof_points", "series_break"] == "2021/22"
    assert breaks_sentence(national.left_out).startswith(
        "106 indicator results not assessed because of a series break"
    )


def test_list_recomputed_independently(model):
    """Every indicator of Kernow, grouped by hand from the model's rows and trends."""
    ind = model.indicators
    mine = ind[(ind[s.GEOGRAPHY] == "ccg21") & (ind[s.AREA_CODE] == KERNOW) & (ind[s.SEX] == "Persons")]
    trends = model.frames["trends"]
    trends = trends[
        (trends[s.GEOGRAPHY] == "ccg21") & (trends[s.AREA_CODE] == KERNOW) & (trends[s.SEX] == "Persons")
    ]
    expected = set()
    summarised, hidden = in_summaries(model.catalogue), hidden_categories(model)
    mine = mine[mine[s.INDICATOR_ID].isin(summarised)]  # unworded survey questions: their own page
    for indicator, rows in mine[mine[s.VALUE].notna()].groupby(s.INDICATOR_ID):
        last = rows.sort_values(s.PERIOD_START).iloc[-1]
        t = trends[(trends[s.INDICATOR_ID] == indicator) & (trends[s.PERIOD] == last[s.PERIOD])]
        trend = t["trend"].iloc[0] if len(t) else "Cannot be calculated"
        worse = last[s.CMP_ENGLAND_95] == s.WORSE and indicator not in hidden  # GP FFT: on request
        worsening = trend.endswith("getting worse")
        if trend == "Cannot be calculated":
            group = "worse now" if worse else "not assessed"
        elif worse and worsening:
            group = "red-red"
        elif worse:
            group = "worse"
        elif worsening:
            group = "worsening"
        else:
            continue
        expected.add((group, indicator))
    got = set(zip(area_alerts(model, KERNOW)["group"], area_alerts(model, KERNOW)[s.INDICATOR_ID]))
    assert got == expected
    assert any(g == "not assessed" for g, _ in got)


def test_monthly_series_count(model):
    """Monthly dementia diagnosis: five months are enough for a trend."""
    trends = model.frames["trends"]
    ddr = trends[(trends[s.INDICATOR_ID] == "dementia_ddr_65plus") & (trends[s.GEOGRAPHY] == "ccg21")]
    assert (ddr["trend"] != "Cannot be calculated").all()
    table = national_red_reds(model)
    assert table["region_name"].notna().all() and table[s.AREA_CODE].nunique() >= 10
    assert set(table["group"]) == {"red-red"}


def test_sorted_by_severity(model):
    table = area_alerts(model, KERNOW)
    order = {"red-red": 0, "worse now": 1, "worse": 2, "worsening": 3, "not assessed": 4}
    ranks = table["group"].map(order).tolist()
    assert ranks == sorted(ranks)


def _by_hand(model, area: str) -> dict[str, tuple[str, float, str, float]]:
    """indicator -> (group, comparator value, comparator name, gap), from the model's rows alone:
    each indicator's latest persons row, the England row of the same period (named by its row), the
    Fingertips comparison of the 95% interval with it, and the trend frame's label."""
    ind = model.indicators
    mine = ind[(ind[s.GEOGRAPHY] == "ccg21") & (ind[s.AREA_CODE] == area) & (ind[s.SEX] == "Persons")]
    trends = model.frames["trends"]
    trends = trends[
        (trends[s.GEOGRAPHY] == "ccg21") & (trends[s.AREA_CODE] == area) & (trends[s.SEX] == "Persons")
    ]
    out = {}
    mine = mine[mine[s.INDICATOR_ID].isin(in_summaries(model.catalogue))]
    hidden = hidden_categories(model)  # GP FFT: categories only on request
    for indicator, rows in mine[mine[s.VALUE].notna()].groupby(s.INDICATOR_ID):
        last = rows.sort_values(s.PERIOD_START).iloc[-1]
        england = model.slice(indicator, "england", last[s.PERIOD], "Persons")
        value = float(england[s.VALUE].iloc[0]) if len(england) else np.nan
        name = str(england[s.AREA_NAME].iloc[0]) if len(england) else ""
        name = name if name.endswith("CCGs with data") else "England"
        polarity = model.catalogue.at[indicator, "polarity"]
        worse = compare([last[s.VALUE]], [last[s.LOWER95]], [last[s.UPPER95]], value, polarity)[0] == s.WORSE
        worse = worse and indicator not in hidden
        t = trends[(trends[s.INDICATOR_ID] == indicator) & (trends[s.PERIOD] == last[s.PERIOD])]
        trend = t["trend"].iloc[0] if len(t) else "Cannot be calculated"
        worsening = trend.endswith("getting worse")
        if worse and worsening:
            group = "red-red"
        elif worse and trend == "Cannot be calculated":
            group = "worse now"
        elif worse:
            group = "worse"
        elif worsening:
            group = "worsening"
        elif trend == "Cannot be calculated":
            group = "not assessed"
        else:
            continue
        out[indicator] = (group, value, name, last[s.VALUE] - value)
    return out


@pytest.mark.parametrize("area", ["E38000006", "E38000240"])  # Barnsley, North Central London
def test_barnsley_and_ncl_recomputed_from_the_rows(model, area):
    want = _by_hand(model, area)
    got = area_alerts(model, area)
    assert set(got[s.INDICATOR_ID]) == set(want)
    for r in got.itertuples(index=False):
        group, value, name, gap = want[r.indicator_id]
        assert r.group == group, r.indicator_id
        assert (np.isnan(value) and np.isnan(r.comparator_value)) or r.comparator_value == pytest.approx(
            value
        )
        assert r.comparator_label == name
        assert np.isnan(gap) or r.gap == pytest.approx(gap)
        if r.group in ("worse now", "not assessed"):
            assert r.reason and r.trend_words.startswith("Cannot be assessed")


def test_barnsley_worse_now_rows_say_why(model):
    got = area_alerts(model, "E38000006").set_index(s.INDICATOR_ID)
    worse_now = got[got["group"] == "worse now"]
    assert {"ft_91547", "acsc_chronic_isr"} <= set(worse_now.index)
    assert worse_now.at["acsc_chronic_isr", "reason"] == "1 valid point (5 needed)"
    assert worse_now.at["acsc_chronic_isr", "gap_text"] == "+390.0 per 100,000"
    treatable = got.loc["mort_treatable_u75"]
    assert treatable["group"] == "worse" and treatable["comparator_value"] == pytest.approx(80.3)
    assert treatable["trend_words"].startswith(
        "No significant change over the 5 periods to 2019 (chi-squared"
    )


def test_ncl_red_red_is_named_against_the_ccgs_with_data(model):
    got = area_alerts(model, "E38000240")
    red = got[got["group"] == "red-red"]
    assert list(red[s.INDICATOR_ID]) == ["gp_appt_dna_rate"]
    row = red.iloc[0]
    assert row["comparator_label"] == "49 of 106 CCGs with data" and "England" not in row["comparator_label"]
    assert row["trend_words"].startswith("Increasing and getting worse: significant over the 5 periods")
    assert "chi-squared 987.7" in row["trend_words"] and "9.55 needed" in row["trend_words"]
    assert row["gap_text"] == "+1.32 percentage points"


def test_peers_alerts_use_the_areas_own_peer_value(model):
    """One area's list with benchmark=peers: its similar CCGs' value, the same the comparator gives."""
    got = area_alerts(model, "E38000240", benchmark="peers")
    pv = model.frames["peer_values"]
    mine = pv[
        (pv["peer_set"] == "similar")
        & (pv[s.GEOGRAPHY] == "ccg21")
        & (pv[s.AREA_CODE] == "E38000240")
        & (pv[s.SEX] == "Persons")
    ]
    value = mine.set_index([s.INDICATOR_ID, s.PERIOD])["peer_value"]
    for r in got.itertuples(index=False):
        assert r.comparator_value == pytest.approx(value.get((r.indicator_id, r.period), np.nan), nan_ok=True)
        assert r.comparator_label.startswith("NHS North Central London CCG's")
