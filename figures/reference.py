"""Reference lines (England, region, the peer group) on a value axis, with labels that never overprint.

One routine for every chart that draws vertical reference lines (the compare bars, the pack's
similar-CCGs page): ``reference_lines`` returns the lines' shapes and their labels, each label on
a **row** above the plot chosen so that no two label boxes meet, and how much room the rows
take. Boxes are estimated at the export's font (14 px, DejaVu Sans' average glyph 0.62 em) on a
narrow plot (600 px: an A4 page with long area names), so a placement that is clear there is
clear on screen (11 px labels on a wider plot) and in every export size.

The lowest line's label goes to the left of its line and the highest's to the right (labels on
the outer sides of their lines cannot meet); the others are centred. A label that would run past
the plot's edge turns to the inner side. Labels whose values print the same become one label
("England and South West 93.2%"). Then, left to right, each label takes the first row where its
box is clear of every box already there.

``value_axis_range`` chooses the value axis: from 0 (bars start at zero) unless the values sit
far from zero on a percentage axis, where the axis is zoomed to the data so the gap between an
area and its comparator (and the confidence intervals) can be seen; never past 100% and never
below 0 for a percentage.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from data.methods.formatting import format_value, is_missing
from figures.plain import vline

LABEL_FONT_PX = 11  # on screen
EXPORT_FONT_PX = 14  # the smallest export text (reports.decorate.MIN_FONT_PX)
GLYPH_EM = 0.62  # average advance of a DejaVu Sans glyph (reports.decorate.GLYPH_EM)
PLOT_PX = 600.0  # the narrowest plot a compare chart is drawn on (A4, long area names)
SIDE_PX = 16.0  # room between a label and its line, and the margin the export adds
ROW_PX = int(EXPORT_FONT_PX * 1.4) + 4  # one row of labels
NAME = "reference-line"  # shapes and annotations drawn here carry this name (and ":<key>")
# a percentage axis is zoomed when its lowest value is above this share of its highest
ZOOM_FROM = 0.25
PAD_SHARE = 0.05  # room either side of the data on a zoomed axis, as a share of its span


@dataclass(frozen=True)
class RefLine:
    """One vertical reference line: what it is (``key``: england, region, peers ...), its label,
    its value and how it is drawn."""

    key: str
    label: str
    value: float
    colour: str
    dash: str = "solid"
    width: float = 2.0


@dataclass(frozen=True)
class PlacedLabel:
    text: str
    x: float  # the line's value (xref "x"), or the box's left edge as a share of the plot (xref "paper")
    xanchor: str  # left | center | right
    row: int
    keys: tuple[str, ...]
    colour: str
    xref: str = "x"  # "paper" for a label too wide to sit on either side of its line


def _text_px(text: str, font_px: float = EXPORT_FONT_PX) -> float:
    return len(text) * font_px * GLYPH_EM


def label_text(line: RefLine, unit: str | None) -> str:
    return f"{line.label} {format_value(line.value, unit)}"


GAP_PX = 3  # a left or right label's distance from its line (the annotation's xshift)


def _box(x_px: float, width: float, anchor: str) -> tuple[float, float]:
    if anchor == "left":
        return x_px + GAP_PX, x_px + GAP_PX + width
    if anchor == "right":
        return x_px - GAP_PX - width, x_px - GAP_PX
    return x_px - width / 2, x_px + width / 2


def place_labels(
    lines: Sequence[RefLine],
    unit: str | None,
    x_range: tuple[float, float],
    *,
    plot_px: float = PLOT_PX,
    font_px: float = EXPORT_FONT_PX,
) -> list[PlacedLabel]:
    """Each line's label with its anchor and row (see the module docstring)."""
    valid = [ln for ln in lines if not is_missing(ln.value)]
    if not valid:
        return []
    lo, hi = x_range
    span = (hi - lo) or 1.0

    def px(value: float) -> float:
        return (value - lo) / span * plot_px

    # labels that print the same value are one label
    merged: list[tuple[str, float, tuple[str, ...], str]] = []
    for line in sorted(valid, key=lambda ln: ln.value):
        shown = format_value(line.value, unit)
        if merged and format_value(merged[-1][1], unit) == shown:
            text, value, keys, colour = merged[-1]
            name = text.rsplit(" ", 1)[0]
            merged[-1] = (f"{name} and {line.label} {shown}", value, (*keys, line.key), colour)
        else:
            merged.append((label_text(line, unit), float(line.value), (line.key,), line.colour))
    n = len(merged)
    rows: list[list[tuple[float, float]]] = []
    out = []
    for i, (text, value, keys, colour) in enumerate(merged):
        width = _text_px(text, font_px) + SIDE_PX
        anchor = "center" if n == 1 or 0 < i < n - 1 else ("right" if i == 0 else "left")
        x_px = px(value)
        left, right = _box(x_px, width, anchor)
        if left < 0:  # turn inward rather than run off the plot
            anchor = "left"
        elif right > plot_px:
            anchor = "right"
        left, right = _box(x_px, width, anchor)
        xref, x = "x", value
        if left < 0 or right > plot_px:  # too wide for either side of its line: kept on the plot
            left = min(max(0.0, x_px - width / 2), max(0.0, plot_px - width))
            right = left + width
            xref, x, anchor = "paper", left / plot_px, "left"
        free = [r for r, taken in enumerate(rows) if all(right + 4 <= a or left - 4 >= b for a, b in taken)]
        row = free[0] if free else len(rows)
        if row == len(rows):
            rows.append([])
        rows[row].append((left, right))
        out.append(PlacedLabel(text, x, anchor, row, keys, colour, xref))
    return out


