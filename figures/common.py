"""Formatting and hover-text helpers shared by the figure builders.

Hover text is built in Python (one string per point) so that every chart shows the same
name / value / CI / count / category lines, and so the map can swap it with a Patch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from data.methods.formatting import (  # noqa: F401  (the one formatter: figures use it from here too)
    decimals_for,
    difference_unit,
    format_ci,
    format_count,
    format_difference,
    format_number,
    format_value,
    is_missing,
    published_name,
)
from data.model import schema as s
from data.queries.areas import area_word
from figures import palette as pal

FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
ECOLOGICAL_NOTE = "Associations between areas are not associations between people (ecological fallacy)."


def benchmark_phrase(benchmark: str) -> str:
    """'England' or 'region' as used in 'Compared with ...'."""
    if benchmark.startswith("peers"):
        return "RightCare similar CCGs" if benchmark == "peers_rightcare" else "similar CCGs"
    return "England" if benchmark == "england" else "region"


def national_phrase(frame: pd.DataFrame | None, benchmark: str) -> str:
    """What a view's values are compared with, in words: the one comparator's label where the
    rows were compared with it (``data.queries.comparator``: "NHS Kernow CCG's 10 similar CCGs",
    "49 of 106 CCGs with data", "NHS South West region", or "each area's NHS region" where the
    areas' regions differ); else ``benchmark_phrase``, with the data layer's name for a partial
    national comparator where the frame carries one in its "benchmark" column."""
    if frame is not None and pal.is_compared(frame) and len(frame):
        scoped = frame[frame["in_scope"].astype(bool)] if "in_scope" in frame else frame
        labels = (scoped if len(scoped) else frame)["comparator_label"].dropna().astype(str).unique()
        if len(labels) == 1:
            return str(labels[0])
        if benchmark == "region":
            return "each area's NHS region"
    if benchmark == "england" and frame is not None and "benchmark" in frame:
        named = frame["benchmark"].dropna()
        if len(named):
            return str(named.iloc[0])
    return peers_phrase(frame, benchmark)


def peers_phrase(frame: pd.DataFrame | None, benchmark: str) -> str:
    """benchmark_phrase, with the peers named for the frame's areas ("similar ICBs", "similar
    sub-ICB locations") where the frame carries a geography other than CCG 2021."""
    if benchmark.startswith("peers") and frame is not None and s.GEOGRAPHY in frame and len(frame):
        geography = str(frame[s.GEOGRAPHY].iloc[0])
        if geography != s.HOME_GEOGRAPHY:
            rightcare = "RightCare " if benchmark == "peers_rightcare" else ""
            return f"{rightcare}similar {area_word(geography, 2)}"
    return benchmark_phrase(benchmark)


def comparison_lines(frame: pd.DataFrame, categories: list, palette: str) -> list[str]:
    """Per row, the hover's comparison line for rows compared with one comparator: "Compared with
    NHS Kernow CCG's 10 similar CCGs (62.6%): ▼ Worse", or why a row is not compared."""
    unit = None
    labels = frame["comparator_label"].tolist()
    values = frame["comparator_value"].tolist()
    why = frame["not_compared_why"].tolist() if "not_compared_why" in frame else [""] * len(frame)
    units = frame["unit"].tolist() if "unit" in frame else [unit] * len(frame)
    out = []
    for label, value, cat, reason, u in zip(labels, values, categories, why, units, strict=True):
        if cat in s.CATEGORIES and cat != s.NOT_COMPARED:
            shown = f" ({format_value(value, u)})" if not is_missing(value) else ""
            out.append(f"Compared with {label}{shown}: {pal.category_label(cat, palette)}")
        else:
            out.append(f"Not compared: {reason}" if reason else s.NOT_COMPARED)
    return out


def hover_texts(
    frame: pd.DataFrame,
    meta: Mapping[str, Any],
    *,
    ci: str,
    benchmark: str,
    palette: str,
    category: pd.Series | None = None,
    extra: pd.Series | None = None,
) -> list[str]:
    """One hover string per row: name, value (unit), CI, count/denominator, category."""
    lower_col, upper_col = pal.ci_columns(ci)
    unit = meta.get("unit")
    if category is None and (pal.is_compared(frame) or pal.category_column(benchmark, ci) in frame):
        category = pal.categories_of(frame, benchmark, ci)
    versus = national_phrase(frame, benchmark)
    unit_of = meta.get("unit")
    per_row = (
        comparison_lines(frame.assign(unit=unit_of), category.tolist(), palette)
        if pal.is_compared(frame) and category is not None
        else None
    )
    # Only the columns read below, as Python lists: row access on a wide pandas frame (Arrow
    # strings) costs far more than the text itself.
    wanted = [s.AREA_NAME, "region_name", s.VALUE, lower_col, upper_col, s.COUNT, s.DENOMINATOR, s.NOTE]
    columns = {c: frame[c].tolist() for c in dict.fromkeys(wanted) if c in frame}
    categories = category.tolist() if category is not None else None
    extras = extra.tolist() if extra is not None else None
    texts = []
    for i in range(len(frame)):
        rec = {c: values[i] for c, values in columns.items()}
        lines = [f"<b>{rec.get(s.AREA_NAME, '')}</b>"]
        region = rec.get("region_name")
        if isinstance(region, str) and region:
            lines[0] += f" <span style='font-size:0.85em'>({region})</span>"
        value_line = format_value(rec.get(s.VALUE), unit)
        ci_text = format_ci(rec.get(lower_col), rec.get(upper_col), ci)
        if ci_text:
            value_line += f" ({ci_text})"
        lines.append(value_line)
        count, denominator = rec.get(s.COUNT), rec.get(s.DENOMINATOR)
        if not is_missing(count):
            count_line = f"Count {format_count(count)}"
            if not is_missing(denominator):
                count_line += f" / {format_count(denominator)}"
            lines.append(count_line)
        if per_row is not None and not is_missing(rec.get(s.VALUE)):
            lines.append(per_row[i])
        elif categories is not None and not is_missing(rec.get(s.VALUE)):
            cat = categories[i]
            label = cat if isinstance(cat, str) and cat else s.NOT_COMPARED
            if label in s.CATEGORIES:
                label = pal.category_label(label, palette)
                lines.append(f"Compared with {versus}: {label}")
            else:
                lines.append(label)
        note = rec.get(s.NOTE)
        if isinstance(note, str) and note:
            lines.append(f"<i>{note}</i>")
        if extras is not None and isinstance(extras[i], str) and extras[i]:
            lines.append(extras[i])
        texts.append("<br>".join(lines))
    return texts


def customdata(frame: pd.DataFrame, *extra_columns: str) -> list[list]:
    """Per-row customdata with area_code first (click handlers read element 0)."""
    cols = [s.AREA_CODE, s.AREA_NAME, *extra_columns]
    present = [c for c in cols if c in frame]
    if not present:
        return [[] for _ in range(len(frame))]
    columns = [[None if is_missing(v) else v for v in frame[c].tolist()] for c in present]
    return [list(row) for row in zip(*columns, strict=True)]


TEMPLATE = "plotly_white"  # every chart's plotly template


def base_layout(title: str, *, uirevision: str, subtitle: str | None = None) -> dict[str, Any]:
    """Layout shared by the charts: white template, readable title, stable uirevision."""
    text = title if not subtitle else f"{title}<br><sup>{subtitle}</sup>"
    return dict(
        template=TEMPLATE,
        title=dict(text=text, x=0.01, xanchor="left", yref="container", y=1, yanchor="top", pad=dict(t=24)),
        font=dict(family=FONT_FAMILY, size=13),
        uirevision=uirevision,
        hoverlabel=dict(align="left"),
        margin=dict(l=10, r=10, t=90 if subtitle else 60, b=40),
    )


def plain_layout(title: str, *, uirevision: str, subtitle: str | None = None) -> dict[str, Any]:
    """``base_layout`` for a plain figure dict: the template resolved (as ``go.Figure`` would;
    plotly.js knows no template names). The template dict is shared: treat it as read-only."""
    from figures.plain import template

    return dict(base_layout(title, uirevision=uirevision, subtitle=subtitle), template=template(TEMPLATE))


def finite(values: pd.Series | np.ndarray) -> np.ndarray:
    """Values as a float array with infinities turned into NaN."""
    arr = np.asarray(values, dtype=float)
    return np.where(np.isfinite(arr), arr, np.nan)


def indicator_title(meta: Mapping[str, Any]) -> str:
    """The indicator's display name with its unit."""
    name = meta.get("name") or meta.get("short_name") or "Indicator"
    unit = meta.get("unit")
    if not unit or unit in ("count", "value") or f"({unit}" in str(name):  # "(%, yearly)" says it already
        return str(name)
    return f"{name} ({unit})"
