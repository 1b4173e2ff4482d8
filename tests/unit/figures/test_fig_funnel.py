"""Funnel plot: limits from PHStatsMethods and point categories against them."""

from __future__ import annotations

import numpy as np
from figure_fixtures import make_frame, make_meta

from data import schema as s
from data.analysis import funnel_limits
from figures.funnel import funnel_category, funnel_plot


def test_limits_drawn_and_points_classified():
    frame, meta = make_frame(), make_meta()
    fig = funnel_plot(frame, meta, ci="99.8")
    ok = frame[s.VALUE].notna()
    limits = funnel_limits(
        frame.loc[ok, s.COUNT], frame.loc[ok, s.DENOMINATOR], statistic="proportion", multiplier=100
    )
    upper = [t for t in fig.data if t.name == "99.8% limits" and t.showlegend is False][0]
    assert np.allclose(upper.y, limits["upper998"])
    points = [t for t in fig.data if t.mode == "markers"]
    assert sum(len(t.x) for t in points) == ok.sum()
    cats = funnel_category(
        frame.loc[ok, s.VALUE], frame.loc[ok, s.DENOMINATOR], limits, meta["polarity"], "99.8"
    )
    for t in points:
        codes = [c[0] for c in t.customdata]
        assert set(cats[frame.loc[ok, s.AREA_CODE].isin(codes).to_numpy()]) == {t.name.split(" (")[0]}