def reference_lines(
    lines: Sequence[RefLine],
    unit: str | None,
    x_range: tuple[float, float],
    *,
    plot_px: float = PLOT_PX,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """(shapes, annotations, extra room above the plot in px) for some reference lines.

    Labels sit above the plot (``yref="paper"``, ``y=1``), row 0 just above it, each further row
    ``ROW_PX`` higher; the extra room is what rows beyond the first need.
    """
    shapes = [
        vline(ln.value, dict(color=ln.colour, width=ln.width, dash=ln.dash)) | {"name": f"{NAME}:{ln.key}"}
        for ln in lines
        if not is_missing(ln.value)
    ]
    placed = place_labels(lines, unit, x_range, plot_px=plot_px)
    annotations = [
        dict(
            x=p.x,
            xref=p.xref,
            y=1,
            yref="paper",
            yanchor="bottom",
            xanchor=p.xanchor,
            yshift=p.row * ROW_PX,
            # a little clear of the line itself
            xshift={"right": -GAP_PX, "left": GAP_PX}.get(p.xanchor, 0) if p.xref == "x" else 0,
            text=p.text,
            showarrow=False,
            font=dict(size=LABEL_FONT_PX, color=p.colour if p.colour != "#000000" else "#111111"),
            name=f"{NAME}:{'+'.join(p.keys)}",
        )
        for p in placed
    ]
    rows = 1 + max((p.row for p in placed), default=0) if placed else 0
    return shapes, annotations, max(0, rows - 1) * ROW_PX


def lines_meta(lines: Iterable[RefLine]) -> list[dict[str, Any]]:
    """The lines as plain dicts, kept in the layout's ``meta`` so a later step can add a line and
    place every label again (``with_line``)."""
    return [asdict(ln) for ln in lines]


def with_line(layout: dict[str, Any], line: RefLine, unit: str | None) -> dict[str, Any]:
    """``layout`` (a plain dict drawn with ``reference_lines``) with one more reference line (or
    one replaced, by key), every label placed again so that none overprints; the x range takes
    the line in if it lay outside, and the top margin and height grow with the rows."""
    meta = dict(layout.get("meta") or {})
    lines = [RefLine(**d) for d in meta.get("reference_lines", []) if d.get("key") != line.key] + [line]
    axis = dict(layout.get("xaxis") or {})
    values = [ln.value for ln in lines]
    lo, hi = axis.get("range") or (min(values), max(values))
    if not lo <= line.value <= hi:
        span = (max(hi, line.value) - min(lo, line.value)) or 1.0
        lo, hi = min(lo, line.value - PAD_SHARE * span), max(hi, line.value + PAD_SHARE * span)
        if (unit or "").strip() == "%":
            lo, hi = max(0.0, lo), min(100.0, hi)
        axis.update(range=[lo, hi], autorange=False)
    shapes, labels, extra = reference_lines(lines, unit, (lo, hi))
    keep_shapes = [sh for sh in layout.get("shapes") or [] if not str(sh.get("name", "")).startswith(NAME)]
    keep_labels = [a for a in layout.get("annotations") or [] if not str(a.get("name", "")).startswith(NAME)]
    grow = extra - int(meta.get("reference_rows_px", 0))
    margin = dict(layout.get("margin") or {})
    margin["t"] = int(margin.get("t", 0)) + grow
    meta.update(reference_lines=lines_meta(lines), reference_rows_px=extra, export_top=extra)
    out = {
        **layout,
        "shapes": keep_shapes + shapes,
        "annotations": keep_labels + labels,
        "margin": margin,
        "meta": meta,
        "xaxis": axis,
    }
    if layout.get("height"):
        out["height"] = int(layout["height"]) + grow
    return out


def value_axis_range(
    values: Iterable[float],
    lows: Iterable[float] = (),
    highs: Iterable[float] = (),
    refs: Iterable[float] = (),
    unit: str | None = None,
) -> tuple[float, float, bool] | None:
    """(low, high, zoomed) for a value axis showing the values, their limits and the reference
    lines; None when there is nothing to show.

    Bars start at 0 (``zoomed`` False) unless it is a percentage axis whose lowest point is above
    ``ZOOM_FROM`` of its highest: then the axis runs from just below the lowest limit to just above
    the highest (``zoomed`` True), so the gap to the comparator and the intervals can be seen. A
    percentage axis never runs past 100 or below 0.
    """
    found = [
        float(v)
        for group in (values, lows, highs, refs)
        for v in group
        if not is_missing(v) and math.isfinite(float(v))
    ]
    if not found:
        return None
    lo, hi = min(found), max(found)
    percent = (unit or "").strip() == "%"
    span = (hi - lo) or abs(hi) or 1.0
    if percent and lo > 0 and lo >= ZOOM_FROM * hi:
        low = max(0.0, lo - PAD_SHARE * span)
        high = min(100.0, hi + PAD_SHARE * span)
        return low, high, True
    low = min(0.0, lo - (PAD_SHARE * span if lo < 0 else 0.0))
    high = max(0.0, hi + 0.03 * (hi - low or 1.0))
    if percent:
        high = min(100.0, high)
        low = max(0.0, low)
    return low, high, False
