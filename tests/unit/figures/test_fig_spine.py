"""Spine chart: scaled bands, markers per area and the numbers table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data import schema as s
from data.analysis import spine_scale
from figures import palette as pal
from figures.spine import spine_chart, spine_table


@pytest.fixture()
def rows() -> pd.DataFrame:
    ind = pd.DataFrame(
        {
            "indicator_id": ["a", "b", "c"],
            "short_name": ["Alpha", "Beta", "Gamma"],
            "domain": ["2", "1", "1"],
            "polarity": [s.POLARITY_HIGH_GOOD, s.POLARITY_LOW_GOOD, s.POLARITY_NONE],
            "unit": ["%", "per 100,000", "score"],
            "period": ["2020/21", "2019/20", "2021"],
            "england_value": [10.0, 10.0, 100.0],
            "min": [4.0, 4.0, 90.0],
            "q25": [8.0, 8.0, 95.0],
            "q75": [12.0, 12.0, 110.0],
            "max": [13.0, 13.0, 150.0],
        }
    )
    area1 = ind.assign(
        area_code="X1", value=[11.0, 11.0, np.nan], category=[s.BETTER, s.WORSE, None], count=[5, 6, 7]
    )
    area2 = ind.assign(
        area_code="X2", value=[5.0, 4.0, 120.0], category=[s.WORSE, s.BETTER, s.HIGHER], count=[1, 2, 3]
    )
    return pd.concat([area1, area2], ignore_index=True)


def test_bands_and_markers_follow_spine_scale(rows):
    fig = spine_chart(rows, areas=["X1", "X2"], area_names={"X1": "One", "X2": "Two"})
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == 3
    # rows are ordered by domain: Beta, Gamma (domain 1) then Alpha (domain 2)
    assert [y.strip() for y in bars[0].y] == ["Beta", "Gamma", "Alpha"]
    # Beta is lower-is-better: worst band starts at max (13) -> 0.25 and ends at q75 (12) -> 1/3
    assert bars[0].base[0] == pytest.approx(0.25) and bars[0].x[0] == pytest.approx(1 / 3 - 0.25)
    assert bars[1].base[0] == pytest.approx(1 / 3) and bars[1].x[0] == pytest.approx(1 / 3)
    assert bars[2].base[0] + bars[2].x[0] == pytest.approx(1.0)
    # Alpha, higher is better: 4 -> 0, 13 -> 0.75
    assert bars[0].base[2] == pytest.approx(0.0) and bars[2].base[2] + bars[2].x[2] == pytest.approx(0.75)
    one = [t for t in fig.data if t.name == "One" and t.x and t.x[0] is not None][0]
    expected = spine_scale(
        [10, 10], [4, 4], [8, 8], [12, 12], [13, 13], [s.POLARITY_LOW_GOOD, s.POLARITY_HIGH_GOOD], [11, 11]
    )
    assert list(one.x) == pytest.approx(expected["value"].tolist())
    assert list(one.marker.color) == [
        pal.CATEGORY_COLOURS["fingertips"][s.WORSE],
        pal.CATEGORY_COLOURS["fingertips"][s.BETTER],
    ]
    two = [t for t in fig.data if t.name == "Two" and t.x and t.x[0] is not None][0]
    assert one.marker.symbol != two.marker.symbol
    assert [c[0] for c in two.customdata] == ["X2"] * 3


def test_domain_headings_and_no_data_text(rows):
    fig = spine_chart(rows, areas=["X1", "X2"], area_names={"X1": "One", "X2": "Two"})
    order = list(fig.layout.yaxis.categoryarray)
    assert order[0] == f"<b>{s.DOMAINS['1']}</b>" and order[3] == f"<b>{s.DOMAINS['2']}</b>"
    ticks = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True))
    gamma = [v for v in ticks if v.strip() == "Gamma"][0]
    assert "(no data: One)" in ticks[gamma]
    assert all("no data" not in ticks[v] for v in ticks if v != gamma)
    assert fig.layout.shapes[0].x0 == 0.5  # England centre line
    single = spine_chart(rows, areas=["X1"], area_names={"X1": "One"})
    single_ticks = dict(zip(single.layout.yaxis.tickvals, single.layout.yaxis.ticktext, strict=True))
    assert "(no data)" in single_ticks[gamma]


def test_spine_table(rows):
    table = spine_table(rows, ["X1", "X2"], {"X1": "One", "X2": "Two"})
    assert table.columns.tolist() == [
        "Indicator",
        "Period",
        "One count",
        "One value",
        "Two count",
        "Two value",
        "England",
        "Worst",
        "Best",
        "Unit",
    ]
    beta = table.set_index("Indicator").loc["Beta"]
    assert (beta["Worst"], beta["Best"]) == (13.0, 4.0)  # lower is better swaps
    alpha = table.set_index("Indicator").loc["Alpha"]
    assert (alpha["Worst"], alpha["Best"], alpha["One value"], alpha["Two count"]) == (4.0, 13.0, 11.0, 1)
    assert np.isnan(table.set_index("Indicator").loc["Gamma", "One value"])
