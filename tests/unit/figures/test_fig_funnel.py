"""Funnel plot: limits from data.methods.funnels drawn at their own populations, points classified."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from figure_fixtures import make_frame, make_meta

from data.methods import funnels as fn
from data.model import schema as s
from figures.funnel import app_category, compute_funnel, funnel_plot


def limit_traces(fig, name):
    return [t for t in fig.data if t.mode == "lines" and t.name == name]


def test_limits_drawn_and_points_classified():
    frame, meta = make_frame(), make_meta()
    fig = funnel_plot(frame, meta, ci="99.8")
    ok = frame[s.VALUE].notna() & frame[s.COUNT].notna()
    limits = fn.funnel_limits(
        frame.loc[ok, s.COUNT], frame.loc[ok, s.DENOMINATOR], statistic="proportion", multiplier=100
    )
    upper = [t for t in limit_traces(fig, "99.8% limits") if t.showlegend is False][0]
    assert np.allclose(upper.y, limits.table["upper998"]) and np.allclose(upper.x, limits.table["upper998_x"])
    points = [t for t in fig.data if t.mode == "markers"]
    assert sum(len(t.x) for t in points) == ok.sum()
    sig = fn.funnel_significance(frame.loc[ok, s.COUNT], frame.loc[ok, s.DENOMINATOR], statistic="proportion")
    cats = app_category(sig, meta["polarity"], "99.8")
    codes_ok = frame.loc[ok, s.AREA_CODE].to_numpy()
    for t in points:
        codes = [c[0] for c in t.customdata]
        assert set(cats[np.isin(codes_ok, codes)]) == {t.name.split(" (")[0]}


def test_rate_limits_sit_at_their_own_populations():
    rng = np.random.default_rng(4)
    denominator = rng.integers(100_000, 900_000, 50).astype(float)
    count = rng.poisson(denominator * 0.002).astype(float)
    frame = make_frame(codes=[f"E38{i:06d}" for i in range(50)], n_missing=0)
    frame[s.COUNT], frame[s.DENOMINATOR] = count, denominator
    frame[s.VALUE] = count / denominator * 1e5
    meta = {**make_meta(), "statistic": "rate", "multiplier": 100_000, "unit": "per 100,000"}
    fig = funnel_plot(frame, meta)
    lower = [t for t in limit_traces(fig, "99.8% limits") if t.showlegend][0]
    upper = [t for t in limit_traces(fig, "99.8% limits") if not t.showlegend][0]
    # the same number of events gives the lower and the upper limit at different populations
    assert not np.allclose(lower.x, upper.x)
    # each limit is (events / population) at its own population: a point exactly on it is the limit
    result = compute_funnel(frame, meta)
    t = result.limits.table
    np.testing.assert_allclose(t["upper998"], t["events"] / (t["upper998_x"]) * 1e5)


def test_overdispersion_shown_on_chart():
    frame, meta = make_frame(), make_meta()
    fig = funnel_plot(frame, meta, overdispersion="multiplicative")
    text = fig.layout.title.text
    assert "phi =" in text and "areas change category" in text
    assert limit_traces(fig, "99.8% limits (unadjusted)")
    with pytest.raises(ValueError, match="statistic 'mean'"):
        funnel_plot(frame, {**meta, "statistic": "mean"})


def test_app_category_follows_level_and_polarity():
    sig = pd.Series([fn.HIGH_998, fn.HIGH_95, fn.NOT_SIG, fn.LOW_95, fn.LOW_998, ""])
    assert list(app_category(sig, s.POLARITY_HIGH_GOOD, "95")) == [
        s.BETTER,
        s.BETTER,
        s.SIMILAR,
        s.WORSE,
        s.WORSE,
        s.NOT_COMPARED,
    ]
    assert list(app_category(sig, s.POLARITY_LOW_GOOD, "99.8")) == [
        s.WORSE,
        s.SIMILAR,
        s.SIMILAR,
        s.SIMILAR,
        s.BETTER,
        s.NOT_COMPARED,
    ]
