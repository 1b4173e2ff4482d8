"""Series breaks: no recent trend across a change of definition (Fingertips' rule)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.methods.trend import (
    CANNOT,
    SeriesBreak,
    recent_trend,
    series_breaks,
    series_breaks_text,
    trend_table,
)
from data.model import schema as s
from data.readers.common import catalogue_entry

BREAK = {"period": "2021/22", "start": "2021-04-01", "reason": "maximum changed", "source": "test"}


def series(years: list[int], counts: list[float], denominator: float = 1000.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            s.PERIOD: [f"{y}/{(y + 1) % 100:02d}" for y in years],
            s.PERIOD_START: pd.to_datetime([f"{y}-04-01" for y in years]),
            s.VALUE: [c / denominator * 100 for c in counts],
            s.LOWER95: np.nan,
            s.UPPER95: np.nan,
            s.COUNT: counts,
            s.DENOMINATOR: denominator,
        }
    )


FALLING = series([2017, 2018, 2019, 2021, 2022], [960, 955, 950, 900, 890])
FALLING_AFTER = series([2021, 2022, 2023, 2024, 2025, 2026], [990, 960, 930, 900, 870, 840])


def test_without_the_break_the_step_looks_like_a_trend():
    result = recent_trend(FALLING, "proportion", s.POLARITY_HIGH_GOOD)
    assert result.label == "Decreasing and getting worse" and result.series_break == ""


def test_no_trend_across_a_break():
    result = recent_trend(FALLING, "proportion", s.POLARITY_HIGH_GOOD, [BREAK])
    assert result.label == CANNOT
    assert result.series_break == "2021/22" and result.n_points == 2
    assert result.reason == "series break in 2021/22 (maximum changed): 2 comparable points (5 needed)"


def test_enough_points_after_a_break_give_a_trend():
    result = recent_trend(FALLING_AFTER, "proportion", s.POLARITY_HIGH_GOOD, [BREAK])
    assert result.label == "Decreasing and getting worse" and result.n_points == 5


def test_a_break_after_the_last_point_changes_nothing():
    later = dict(BREAK, period="2030/31", start="2030-04-01")
    assert recent_trend(FALLING, "proportion", s.POLARITY_HIGH_GOOD, [later]).label == (
        "Decreasing and getting worse"
    )


def test_the_latest_break_before_the_last_point_counts():
    older = dict(BREAK, period="2018/19", start="2018-04-01", reason="older change")
    result = recent_trend(FALLING, "proportion", s.POLARITY_HIGH_GOOD, [BREAK, older])
    assert result.series_break == "2021/22" and result.n_points == 2


def test_trend_table_names_the_break_per_series():
    values = pd.concat(
        [
            FALLING.assign(**{s.AREA_CODE: "A"}),
            FALLING.assign(**{s.AREA_CODE: "B", s.COUNT: FALLING[s.COUNT] - 5}),
        ]
    ).assign(**{s.INDICATOR_ID: "x", s.GEOGRAPHY: "g", s.SEX: "Persons"})
    catalogue = pd.DataFrame(
        {
            "statistic": ["proportion"],
            "polarity": [s.POLARITY_HIGH_GOOD],
            "series_breaks": [series_breaks_text([BREAK])],
        },
        index=["x"],
    )
    table = trend_table(values, catalogue)
    assert list(table["trend"]) == [CANNOT, CANNOT] and list(table["series_break"]) == ["2021/22", "2021/22"]
    assert table[s.PERIOD].tolist() == ["2022/23", "2022/23"]
    without = trend_table(values, catalogue.drop(columns="series_breaks"))
    assert set(without["series_break"]) == {""} and set(without["trend"]) == {"Decreasing and getting worse"}


def test_break_metadata_is_checked():
    assert series_breaks("") == [] and series_breaks(None) == []
    parsed = series_breaks(series_breaks_text([BREAK]))
    assert parsed == [SeriesBreak("2021/22", "2021-04-01", "maximum changed", "test")]
    with pytest.raises(ValueError, match="lacks reason"):
        series_breaks([{"period": "2021/22", "start": "2021-04-01", "source": "x"}])
    with pytest.raises(ValueError, match="not JSON"):
        series_breaks("2021/22")
    args = dict(
        name="n",
        short_name="n",
        domain="context",
        unit="%",
        multiplier=100,
        polarity=s.POLARITY_NONE,
        statistic="proportion",
        ci_method="Wilson",
        source="src",
        publisher="p",
        licence="OGL-3.0",
        definition="d",
    )
    entry = catalogue_entry("x", **args, series_breaks=[BREAK])
    assert series_breaks(entry["series_breaks"])[0].period == "2021/22"
    with pytest.raises(ValueError, match="x: series break"):
        catalogue_entry("x", **args, series_breaks=[{"period": "2021/22"}])


def test_qof_points_break_in_the_model(model):
    """Every CCG 2021 series of % QOF points achieved stops at the 2021/22 break; the trend figure
    of any later period has two comparable points."""
    breaks = series_breaks(model.catalogue.at["qof_points", "series_breaks"])
    assert breaks[0].start == "2021-04-01" and "559 to 635" in breaks[0].reason
    trends = model.frames["trends"]
    qof = trends[(trends[s.INDICATOR_ID] == "qof_points") & (trends[s.GEOGRAPHY] == "ccg21")]
    assert len(qof) == 106 and set(qof["trend"]) == {CANNOT} and set(qof["series_break"]) == {"2021/22"}
    assert qof["reason"].str.startswith("series break in 2021/22").all()
    # no other indicator of the model lost points to a break
    assert set(trends.loc[trends["series_break"] != "", s.INDICATOR_ID]) == {"qof_points"}
    heec = model.frames["inequality_catalogue"].set_index("indicator")["series_breaks"]
    assert series_breaks(heec["overall_pct"])[0].period == "2024" and heec["DNA"] == ""
