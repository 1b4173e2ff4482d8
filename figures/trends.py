"""Trend chart: one line per area over time with its CI band, England and region dashed lines.

The recent-trend label (Fingertips chi-squared test, precomputed by ``data.methods.trend.trend_table``) is
shown with an arrow in each area's legend entry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from data.methods.trend import SeriesBreak, series_breaks
from data.model import schema as s
from data.model.harmonise import is_partial_comparator
from figures import common
from figures import palette as pal
from figures.plain import vline

BREAK_COLOUR = "#7F7F7F"


def trend_arrow(label: str | None) -> str:
    """An arrow for a recent-trend label: ↑ increasing, ↓ decreasing, → no change, blank otherwise."""
    text = (label or "").lower()
    if text.startswith("increasing"):
        return "↑"
    if text.startswith("decreasing"):
        return "↓"
    if text.startswith("no significant"):
        return "→"
    return ""


def _band_edge(x: list, y: list, group: str, name: str, **fill: Any) -> dict:
    """One edge of an area's confidence band (an invisible line; the lower edge fills up to the upper)."""
    return dict(
        type="scatter",
        x=x,
        y=y,
        mode="lines",
        line=dict(width=0),
        **fill,
        hoverinfo="skip",
        showlegend=False,
        legendgroup=group,
        name=name,
    )


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _hover(
    rows: pd.DataFrame, name: str, meta: Mapping[str, Any], ci: str, versus: str = "England"
) -> list[str]:
    lower_col, upper_col = pal.ci_columns(ci)
    compared = s.CMP_ENGLAND_95 if ci == "95" else s.CMP_ENGLAND_998
    # only the columns read (a row of every column, Arrow-backed, costs ~10x as much to make)
    read = (s.PERIOD, s.VALUE, lower_col, upper_col, s.COUNT, s.DENOMINATOR, compared)
    out = []
    for rec in rows[[c for c in dict.fromkeys(read) if c in rows.columns]].to_dict("records"):
        lines = [
            f"<b>{name}</b> {rec.get(s.PERIOD, '')}",
            common.format_value(rec.get(s.VALUE), meta.get("unit")),
        ]
        ci_text = common.format_ci(rec.get(lower_col), rec.get(upper_col), ci)
        if ci_text:
            lines[-1] += f" ({ci_text})"
        if not common.is_missing(rec.get(s.COUNT)):
            count = f"Count {common.format_count(rec[s.COUNT])}"
            if not common.is_missing(rec.get(s.DENOMINATOR)):
                count += f" / {common.format_count(rec[s.DENOMINATOR])}"
            lines.append(count)
        if isinstance(rec.get(compared), str) and rec[compared]:
            lines.append(f"Compared with {versus}: {rec[compared]}")
        out.append("<br>".join(lines))
    return out


def _national(england: pd.DataFrame | None) -> str:
    """'England', or what a partial national comparator is called ('49 of 106 CCGs with data')."""
    if england is None or england.empty or s.AREA_NAME not in england:
        return "England"
    name = str(england.sort_values(s.PERIOD_START)[s.AREA_NAME].iloc[-1])
    return name if is_partial_comparator(name) else "England"


MIN_PERIODS = 2


def message_figure(title: str, message: str) -> go.Figure:
    """A figure that says something instead of drawing a misleading chart (no axes, no traces)."""
    return go.Figure(message_dict(title, message))


def message_dict(title: str, message: str) -> dict[str, Any]:
    """``message_figure`` as a plain figure dict."""
    layout = common.plain_layout(title, uirevision="trend")
    layout.update(
        xaxis=dict(visible=False),
        yaxis=dict(visible=False),
        height=260,
        annotations=[
            dict(
                x=0.5,
                y=0.6,
                xref="paper",
                yref="paper",
                text=message,
                showarrow=False,
                font=dict(size=15),
                align="center",
            )
        ],
    )
    return dict(data=[], layout=layout)


def _periods(*frames: pd.DataFrame | None) -> list[str]:
    """The distinct periods with a value across the frames."""
    found: set[str] = set()
    for frame in frames:
        if frame is not None and not frame.empty and s.PERIOD in frame:
            found |= set(frame.loc[frame[s.VALUE].notna(), s.PERIOD].astype(str))
    return sorted(found)


