"""Trend chart: CI bands from the CI columns, benchmark lines, trend labels in the legend."""

from __future__ import annotations

import numpy as np
from figure_inputs import make_meta, trend_series

from data.model import schema as s
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


def test_one_period_gives_a_message_not_a_chart():
    one = trend_series(["E38000001"], n_periods=1)
    england = one.assign(area_code="E92000001", area_name="England")
    fig = trend_chart(
        one, make_meta(), areas=["E38000001"], area_names={"E38000001": "Area A"}, england=england
    )
    assert len(fig.data) == 0
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    message = fig.layout.annotations[0].text
    assert f"only {one['period'].iloc[0]}" in message and "at least 2 periods" in message


def test_a_trend_that_cannot_be_calculated_says_why():
    series = trend_series(["E38000001", "E38000002"], n_periods=3)
    fig = trend_chart(
        series,
        make_meta(),
        areas=["E38000001", "E38000002"],
        area_names={"E38000001": "Area A", "E38000002": "Area B"},
        trend_labels={"E38000001": "Cannot be calculated", "E38000002": "Increasing and getting better"},
        trend_reasons={"E38000001": "3 valid points (5 needed)"},
    )
    names = [t.name for t in fig.data if t.showlegend is not False and t.mode == "lines+markers"]
    assert names == [
        "Area A – recent trend cannot be calculated:<br>it needs 5 periods with counts or confidence limits; "
        "this series has 3",
        "Area B ↑ Increasing and getting better",
    ]


def test_qof_points_chart_marks_its_series_break(model):
    """% QOF points achieved: a dotted line between 2019/20 and 2021/22 (the 559 -> 635 points
    break), labelled, and the legend says the trend is not computed across it."""
    from data.queries.rows import Selection
    from data.queries.view_frames import meta_dict, trend_frames

    kernow = "E38000089"
    sel = Selection("qof_points", "2022/23", "ccg21", "Persons")
    series, england, region, labels = trend_frames(model, sel, [kernow])
    trends = model.frames["trends"]
    reason = trends[
        (trends[s.INDICATOR_ID] == "qof_points")
        & (trends[s.AREA_CODE] == kernow)
        & (trends[s.GEOGRAPHY] == "ccg21")
    ]["reason"].iloc[0]
    fig = trend_chart(
        series,
        meta_dict(model, "qof_points"),
        areas=[kernow],
        area_names={kernow: "NHS Kernow CCG"},
        england=england,
        region=region,
        trend_labels=labels,
        trend_reasons={kernow: reason},
    )
    marks = [sh for sh in fig.layout.shapes if sh.line.dash == "dot"]
    assert len(marks) == 1
    x = str(marks[0].x0)
    assert (
        "2019-04-01" < x < "2021-04-01"
    )  # between the last point of the old definition and the first of the new
    label = [a for a in fig.layout.annotations if a.text == "Series break 2021/22"]
    assert label and "559 to 635" in label[0].hovertext
    line = [t for t in fig.data if t.legendgroup == kernow and t.showlegend is not False][0]
    assert (
        "not computed across the series break in 2021/22 (2 comparable periods since; 5 needed)" in line.name
    )
    assert "series break" in fig.layout.title.text
