"""The chronic ACSC deprivation gradient: every CCG 2015/16 ranked, with limits, focus and peers marked.

A caterpillar plot: one point per CCG at its rank (steepest gradient first), its confidence
interval as a vertical bar. The focus area's predecessors are drawn large and dark and
named; its peers' predecessors in orange; the five CCGs with implausibly low admission rates
hollow (their gradient rests on the same doubtful counts). There is no England gradient,
so the reference line is the median CCG, and no area is called better or worse.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from data.model import schema as s
from data.queries.acsc import FOCUS, OTHER, PEER
from figures import common

OTHER_COLOUR = "#6A8CAF"
PEER_COLOUR = "#E69F00"  # Okabe-Ito orange: distinct from the blue in colour-blind vision
FOCUS_COLOUR = "#1A1A1A"
FLAGGED_COLOUR = "#9E9E9E"


def _hover(rows: pd.DataFrame, ci: str) -> list[str]:
    lo, hi = (s.LOWER998, s.UPPER998) if str(ci) == "99.8" else (s.LOWER95, s.UPPER95)
    out = []
    for r in rows.to_dict("records"):
        text = (
            f"<b>{r[s.AREA_NAME]}</b> ({r[s.AREA_CODE]})<br>now part of {r['ccg21_name']}"
            f"<br>Gradient {common.format_number(r[s.VALUE], 0)} per 100,000 "
            f"({ci}% CI {common.format_number(r[lo], 0)} to {common.format_number(r[hi], 0)})"
            f"<br>Rate {common.format_number(r['isr'], 0)} per 100,000; rank {r['rank']} of {len(rows)}"
        )
        if r[s.NOTE]:
            text += f"<br><i>{r[s.NOTE]}</i>"
        out.append(text)
    return out


def gradient_chart(
    table: pd.DataFrame,
    meta: Mapping[str, Any],
    *,
    ci: str = "95",
    focus_name: str | None = None,
    peer_label: str | None = None,
) -> go.Figure:
    """Ranked gradients of ``data.queries.acsc.gradient_table`` (one point per CCG 2015/16)."""
    lo, hi = (s.LOWER998, s.UPPER998) if str(ci) == "99.8" else (s.LOWER95, s.UPPER95)
    data = table[table[s.VALUE].notna()]
    hover = pd.Series(_hover(data, ci), index=data.index)
    flagged = data[s.NOTE].fillna("").ne("")
    fig = go.Figure()

    def add(part: pd.DataFrame, name: str, colour: str, size: int, symbol: str = "circle", width=1.2):
        if part.empty:
            return
        fig.add_trace(
            go.Scatter(
                x=part["rank"].tolist(),
                y=part[s.VALUE].tolist(),
                mode="markers",
                name=f"{name} ({len(part)})",
                marker=dict(
                    color="white" if symbol.endswith("open") else colour,
                    size=size,
                    symbol=symbol.replace("-open", ""),
                    line=dict(color=colour if symbol.endswith("open") else "#333333", width=width),
                ),
                error_y=dict(
                    type="data",
                    symmetric=False,
                    array=(part[hi] - part[s.VALUE]).tolist(),
                    arrayminus=(part[s.VALUE] - part[lo]).tolist(),
                    color=colour,
                    thickness=1,
                    width=0,
                ),
                customdata=[[c] for c in part[s.AREA_CODE]],
                hovertext=hover[part.index].tolist(),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )

    add(data[(data["role"] == OTHER) & ~flagged], "CCGs", OTHER_COLOUR, 6, width=0.3)
    add(
        data[(data["role"] == OTHER) & flagged],
        "Implausibly low admission rate: treat with caution",
        FLAGGED_COLOUR,
        7,
        symbol="circle-open",
        width=1.5,
    )
    add(data[data["role"] == PEER], peer_label or "Peers", PEER_COLOUR, 9, symbol="diamond", width=0.8)
    focus = data[data["role"] == FOCUS]
    add(focus, focus_name or "Focus area", FOCUS_COLOUR, 12, symbol="square", width=1)
    for i, r in enumerate(focus.to_dict("records")):
        fig.add_annotation(
            x=r["rank"],
            y=r[hi],
            text=f"<b>{r[s.AREA_NAME].removeprefix('NHS ').removesuffix(' CCG')}</b>",
            ax=0,
            ay=-30 - 22 * (i % 3),
            arrowhead=0,
            font=dict(size=12),
            bgcolor="rgba(255,255,255,0.85)",
        )
    if len(data):
        median = float(data[s.VALUE].median())
        fig.add_hline(
            y=median,
            line=dict(color="#555555", width=1, dash="dash"),
            annotation=dict(text=f"Median CCG {common.format_number(median, 0)}", font_size=11),
            annotation_position="top right",
        )
    fig.add_hline(y=0, line=dict(color="#999999", width=1))
    subtitle = (
        f"{len(data)} CCGs (2015/16 boundaries), steepest gradient first, with {ci}% confidence intervals; "
        "no England value: the dashed line is the median CCG, and no area is judged better or worse"
    )
    fig.update_layout(
        **common.base_layout(
            f"{meta.get('name') or 'Deprivation gradient'}", uirevision="ineq-acsc", subtitle=subtitle
        ),
        xaxis=dict(
            title="Rank (1 = steepest gradient: largest excess in the most deprived areas)", zeroline=False
        ),
        yaxis=dict(title="Gradient (per 100,000)"),
        legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0),
        height=560,
    )
    fig.layout.margin.t = 125
    fig.layout.margin.l = 70
    return fig