def trend_legend_name(name: str, label: str, reason: str = "") -> str:
    """'Area ↑ Increasing and getting better', or why the trend cannot be calculated."""
    if not label:
        return name
    if label.lower().startswith("cannot be calculated"):
        why = reason.strip().rstrip(".") if reason else "too few comparable points"
        points = re.fullmatch(r"(\d+) valid points? \((\d+) needed\)", why)
        broken = re.fullmatch(r"series break in (.+?) \(.*\): (\d+) comparable points? \((\d+) needed\)", why)
        if points:
            have, need = points.groups()
            why = f"it needs {need} periods with counts or confidence limits; this series has {have}"
        elif broken:
            period, have, need = broken.groups()
            why = f"not computed across the series break in {period} ({have} comparable periods since; {need} needed)"
        # the reason on its own line: one line ran off an exported page's legend
        return f"{name} – recent trend cannot be calculated:<br>{why}"
    return f"{name} {trend_arrow(label)} {label}".strip()


def break_positions(meta: Mapping[str, Any], *frames: pd.DataFrame | None) -> list[tuple[SeriesBreak, str]]:
    """The indicator's series breaks that fall inside the drawn periods, each with where it goes on
    the date axis: halfway between the last period before it and the first from it (ISO date)."""
    breaks = series_breaks(meta.get("series_breaks"))
    if not breaks:
        return []
    starts = sorted(
        {
            pd.Timestamp(d)
            for frame in frames
            if frame is not None and not frame.empty and s.PERIOD_START in frame
            for d in frame.loc[frame[s.VALUE].notna(), s.PERIOD_START]
        }
    )
    out = []
    for brk in breaks:
        at = pd.Timestamp(brk.start)
        before = [d for d in starts if d < at]
        after = [d for d in starts if d >= at]
        if before and after:
            out.append((brk, (before[-1] + (after[0] - before[-1]) / 2).date().isoformat()))
    return out


def _break_marks(meta: Mapping[str, Any], *frames: pd.DataFrame | None) -> tuple[list[dict], list[dict]]:
    """A dotted vertical line and a label for each series break inside the chart."""
    shapes, labels = [], []
    for brk, x in break_positions(meta, *frames):
        shapes.append(vline(x, dict(color=BREAK_COLOUR, width=2, dash="dot")) | {"yref": "paper"})
        labels.append(
            dict(
                x=x,
                xref="x",
                y=1,
                yref="paper",
                yanchor="bottom",
                xanchor="center",
                showarrow=False,
                text=f"Series break {brk.period}",
                hovertext=f"Series break from {brk.period}: {brk.reason}. Source: {brk.source}",
                font=dict(size=11, color="#404040"),
            )
        )
    return shapes, labels


def trend_chart(series: pd.DataFrame, meta: Mapping[str, Any], **options: Any) -> go.Figure:
    """``trend_dict`` as a ``go.Figure`` (exports, tests); the same arguments."""
    return go.Figure(trend_dict(series, meta, **options))


PEER_COLOUR = "#7C2855"  # as figures.peers (the peer group's line on every chart)


