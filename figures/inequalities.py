"""Inequalities charts: one ICB's values by practice-deprivation group, and every ICB ranked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data.queries.inequalities import GROUPS
from figures import common
from figures import palette as pal

GROUP_COLOURS = ("#C6DBEF", "#6BAED6", "#2171B5", "#08306B")  # least to most deprived


def icb_groups_chart(row: pd.Series, meta: Mapping[str, Any]) -> go.Figure:
    """Bars of one ICB's values by deprivation group, with England's average."""
    unit = meta.get("unit") or ""
    values = [row[g] for g in GROUPS]
    fig = go.Figure(
        go.Scatter(
            x=list(GROUPS),
            y=values,
            mode="lines+markers+text",
            line=dict(color="#BBBBBB", width=2),
            marker=dict(color=list(GROUP_COLOURS), size=16, line=dict(color="#333333", width=1)),
            text=[common.format_value(v, unit) for v in values],
            textposition="top center",
            hovertemplate="%{x}: %{y}<extra></extra>",
            showlegend=False,
        )
    )
    if pd.notna(row.get("england")):
        fig.add_hline(
            y=float(row["england"]),
            line=dict(color=pal.ENGLAND_COLOUR, width=1.5),
            annotation=dict(text=f"England {common.format_value(row['england'], unit)}", font_size=11),
            annotation_position="top left",
        )
    subtitle = (
        f"Gap (most minus least deprived) {common.format_difference(row['gap'], unit)}; descriptive slope "
        f"{common.format_difference(row['slope'], unit)} (no limits: HEEC publishes no denominators)"
    )
    finite = [float(v) for v in values if pd.notna(v)] + (
        [float(row["england"])] if pd.notna(row.get("england")) else []
    )
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    pad = 0.25 * (hi - lo or abs(hi) or 1)
    fig.update_layout(
        **common.base_layout(f"{meta['name']}: {row['icb_name']}", uirevision="ineq-icb", subtitle=subtitle),
        xaxis=dict(title="Practice deprivation group (national quintiles of practice IMD)"),
        yaxis=dict(title=unit, range=[lo - pad, hi + pad]),
        height=420,
    )
    return fig


def icb_ranking_chart(
    table: pd.DataFrame, meta: Mapping[str, Any], highlight: str | None = None
) -> go.Figure:
    """Every ICB's four group values on one row, ICBs ranked by the descriptive slope."""
    data = table[table["slope"].notna()]
    labels = [
        f"<b>▶ {n}</b>" if c == highlight else n
        for c, n in zip(
            data["icb22_code"], data["icb_name"].str.replace(" Integrated Care Board", "", regex=False)
        )
    ]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=np.ravel(
                np.column_stack([data[GROUPS[0]], data[GROUPS[-1]], np.full(len(data), np.nan)])
            ).tolist(),
            y=np.ravel(np.column_stack([labels, labels, labels])).tolist(),
            mode="lines",
            line=dict(color="#BBBBBB", width=2),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for group, colour in zip(GROUPS, GROUP_COLOURS):
        fig.add_trace(
            go.Scatter(
                x=data[group].tolist(),
                y=labels,
                mode="markers",
                name=group,
                marker=dict(color=colour, size=10, line=dict(color="#333333", width=0.5)),
                customdata=data["icb22_code"].tolist(),
                hovertemplate="%{y}<br>" + group + ": %{x}<extra></extra>",
            )
        )
    england = table["england"].dropna()
    if len(england):
        fig.add_vline(x=float(england.iloc[0]), line=dict(color=pal.ENGLAND_COLOUR, width=1.5))
    fig.update_layout(
        **common.base_layout(
            f"{meta['name']}: every ICB by practice deprivation",
            uirevision="ineq-rank",
            subtitle="ICBs ranked by the descriptive slope (largest increase towards the most deprived first); "
            "line from least to most deprived group",
        ),
        xaxis=dict(title=meta.get("unit") or ""),
        yaxis=dict(categoryorder="array", categoryarray=labels, autorange="reversed", tickfont=dict(size=10)),
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
        height=max(500, 18 * len(data) + 200),
    )
    fig.layout.margin.t = 130
    return fig
