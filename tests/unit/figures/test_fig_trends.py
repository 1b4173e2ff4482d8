"""Trend chart: CI bands from the CI columns, benchmark lines, trend labels in the legend."""

from __future__ import annotations

import numpy as np
from figure_inputs import make_meta, trend_series

from data import schema as s
from figures.trends import trend_arrow, trend_chart


def test_lines_bands_and_labels():
    codes = ["E38000001", "E38000002"]
    series = trend_series(codes + ["E38000003"])
    england = series[series[s.AREA_CODE] == "E38000003"].assign(
        **{s.AREA_CODE: s.ENGLAND_CODE, s.AREA_NAME: "England"}
    )
    region = series[series[s.AREA_CODE] == "E38000003"].assign(area_name="London")
    fig = trend_chart(
        series[series[s.AREA_CODE].isin(codes)],
        make_meta(),
        ci="99.8",
        areas=codes,
        area_names={"E38000001": "One", "E38000002": "Two"},
        england=england,
        region=region,
        trend_labels={"E38000001": "Increasing and getting better", "E38000002": "No significant change"},
    )
    one_rows = series[series[s.AREA_CODE] == "E38000001"].sort_values(s.PERIOD_START)
    upper = [t for t in fig.data if t.name == "One upper"][0]
    lower = [t for t in fig.data if t.name == "One 99.8% CI"][0]
    assert np.allclose(upper.y, one_rows[s.UPPER998]) and np.allclose(lower.y, one_rows[s.LOWER998])
    assert lower.fill == "tonexty"
    line = [t for t in fig.data if t.legendgroup == "E38000001" and t.showlegend is not False][0]
    assert line.name == "One ↑ Increasing and getting better"
    assert np.allclose(line.y, one_rows[s.VALUE]) and line.customdata[0][0] == "E38000001"
    assert "Count" in line.hovertext[0] and "99.8% CI" in line.hovertext[0]
    eng = [t for t in fig.data if t.name == "England"][0]
    assert eng.line.dash == "dash" and [t for t in fig.data if t.name == "London"][0].line.dash == "dot"
    assert fig.layout.uirevision


def test_trend_arrow():
    assert trend_arrow("Decreasing and getting worse") == "↓"
    assert trend_arrow("No significant change") == "→"
    assert trend_arrow("Cannot be calculated") == "" and trend_arrow(None) == ""