def trend_dict(
    series: pd.DataFrame,
    meta: Mapping[str, Any],
    *,
    ci: str = "95",
    areas: Sequence[str],
    area_names: Mapping[str, str],
    england: pd.DataFrame | None = None,
    region: pd.DataFrame | None = None,
    trend_labels: Mapping[str, str] | None = None,
    trend_reasons: Mapping[str, str] | None = None,
    peers: pd.DataFrame | None = None,
    peer_label: str = "",
) -> dict[str, Any]:
    """Lines over ``period_start`` for each area with a shaded CI, plus England and region lines,
    and, with ``peers`` (period, period_start, value), the focus area's similar CCGs' value: the
    comparator its categories are judged against (``peer_label`` names it).

    ``series`` holds rows for the areas (area_code, period, period_start, value, CI columns,
    count, denominator); ``england``/``region`` hold the benchmark rows in the same shape.
    With fewer than two periods in all of them, a short message replaces the chart.
    ``trend_reasons`` says, per area, why a "Cannot be calculated" trend could not be.
    A plain figure dict (no ``go.Figure`` validation in a request): ``go.Figure`` accepts it as it is.
    """
    lower_col, upper_col = pal.ci_columns(ci)
    trend_labels = dict(trend_labels or {})
    trend_reasons = dict(trend_reasons or {})
    periods = _periods(series, england, region)
    if len(periods) < MIN_PERIODS:
        only = f"only {periods[0]}" if periods else "no period with a value"
        return message_dict(
            common.indicator_title(meta),
            f"No trend to show: this selection has {only}.<br>A trend needs at least {MIN_PERIODS} periods; "
            "the map, compare and table pages show the value.",
        )
    traces: list[dict[str, Any]] = []
    for i, code in enumerate(dict.fromkeys(areas)):
        rows = series[series[s.AREA_CODE] == code].sort_values(s.PERIOD_START)
        if rows.empty:
            continue
        colour = pal.QUALITATIVE[i % len(pal.QUALITATIVE)]
        name = area_names.get(code, code)
        label = trend_labels.get(code, "")
        legend_name = trend_legend_name(name, label, trend_reasons.get(code, ""))
        band = rows[rows[lower_col].notna() & rows[upper_col].notna()]
        if len(band):
            x = band[s.PERIOD_START].tolist()
            traces.append(_band_edge(x, band[upper_col].tolist(), code, f"{name} upper"))
            fill = dict(fill="tonexty", fillcolor=_rgba(colour, 0.18))
            traces.append(_band_edge(x, band[lower_col].tolist(), code, f"{name} {ci}% CI", **fill))
        traces.append(
            dict(
                type="scatter",
                x=rows[s.PERIOD_START].tolist(),
                y=rows[s.VALUE].tolist(),
                mode="lines+markers",
                name=legend_name,
                legendgroup=code,
                line=dict(color=colour, width=2.5),
                marker=dict(size=7, symbol=pal.AREA_SYMBOLS[i % len(pal.AREA_SYMBOLS)]),
                customdata=[[code, name, p] for p in rows[s.PERIOD].astype(str)],
                hovertext=_hover(rows, name, meta, ci, _national(england)),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    for frame, name, colour, dash in (
        (england, "England", pal.ENGLAND_COLOUR, "dash"),
        (region, "Region", pal.REGION_COLOUR, "dot"),
    ):
        if frame is None or frame.empty:
            continue
        rows = frame.sort_values(s.PERIOD_START)
        label = str(rows[s.AREA_NAME].iloc[0]) if s.AREA_NAME in rows and name == "Region" else name
        if name == "England":
            label = _national(rows)
        code = str(rows[s.AREA_CODE].iloc[0]) if s.AREA_CODE in rows else name
        traces.append(
            dict(
                type="scatter",
                x=rows[s.PERIOD_START].tolist(),
                y=rows[s.VALUE].tolist(),
                mode="lines",
                name=label,
                line=dict(color=colour, width=2, dash=dash),
                customdata=[[code, label, p] for p in rows[s.PERIOD].astype(str)],
                hovertext=_hover(rows, label, meta, ci),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    if peers is not None and len(peers):
        rows = peers.sort_values(s.PERIOD_START)
        traces.append(
            dict(
                type="scatter",
                x=rows[s.PERIOD_START].tolist(),
                y=rows[s.VALUE].tolist(),
                mode="lines",
                name=peer_label or "Similar CCGs",
                line=dict(color=PEER_COLOUR, width=2, dash="dashdot"),
                hovertext=[
                    f"<b>{peer_label}</b><br>{p}: {common.format_value(v, meta.get('unit'))}"
                    for p, v in zip(rows[s.PERIOD], rows[s.VALUE], strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    shapes, labels = _break_marks(meta, series, england, region)
    subtitle = f"Shaded: {ci}% confidence interval; legend shows the recent trend (last five points)"
    if shapes:
        subtitle += "; dotted line: series break (the definition changed; no trend is computed across it)"
    layout = common.plain_layout(common.indicator_title(meta), uirevision="trend", subtitle=subtitle)
    if shapes:
        layout.update(shapes=shapes, annotations=labels)
    layout.update(
        xaxis=dict(title=dict(text="Period start")),
        yaxis=dict(title=dict(text=meta.get("unit") or ""), rangemode="tozero"),
        legend=dict(orientation="h", yanchor="top", y=-0.15, x=0, xanchor="left"),
        hovermode="closest",
        height=480,
    )
    return dict(data=traces, layout=layout)
