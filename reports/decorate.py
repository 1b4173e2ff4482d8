"""Provenance on exported figures: title, subtitle, footer, fonts and page sizes.

The figure the app shows is copied and given a header (title; indicator, period,
geography, benchmark and CI level) and a footer (source, licences, comparison method
and the link back to the view), drawn as layout title/annotations in extra margin so
that they are real text in SVG and PDF.
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from figures.map import geojson_bounds, map_view

EXPORT_FONT = "DejaVu Sans, Liberation Sans, sans-serif"
OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
OS_DATA = "Contains OS data © Crown copyright and database right."
MIN_PNG = (1600, 900)
TITLE_PX, SUBTITLE_SIZE, FOOTER_SIZE = 20, 13, 11
LINE_PX = 1.45  # line height as a multiple of the font size
BUILDER_TITLE_PX = 50  # the builders' own title allowance in their top margin


@dataclass(frozen=True)
class Size:
    """An export size in CSS pixels (PDF pages are these at 96 dpi)."""

    name: str
    label: str
    width: int
    height: int

    def png_scale(self) -> float:
        """Scale so that a PNG is at least 1600 x 900 pixels."""
        return max(1.0, MIN_PNG[0] / self.width, MIN_PNG[1] / self.height)


SIZES: dict[str, Size] = {
    "slide": Size("slide", "16:9 slide", 1600, 900),
    "a4": Size("a4", "A4 landscape", 1123, 794),
    "screen": Size("screen", "as on screen", 1280, 720),
}
DEFAULT_SIZE = "slide"


@dataclass(frozen=True)
class Provenance:
    """What an exported figure says about itself."""

    title: str
    subtitle: str
    source: str
    method: str
    link: str
    boundaries: bool = False

    def footer_lines(self) -> list[str]:
        licence = f"{OGL} {OS_DATA}" if self.boundaries else OGL
        return [f"Source: {self.source}", licence, f"Method: {self.method}", f"View: {self.link}"]


def screen_size(fig: go.Figure) -> Size:
    """The figure's own size as the app lays it out (width of the page, the builder's height)."""
    base = SIZES["screen"]
    height = fig.layout.height or base.height
    return Size("screen", base.label, base.width, int(height))


def wrap(text: str, width_px: float, font_px: float) -> list[str]:
    """Lines of ``text`` that fit ``width_px`` (average glyph ~0.55 em in DejaVu Sans)."""
    chars = max(20, int(width_px / (font_px * 0.56)))
    return textwrap.wrap(text, chars, break_long_words=True, break_on_hyphens=False) or [""]


def _set_fonts(node: Any) -> None:
    """Every font family in a figure dict becomes the export font (installed locally)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "family" and isinstance(value, str):
                node[key] = EXPORT_FONT
            else:
                _set_fonts(value)
    elif isinstance(node, list):
        for item in node:
            _set_fonts(item)


def _container_shift(layout: dict, shift_px: float, old_h: float, new_h: float) -> None:
    """Move legend/annotations placed in container pixels down by ``shift_px`` for the new height."""
    legend = layout.get("legend") or {}
    if legend.get("yref") == "container" and legend.get("y") is not None:
        from_top = (1 - float(legend["y"])) * old_h
        legend["y"] = max(0.0, 1 - (from_top + shift_px) / new_h)


def _axis_labels(data: dict, axis_key: str, axis: dict) -> list[str]:
    """The tick labels a category axis will draw (ticktext, else the traces' string values)."""
    if axis.get("ticktext"):
        return [str(t) for t in axis["ticktext"]]
    letter = "y" if axis_key.startswith("y") else "x"
    labels: list[str] = []
    for trace in data.get("data", []):
        values = trace.get(letter)
        if values is not None and len(values) and isinstance(values[0], str):
            labels += [str(v) for v in values]
    return list(dict.fromkeys(labels))


def _fix_y_labels(data: dict, layout: dict, plot_h: float, width: int) -> int:
    """Fit a category y axis to a fixed page: font sized to the rows, left margin for the labels.

    The builders use ``automargin`` (fine on screen, where the chart grows), but a fixed page
    needs a known left margin so that the footer lines up; returns the margin needed.
    """
    needed = 0
    for key in [k for k in layout if k.startswith("yaxis")]:
        axis = layout[key]
        if not axis.get("automargin"):
            continue
        labels = _axis_labels(data, key, axis)
        if not labels:
            continue
        font = dict(axis.get("tickfont") or {})
        size = float(font.get("size") or 12)
        size = max(5.0, min(size, 0.85 * plot_h / len(labels)))
        axis["tickfont"] = dict(font, size=round(size, 1))
        longest = max(len(re.sub(r"<[^>]+>", "", label)) for label in labels)
        needed = max(needed, int(longest * size * 0.6 + 18))
        axis["automargin"] = False
    return min(needed, int(width * 0.45))


