"""Overview grid: discrete category heatmap with counts and no-data cells."""

from __future__ import annotations

import numpy as np
from figure_inputs import overview_grid_frame

from data.model import schema as s
from figures import palette as pal
from figures.overview import overview_grid


def test_cells_classes_and_legend():
    grid = overview_grid_frame()
    fig = overview_grid(grid, palette="fingertips")
    heat = fig.data[0]
    assert heat.type == "heatmap" and len(heat.x) == 8 and len(heat.y) == 106
    z = np.array([[np.nan if v is None else v for v in row] for row in heat.z], dtype=float)
    area_row = list(heat.y).index(grid[s.AREA_NAME].iloc[10])
    rec = grid.iloc[10]
    assert z[area_row, list(heat.x).index(rec["short_name"])] == s.CATEGORIES.index(rec["category"])
    assert heat.customdata is None  # nothing reads it: not sent (it was most of the bytes)
    assert heat.text is None and heat.texttemplate is None  # no glyphs on this palette: no text to draw
    n_cells = 106 * 8
    assert np.isnan(z).sum() == n_cells - grid[s.VALUE].notna().sum()
    legend = {t.name for t in fig.data[1:]}
    counts = grid.loc[grid[s.VALUE].notna(), "category"].value_counts()
    assert {f"{c} ({n})" for c, n in counts.items()} | {f"No data ({np.isnan(z).sum()})"} == legend
    assert heat.colorscale[0][1] == pal.CATEGORY_COLOURS["fingertips"][s.BETTER]
    assert fig.layout.xaxis.tickangle == -90  # vertical names fit one per cell


def test_colourblind_cells_show_glyphs():
    fig = overview_grid(overview_grid_frame(2), palette="colourblind")
    glyphs = {g for row in fig.data[0].text for g in row}
    assert glyphs <= set(pal.CATEGORY_GLYPHS.values()) | {""} and "▲" in glyphs
