"""Ranked bars: order, CI whiskers, category colours, selection and benchmark lines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from figure_fixtures import make_frame, make_meta

from data.model import schema as s
from figures import palette as pal
from figures.compare import ranked_bars
from figures.reference import (
    EXPORT_FONT_PX,
    GLYPH_EM,
    PLOT_PX,
    SIDE_PX,
    RefLine,
    place_labels,
    value_axis_range,
)


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
def test_two_labels_point_away_from_each_other(england, region, expected):
    lines = [RefLine("england", "England", england, "#000000")]
    if region is not None:
        lines.append(RefLine("region", "London", region, "#6E6E6E"))
    placed = place_labels(lines, "%", (0.0, 100.0))
    assert [(p.text, p.xanchor, p.x) for p in placed] == expected
    assert {p.row for p in placed} == {0}


def _boxes(placed, x_range):
    lo, hi = x_range
    out = []
    for p in placed:
        w = len(p.text) * EXPORT_FONT_PX * GLYPH_EM + SIDE_PX
        if p.xref == "paper":
            left = p.x * PLOT_PX
        else:
            x = (p.x - lo) / (hi - lo) * PLOT_PX
            left = {"left": x + 3, "right": x - 3 - w, "center": x - w / 2}[p.xanchor]
        out.append((p.row, left, left + w))
    return out


@pytest.mark.parametrize(
    ("values", "x_range"),
    [
        # Kernow, dementia diagnosis 2025-01: England, South West, Kernow's similar CCGs
        ((65.4, 66.9, 62.6), (52.0, 78.0)),
        # Kernow, GP FFT Feb 2026 (the slide where "South West" and the peers merged)
        ((92.3, 93.2, 93.8), (84.0, 97.0)),
        ((92.3, 93.2, 93.8), (0.0, 100.0)),
        ((50.0, 50.2, 50.4), (0.0, 100.0)),
    ],
)
def test_three_reference_labels_never_overlap(values, x_range):
    names = ("England", "South West", "NHS Kernow CCG's 10 similar CCGs (pooled)")
    lines = [
        RefLine(k, n, v, "#000")
        for k, n, v in zip(("england", "region", "peers"), names, values, strict=True)
    ]
    placed = place_labels(lines, "%", x_range)
    assert len(placed) == 3
    boxes = _boxes(placed, x_range)
    for i, (row, a, b) in enumerate(boxes):
        assert a >= -1 and b <= PLOT_PX + 1, placed[i]  # on the plot
        for row2, c, d in boxes[i + 1 :]:
            assert row != row2 or b <= c or d <= a, (placed, boxes)


def test_peer_line_in_the_figure_is_placed_with_england_and_region(frame, meta):
    regions = frame.attrs["region_values"]
    close = regions["E40000003"] + 0.3
    peers = RefLine("peers", "NHS X CCG's 10 similar CCGs (pooled)", close - 0.2, "#7C2855", "dash")
    fig = ranked_bars(
        frame, meta, england_value=close, region_values=regions, region="E40000003", lines=[peers]
    )
    labels = [a for a in fig.layout.annotations if (a.name or "").startswith("reference-line")]
    assert len(labels) == 3 and len({a.yshift for a in labels}) >= 2  # not all on one row
    assert fig.layout.margin.t > 125  # room for the rows
    assert [sh.x0 for sh in fig.layout.shapes if (sh.name or "") == "reference-line:peers"] == [close - 0.2]


def test_percentage_axis_is_zoomed_to_show_the_gap():
    # GP FFT: 88.5% against 93.8%, limits 87-95: never 0-120
    lo, hi, zoomed = value_axis_range(
        [88.5, 93.0, 95.1], [87.2, 92.0, 94.4], [89.8, 94.0, 95.8], [92.3, 93.8], "%"
    )
    assert zoomed and 0 < lo < 87.2 and 95.8 < hi <= 100
    assert (93.8 - 88.5) / (hi - lo) >= 0.05
    # near the top: never past 100
    assert value_axis_range([97.0, 99.5], [96.0, 98.9], [98.0, 99.9], [98.5], "%")[1] == 100.0
    # far from zero relative to the top (15% of 60%): bars from zero, never past 100
    assert value_axis_range([9.0, 60.0], [8.0, 55.0], [10.0, 99.0], [], "%") == (0.0, 100.0, False)
    # not a percentage: from zero
    assert value_axis_range([95.4, 80.3], [90.0, 79.0], [101.0, 82.0], [80.3], "per 100,000")[0:3:2] == (
        0.0,
        False,
    )


def test_zoomed_axis_is_said_in_the_subtitle(frame, meta):
    fig = ranked_bars(frame, meta, england_value=61.0)
    lo, hi = fig.layout.xaxis.range
    assert hi <= 100
    if lo > 0:
        assert "the axis starts at" in fig.layout.title.text


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


@pytest.mark.parametrize(
    ("indicator", "period", "gap_share"),
    [("gp_fft_positive", "Feb 2026", 0.3), ("dementia_ddr_65plus", "2025-01", 0.02)],
)
def test_kernow_peer_line_joins_england_and_region_without_overprint(model, indicator, period, gap_share):
    """The export's part 1 (South West) with benchmark=peers: England, South West and Kernow's
    similar CCGs, three labels in rows; a percentage axis that shows the gap, never past 100."""
    from data.queries.comparator import comparator_for, compare_slice, headline
    from data.queries.rows import Selection
    from data.queries.view_frames import area_frame, meta_dict
    from figures.peers import mark_peers

    sel = Selection(indicator, period, "ccg21", "Persons")
    frame, england, regions = area_frame(model, sel)
    meta = meta_dict(model, indicator)
    south_west = "E40000006"
    fig = ranked_bars(frame, meta, england_value=england, region_values=regions, region=south_west)
    comp = comparator_for(model, "peers", focus="E38000089")
    line = headline(compare_slice(model, sel, comp), comp)
    names = frame.set_index(s.AREA_CODE)[s.AREA_NAME]
    fig = mark_peers(
        fig, [names[c] for c in comp.peers], line.value, label=line.label, method=line.method, unit="%"
    )
    labels = [a for a in fig.layout.annotations if (a.name or "").startswith("reference-line")]
    assert len(labels) == 3
    lo, hi = fig.layout.xaxis.range
    assert lo >= 0 and hi <= 100
    boxes = []
    for a in labels:
        w = len(a.text) * EXPORT_FONT_PX * GLYPH_EM + SIDE_PX
        if a.xref == "paper":
            left = a.x * PLOT_PX
        else:
            x = (a.x - lo) / (hi - lo) * PLOT_PX
            left = {"left": x + 3, "right": x - 3 - w, "center": x - w / 2}[a.xanchor]
        boxes.append((a.yshift, left, left + w))
    for i, (row, a, b) in enumerate(boxes):
        for row2, c, d in boxes[i + 1 :]:
            assert row != row2 or b <= c or d <= a, [x.text for x in labels]
    kernow = frame.loc[frame[s.AREA_CODE] == "E38000089", s.VALUE].iloc[0]
    # the gap is visible (FFT: 88.5% against 93.8%, once a sliver of a 0-120 axis)
    assert abs(kernow - line.value) / (hi - lo) >= gap_share
    whiskers = [t for t in fig.data if t.type == "bar"][0].error_x
    assert whiskers.visible is not False and max(whiskers.array) / (hi - lo) > 0.005