def decorate(fig: go.Figure, prov: Provenance, size: Size) -> go.Figure:
    """A copy of ``fig`` with header, footer, export fonts and the size set."""
    data = fig.to_dict()
    layout = data.setdefault("layout", {})
    old_h = float(layout.get("height") or size.height)
    width, height = size.width, size.height
    margin = dict(layout.get("margin") or {})
    left, right = int(margin.get("l", 60)), int(margin.get("r", 40))
    old_t, old_b = int(margin.get("t", 80)), int(margin.get("b", 40))

    text_w = width - 24
    sub_lines = wrap(prov.subtitle, text_w, SUBTITLE_SIZE)
    title_lines = wrap(prov.title, text_w, TITLE_PX)
    header = int(16 + len(title_lines) * TITLE_PX * LINE_PX + len(sub_lines) * SUBTITLE_SIZE * LINE_PX + 10)
    footer_lines = [line for part in prov.footer_lines() for line in wrap(part, text_w, FOOTER_SIZE)]
    footer = int(len(footer_lines) * FOOTER_SIZE * LINE_PX + 16)

    shift = max(0, header - BUILDER_TITLE_PX)
    top = old_t + shift
    bottom = old_b + footer
    plot_h = max(50, height - top - bottom)
    left = max(left, _fix_y_labels(data, layout, plot_h, width))
    plot_w = max(50, width - left - right)
    _container_shift(layout, shift, old_h, height)
    layout.update(
        width=width,
        height=height,
        autosize=False,
        margin=dict(margin, t=top, b=bottom, l=left, r=right),
        title=dict(
            text="<br>".join(title_lines),
            subtitle=dict(text="<br>".join(sub_lines), font=dict(size=SUBTITLE_SIZE, color="#333333")),
            x=12 / width,
            xanchor="left",
            xref="container",
            yref="container",
            y=1 - 12 / height,
            yanchor="top",
            font=dict(size=TITLE_PX, color="#111111"),
            pad=dict(t=0, b=0, l=0, r=0),
        ),
        font=dict(layout.get("font") or {}, family=EXPORT_FONT),
    )
    layout.pop("uirevision", None)
    annotations = list(layout.get("annotations") or [])
    annotations.append(
        dict(
            text="<br>".join(footer_lines),
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xshift=-(left - 12),
            yshift=-(old_b + 4),
            xanchor="left",
            yanchor="top",
            align="left",
            showarrow=False,
            font=dict(size=FOOTER_SIZE, color="#444444"),
            name="export-footer",
        )
    )
    layout["annotations"] = annotations
    if "map" in layout:
        _fit_map(data, layout, plot_w, plot_h)
    _set_fonts(data)
    return go.Figure(data)


def _fit_map(data: dict, layout: dict, plot_w: float, plot_h: float) -> None:
    """Re-centre and zoom the map for the export's plot area (the app's fit is for the screen)."""
    geojson = next(
        (t.get("geojson") for t in data.get("data", []) if isinstance(t.get("geojson"), dict)), None
    )
    if not geojson:
        return
    view = map_view(geojson_bounds(geojson), width=int(plot_w), height=int(plot_h))
    if math.isfinite(view["zoom"]):
        layout["map"] = dict(layout["map"], **view)


def text_page(title: str, paragraphs: list[str], size: Size, *, footer: str = "") -> go.Figure:
    """A page of wrapped text (title page, summaries) drawn as a figure, for PDF packs."""
    width = size.width - 120
    lines: list[str] = []
    for para in paragraphs:
        lines += wrap(para, width, 16) + [""]
    fig = go.Figure()
    fig.update_layout(
        width=size.width,
        height=size.height,
        margin=dict(l=60, r=60, t=60, b=60),
        plot_bgcolor="white",
        paper_bgcolor="white",
        xaxis=dict(visible=False, range=[0, 1]),
        yaxis=dict(visible=False, range=[0, 1]),
        font=dict(family=EXPORT_FONT, color="#111111"),
        annotations=[
            dict(
                text=f"<b>{title}</b>",
                x=0,
                y=1,
                xref="paper",
                yref="paper",
                xanchor="left",
                yanchor="top",
                showarrow=False,
                font=dict(size=26),
                align="left",
            ),
            dict(
                text="<br>".join(lines),
                x=0,
                y=0.86,
                xref="paper",
                yref="paper",
                xanchor="left",
                yanchor="top",
                showarrow=False,
                font=dict(size=16),
                align="left",
            ),
            dict(
                text=footer,
                x=0,
                y=0,
                xref="paper",
                yref="paper",
                xanchor="left",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=11, color="#444444"),
                align="left",
            ),
        ],
    )
    return fig
