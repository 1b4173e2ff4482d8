"""One sentence per chart: what it shows, for which areas and period, and the notable finding.

The text alternative of a chart (WCAG 2.2 AA, 1.1.1): shown under the chart and linked to it
with aria-describedby. Each function takes the frame the chart's builder draws, so the sentence
and the picture come from the same data. Plain strings: no plotly, no dash.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from data.model import schema as s
from figures import common
from figures import palette as pal

# Category words as a sentence uses them, in the order they are counted.
_COUNTED = (
    (s.WORSE, "significantly worse than {versus}"),
    (s.BETTER, "significantly better"),
    (s.LOWER, "significantly lower than {versus}"),
    (s.HIGHER, "significantly higher"),
    (s.SIMILAR, "similar"),
)


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 area', '3 areas' (``many`` for irregular plurals)."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def _name(meta: Mapping[str, Any]) -> str:
    return str(meta.get("short_name") or meta.get("name") or meta.get("indicator_id") or "the indicator")


def category_counts(categories: pd.Series) -> dict[str, int]:
    """How many of each benchmark category (unknown or missing labels count as not compared)."""
    counts = pal.clean_categories(categories).value_counts()
    return {c: int(counts.get(c, 0)) for c in s.CATEGORIES}


def counts_phrase(counts: Mapping[str, int], versus: str) -> str:
    """'26 significantly worse than England, 30 significantly better, 50 similar' (zeros left out,
    worse first: the finding a commissioner looks for)."""
    parts = []
    named = False
    for category, words in _COUNTED:
        n = counts.get(category, 0)
        if not n:
            continue
        text = words.format(versus=versus)
        if "{versus}" in words:
            named = True
        elif not named and category in (s.BETTER, s.HIGHER):
            text += f" than {versus}"
            named = True
        parts.append(f"{n:,} {text}")
    if not parts:
        return f"none compared with {versus}"
    return ", ".join(parts)


def _value(value: Any, unit: str | None) -> str:
    return common.format_value(value, unit)


def _extremes(frame: pd.DataFrame, unit: str | None) -> str:
    """'highest NHS X CCG (72.1%), lowest NHS Y CCG (55.0%)' among the areas with a value."""
    have = frame[pd.to_numeric(frame[s.VALUE], errors="coerce").notna()]
    if len(have) < 2:
        return ""
    values = pd.to_numeric(have[s.VALUE])
    top, bottom = have.loc[values.idxmax()], have.loc[values.idxmin()]
    return (
        f"highest {top[s.AREA_NAME]} ({_value(top[s.VALUE], unit)}), "
        f"lowest {bottom[s.AREA_NAME]} ({_value(bottom[s.VALUE], unit)})"
    )


def _one_per_area(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop_duplicates(s.AREA_CODE) if s.AREA_CODE in frame else frame


def _focus_phrase(
    frame: pd.DataFrame, code: str | None, name: str, unit: str | None, cat_col: str | None, versus: str
) -> str:
    """'NHS Kernow CCG 62.1%, significantly worse than England' (or 'has no value')."""
    if not code:
        return ""
    rows = frame[frame[s.AREA_CODE] == code]
    if rows.empty or common.is_missing(rows[s.VALUE].iloc[0]):
        return f"{name} has no value"
    text = f"{name} {_value(rows[s.VALUE].iloc[0], unit)}"
    category = rows[cat_col].iloc[0] if cat_col and cat_col in rows else None
    if category in (s.BETTER, s.WORSE, s.HIGHER, s.LOWER):
        text += f", significantly {str(category).lower()} than {versus}"
    elif category == s.SIMILAR:
        text += f", similar to {versus}"
    return text


def map_summary(
    frame: pd.DataFrame,
    meta: Mapping[str, Any],
    *,
    period: str,
    geography: str,
    n_areas: int,
    colour: str = "category",
    benchmark: str = "england",
    ci: str = "95",
    focus: str | None = None,
    focus_name: str = "",
) -> str:
    """The map in one sentence: how many areas have a value, the categories, the extremes, the focus."""
    frame = _one_per_area(frame)
    unit = meta.get("unit")
    have = int(pd.to_numeric(frame[s.VALUE], errors="coerce").notna().sum())
    versus = common.national_phrase(frame, benchmark)
    cat_col = "category" if pal.is_compared(frame) else pal.category_column(benchmark, ci)
    head = f"Map of {_name(meta)}, {period}: {have:,} of {plural(n_areas, geography + ' area')} have a value"
    parts = [head]
    if colour == "category" and str(meta.get("ci_method", "")).strip().lower() != "none":
        parts.append(counts_phrase(category_counts(frame[cat_col]), versus) + f" ({ci}% CI)")
    else:
        parts.append("coloured by quintile" if colour != "value" else "coloured by value")
    extremes = _extremes(frame, unit)
    if extremes:
        parts.append(extremes)
    sentence = "; ".join(parts)
    focus_text = _focus_phrase(frame, focus, focus_name, unit, cat_col, versus)
    return sentence + (f"; {focus_text}." if focus_text else ".")


def compare_summary(
    frame: pd.DataFrame,
    meta: Mapping[str, Any],
    *,
    period: str,
    geography: str,
    benchmark: str = "england",
    ci: str = "95",
    focus: str | None = None,
    focus_name: str = "",
) -> str:
    """The ranked bars in one sentence: how many, top and bottom, the categories, the focus area's rank."""
    frame = _one_per_area(frame)
    unit = meta.get("unit")
    values = pd.to_numeric(frame[s.VALUE], errors="coerce")
    have = frame[values.notna()].assign(_v=values[values.notna()])
    versus = common.national_phrase(frame, benchmark)
    cat_col = "category" if pal.is_compared(frame) else pal.category_column(benchmark, ci)
    parts = [f"Bar chart of {_name(meta)}, {period}, for {plural(len(have), geography + ' area')}"]
    if str(meta.get("ci_method", "")).strip().lower() != "none" and cat_col in frame:
        parts.append(counts_phrase(category_counts(have[cat_col]), versus))
    extremes = _extremes(frame, unit)
    if extremes:
        parts.append(extremes)
    text = "; ".join(parts)
    if focus and focus in set(have[s.AREA_CODE]):
        ranked = have.sort_values("_v", ascending=False).reset_index(drop=True)
        position = int(ranked.index[ranked[s.AREA_CODE] == focus][0]) + 1
        text += (
            f"; {_focus_phrase(frame, focus, focus_name, unit, cat_col, versus)} "
            f"({_ordinal(position)} highest of {len(have):,})"
        )
    elif focus:
        text += f"; {focus_name} has no value"
    return text + "."


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def spine_summary(
    rows: pd.DataFrame,
    areas: Sequence[str],
    area_names: Mapping[str, str],
    *,
    kind: str = "outcome",
    benchmark: str = "england",
    versus: str | None = None,
) -> str:
    """'NHS Kernow CCG is significantly worse than England on 4 of 31 outcome indicators, ...'
    (``versus``: what the rows were compared with, when not the benchmark's plain name)."""
    if not len(areas):
        return f"Spine chart of {kind} indicators: no area chosen yet, so nothing is drawn."
    focus = areas[0]
    name = area_names.get(focus, focus)
    mine = rows[(rows[s.AREA_CODE] == focus) & pd.to_numeric(rows[s.VALUE], errors="coerce").notna()]
    mine = mine.drop_duplicates("indicator_id")
    n = len(mine)
    if not n:
        return f"Spine chart of {kind} indicators: {name} has no value for any of them."
    national = mine["benchmark"].dropna().astype(str) if "benchmark" in mine else pd.Series(dtype=str)
    versus = versus or common.peers_phrase(rows, benchmark)
    n_partial = int((national != "England").sum()) if versus == "England" else 0
    counts = category_counts(mine["category"])
    worse, better = counts[s.WORSE], counts[s.BETTER]
    text = (
        f"Spine chart, latest period of each: {name} is significantly worse than {versus} on {worse} of "
        f"{plural(n, kind + ' indicator')} and significantly better on {better}"
    )
    rest = [
        f"{counts[s.SIMILAR]} similar" if counts[s.SIMILAR] else "",
        f"{counts[s.HIGHER] + counts[s.LOWER]} higher or lower with no better or worse"
        if counts[s.HIGHER] + counts[s.LOWER]
        else "",
        f"{counts[s.NOT_COMPARED]} not compared" if counts[s.NOT_COMPARED] else "",
    ]
    rest = [r for r in rest if r]
    if rest:
        text += f" ({', '.join(rest)})"
    if n_partial:
        text += (
            f"; for {n_partial} of them the comparator is the areas with data, not all of England (marked)"
        )
    if len(areas) > 1:
        others = [area_names.get(a, a) for a in areas[1:]]
        text += f"; also shown: {', '.join(others)}"
    return text + "."


