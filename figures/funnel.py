"""Funnel plot: each area's value against its denominator with 95% and 99.8% control limits.

Limits come from PHStatsMethods via ``data.analysis.funnel_limits`` (PHE Technical Guide:
Funnel Plots, 2017); points are coloured by where they fall relative to the limits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data import schema as s
from data.analysis import funnel_limits
from figures import common
from figures import palette as pal


def funnel_category(
    value: pd.Series, denominator: pd.Series, limits: pd.DataFrame, polarity: str, ci: str
) -> pd.Series:
    """Category of each point against the funnel limits interpolated at its denominator."""
    lo_col, hi_col = ("lower95", "upper95") if ci == "95" else ("lower998", "upper998")
    x = limits["denominator"].to_numpy(dtype=float)
    lo = np.interp(denominator.to_numpy(dtype=float), x, limits[lo_col].to_numpy(dtype=float))
    hi = np.interp(denominator.to_numpy(dtype=float), x, limits[hi_col].to_numpy(dtype=float))
    v = value.to_numpy(dtype=float)
    above, below = v > hi, v < lo
    if polarity == s.POLARITY_NONE:
        labels = np.select([above, below], [s.HIGHER, s.LOWER], s.SIMILAR)
    else:
        good_high = polarity == s.POLARITY_HIGH_GOOD
        labels = np.select(
            [above, below],
            [s.BETTER if good_high else s.WORSE, s.WORSE if good_high else s.BETTER],
            s.SIMILAR,
        )
    return pd.Series(np.where(np.isnan(v), s.NOT_COMPARED, labels), index=value.index)


def funnel_plot(
    frame: pd.DataFrame,
    meta: Mapping[str, Any],
    *,
    ci: str = "99.8",
    palette: str = pal.FINGERTIPS,
    selected: Sequence[str] = (),
) -> go.Figure:
    """Funnel plot for a proportion or crude rate indicator with count and denominator columns."""
    pal.check_palette(palette)
    statistic = meta.get("statistic", "proportion")
    multiplier = float(meta.get("multiplier") or (100 if statistic == "proportion" else 100_000))
    data = frame[frame[s.COUNT].notna() & frame[s.DENOMINATOR].notna() & frame[s.VALUE].notna()].reset_index(
        drop=True
    )
    limits = funnel_limits(data[s.COUNT], data[s.DENOMINATOR], statistic=statistic, multiplier=multiplier)
    category = funnel_category(
        data[s.VALUE], data[s.DENOMINATOR], limits, meta.get("polarity", s.POLARITY_NONE), ci
    )
    fig = go.Figure()
    styles = (("lower998", "upper998", "99.8% limits", "dash"), ("lower95", "upper95", "95% limits", "dot"))
    for lo, hi, name, dash in styles:
        for col, show in ((lo, True), (hi, False)):
            fig.add_trace(
                go.Scatter(
                    x=limits["denominator"].tolist(),
                    y=limits[col].tolist(),
                    mode="lines",
                    name=name,
                    legendgroup=name,
                    showlegend=show,
                    line=dict(color="#555555", width=1.3, dash=dash),
                    hoverinfo="skip",
                )
            )
    if len(limits):
        fig.add_hline(y=float(limits["baseline"].iloc[0]), line=dict(color=pal.ENGLAND_COLOUR, width=1.5))
    hover = pd.Series(
        common.hover_texts(data, meta, ci=ci, benchmark="england", palette=palette, category=category)
    )
    for cat in s.CATEGORIES:
        rows = data[category == cat]
        if rows.empty:
            continue
        is_sel = rows[s.AREA_CODE].isin(list(selected))
        fig.add_trace(
            go.Scatter(
                x=rows[s.DENOMINATOR].tolist(),
                y=rows[s.VALUE].tolist(),
                mode="markers",
                name=f"{pal.category_label(cat, palette)} ({len(rows)})",
                marker=dict(
                    color=pal.CATEGORY_COLOURS[palette][cat],
                    symbol=pal.CATEGORY_SYMBOLS[cat] if palette == pal.COLOURBLIND else "circle",
                    size=np.where(is_sel, 15, 9).tolist(),
                    line=dict(color=pal.OUTLINE_COLOUR, width=np.where(is_sel, 2.5, 0.5).tolist()),
                ),
                customdata=common.customdata(rows),
                hovertext=hover[rows.index].tolist(),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    dropped = len(frame) - len(data)
    # keep the y axis on the points: the limits flare to 0/100 at tiny denominators
    y_range = None
    if len(data) and len(limits):
        d_min = float(data[s.DENOMINATOR].min())
        x = limits["denominator"].to_numpy(dtype=float)
        lo = float(np.interp(d_min, x, limits["lower998"].to_numpy(dtype=float)))
        hi = float(np.interp(d_min, x, limits["upper998"].to_numpy(dtype=float)))
        y_lo, y_hi = min(lo, float(data[s.VALUE].min())), max(hi, float(data[s.VALUE].max()))
        pad = 0.08 * (y_hi - y_lo or 1)
        y_range = [y_lo - pad, y_hi + pad]
    subtitle = (
        f"Control limits around the overall value ({'Wilson' if statistic == 'proportion' else 'Poisson'})"
    )
    if dropped:
        subtitle += f"; {dropped} areas without count/denominator not shown"
    fig.update_layout(
        **common.base_layout(common.indicator_title(meta), uirevision="funnel", subtitle=subtitle),
        xaxis=dict(title="Denominator"),
        yaxis=dict(title=meta.get("unit") or "", range=y_range),
        height=520,
    )
    return fig
