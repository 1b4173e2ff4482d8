"""The practice drill-down chart: a CCG's practices on a funnel around England's value.

Unreliable practices (too few events or responses) are drawn hollow and grey and not
compared; a measure that is not events out of a population (QOF points) is drawn as a
ranked strip instead of a funnel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data.methods.funnels import funnel_limits
from data.model import schema as s
from figures import common
from figures import palette as pal
from figures.funnel_page import limit_traces

UNRELIABLE = "#9E9E9E"


def _hover(rows: pd.DataFrame, unit: str | None) -> list[str]:
    return [
        f"<b>{r.practice_name}</b> ({r.practice_code})<br>{r.pcn_name}<br>{common.format_value(r.value, unit)}"
        f" (95% CI {common.format_number(r.lower95)}–{common.format_number(r.upper95)})"
        f"<br>{common.format_count(r.count)} / {common.format_count(r.denominator)}"
        f"<br>{r.flag or r.category}"
        for r in rows.itertuples(index=False)
    ]


def practice_chart(
    rows: pd.DataFrame,
    england: float | None,
    meta: Mapping[str, Any],
    *,
    ccg_name: str,
    palette: str = pal.FINGERTIPS,
    selected: str | None = None,
    funnel: bool = True,
) -> go.Figure:
    pal.check_palette(palette)
    unit = meta.get("unit")
    fig = go.Figure()
    shown = rows[rows[s.VALUE].notna()].copy()
    reliable = shown[shown["flag"] == ""]
    unreliable = shown[shown["flag"] != ""]
    if funnel and england is not None and len(reliable) >= 2:
        limits = funnel_limits(
            reliable[s.COUNT],
            reliable[s.DENOMINATOR],
            statistic="proportion",
            multiplier=100,
            target=england / 100,
        )
        limit_traces(fig, limits, "#333333", 1.3, "", True)
        x_of = lambda frame: frame[s.DENOMINATOR]  # noqa: E731
        x_title = "Denominator (list size for the register, or FFT responses)"
    else:
        order = shown.sort_values(s.VALUE)["practice_code"].tolist()
        rank = {c: i + 1 for i, c in enumerate(order)}
        x_of = lambda frame: frame["practice_code"].map(rank)  # noqa: E731
        x_title = "Practices, ranked by value"
    if england is not None:
        fig.add_hline(
            y=england,
            line=dict(color=pal.ENGLAND_COLOUR, width=1.5),
            annotation=dict(text=f"England {common.format_value(england, unit)}", font_size=11),
            annotation_position="top left",
        )
    for cat in s.CATEGORIES:
        part = reliable[reliable["category"] == cat]
        if part.empty:
            continue
        is_sel = (part["practice_code"] == selected).to_numpy()
        fig.add_trace(
            go.Scatter(
                x=x_of(part).tolist(),
                y=part[s.VALUE].tolist(),
                mode="markers",
                name=f"{pal.category_label(cat, palette)} ({len(part)})",
                marker=dict(
                    color=pal.CATEGORY_COLOURS[palette][cat],
                    size=np.where(is_sel, 16, 10).tolist(),
                    line=dict(color=pal.OUTLINE_COLOUR, width=np.where(is_sel, 3, 0.5).tolist()),
                ),
                customdata=[[c] for c in part["practice_code"]],
                hovertext=_hover(part, unit),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    if len(unreliable):
        fig.add_trace(
            go.Scatter(
                x=x_of(unreliable).tolist(),
                y=unreliable[s.VALUE].tolist(),
                mode="markers",
                name=f"Unreliable, not compared ({len(unreliable)})",
                marker=dict(color="white", size=9, line=dict(color=UNRELIABLE, width=1.5)),
                customdata=[[c] for c in unreliable["practice_code"]],
                hovertext=_hover(unreliable, unit),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    if selected and selected in set(shown["practice_code"]):
        hit = shown[shown["practice_code"] == selected].iloc[0]
        fig.add_annotation(
            x=float(x_of(shown[shown["practice_code"] == selected]).iloc[0]),
            y=float(hit[s.VALUE]),
            text=f"<b>{hit['practice_name']}</b>",
            ax=30,
            ay=-30,
            arrowhead=0,
        )
    missing = len(rows) - len(shown)
    subtitle = [f"{len(shown)} of {len(rows)} practices in {ccg_name}"]
    if missing:
        subtitle.append(f"{missing} without a value (suppressed or no data)")
    subtitle.append("hollow: fewer than 5 events or 30 responses, not compared")
    y = shown[s.VALUE].to_numpy(dtype=float)
    y_range = None
    if len(y):
        lo, hi = np.nanmin(y), np.nanmax(y)
        pad = 0.12 * (hi - lo or abs(hi) or 1)
        y_range = [lo - pad, hi + pad]
    fig.update_layout(
        **common.base_layout(
            f"{common.indicator_title(meta)}: GP practices",
            uirevision="practices",
            subtitle="; ".join(subtitle),
        ),
        xaxis=dict(title=x_title),
        yaxis=dict(title=unit or "", range=y_range),
        height=560,
    )
    return fig