def overview_summary(
    grid: pd.DataFrame,
    *,
    kind: str = "outcome",
    benchmark: str = "england",
    focus: str | None = None,
    focus_name: str = "",
    versus: str | None = None,
) -> str:
    """The areas-by-indicators grid in one sentence: its size, the share worse, the areas worse most often."""
    have = grid[pd.to_numeric(grid[s.VALUE], errors="coerce").notna()]
    n_ind = int(grid["indicator_id"].nunique())
    n_areas = int(grid[s.AREA_CODE].nunique())
    if not len(have):
        return f"Grid of {plural(n_ind, kind + ' indicator')}: no values."
    versus = versus or common.peers_phrase(grid, benchmark)
    counts = category_counts(have["category"])
    text = (
        f"Grid of {plural(n_ind, kind + ' indicator')} by {plural(n_areas, 'area')}, latest period of each: "
        f"{counts[s.WORSE]:,} of {len(have):,} values significantly worse than {versus} and "
        f"{counts[s.BETTER]:,} significantly better"
    )
    worse = have[have["category"] == s.WORSE].groupby(s.AREA_NAME)["indicator_id"].nunique()
    if len(worse):
        most = int(worse.max())
        leaders = sorted(worse[worse == most].index.astype(str))
        who = leaders[0] if len(leaders) == 1 else f"{leaders[0]} and {len(leaders) - 1} more"
        text += f"; most often worse: {who} ({most} of {n_ind})"
    if focus:
        mine = have[have[s.AREA_CODE] == focus].drop_duplicates("indicator_id")
        c = category_counts(mine["category"])
        text += (
            f"; {focus_name}: worse on {c[s.WORSE]} and better on {c[s.BETTER]} of the "
            f"{len(mine)} with a value"
        )
    return text + "."


