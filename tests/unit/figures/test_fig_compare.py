"""Ranked bars: order, CI whiskers, category colours, selection and benchmark lines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from figure_fixtures import make_frame, make_meta

from data.model import schema as s
from figures import palette as pal
from figures.compare import ranked_bars, reference_labels


def _bars(fig):
    return [t for t in fig.data if t.type == "bar"]


def test_ci_whiskers_equal_ci_columns_and_colours(frame, meta):
    fig = ranked_bars(frame, meta, ci="99.8", england_value=frame.attrs["england"])
    for bar in _bars(fig):
        rows = frame.set_index(s.AREA_NAME).loc[list(bar.y)]
        assert np.allclose(bar.error_x.array, rows[s.UPPER998] - rows[s.VALUE])
        assert np.allclose(bar.error_x.arrayminus, rows[s.VALUE] - rows[s.LOWER998])
        assert np.allclose(bar.x, rows[s.VALUE])
        category = bar.name.rsplit(" (", 1)[0].split(" ", 1)[1]  # after the glyph
        assert set(rows[s.CMP_ENGLAND_998]) == {category}
        assert bar.marker.color == pal.CATEGORY_COLOURS["fingertips"][category]
        assert bar.name.endswith(f"({len(rows)})")
    assert sum(len(b.y) for b in _bars(fig)) == frame[s.VALUE].notna().sum()


@pytest.mark.parametrize("polarity", [s.POLARITY_HIGH_GOOD, s.POLARITY_LOW_GOOD])
def test_best_at_top(polarity):
    frame, meta = make_frame(polarity=polarity), make_meta(polarity)
    fig = ranked_bars(frame, meta)
    order = list(fig.layout.yaxis.categoryarray)
    values = frame.set_index(s.AREA_NAME).loc[order, s.VALUE].to_numpy()
    assert fig.layout.yaxis.autorange == "reversed"  # first category drawn at the top
    diffs = np.diff(values)
    assert (diffs <= 0).all() if polarity == s.POLARITY_HIGH_GOOD else (diffs >= 0).all()
    by_name = ranked_bars(frame, meta, sort="name")
    assert list(by_name.layout.yaxis.categoryarray) == sorted(order)


def test_selected_highlighted_and_missing_listed(frame, meta):
    code = frame[s.AREA_CODE][7]
    name = frame[s.AREA_NAME][7]
    fig = ranked_bars(frame, meta, selected=[code])
    ticks = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True))
    assert ticks[name].startswith("<b>") and not ticks[frame[s.AREA_NAME][8]].startswith("<b>")
    for bar in _bars(fig):
        widths = dict(zip(bar.y, bar.marker.line.width, strict=True))
        for label, width in widths.items():
            assert (width > 0) == (label == name)
        assert all(c[0] in set(frame[s.AREA_CODE]) for c in bar.customdata)
    missing = frame.loc[frame[s.VALUE].isna(), s.AREA_NAME]
    assert all(n in fig.layout.title.text for n in missing)
    assert fig.layout.height >= 17 * 102


def test_england_and_region_lines(frame, meta):
    regions = frame.attrs["region_values"]
    fig = ranked_bars(frame, meta, england_value=61.0, region_values=regions, region="E40000003")
    xs = sorted(shape.x0 for shape in fig.layout.shapes)
    assert xs == sorted([61.0, regions["E40000003"]])
    assert set(y for b in _bars(fig) for y in b.y) <= set(
        frame.loc[frame.region_code == "E40000003", s.AREA_NAME]
    )
    all_regions = ranked_bars(frame, meta, benchmark="region", region_values=regions, england_value=61.0)
    markers = [t for t in all_regions.data if t.name == "Region value"][0]
    lookup = frame.set_index(s.AREA_NAME)["region_code"].map(regions)
    assert np.allclose(markers.x, lookup.loc[list(markers.y)])


def test_colourblind_bars_have_patterns(frame, meta):
    fig = ranked_bars(frame, meta, palette="colourblind")
    worse = [b for b in _bars(fig) if "Worse" in b.name][0]
    assert worse.name.startswith("▼") and worse.marker.pattern.shape == "x"


def test_duplicate_names_kept_apart(meta):
    frame = make_frame()
    frame.loc[1, s.AREA_NAME] = frame.loc[0, s.AREA_NAME]
    fig = ranked_bars(frame, meta)
    labels = [y for b in _bars(fig) for y in b.y]
    assert len(labels) == len(set(labels)) == frame[s.VALUE].notna().sum()
    assert isinstance(pd.Series(labels).str.contains(r"\(E38").sum(), np.integer)


@pytest.mark.parametrize(
    ("england", "region", "expected"),
    [
        # region below England: its label goes left of its line, England's right of England's
        (61.0, 60.9, [("London 60.9%", "right", 60.9), ("England 61.0%", "left", 61.0)]),
        (61.0, 61.4, [("England 61.0%", "right", 61.0), ("London 61.4%", "left", 61.4)]),
        # the same printed value: one label
        (61.0, 61.04, [("England and London 61.0%", "center", 61.0)]),
        (61.0, None, [("England 61.0%", "center", 61.0)]),
    ],
)
def test_reference_labels_never_overlap(england, region, expected):
    labels = reference_labels(england, region, "%", "London")
    assert [(label["text"], label["xanchor"], label["x"]) for label in labels] == expected


def test_reference_labels_in_the_figure_point_away_from_each_other(frame, meta):
    regions = frame.attrs["region_values"]
    close = regions["E40000003"] + 0.3  # England just above the region: the old labels collided
    fig = ranked_bars(frame, meta, england_value=close, region_values=regions, region="E40000003")
    labels = {a.text.split(" ")[0]: a for a in fig.layout.annotations}
    assert labels["England"].xanchor == "left" and labels["England"].x == close
    region_label = [a for a in fig.layout.annotations if not a.text.startswith("England")][0]
    assert region_label.xanchor == "right" and region_label.x == regions["E40000003"]


def test_category_glyph_leads_each_legend_entry(frame, meta):
    fig = ranked_bars(frame, meta)
    for bar in _bars(fig):
        category = bar.name.split(" (")[0].split(" ", 1)[1]
        assert bar.name.startswith(pal.CATEGORY_GLYPHS[category])


def test_without_limits_bars_are_coloured_by_quintile(frame, meta):
    """An indicator published without limits (CMH21) is coloured by quintile, not left grey."""
    frame = frame.copy()
    frame[s.QUINTILE] = pd.qcut(frame[s.VALUE].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(float)
    fig = ranked_bars(frame, dict(meta, ci_method="none"))
    bars = _bars(fig)
    assert [b.name.split(" (")[0] for b in bars][0].startswith("Q5")
    for bar in bars:
        q = int(bar.name[1])
        rows = frame.set_index(s.AREA_NAME).loc[list(bar.y)]
        assert set(rows[s.QUINTILE]) == {q}
        assert bar.marker.color == pal.QUINTILE_COLOURS["fingertips"][q - 1]
    assert sum(len(b.y) for b in bars) == frame[s.VALUE].notna().sum()
    assert "quintiles" in fig.layout.title.text
