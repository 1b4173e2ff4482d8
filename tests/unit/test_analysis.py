"""Statistics behind the figures, checked against scipy/numpy and hand-worked examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from data.methods.analysis import ols_fit, residual_ranking, spearman, spine_scale
from data.model import schema as s


@pytest.fixture()
def xy() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    x = rng.normal(50, 10, 106)
    y = 3 + 0.4 * x + rng.normal(0, 4, 106)
    w = rng.integers(100_000, 1_200_000, 106).astype(float)
    return x, y, w


def test_ols_matches_scipy_linregress(xy):
    x, y, _ = xy
    fit = ols_fit(x, y)
    ref = stats.linregress(x, y)
    assert fit.slope == pytest.approx(ref.slope, rel=1e-10)
    assert fit.intercept == pytest.approx(ref.intercept, rel=1e-10)
    assert fit.r2 == pytest.approx(ref.rvalue**2, rel=1e-10)
    assert fit.n == 106 and not fit.weighted


def test_weighted_ols_matches_weighted_least_squares(xy):
    x, y, w = xy
    fit = ols_fit(x, y, weights=w)
    # np.polyfit weights multiply residuals, so pass sqrt(w) for weights on squared residuals
    slope, intercept = np.polyfit(x, y, 1, w=np.sqrt(w))
    assert fit.slope == pytest.approx(slope, rel=1e-9)
    assert fit.intercept == pytest.approx(intercept, rel=1e-9)
    ym = np.average(y, weights=w)
    r2 = 1 - np.sum(w * (y - (intercept + slope * x)) ** 2) / np.sum(w * (y - ym) ** 2)
    assert fit.r2 == pytest.approx(r2, rel=1e-9)
    assert fit.weighted
    assert fit.slope != pytest.approx(ols_fit(x, y).slope, rel=1e-6)


def test_ols_and_spearman_ignore_missing_pairs(xy):
    x, y, _ = xy
    x2, y2 = x.copy(), y.copy()
    x2[:3] = np.nan
    y2[5] = np.inf
    fit = ols_fit(x2, y2)
    keep = np.ones(106, bool)
    keep[[0, 1, 2, 5]] = False
    ref = stats.linregress(x[keep], y[keep])
    assert fit.n == 102
    assert fit.slope == pytest.approx(ref.slope)
    rho = spearman(x2, y2)
    assert rho.n == 102
    assert rho.rho == pytest.approx(stats.spearmanr(x[keep], y[keep]).statistic)


def test_spearman_matches_scipy(xy):
    x, y, _ = xy
    res = spearman(x, y)
    ref = stats.spearmanr(x, y)
    assert res.rho == pytest.approx(ref.statistic)
    assert res.p_value == pytest.approx(ref.pvalue)


def test_degenerate_inputs_give_nan_not_errors():
    assert np.isnan(ols_fit([1, 1, 1], [1, 2, 3]).slope)
    assert np.isnan(ols_fit([1], [2]).r2)
    assert np.isnan(spearman([1, 2], [2, 1]).rho)


def test_residual_ranking_orders_by_distance_from_line():
    df = pd.DataFrame(
        {
            s.AREA_CODE: list("ABCDEF"),
            s.AREA_NAME: list("abcdef"),
            "x": [0, 1, 2, 3, 4, 5],
            "y": [0, 1 + 3, 2 - 1, 3 + 1, 4 - 5, 5],
        }
    )
    fit = ols_fit(df["x"], df["y"])
    resid = df["y"] - (fit.intercept + fit.slope * df["x"])
    ranking = residual_ranking(df, fit, n=2)
    above = ranking[ranking["position"] == "above"]
    below = ranking[ranking["position"] == "below"]
    assert above[s.AREA_CODE].tolist() == df.loc[resid.nlargest(2).index, s.AREA_CODE].tolist()
    assert below[s.AREA_CODE].tolist() == df.loc[resid.nsmallest(2).index, s.AREA_CODE].tolist()
    assert above[s.AREA_CODE].iloc[0] == "B" and below[s.AREA_CODE].iloc[0] == "E"
    assert (above["residual"] > 0).all() and (below["residual"] < 0).all()
    assert np.allclose(ranking["residual"], ranking["y"] - (fit.intercept + fit.slope * ranking["x"]))


def test_spine_scale_higher_is_better_hand_example():
    # England 10, min 4, q25 8, q75 12, max 13: half-width = max(6, 3) = 6; pos = 0.5 + (v - 10) / 12
    pos = spine_scale(10, 4, 8, 12, 13, s.POLARITY_HIGH_GOOD, 11).iloc[0]
    assert pos["half_width"] == 6
    assert pos[["worst", "q_worse", "q_better", "best"]].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 0.75])
    assert pos["value"] == pytest.approx(7 / 12)
    assert pos["england"] == 0.5


def test_spine_scale_lower_is_better_swaps_ends():
    # same numbers, lower is better: mirrored, so max (13) is worst on the left, min (4) best on the right
    pos = spine_scale(10, 4, 8, 12, 13, s.POLARITY_LOW_GOOD, 11).iloc[0]
    assert pos[["worst", "q_worse", "q_better", "best"]].tolist() == pytest.approx([0.25, 1 / 3, 2 / 3, 1.0])
    assert pos["value"] == pytest.approx(5 / 12)  # worse than England -> left of centre


def test_spine_scale_no_judgement_keeps_low_on_left_and_is_vectorised():
    out = spine_scale(
        england=[100, 100],
        minimum=[90, 40],
        q25=[95, 80],
        q75=[110, 120],
        maximum=[150, 130],
        polarity=[s.POLARITY_NONE, s.POLARITY_LOW_GOOD],
        values=[np.nan, 100],
    )
    # row 0: half = max(10, 50) = 50 -> pos = 0.5 + (v - 100) / 100
    assert out.loc[0, ["worst", "q_worse", "q_better", "best"]].tolist() == pytest.approx(
        [0.4, 0.45, 0.6, 1.0]
    )
    assert np.isnan(out.loc[0, "value"])
    # row 1: half = 60, lower is better -> pos = 0.5 - (v - 100) / 120
    assert out.loc[1, ["worst", "q_worse", "q_better", "best"]].tolist() == pytest.approx(
        [0.25, 1 / 3, 2 / 3, 1.0]
    )
    assert out.loc[1, "value"] == 0.5


def test_spine_scale_all_equal_sits_on_centre():
    pos = spine_scale(5, 5, 5, 5, 5, s.POLARITY_HIGH_GOOD, 5).iloc[0]
    assert pos[["worst", "q_worse", "q_better", "best", "value"]].tolist() == [0.5] * 5