def trends_summary(
    series: pd.DataFrame,
    meta: Mapping[str, Any],
    *,
    areas: Sequence[str],
    area_names: Mapping[str, str],
    england: pd.DataFrame | None = None,
    trend_labels: Mapping[str, str] | None = None,
) -> str:
    """'Hypertension prevalence over time: NHS Kernow CCG from 14.0% (2012/13) to 16.1% (2022/23), recent trend
    increasing; England from ... to ...'."""
    unit = meta.get("unit")
    labels = trend_labels or {}
    parts = []

    def course(rows: pd.DataFrame) -> str:
        rows = rows[[s.VALUE, s.PERIOD]]  # only the columns read (a whole Arrow-backed row is slow)
        rows = rows[pd.to_numeric(rows[s.VALUE], errors="coerce").notna()]
        if rows.empty:
            return "no values"
        first, last = rows.iloc[0], rows.iloc[-1]
        if len(rows) == 1:
            return f"{_value(last[s.VALUE], unit)} ({last[s.PERIOD]}) only"
        return (
            f"from {_value(first[s.VALUE], unit)} ({first[s.PERIOD]}) to "
            f"{_value(last[s.VALUE], unit)} ({last[s.PERIOD]})"
        )

    for code in areas:
        text = f"{area_names.get(code, code)} {course(series[series[s.AREA_CODE] == code])}"
        label = labels.get(code)
        if label:
            text += f", recent trend: {str(label).lower()}"
        parts.append(text)
    if england is not None and len(england):
        parts.append(f"England {course(england)}")
    if not parts:
        return f"Line chart of {_name(meta)} over time: no area chosen and no England series."
    return f"Line chart of {_name(meta)} over time: " + "; ".join(parts) + "."


