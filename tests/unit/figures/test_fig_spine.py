"""Spine chart: scaled bands, markers per area and the numbers table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.methods.analysis import spine_scale
from data.model import schema as s
from figures import palette as pal
from figures.spine import spine_chart, spine_table, split_outcomes


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
    assert list(bars[0].y) == ["b", "c", "a"]  # the y keys are indicator ids
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


def test_domain_headings_header_row_and_status_column(rows):
    fig = spine_chart(rows, areas=["X1", "X2"], area_names={"X1": "One", "X2": "Two"}, screen=True)
    ticks = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True))
    order = list(fig.layout.yaxis.categoryarray)
    assert order == ["§1", "b", "c", "§2", "a"]
    assert ticks["§1"] == "<b>Domain 1: Preventing people from dying<br>prematurely</b>"
    assert (ticks["b"], ticks["c"], ticks["a"]) == ("Beta", "Gamma", "Alpha")
    assert fig.layout.shapes[0].x0 == 0.5  # England centre line
    # Worst / England / Best label the top axis: just above the plot, whatever rows are shown
    axis = fig.layout.xaxis
    labels = dict(zip(axis.ticktext, axis.tickvals, strict=True))
    assert axis.side == "top"
    assert (labels["◀ Worst"], labels["<b>England</b>"], labels["Best ▶"]) == (0, 0.5, 1)
    assert labels["Compared with England"] > 1
    # the right-hand column: each area's symbol glyph then its category glyph; a dash for no data
    status = [t for t in fig.data if t.type == "scatter" and t.mode == "text"][0]
    by_row = dict(zip(status.y, status.text, strict=True))
    assert by_row["b"] == "○▼\u2002◇▲"
    assert by_row["c"] == "○–\u2002◇△"
    assert by_row["a"] == "○▲\u2002◇▼"
    assert "– no data" in fig.layout.title.text
    single = spine_chart(rows, areas=["X1"], area_names={"X1": "One"}, screen=True)
    status = [t for t in single.data if t.type == "scatter" and t.mode == "text"][0]
    assert dict(zip(status.y, status.text, strict=True)) == {"b": "Worse", "c": "no data", "a": "Better"}


LONG_NAME = (
    "An indicator with a very long name that cannot fit on one line, nor on two lines of forty characters"
)


def test_long_labels_wrap_and_rows_grow(rows):
    long = rows.assign(
        short_name=rows["short_name"].where(
            rows["indicator_id"] != "a",
            LONG_NAME,
        )
    )
    fig = spine_chart(long, areas=["X1"], area_names={"X1": "One"})
    ticks = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True))
    lines = ticks["a"].split("<br>")
    assert len(lines) >= 2 and all(len(line) <= 40 for line in lines)
    assert " ".join(lines) == LONG_NAME and "…" not in ticks["a"]  # wrapped, never cut
    marker = [t for t in fig.data if t.name == "One" and t.hovertext][0]
    assert any(LONG_NAME in text for text in marker.hovertext)
    assert fig.layout.yaxis.type == "category"


def test_title_legend_margin_and_hover():
    names = {f"E{i}": f"NHS A Rather Long Area Name Number {i} CCG" for i in range(6)}
    rows = pd.DataFrame(
        {
            "indicator_id": "a",
            "short_name": "Alpha",
            "domain": "1",
            "polarity": s.POLARITY_HIGH_GOOD,
            "unit": "%",
            "period": "2021",
            "england_value": 10.0,
            "min": 4.0,
            "q25": 8.0,
            "q75": 12.0,
            "max": 13.0,
            "area_code": list(names),
            "value": [5.0, 6.0, 7.0, 8.0, 9.0, 11.0],
            "category": s.WORSE,
            s.LOWER95: 4.0,
            s.UPPER95: 6.5,
        }
    )
    fig = spine_chart(rows, areas=list(names), area_names=names, benchmark="region", screen=True)
    assert fig.layout.title.text.startswith(
        "Area profile: NHS A Rather Long Area Name Number 0 CCG and 5 other areas"
    )
    # seven legend entries of ~40 characters need several rows: the top margin holds them all
    assert fig.layout.margin.t >= 62 + 14 + 3 * 24
    assert fig.layout.legend.yref == "container" and fig.layout.legend.xref == "container"
    first = [t for t in fig.data if t.name == names["E0"] and t.hovertext][0]
    hover = first.hovertext[0]
    assert "5.00% (95% CI 4.00–6.50)" in hover and "Compared with region: Worse" in hover


def test_split_outcomes_puts_context_apart(rows):
    mixed = rows.assign(domain=rows["indicator_id"].map({"a": "context", "b": "1", "c": "4"}))
    outcomes, context = split_outcomes(mixed)
    assert set(outcomes["indicator_id"]) == {"b", "c"} and set(context["indicator_id"]) == {"a"}


def test_spine_table(rows):
    table = spine_table(rows, ["X1", "X2"], {"X1": "One", "X2": "Two"})
    assert table.columns.tolist() == [
        "Indicator",
        "Period",
        "One count",
        "One value",
        "Two count",
        "Two value",
        "Centre (England)",
        "Worst",
        "Best",
        "Unit",
    ]
    beta = table.set_index("Indicator").loc["Beta"]
    assert (beta["Worst"], beta["Best"]) == (13.0, 4.0)  # lower is better swaps
    alpha = table.set_index("Indicator").loc["Alpha"]
    assert (alpha["Worst"], alpha["Best"], alpha["One value"], alpha["Two count"]) == (4.0, 13.0, 11.0, 1)
    assert np.isnan(table.set_index("Indicator").loc["Gamma", "One value"])
    compared = spine_table(rows.assign(comparator_value=7.5, comparator_label="Peers"), ["X1"], {"X1": "One"})
    assert compared.columns[4:7].tolist() == ["One compared", "Benchmark", "Benchmark value"]
    assert set(compared["Benchmark value"]) == {7.5}


def test_export_form_prints_values_benchmark_and_a_colour_legend(rows):
    """A printed spine page carries the numbers (each area's value with its category glyph, the
    benchmark's value) and says which colour is which; Worst / England / Best above the plot."""
    compared = rows.assign(comparator_value=rows["england_value"], comparator_label="England")
    fig = spine_chart(compared, areas=["X1", "X2"], area_names={"X1": "One", "X2": "Two"})
    columns = {t.name: t for t in fig.data if t.type == "scatter" and t.mode == "text"}
    assert set(columns) == {"Value vs benchmark"}
    assert all(text[0] in "○◇–" for text in columns["Value vs benchmark"].text)  # each area by its symbol
    assert all(" vs " in text for text in columns["Value vs benchmark"].text if text != "–")
    texts = {a.text for a in fig.layout.annotations}
    assert {"Worst", "England", "Best", "<b>Value vs England</b>"} <= texts
    legend = {t.name for t in fig.data if t.showlegend}
    assert {"▲ Better", "● Similar", "▼ Worse"} <= legend
    assert fig.layout.xaxis.showticklabels is False
