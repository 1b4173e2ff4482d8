"""The funnel page's chart: every area against its population, with PHE's control limits.

Built from ``data.queries.funnel.FunnelView`` (limits and categories from ``data.methods.funnels``).
With an over-dispersion option the adjusted limits are drawn and the unadjusted ones stay
as faint lines, so the effect of the adjustment is visible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from data.model import schema as s
from data.queries.areas import area_word
from figures import common
from figures import palette as pal
from figures.peers import PEER_COLOUR

LIMIT_STYLE = {"95": ("dot", "95% limits"), "998": ("dash", "99.8% limits")}
X_TITLE = {
    "proportion": "Denominator",
    "rate": "Population (per year of data)",
    "dsr": "Population implied by events / rate",
}


def limit_traces(fig: go.Figure, limits, colour: str, width: float, suffix: str, show: bool) -> None:
    """The 95% (dotted) and 99.8% (dashed) control limits, each side a line, one legend entry a level."""
    long = limits.long()
    for level, (dash, name) in LIMIT_STYLE.items():
        for side in ("lower", "upper"):
            part = long[long["limit"] == f"{side}{level}"]
            fig.add_trace(
                go.Scatter(
                    x=part["x"].tolist(),
                    y=part["y"].tolist(),
                    mode="lines",
                    name=name + suffix,
                    legendgroup=name + suffix,
                    showlegend=show and side == "lower",
                    line=dict(color=colour, width=width, dash=dash),
                    hoverinfo="skip",
                )
            )


def spread_words(od) -> str:
    """The over-dispersion adjustment in words for a subtitle: 'spread beyond chance (phi) 1.93:
    limits widened 1.39 times (multiplicative)'."""
    if not od.applied:
        return f"spread beyond chance (phi) {od.phi:.2f}: not above 1, limits not widened"
    if od.method == "multiplicative":
        return (
            f"spread beyond chance (phi) {od.phi:.2f}: limits widened {od.factor:.2f} times (multiplicative)"
        )
    return f"spread beyond chance (phi) {od.phi:.2f}: a between-area spread added to each limit (additive)"


def funnel_figure(
    view,
    meta: Mapping[str, Any],
    *,
    ci: str = "95",
    od: str = "none",
    palette: str = pal.FINGERTIPS,
    selected: Sequence[str] = (),
    peers: Sequence[str] = (),
) -> go.Figure:
    """Funnel plot: points coloured by funnel category, focus area and peers highlighted."""
    pal.check_palette(palette)
    fig = go.Figure()
    rows = view.rows
    result = view.funnel
    unit = meta.get("unit")
    if result is not None:
        if result.adjusted is not None:
            limit_traces(fig, result.limits, "#BBBBBB", 1, " (unadjusted)", True)
            limit_traces(fig, result.adjusted, "#333333", 1.4, "", True)
        else:
            limit_traces(fig, result.limits, "#333333", 1.4, "", True)
        fig.add_hline(
            y=result.limits.baseline,
            line=dict(color=pal.ENGLAND_COLOUR, width=1.5),
            annotation=dict(
                text=f"Average {common.format_value(result.limits.baseline, unit)}", font_size=11
            ),
            annotation_position="top left",
        )
    focus = list(selected)[:1]
    for cat in s.CATEGORIES:
        part = rows[rows["category"] == cat]
        if part.empty:
            continue
        is_focus = part[s.AREA_CODE].isin(focus).to_numpy()
        is_peer = part[s.AREA_CODE].isin(list(peers)).to_numpy()
        hover = [
            f"<b>{r[s.AREA_NAME]}</b><br>{common.format_value(r[s.VALUE], unit)}"
            f"<br>count {common.format_count(r[s.COUNT])} / {common.format_count(r[s.DENOMINATOR])}"
            f"<br>{r['funnel_category'] or 'not on the funnel'} ({pal.category_label(cat, palette)})"
            for _, r in part.iterrows()
        ]
        fig.add_trace(
            go.Scatter(
                x=part["x"].tolist(),
                y=part["y"].tolist(),
                mode="markers",
                name=f"{pal.category_label(cat, palette)} ({len(part)})",
                marker=dict(
                    color=pal.CATEGORY_COLOURS[palette][cat],
                    symbol=np.where(is_peer, "diamond", "circle").tolist(),
                    size=np.where(is_focus, 16, np.where(is_peer, 12, 9)).tolist(),
                    line=dict(
                        color=np.where(is_peer & ~is_focus, PEER_COLOUR, pal.OUTLINE_COLOUR).tolist(),
                        width=np.where(is_focus, 3, np.where(is_peer, 2, 0.5)).tolist(),
                    ),
                ),
                customdata=common.customdata(part),
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    for code in focus:
        hit = rows[rows[s.AREA_CODE] == code]
        if len(hit):
            fig.add_annotation(
                x=float(hit["x"].iloc[0]),
                y=float(hit["y"].iloc[0]),
                text=f"<b>{hit[s.AREA_NAME].iloc[0]}</b>",
                showarrow=True,
                arrowhead=0,
                ax=30,
                ay=-30,
                font_size=12,
            )
    x = rows["x"].to_numpy(dtype=float) if len(rows) else np.array([1.0])
    x = x[np.isfinite(x) & (x > 0)]
    log_x = len(x) > 1 and x.max() / x.min() > 30
    # keep the x axis on the points: the limits' grid starts far left of the smallest area
    x_range = None
    if len(x) > 1:
        x_range = (
            [np.log10(x.min() / 1.3), np.log10(x.max() * 1.3)] if log_x else [x.min() * 0.85, x.max() * 1.05]
        )
    y = rows["y"].to_numpy(dtype=float) if len(rows) else np.array([])
    y_range = None
    if len(y) and np.isfinite(y).any():
        lo, hi = np.nanmin(y), np.nanmax(y)
        pad = 0.15 * (hi - lo or abs(hi) or 1)
        y_range = [lo - pad, hi + pad]
    level = "99.8%" if ci == "99.8" else "95%"
    subtitle = [f"{len(rows)} areas; colours: outside the {level} limits"]
    if result is not None and result.overdispersion is not None:
        subtitle.append(spread_words(result.overdispersion) + f"; {result.n_changed} areas change category")
    if view.n_without:
        subtitle.append(f"{view.n_without} areas without a count or denominator not shown")
    if len(peers):
        geography = str(rows[s.GEOGRAPHY].iloc[0]) if s.GEOGRAPHY in rows and len(rows) else ""
        subtitle.append(f"◆ similar {area_word(geography, 2) if geography else 'areas'}")
    fig.update_layout(
        **common.base_layout(
            common.indicator_title(meta) + (f", {rows[s.PERIOD].iloc[0]}" if len(rows) else ""),
            uirevision=f"funnel-{od}",
            subtitle="; ".join(subtitle),
        ),
        xaxis=dict(
            title=X_TITLE.get(view.statistic, "Denominator"), type="log" if log_x else "linear", range=x_range
        ),
        yaxis=dict(title=unit or "", range=y_range),
        height=600,
    )
    return fig
