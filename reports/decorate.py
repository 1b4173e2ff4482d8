"""Provenance on exported figures: title, subtitle, footer, fonts and page sizes.

The figure the app shows is copied and given a header (title; indicator, period,
geography, benchmark and CI level) and a footer (source, licences, comparison method
and the link back to the view), drawn as layout title/annotations in extra margin so
that they are real text in SVG and PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from views.provenance import Provenance

EXPORT_FONT = "DejaVu Sans, Liberation Sans, sans-serif"
MIN_PNG = (1600, 900)
# Every export's text is at least MIN_FONT_PX CSS pixels: 14 px on a 1600 x 900 slide, and
# 10.5 pt in a PDF (kaleido prints 96 px to the inch), above the 9 pt floor of issue 9.
MIN_FONT_PX = 14
TITLE_PX, SUBTITLE_SIZE, FOOTER_SIZE = 24, 16, MIN_FONT_PX
LINE_PX = 1.4  # line height as a multiple of the font size
GLYPH_EM = 0.62  # average advance of a DejaVu Sans glyph, in em (a little generous)
PAD = 14  # page edge to text, px
ROW_PX = 18  # the least vertical room one line of 14 px axis labels needs
ABOVE_PLOT_PX = 30  # room for labels drawn just above the plot (benchmark lines, Worst/Best)
LABEL_SHARE = 0.42  # at most this share of the page width for category labels


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


def screen_size(fig: go.Figure) -> Size:
    """The figure's own size as the app lays it out (width of the page, the builder's height)."""
    base = SIZES["screen"]
    height = max(fig.layout.height or base.height, base.height)  # room for the header and footer
    return Size("screen", base.label, base.width, int(height))


URL_BREAK = re.compile(r"(?<=[?&/])")  # a link may break after these, never inside a word


def _word_parts(word: str, chars: int) -> list[str]:
    """A word too long for a line: a link split after its ``?``, ``&`` and ``/`` into pieces
    that fit (a piece that cannot be split stays whole); any other word stays whole."""
    if len(word) <= chars or not URL_BREAK.search(word):
        return [word]
    parts: list[str] = []
    for piece in (p for p in URL_BREAK.split(word) if p):
        if parts and len(parts[-1]) + len(piece) <= chars:
            parts[-1] += piece
        else:
            parts.append(piece)
    return parts


def wrap(text: str, width_px: float, font_px: float) -> list[str]:
    """Lines of ``text`` that fit ``width_px`` (average glyph ``GLYPH_EM`` of the font size).

    Lines break between words only; a link longer than a line breaks after a ``?``, ``&`` or
    ``/`` (joining its lines without spaces gives it back), never inside a word.
    """
    chars = max(12, int(width_px / (font_px * GLYPH_EM)))
    lines: list[str] = []
    line = ""
    for word in text.split():
        for k, part in enumerate(_word_parts(word, chars)):
            sep = "" if (k or not line) else " "
            if line and len(line) + len(sep) + len(part) > chars:
                lines.append(line)
                line = part
            else:
                line += sep + part
    if line:
        lines.append(line)
    return lines or [""]


def text_px(text: str, font_px: float) -> float:
    """Estimated width of one line of text (markup removed)."""
    return len(re.sub(r"<[^>]+>", "", text)) * font_px * GLYPH_EM


def _set_fonts(node: Any, key: str = "") -> None:
    """Every font family becomes the export font; every font size at least ``MIN_FONT_PX``."""
    if isinstance(node, dict):
        if key.endswith("font"):
            if isinstance(node.get("size"), int | float) and node["size"] < MIN_FONT_PX:
                node["size"] = MIN_FONT_PX
            if node.get("family") is not None:
                node["family"] = EXPORT_FONT
        for child_key, value in node.items():
            _set_fonts(value, child_key)
    elif isinstance(node, list):
        for item in node:
            _set_fonts(item, key)


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


def wrap_label(label: str, width_px: float) -> str:
    """A tick label broken onto lines of at most ``width_px`` (bold/colour markup kept whole)."""
    plain = re.sub(r"<[^>]+>", "", label)
    if text_px(plain, MIN_FONT_PX) <= width_px:
        return label
    bold = label.startswith("<b>")
    parts = re.split(r"(<span[^>]*>.*?</span>)", re.sub(r"</?b>", "", label))
    lines: list[str] = []
    for part in parts:
        if not part.strip():
            continue
        if part.startswith("<span"):
            inner = re.sub(r"<[^>]+>", "", part)
            style = re.match(r"<span[^>]*>", part).group(0)  # type: ignore[union-attr]
            lines += [f"{style}{line}</span>" for line in wrap(inner, width_px, MIN_FONT_PX)]
        else:
            lines += wrap(part.strip(), width_px, MIN_FONT_PX)
    text = "<br>".join(lines)
    return f"<b>{text}</b>" if bold else text


def label_lines(label: str, width_px: float) -> int:
    return wrap_label(label, width_px).count("<br>") + 1


def label_width(size: Size) -> float:
    """The widest a category label may be on a page of ``size`` before it wraps."""
    return size.width * LABEL_SHARE


def _fix_y_labels(data: dict, layout: dict, size: Size) -> int:
    """Category y axes: labels wrapped to the page, margin fixed; returns the left margin needed.

    The builders use ``automargin`` (fine on screen, where the chart grows), but a fixed page
    needs a known margin so that the footer lines up.
    """
    needed = 0
    for key in [k for k in layout if k.startswith("yaxis")]:
        axis = layout[key]
        labels = _axis_labels(data, key, axis)
        axis["automargin"] = False
        if not labels or not isinstance(labels[0], str):
            title = (axis.get("title") or {}).get("text") if isinstance(axis.get("title"), dict) else None
            needed = max(needed, 8 * MIN_FONT_PX * GLYPH_EM + 16 + (2 * MIN_FONT_PX if title else 0))
            continue
        limit = label_width(size)
        wrapped = [wrap_label(label, limit) for label in labels]
        if axis.get("ticktext") or axis.get("tickvals"):
            axis["ticktext"] = wrapped
            axis["tickvals"] = axis.get("tickvals") or labels
        else:
            axis["tickvals"], axis["ticktext"] = labels, wrapped
        widest = max(text_px(line, MIN_FONT_PX) for label in wrapped for line in label.split("<br>"))
        needed = max(needed, int(widest + 24))
    return int(min(needed, size.width * (LABEL_SHARE + 0.04)))


def _legend_items(data: dict, layout: dict) -> list[str]:
    if layout.get("showlegend") is False:
        return []
    names = []
    for trace in data.get("data", []):
        shown = trace.get("showlegend")
        if shown is False or trace.get("type") in ("heatmap", "choroplethmap", "choropleth"):
            continue
        if shown is None and len(data.get("data", [])) < 2:
            continue
        if trace.get("name"):
            names.append(str(trace["name"]))
    return list(dict.fromkeys(names))


def legend_rows(items: list[str], width_px: float, title: str = "") -> int:
    """Rows a horizontal legend of ``items`` takes in ``width_px`` (greedy, like plotly's)."""
    if not items:
        return 0
    rows, used = 1, text_px(title, MIN_FONT_PX) + 10 if title else 0
    for item in items:
        w = text_px(item, MIN_FONT_PX) + 50
        if used and used + w > width_px:
            rows, used = rows + 1, 0
        used += w
    return rows


@dataclass(frozen=True)
class Frame:
    """Where header, legend, plot and footer go on a page (CSS px)."""

    title_lines: list[str]
    subtitle_lines: list[str]
    footer_lines: list[str]
    header: int
    legend: int
    footer: int

    @property
    def top(self) -> int:
        return self.header + self.legend + ABOVE_PLOT_PX


def page_frame(prov: Provenance, size: Size, legend: int = 0) -> Frame:
    text_w = size.width - 2 * PAD
    title_lines = wrap(prov.title, text_w, TITLE_PX)
    sub_lines = wrap(prov.subtitle, text_w, SUBTITLE_SIZE)
    footer_lines = [line for part in prov.footer_lines() for line in wrap(part, text_w, FOOTER_SIZE)]
    header = int(PAD + len(title_lines) * TITLE_PX * LINE_PX + len(sub_lines) * SUBTITLE_SIZE * LINE_PX + 8)
    footer = int(len(footer_lines) * FOOTER_SIZE * LINE_PX + PAD)
    return Frame(title_lines, sub_lines, footer_lines, header, legend, footer)


def plot_height(prov: Provenance, size: Size, legend_lines: int = 1, x_axis: bool = True) -> int:
    """The plot height a page of ``size`` leaves (for paging category charts)."""
    frame = page_frame(prov, size, int(legend_lines * MIN_FONT_PX * 1.9))
    return size.height - frame.top - frame.footer - (X_AXIS_PX if x_axis else 0)


X_AXIS_PX = 62  # tick labels and a one-line axis title under the plot


def _wrap_axis_title(axis: dict | None, length_px: float) -> int:
    """Wrap an axis title to the plot's side; returns the extra room its extra lines take."""
    title = (axis or {}).get("title")
    text = title.get("text") if isinstance(title, dict) else title
    if not text:
        return 0
    lines = wrap(re.sub(r"<br>", " ", str(text)), length_px, MIN_FONT_PX)
    if isinstance(title, dict):
        title["text"] = "<br>".join(lines)
    else:
        axis["title"] = {"text": "<br>".join(lines)}
    return int((len(lines) - 1) * MIN_FONT_PX * LINE_PX)


def _x_room(layout: dict) -> int:
    axis = layout.get("xaxis") or {}
    if "map" in layout or axis.get("visible") is False:
        return 8
    ticks = axis.get("showticklabels", True) and axis.get("side") != "top"
    title = axis.get("title")
    has_title = bool(title.get("text") if isinstance(title, dict) else title)
    return 8 + (28 if ticks else 0) + (26 if has_title else 0)


def decorate(fig: go.Figure, prov: Provenance, size: Size) -> go.Figure:
    """A copy of ``fig`` with header, legend, footer, export fonts and the size set.

    Nothing is left to plotly's automargin: the header (title, subtitle), the legend under
    it, the plot and the footer (source, licence, method, link) each get their own band, so
    that no text lands on another; every font is at least ``MIN_FONT_PX``.
    """
    data = fig.to_dict()
    layout = data.setdefault("layout", {})
    width, height = size.width, size.height
    margin = dict(layout.get("margin") or {})
    is_map = "geo" in layout  # the map fits itself to the plot area (geo.fitbounds)
    items = [] if is_map else _legend_items(data, layout)
    legend_title = ((layout.get("legend") or {}).get("title") or {}).get("text") or ""
    n_rows = legend_rows(items, width - 2 * PAD, legend_title)
    frame = page_frame(prov, size, int(n_rows * MIN_FONT_PX * 1.9) + (6 if n_rows else 0))
    stacked = _stack_line_labels(layout)
    meta = layout.get("meta")
    extra_top = int(meta.get("export_top", 0)) if isinstance(meta, dict) else 0
    top = frame.top + extra_top + stacked
    left = max(PAD, _fix_y_labels(data, layout, size)) if not is_map else PAD
    right = PAD + (110 if _has_colorbar(data) else 0) + int(margin.get("r", 0) if not is_map else 0) // 4
    x_extra = 0 if is_map else _wrap_axis_title(layout.get("xaxis"), width - left - right - 40)
    x_room = _x_room(layout) + x_extra
    bottom = frame.footer + x_room
    plot_h = max(50, height - top - bottom)
    left += 0 if is_map else _wrap_axis_title(layout.get("yaxis"), plot_h - 20)
    plot_w = max(50, width - left - right)
    if not is_map:
        _room_for_line_labels(data, layout, plot_w)
    for key in [k for k in layout if k.startswith("xaxis")]:
        layout[key]["automargin"] = False
        if layout[key].get("side") != "top":
            layout[key]["ticklabelstandoff"] = 8  # clear of the y axis' lowest label
    if items:
        layout["legend"] = dict(
            layout.get("legend") or {},
            orientation="h",
            xref="container",
            yref="container",
            x=PAD / width,
            xanchor="left",
            y=1 - (frame.header + 4) / height,
            yanchor="top",
            bgcolor="rgba(255,255,255,0)",
        )
    layout.update(
        width=width,
        height=height,
        autosize=False,
        margin=dict(t=top, b=bottom, l=left, r=right, pad=0),
        title=dict(text=""),
        font=dict(layout.get("font") or {}, family=EXPORT_FONT, size=MIN_FONT_PX),
    )
    layout.pop("uirevision", None)
    annotations = list(layout.get("annotations") or [])
    title_h = len(frame.title_lines) * TITLE_PX * LINE_PX
    for text, font, shift in (
        (f"<b>{'<br>'.join(frame.title_lines)}</b>", dict(size=TITLE_PX, color="#111111"), top - PAD),
        ("<br>".join(frame.subtitle_lines), dict(size=SUBTITLE_SIZE, color="#333333"), top - PAD - title_h),
    ):
        annotations.append(
            dict(
                text=text,
                xref="paper",
                yref="paper",
                x=0,
                y=1,
                xshift=-(left - PAD),
                yshift=shift,
                xanchor="left",
                yanchor="top",
                align="left",
                showarrow=False,
                font=font,
                name="export-header",
            )
        )
    annotations.append(
        dict(
            text="<br>".join(frame.footer_lines),
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xshift=-(left - PAD),
            yshift=-(x_room + 2),
            xanchor="left",
            yanchor="top",
            align="left",
            showarrow=False,
            font=dict(size=FOOTER_SIZE, color="#444444"),
            name="export-footer",
        )
    )
    layout["annotations"] = annotations
    _set_fonts(data)
    # the builders' figure was validated when it was made and every key added here is plotly's:
    # no second validation (a tenth of a second a page in a board pack)
    return go.Figure(data, _validate=False)


def _x_extent(data: dict) -> tuple[float, float] | None:
    """The smallest and largest x a chart draws (bar ends, whisker ends, markers)."""
    values: list[float] = []
    for trace in data.get("data", []):
        xs = trace.get("x")
        if xs is None or not len(xs):
            continue
        try:
            arr = np.asarray(xs, dtype=float)
        except (TypeError, ValueError):
            continue
        err = trace.get("error_x") or {}
        up = np.asarray(err.get("array") if err.get("array") is not None else np.zeros(len(arr)), dtype=float)
        down = err.get("arrayminus")
        down = np.asarray(down if down is not None else up, dtype=float)
        if np.isfinite(arr).any():
            values += [np.nanmin(arr - down), np.nanmax(arr + up), np.nanmin(arr), np.nanmax(arr)]
    values = [v for v in values if np.isfinite(v)]
    return (min(values), max(values)) if values else None


def _room_for_line_labels(data: dict, layout: dict, plot_w: float) -> None:
    """Widen the x range so text set beside a point (reference-line labels, a text column) stays
    on the page at the export's font size."""
    labels = [
        (float(a["x"]), str(a.get("text", "")), a["xanchor"])
        for a in layout.get("annotations") or []
        if a.get("xref") == "x"
        and a.get("xanchor") in ("left", "right")
        and isinstance(a.get("x"), int | float)
    ]
    for trace in data.get("data", []):
        if "text" in str(trace.get("mode") or "") and "right" in str(trace.get("textposition") or ""):
            for x, text in zip(trace.get("x") or [], trace.get("text") or [], strict=False):
                if isinstance(x, int | float):
                    labels += [(float(x), line, "left") for line in str(text).split("<br>")]
    axis = layout.get("xaxis") or {}
    if not labels or axis.get("type") in ("date", "category"):
        return
    if axis.get("range"):
        lo, hi = (float(v) for v in axis["range"])
    else:
        extent = _x_extent(data)
        if extent is None:
            return
        lo, hi = extent
        if axis.get("rangemode") == "tozero":
            lo, hi = min(lo, 0.0), max(hi, 0.0)
        span = (hi - lo) or 1.0
        lo, hi = lo - (0.0 if lo == 0 else 0.03 * span), hi + 0.03 * span
    old = (lo, hi)
    for x, text, anchor in labels:
        share = min(0.45, (text_px(text, MIN_FONT_PX) + 16) / plot_w)
        if anchor == "left":
            hi = max(hi, (x - share * lo) / (1 - share))
        else:
            lo = min(lo, (x - share * hi) / (1 - share))
    if (lo, hi) != old or not axis.get("range"):
        layout["xaxis"] = dict(axis, range=[lo, hi], autorange=False)


def _stack_line_labels(layout: dict) -> int:
    """Labels of reference lines (England, region) on separate rows above the plot.

    Two vertical lines close together put their labels on top of each other; on a page each
    label gets its own row. Returns the extra room taken above the plot.
    """
    labels = [
        a
        for a in layout.get("annotations") or []
        if str(a.get("yref", "")).endswith("domain") and float(a.get("y", 0) or 0) >= 1
    ]
    if len(labels) < 2:
        return 0
    step = int(MIN_FONT_PX * LINE_PX) + 2
    for i, label in enumerate(labels):
        label["yshift"] = float(label.get("yshift") or 0) + i * step
        label["yanchor"] = "bottom"
    return step * (len(labels) - 1)


def _has_colorbar(data: dict) -> bool:
    return any(
        t.get("colorbar") is not None and t.get("showscale") is not False and t.get("z") not in (None, [])
        for t in data.get("data", [])
        if t.get("type") != "choropleth"  # the map's colorbar sits inside its plot area
    )