def explorer_summary(
    df: pd.DataFrame,
    *,
    x_name: str,
    y_name: str,
    r2: float,
    rho: float,
    geography: str,
    selected: Sequence[str] = (),
    area_names: Mapping[str, str] | None = None,
) -> str:
    """The scatter in one sentence: n, the association's strength and the share explained."""
    from figures.scatter import rho_in_words, share_in_words

    n = len(df)
    text = f"Scatter plot of {y_name} (y) against {x_name} (x) for {plural(n, geography + ' area')}"
    if n < 3 or not np.isfinite(r2):
        return text + ": too few areas with both values to fit a line."
    words = rho_in_words(rho)
    association = "no consistent association" if words == "no" else f"{words} association"
    text += (
        f": {association} (Spearman ρ = {rho:.2f}); a straight line explains {share_in_words(r2)} "
        f"of the variation (R² = {r2:.2f})"
    )
    names = area_names or {}
    shown = [names.get(c, c) for c in selected if c in set(df.get(s.AREA_CODE, pd.Series(dtype=str)))]
    if shown:
        text += f"; highlighted: {', '.join(shown)}"
    return text + "."


FUNNEL_WORDS = {
    "above 99.8%": "above the upper 99.8% limit",
    "above 95%": "between the upper 95% and 99.8% limits",
    "below 95%": "between the lower 95% and 99.8% limits",
    "below 99.8%": "below the lower 99.8% limit",
}


def funnel_summary(
    rows: pd.DataFrame,
    meta: Mapping[str, Any],
    *,
    period: str,
    geography: str,
    focus: str | None = None,
    focus_name: str = "",
) -> str:
    """'Funnel plot of X, 2022/23, 106 areas: 8 inside the limits, 67 above the upper 99.8% limit, ...'."""
    counts = rows["funnel_category"].value_counts()
    n = len(rows)
    parts = [f"{int(counts.get('inside', 0)):,} inside the 95% limits"]
    for key, words in FUNNEL_WORDS.items():
        if counts.get(key, 0):
            parts.append(f"{int(counts[key]):,} {words}")
    text = f"Funnel plot of {_name(meta)}, {period}, for {plural(n, geography + ' area')}: " + ", ".join(
        parts
    )
    if focus:
        mine = rows[rows[s.AREA_CODE] == focus]
        if len(mine):
            where = FUNNEL_WORDS.get(str(mine["funnel_category"].iloc[0]), "inside the 95% limits")
            text += f"; {focus_name} is {where}"
        else:
            text += f"; {focus_name} is not on it (no count or denominator)"
    return text + "."


def practices_summary(
    rows: pd.DataFrame, meta: Mapping[str, Any], *, ccg_name: str, england: float | None, compared: bool
) -> str:
    """'55 GP practices of NHS Kernow CCG on Hypertension prevalence: 45 significantly higher than England, ...'."""
    unit = meta.get("unit")
    have = rows[pd.to_numeric(rows[s.VALUE], errors="coerce").notna()]
    text = f"GP practices of {ccg_name} on {_name(meta)}: {plural(len(have), 'practice')} with a value"
    if compared and "category" in have:
        text += "; " + counts_phrase(category_counts(have["category"]), "England")
    if len(have) >= 2:
        values = pd.to_numeric(have[s.VALUE])
        top, bottom = have.loc[values.idxmax()], have.loc[values.idxmin()]
        text += (
            f"; highest {top['practice_name']} ({_value(top[s.VALUE], unit)}), "
            f"lowest {bottom['practice_name']} ({_value(bottom[s.VALUE], unit)})"
        )
    if england is not None and not common.is_missing(england):
        text += f"; England {_value(england, unit)}"
    return text + "."


def icb_groups_summary(row: pd.Series, groups: Sequence[str], meta: Mapping[str, Any]) -> str:
    """'X for NHS Y ICB by practice deprivation: 74.5 (least deprived) to 89.4 (most deprived); gap 14.9'."""
    unit = meta.get("unit")
    values = [
        f"group {g}: {common.format_value(row[g], unit)}" for g in groups if not common.is_missing(row.get(g))
    ]
    text = f"{meta['name']} in {row['icb_name']} by practice deprivation group: " + ", ".join(values)
    if not common.is_missing(row.get("england")):
        text += f"; England {common.format_value(row['england'], unit)}"
    if not common.is_missing(row.get("gap")):
        text += f"; gap (most minus least deprived) {common.format_difference(row['gap'], unit)}"
    return text + "."


