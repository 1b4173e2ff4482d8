"""Overview grid: areas (rows) x indicators (columns), each cell coloured by its category.

A discrete heatmap: category -> integer z with a stepped colour scale; the colour-blind palette
also prints each category's glyph in the cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data import schema as s
from figures import common
from figures import palette as pal

CELL_PX = 22


def overview_grid(
    grid: pd.DataFrame,
    *,
    palette: str = pal.FINGERTIPS,
    title: str = "Overview: each area by indicator, coloured by comparison category",
) -> go.Figure:
    """Heatmap of benchmark categories for each area and indicator.

    ``grid`` has area_code, area_name, indicator_id, short_name, value, category (and unit,
    optional). Cells without a row or value are left blank and say "no data" on hover.
    """
    pal.check_palette(palette)
    data = grid.copy()
    data["category"] = pal.clean_categories(data["category"])
    indicators = data.drop_duplicates("indicator_id")[["indicator_id", "short_name"]]
    areas = data.drop_duplicates(s.AREA_CODE)[[s.AREA_CODE, s.AREA_NAME]].sort_values(s.AREA_NAME)
    ind_ids, area_codes = indicators["indicator_id"].tolist(), areas[s.AREA_CODE].tolist()
    cat_index = {c: i for i, c in enumerate(s.CATEGORIES)}
    keyed = data.drop_duplicates(["indicator_id", s.AREA_CODE]).set_index([s.AREA_CODE, "indicator_id"])
    full = pd.MultiIndex.from_product([area_codes, ind_ids], names=[s.AREA_CODE, "indicator_id"])
    cells = keyed.reindex(full)
    has = cells[s.VALUE].notna()
    z = np.where(has, cells["category"].map(cat_index), np.nan).reshape(len(area_codes), len(ind_ids))
    short = dict(zip(indicators["indicator_id"], indicators["short_name"], strict=True))
    names = dict(zip(areas[s.AREA_CODE], areas[s.AREA_NAME], strict=True))
    hover, text, custom = [], [], []
    units = cells["unit"] if "unit" in cells else pd.Series(None, index=full)
    for (code, ind), value, cat, unit, ok in zip(
        full, cells[s.VALUE], cells["category"], units, has, strict=True
    ):
        value_text = common.format_value(value, unit) if ok else "no data"
        cat_text = pal.category_label(cat, palette) if ok else ""
        hover.append(f"<b>{names[code]}</b><br>{short[ind]}: {value_text}<br>{cat_text}")
        text.append(pal.CATEGORY_GLYPHS.get(cat, "") if ok and palette == pal.COLOURBLIND else "")
        custom.append([code, ind])
    shape = (len(area_codes), len(ind_ids))

    def grid_of(values: list) -> list[list]:
        return [values[r * shape[1] : (r + 1) * shape[1]] for r in range(shape[0])]

    colours = [pal.CATEGORY_COLOURS[palette][c] for c in s.CATEGORIES]
    fig = go.Figure(
        go.Heatmap(
            z=[[None if np.isnan(v) else float(v) for v in row] for row in z],
            x=[short[i] for i in ind_ids],
            y=[names[c] for c in area_codes],
            colorscale=pal.stepped_colorscale(colours),
            zmin=-0.5,
            zmax=len(colours) - 0.5,
            showscale=False,
            xgap=2,
            ygap=2,
            hovertext=grid_of(hover),
            hovertemplate="%{hovertext}<extra></extra>",
            text=grid_of(text),
            texttemplate="%{text}",
            textfont=dict(size=11, color="#1A1A1A"),
            customdata=grid_of(custom),
        )
    )
    counts = data.loc[data[s.VALUE].notna(), "category"].value_counts()
    for category in s.CATEGORIES:
        n = int(counts.get(category, 0))
        if n:
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    name=f"{pal.category_label(category, palette)} ({n})",
                    marker=dict(symbol="square", size=12, color=pal.CATEGORY_COLOURS[palette][category]),
                    hoverinfo="skip",
                )
            )
    n_missing = int((~has).sum())
    if n_missing:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=f"{pal.NO_DATA} ({n_missing})",
                marker=dict(symbol="square-open", size=12, color="#9E9E9E"),
                hoverinfo="skip",
            )
        )
    # room for the angled indicator names above the grid, below the title
    label_px = int(6.0 * max((len(str(v)) for v in short.values()), default=10))
    layout = common.base_layout(title, uirevision="overview")
    layout["margin"]["t"] = 60 + label_px
    fig.update_layout(
        **layout,
        height=max(320, CELL_PX * len(area_codes) + layout["margin"]["t"] + 120),
        xaxis=dict(
            tickangle=-90, side="top", showgrid=False, automargin=True, dtick=1, tickfont=dict(size=10)
        ),
        yaxis=dict(autorange="reversed", showgrid=False, automargin=True, dtick=1),
        legend=dict(orientation="h", yanchor="top", y=-0.02, x=0, xanchor="left"),
        plot_bgcolor="#FFFFFF",
    )
    return fig
