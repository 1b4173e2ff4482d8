"""Ranked bar chart of one indicator across areas, with CI whiskers and benchmark lines.

One bar trace per comparison category so the legend shows each category with its count; bars
are placed on a shared categorical y axis in rank order (best at the top).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from data.model import schema as s
from figures import common
from figures import palette as pal
from figures.reference import RefLine, lines_meta, reference_lines, value_axis_range

log = logging.getLogger(__name__)

BAR_HEIGHT_PX = 17
OUT_OF_SCOPE = "not in the peer group"  # bars outside a peer comparator's scope: grey, counted apart
MIN_HEIGHT_PX = 320


def rank_order(frame: pd.DataFrame, polarity: str, sort: str) -> pd.DataFrame:
    """Rows in display order: best first given polarity (highest first without), or by name."""
    if sort == "name":
        return frame.sort_values(s.AREA_NAME, kind="stable")
    if sort != "value":
        raise ValueError(f"sort must be 'value' or 'name', not {sort!r}")
    ascending = polarity == s.POLARITY_LOW_GOOD
    return frame.sort_values([s.VALUE, s.AREA_NAME], ascending=[ascending, True], na_position="last")


def _labels(frame: pd.DataFrame) -> pd.Series:
    """Unique y labels: the area name, with the code added where two areas share a name."""
    names = frame[s.AREA_NAME].astype(str)
    dup = names.duplicated(keep=False)
    return names.where(~dup, names + " (" + frame[s.AREA_CODE].astype(str) + ")")


def ranked_bars(frame: pd.DataFrame, meta: Mapping[str, Any], **options: Any) -> go.Figure:
    """``ranked_bars_dict`` as a ``go.Figure`` (exports, tests); the same arguments."""
    return go.Figure(ranked_bars_dict(frame, meta, **options))


def ranked_bars_dict(
    frame: pd.DataFrame,
    meta: Mapping[str, Any],
    *,
    ci: str = "95",
    benchmark: str = "england",
    palette: str = pal.FINGERTIPS,
    selected: Sequence[str] = (),
    england_value: float | None = None,
    region_values: Mapping[str, float] | None = None,
    sort: str = "value",
    region: str | None = None,
    lines: Sequence[RefLine] = (),
    versus: str | None = None,
) -> dict[str, Any]:
    """Horizontal bars of each area's value with CI whiskers, coloured by benchmark category.

    ``region`` (a region_code) limits the bars to one region and draws that region's line;
    ``lines`` are more reference lines (the peer group's value), placed with England's and the
    region's so that no two labels overprint (``figures.reference``). A percentage axis is zoomed
    to the data when the values sit far from zero (the subtitle says where it starts).
    Areas with no value are listed in the subtitle rather than dropped silently. A plain
    figure dict (no ``go.Figure`` validation in a request): ``go.Figure`` accepts it as it is.
    """
    pal.check_palette(palette)
    region_values = dict(region_values or {})
    polarity = meta.get("polarity", s.POLARITY_NONE)
    unit = meta.get("unit")
    lower_col, upper_col = pal.ci_columns(ci)
    compared = pal.is_compared(frame)
    cat_col = "category" if compared else pal.category_column(benchmark, ci)
    # only the columns read here (the rows of a view are wide: every selection takes all of them)
    read = [s.AREA_CODE, s.AREA_NAME, s.VALUE, lower_col, upper_col, cat_col, s.QUINTILE, "region_code"]
    read += ["region_name", "benchmark", s.COUNT, s.DENOMINATOR, s.NOTE, s.PERIOD, s.GEOGRAPHY]
    if compared:
        read += ["comparator_value", "comparator_label", "comparator_method", "in_scope", "not_compared_why"]
    data = frame[[c for c in dict.fromkeys(read) if c in frame]]
    data = data if region is None else data[data["region_code"] == region]
    data = data.reset_index(drop=True)
    missing = data[data[s.VALUE].isna()]
    data = rank_order(data[data[s.VALUE].notna()], polarity, sort).reset_index(drop=True)
    data["_label"] = _labels(data)
    data["_category"] = pal.clean_categories(data[cat_col])
    out_of_scope = (~data["in_scope"].astype(bool)).tolist() if "in_scope" in data else [False] * len(data)
    hover = pd.Series(
        common.hover_texts(
            data, meta, ci=ci, benchmark=benchmark, palette=palette, category=data["_category"]
        )
    )
    chosen = set(selected)
    is_selected = data[s.AREA_CODE].isin(chosen)

    # Without limits there is no benchmark category: the bars are coloured by quintile instead
    # (Fingertips' rule), and the subtitle says so, rather than leaving every bar grey.
    by_quintile = str(meta.get("ci_method", "")).strip().lower() == "none" and data[s.QUINTILE].notna().any()
    # Each column once as a list, then picked per group (cheaper than a frame filter per group).
    if by_quintile:
        keys = [None if common.is_missing(q) else q for q in data[s.QUINTILE].tolist()]
        groups = [
            (q, pal.QUINTILE_COLOURS[palette][q - 1], "", pal.quintile_name(q, polarity))
            for q in (5, 4, 3, 2, 1)
        ]
    else:
        keys = [OUT_OF_SCOPE if out else c for c, out in zip(data["_category"].tolist(), out_of_scope)]
        groups = [
            (
                category,
                pal.CATEGORY_COLOURS[palette][category],
                pal.CATEGORY_PATTERNS[category] if palette == pal.COLOURBLIND else "",
                f"{pal.CATEGORY_GLYPHS[category]} {category}",
            )
            for category in s.CATEGORIES
        ] + [
            (
                OUT_OF_SCOPE,
                pal.NO_DATA_COLOUR,
                "",
                f"{pal.CATEGORY_GLYPHS[s.NOT_COMPARED]} {OUT_OF_SCOPE}",
            )
        ]
    values, labels, picked = data[s.VALUE].tolist(), data["_label"].tolist(), is_selected.tolist()
    above = (data[upper_col] - data[s.VALUE]).tolist()
    below = (data[s.VALUE] - data[lower_col]).tolist()
    custom, hovers = common.customdata(data), hover.tolist()
    traces: list[dict[str, Any]] = []
    for key, colour, pattern, label in groups:
        idx = [i for i, k in enumerate(keys) if k is not None and k == key]
        if not idx:
            continue
        traces.append(
            dict(
                type="bar",
                x=[values[i] for i in idx],
                y=[labels[i] for i in idx],
                orientation="h",
                name=f"{label} ({len(idx)})",
                marker=dict(
                    color=colour,
                    pattern=dict(shape=pattern, fgcolor="#333333", size=6),
                    line=dict(color=pal.OUTLINE_COLOUR, width=[2.5 if picked[i] else 0.0 for i in idx]),
                ),
                error_x=dict(
                    type="data",
                    symmetric=False,
                    array=[above[i] for i in idx],
                    arrayminus=[below[i] for i in idx],
                    color="#444444",
                    thickness=1.2,
                    width=2,
                ),
                customdata=[custom[i] for i in idx],
                hovertext=[hovers[i] for i in idx],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )

    order = data["_label"].tolist()
    ticktext = [
        f"<b>▶ {label}</b>" if sel else label for label, sel in zip(order, is_selected.tolist(), strict=True)
    ]
    refs = _reference_set(data, england_value, region_values, region, lines)
    axis = value_axis_range(data[s.VALUE], data[lower_col], data[upper_col], [r.value for r in refs], unit)
    x_range = (axis[0], axis[1]) if axis else (0.0, 1.0)
    shapes, annotations, extra_top = reference_lines(refs, unit, x_range)
    _region_markers(traces, data, region_values, region, benchmark, unit)

    versus = versus or common.national_phrase(data, benchmark)  # never a partial "England"
    subtitle = (
        ["no confidence intervals published: colours show quintiles of the areas' values"]
        if by_quintile
        else [f"{ci}% confidence intervals; colours compare with {versus}"]
    )
    if region is not None:
        subtitle.append(f"{data['region_name'].iloc[0] if len(data) else region} only")
    if axis and axis[2]:
        subtitle.append(f"the axis starts at {common.format_value(axis[0], unit)}, not 0")
    if len(missing):
        names = ", ".join(missing[s.AREA_NAME].astype(str).head(4))
        more = f" and {len(missing) - 4} more" if len(missing) > 4 else ""
        subtitle.append(f"no data: {names}{more}")
    period = frame[s.PERIOD].dropna().astype(str).unique()[:1] if s.PERIOD in frame else []
    title = common.indicator_title(meta) + (f", {period[0]}" if len(period) else "")
    layout = common.plain_layout(title, uirevision=f"bars-{sort}-{region}", subtitle="; ".join(subtitle))
    height = max(MIN_HEIGHT_PX, BAR_HEIGHT_PX * len(order) + 170 + extra_top)
    layout["margin"]["t"] = 125 + extra_top
    if unit == "%" and x_range[1] >= 100:  # the "100" tick label sits on the plot's edge: room for it
        layout["margin"]["r"] = max(layout["margin"].get("r", 0), 48)
    # the lines, so a later step (the peer marks) can add one and place every label again
    layout["meta"] = dict(reference_lines=lines_meta(refs), reference_rows_px=extra_top, export_top=extra_top)
    if annotations:
        layout["annotations"] = annotations
    if shapes:
        layout["shapes"] = shapes
    layout.update(
        barmode="overlay",
        bargap=0.25,
        height=height,
        # legend in the top margin, under the title, clear of the benchmark-line labels
        legend=dict(orientation="h", yref="container", yanchor="top", y=1 - 62 / height, x=0, xanchor="left"),
        xaxis=dict(
            title=dict(text=unit or ""),
            zeroline=True,
            range=list(x_range),
            autorange=False,
        ),
        yaxis=dict(
            categoryorder="array",
            categoryarray=order,
            tickvals=order,
            ticktext=ticktext,
            autorange="reversed",
            automargin=True,
            tickfont=dict(size=11),
        ),
    )
    return dict(data=traces, layout=layout)


def _reference_set(
    data: pd.DataFrame,
    england_value: float | None,
    region_values: Mapping[str, float],
    region: str | None,
    lines: Sequence[RefLine],
) -> list[RefLine]:
    """England's line (named as the national comparator really is), the region's line when one
    region is shown, and the caller's lines."""
    refs: list[RefLine] = []
    # what the national comparator really is, where the data layer says (partial coverage)
    national = str(data["benchmark"].iloc[0]) if "benchmark" in data and len(data) else "England"
    if england_value is not None and not common.is_missing(england_value):
        refs.append(RefLine("england", national, float(england_value), pal.ENGLAND_COLOUR))
    region_value = region_values.get(region) if region is not None else None
    if region_value is not None and not common.is_missing(region_value):
        name = str(data["region_name"].iloc[0]) if len(data) else "Region"
        refs.append(RefLine("region", name, float(region_value), pal.REGION_COLOUR, "dash"))
    return refs + [ln for ln in lines if not common.is_missing(ln.value)]


def _region_markers(
    traces: list[dict[str, Any]],
    data: pd.DataFrame,
    region_values: Mapping[str, float],
    region: str | None,
    benchmark: str,
    unit: str | None,
) -> None:
    """With every region shown and benchmark=region: each bar's own region value as a marker."""
    if region is None and benchmark == "region" and region_values:
        values = data["region_code"].map(region_values)
        traces.append(
            dict(
                type="scatter",
                x=values.tolist(),
                y=data["_label"].tolist(),
                mode="markers",
                name="Region value",
                marker=dict(symbol="line-ns-open", size=14, color=pal.REGION_COLOUR, line=dict(width=2)),
                customdata=common.customdata(data),
                hovertext=[
                    f"{r}: {common.format_value(v, unit)}"
                    for r, v in zip(data["region_name"], values, strict=True)
                ],
                hovertemplate="%{hovertext}<extra>Region</extra>",
            )
        )