def icb_ranking_summary(table: pd.DataFrame, meta: Mapping[str, Any], *, highlight: str | None = None) -> str:
    """'Every ICB (42) ranked by the descriptive slope: steepest NHS X (23.4), least NHS Y (-3.0); ...'."""
    have = table[pd.to_numeric(table["slope"], errors="coerce").notna()]
    text = (
        f"Dot chart of {meta['name']} in {plural(len(have), 'ICB')} by practice deprivation group, "
        "ranked by the descriptive slope"
    )
    if len(have) >= 2:
        slopes = pd.to_numeric(have["slope"])
        top, bottom = have.loc[slopes.idxmax()], have.loc[slopes.idxmin()]
        text += (
            f" from {top['icb_name']} ({common.format_number(top['slope'])}) to "
            f"{bottom['icb_name']} ({common.format_number(bottom['slope'])})"
        )
        rising = int((slopes > 0).sum())
        text += f"; {rising} of {len(have)} have higher values towards the most deprived practices"
    if highlight:
        mine = have[have["icb22_code"] == highlight]
        if len(mine):
            rank = int((pd.to_numeric(have["slope"]) > float(mine["slope"].iloc[0])).sum()) + 1
            text += f"; {mine['icb_name'].iloc[0]} is {_ordinal(rank)} of {len(have)}"
    return text + "."


def map_area_rows(
    areas: pd.DataFrame,
    frame: pd.DataFrame,
    meta: Mapping[str, Any],
    *,
    colour: str = "category",
    benchmark: str = "england",
    ci: str = "95",
    selected: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """The map's areas as a list (its keyboard and screen-reader alternative): one dict per area of
    ``areas`` (code, name), by name, with the value, the class the map colours it by and whether
    it is selected."""
    unit = meta.get("unit")
    rows = frame.drop_duplicates(s.AREA_CODE).set_index(s.AREA_CODE)
    cat_col = "category" if pal.is_compared(frame) else pal.category_column(benchmark, ci)
    polarity = str(meta.get("polarity", s.POLARITY_NONE))
    chosen = set(selected)
    out = []
    for code, name in sorted(zip(areas[s.AREA_CODE], areas[s.AREA_NAME]), key=lambda p: str(p[1])):
        rec = rows.loc[code] if code in rows.index else None
        value = None if rec is None or common.is_missing(rec[s.VALUE]) else rec[s.VALUE]
        if value is None:
            label = pal.NO_DATA
        elif colour == "category" and isinstance(rec.get(cat_col), str) and rec[cat_col] in s.CATEGORIES:
            label = f"{pal.CATEGORY_GLYPHS[rec[cat_col]]} {rec[cat_col]}"
        elif colour == "quintile":
            label = pal.quintile_name(pd.to_numeric(rec.get(s.QUINTILE), errors="coerce"), polarity)
        else:
            label = ""
        out.append(
            {
                "code": str(code),
                "name": str(name),
                "value": "no value" if value is None else _value(value, unit),
                "class": label,
                "selected": code in chosen,
            }
        )
    return out


def gradient_summary_sentence(table: pd.DataFrame, *, focus_name: str = "") -> str:
    """The ranked ACSC deprivation gradient in one sentence: how many CCGs, how many with a 95%
    interval above zero, the steepest and shallowest, and the focus area's CCG 2015/16 areas' ranks."""
    have = table[pd.to_numeric(table[s.VALUE], errors="coerce").notna()]
    period = str(table[s.PERIOD].iloc[0]) if len(table) else ""
    text = (
        f"Ranked chart of the deprivation gradient in unplanned admissions for chronic ACSC within each of "
        f"{plural(len(have), 'CCG')} (2015/16 boundaries, {period}): "
        f"{int((pd.to_numeric(have[s.LOWER95], errors='coerce') > 0).sum())} have a 95% interval above zero"
    )
    if len(have) >= 2:
        top, bottom = have.iloc[0], have.iloc[-1]  # the table is ranked steepest first
        text += (
            f"; steepest {top[s.AREA_NAME]} ({common.format_number(top[s.VALUE])}), "
            f"shallowest {bottom[s.AREA_NAME]} ({common.format_number(bottom[s.VALUE])})"
        )
    if focus_name and "role" in table:
        mine = table[table["role"] == "focus"]
        if len(mine):
            ranks = ", ".join(f"{r[s.AREA_NAME]} {_ordinal(int(r['rank']))}" for _, r in mine.iterrows())
            text += f"; {focus_name}'s CCG 2015/16 areas: {ranks} of {len(have)}"
    return text + "."
