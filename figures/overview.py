"""Overview grid: areas (rows) x indicators (columns), each cell coloured by its category.

A discrete heatmap: category -> integer z with a stepped colour scale; the colour-blind palette
also prints each category's glyph in the cell. Built as a plain figure dict (thousands of cells:
no plotly validation in a request); ``overview_grid`` is the same as a ``go.Figure``.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import plotly.graph_objects as go

from data.methods.formatting import POUNDS, format_value, with_unit
from data.model import schema as s
from figures import common
from figures import palette as pal

CELL_PX = 22
CATEGORY_SET = frozenset(s.CATEGORIES)
NO_DATA_HOVER = "no data<br>"


def _number(value: float) -> str:
    """``common.format_number`` for a value known to be present (the grid formats thousands)."""
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def _value_text(value: float, unit: object) -> str:
    """``common.format_value`` for a present value: the same text, without its checks per cell."""
    if unit == POUNDS:  # money has its own decimals
        return format_value(value, unit)
    return with_unit(_number(value), unit if isinstance(unit, str) else None)


def overview_figure_dict(
    grid: pd.DataFrame,
    *,
    palette: str = pal.FINGERTIPS,
    title: str = "Overview: each area by indicator, coloured by comparison category",
) -> dict:
    """Heatmap of benchmark categories for each area and indicator, as a plain figure dict.

    ``grid`` has area_code, area_name, indicator_id, short_name, value, category (and unit,
    optional). Cells without a row or value are left blank and say "no data" on hover.
    """
    pal.check_palette(palette)
    codes = grid[s.AREA_CODE].tolist()
    ids = grid["indicator_id"].tolist()
    values = grid[s.VALUE].tolist()
    cats = [c if c in CATEGORY_SET else s.NOT_COMPARED for c in grid["category"].tolist()]
    units = grid["unit"].tolist() if "unit" in grid else [None] * len(grid)
    short: dict[str, str] = {}
    for ind, name in zip(ids, grid["short_name"].tolist(), strict=True):
        short.setdefault(ind, name)
    names: dict[str, str] = {}
    for code, name in zip(codes, grid[s.AREA_NAME].tolist(), strict=True):
        names.setdefault(code, name)
    ind_ids = list(short)
    area_codes = sorted(names, key=names.__getitem__)  # by name; stable for equal names
    col_of = {ind: j for j, ind in enumerate(ind_ids)}
    row_of = {code: i for i, code in enumerate(area_codes)}
    n_rows, n_cols = len(area_codes), len(ind_ids)
    cell: list[list[int | None]] = [[None] * n_cols for _ in range(n_rows)]
    for k, (code, ind) in enumerate(zip(codes, ids, strict=True)):
        r, c = row_of[code], col_of[ind]
        if cell[r][c] is None:  # the first row of an area and indicator, as drop_duplicates keeps
            cell[r][c] = k
    cat_index = {c: float(i) for i, c in enumerate(s.CATEGORIES)}
    glyphs = palette == pal.COLOURBLIND
    labels = {c: pal.category_label(c, palette) for c in s.CATEGORIES}
    # Per cell only the value and category: the hover template adds the area (y) and the
    # indicator (x), the same words the hover showed when every cell repeated them.
    cell_text: list = [None] * len(codes)
    z_of: list = [None] * len(codes)
    glyph_of: list = [""] * len(codes)
    for k, (value, cat, unit) in enumerate(zip(values, cats, units, strict=True)):
        if value is not None and value == value:  # present (NaN is not equal to itself)
            cell_text[k] = f"{_value_text(value, unit)}<br>{labels[cat]}"
            z_of[k] = cat_index[cat]
            if glyphs:
                glyph_of[k] = pal.CATEGORY_GLYPHS.get(cat, "")
    # No customdata per cell: nothing reads a click or hover on the grid, and [area, indicator]
    # for every cell was most of the figure's bytes (about 250 kB of JSON for all regions).
    z, hover, text = [], [], []
    n_missing = 0
    for row in cell:
        z.append([None if k is None else z_of[k] for k in row])
        hover.append([NO_DATA_HOVER if k is None or cell_text[k] is None else cell_text[k] for k in row])
        if glyphs:
            text.append(["" if k is None else glyph_of[k] for k in row])
        n_missing += sum(1 for k in row if k is None or cell_text[k] is None)

    colours = [pal.CATEGORY_COLOURS[palette][c] for c in s.CATEGORIES]
    heat = {
        "type": "heatmap",
        "z": z,
        "x": [short[i] for i in ind_ids],
        "y": [names[c] for c in area_codes],
        "colorscale": pal.stepped_colorscale(colours),
        "zmin": -0.5,
        "zmax": len(colours) - 0.5,
        "showscale": False,
        "xgap": 2,
        "ygap": 2,
        "hovertext": hover,
        "hovertemplate": "<b>%{y}</b><br>%{x}: %{hovertext}<extra></extra>",
    }
    if glyphs:  # the colour-blind palette prints each category's glyph; the other has no text to draw
        heat.update(text=text, texttemplate="%{text}", textfont={"size": 11, "color": "#1A1A1A"})
    data: list[dict] = [heat]
    # the legend counts every value of the grid's rows (rows repeated for a cell included)
    row_counts = Counter(c for c, t in zip(cats, cell_text, strict=True) if t is not None)
    for category in s.CATEGORIES:
        n = row_counts.get(category, 0)
        if n:
            data.append(
                _legend_key(
                    f"{pal.category_label(category, palette)} ({n})",
                    "square",
                    pal.CATEGORY_COLOURS[palette][category],
                )
            )
    if n_missing:
        data.append(_legend_key(f"{pal.NO_DATA} ({n_missing})", "square-open", "#9E9E9E"))
    # room for the angled indicator names above the grid, below the title
    label_px = int(6.0 * max((len(str(v)) for v in short.values()), default=10))
    base = common.plain_layout(title, uirevision="overview")
    base["margin"]["t"] = 60 + label_px
    layout = dict(
        base,
        height=max(320, CELL_PX * n_rows + base["margin"]["t"] + 120),
        xaxis={
            "tickangle": -90,
            "side": "top",
            "showgrid": False,
            "automargin": True,
            "dtick": 1,
            "tickfont": {"size": 10},
        },
        yaxis={"autorange": "reversed", "showgrid": False, "automargin": True, "dtick": 1},
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0, "xanchor": "left"},
        plot_bgcolor="#FFFFFF",
    )
    return {"data": data, "layout": layout}


def _legend_key(name: str, symbol: str, colour: str) -> dict:
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "name": name,
        "marker": {"symbol": symbol, "size": 12, "color": colour},
        "hoverinfo": "skip",
    }


def overview_grid(grid: pd.DataFrame, **kwargs) -> go.Figure:
    """``overview_figure_dict`` as a validated ``go.Figure`` (exports, tests; same arguments)."""
    return go.Figure(overview_figure_dict(grid, **kwargs))
