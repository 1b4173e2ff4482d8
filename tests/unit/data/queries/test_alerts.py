"""Early warning: a real red-red, checked against the trend and category rules, and the list recomputed."""

from __future__ import annotations

import numpy as np
import pytest

from data.methods.stats import compare
from data.model import schema as s
from data.queries.alerts import area_alerts, national_red_reds

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


def test_kernow_qof_points_is_red_red_by_the_rules(model):
    alerts = area_alerts(model, KERNOW)
    red = alerts[alerts["group"] == "red-red"]
    assert "qof_points" in set(red[s.INDICATOR_ID])
    row = red[red[s.INDICATOR_ID] == "qof_points"].iloc[0]
    ind = model.indicators
    series = ind[
        (ind[s.INDICATOR_ID] == "qof_points")
        & (ind[s.GEOGRAPHY] == "ccg21")
        & (ind[s.AREA_CODE] == KERNOW)
        & (ind[s.SEX] == "Persons")
    ].sort_values(s.PERIOD_START)
    latest = series.iloc[-1]
    assert row[s.PERIOD] == latest[s.PERIOD]
    # worse: the 95% interval lies wholly on the bad side of England (higher is better here)
    eng = model.slice("qof_points", "england", latest[s.PERIOD], "Persons")[s.VALUE].iloc[0]
    assert model.catalogue.at["qof_points", "polarity"] == s.POLARITY_HIGH_GOOD
    assert latest[s.UPPER95] < eng
    assert (
        compare(
            np.array([latest[s.VALUE]]),
            np.array([latest[s.LOWER95]]),
            np.array([latest[s.UPPER95]]),
            eng,
            s.POLARITY_HIGH_GOOD,
        )[0]
        == s.WORSE
    )
    # getting worse: significant decreasing trend over the last five points
    last5 = series.tail(5)
    chi2, slope = chi2_for_trend(last5[s.COUNT].to_numpy(), last5[s.DENOMINATOR].to_numpy())
    assert chi2 > CHI2_P002 and slope < 0
    assert row["trend"] == "Decreasing and getting worse"
    assert row["chi2"] == pytest.approx(chi2, rel=1e-3)


def test_list_recomputed_independently(model):
    """Every indicator of Kernow, grouped by hand from the model's rows and trends."""
    ind = model.indicators
    mine = ind[(ind[s.GEOGRAPHY] == "ccg21") & (ind[s.AREA_CODE] == KERNOW) & (ind[s.SEX] == "Persons")]
    trends = model.frames["trends"]
    trends = trends[
        (trends[s.GEOGRAPHY] == "ccg21") & (trends[s.AREA_CODE] == KERNOW) & (trends[s.SEX] == "Persons")
    ]
    expected = set()
    for indicator, rows in mine[mine[s.VALUE].notna()].groupby(s.INDICATOR_ID):
        last = rows.sort_values(s.PERIOD_START).iloc[-1]
        t = trends[(trends[s.INDICATOR_ID] == indicator) & (trends[s.PERIOD] == last[s.PERIOD])]
        trend = t["trend"].iloc[0] if len(t) else "Cannot be calculated"
        worse = last[s.CMP_ENGLAND_95] == s.WORSE
        worsening = trend.endswith("getting worse")
        if trend == "Cannot be calculated":
            group = "not assessed"
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
    assert table["region_name"].notna().all() and table[s.AREA_CODE].nunique() > 10
    assert set(table["group"]) == {"red-red"}


def test_sorted_by_severity(model):
    table = area_alerts(model, KERNOW)
    order = {"red-red": 0, "worse": 1, "worsening": 2, "not assessed": 3}
    ranks = table["group"].map(order).tolist()
    assert ranks == sorted(ranks)
