"""A board pack's key messages, its cover summary and its questions for the board: one table.

Made from the early-warning list (``data.queries.alerts.alert_table``, with the pack's comparator
for each area, the indicators in no warning group kept), so the key messages, the early-warning
section and the /alerts page tell the same story. The order (issue 18):

1. worse and getting worse (any indicator; context indicators marked "context");
2. worse now, the trend cannot be assessed, with why (too few points, a series break);
3. worse, not getting worse;
4. better.

Within each, the early-warning list's own order (worse at 99.8% first, then the strength of the
trend). Data whose period ended more than ``STALE_YEARS`` years ago comes after all current data,
in the same order, marked as history. Each row carries the value and its unit, the benchmark (named
as it is) and its value, the gap in the unit, the period and the data's age; the sentences, the
cover's three lines and the questions are made from these rows only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from data.methods.formatting import format_value
from data.model import schema as s
from data.model.core import Model
from data.model.freshness import STALE_YEARS, age_in_years, describe_age, period_end
from data.queries.alerts import CANNOT, alert_table
from data.queries.comparator import Comparator

MESSAGES = ("red-red", "worse now", "worse", "better")
TABLE_WORDS = {  # the message in a table cell (the trend column says why)
    "red-red": "Worse, getting worse",
    "worse now": "Worse now",
    "worse": "Worse",
    "better": "Better",
}
MESSAGE_WORDS = {
    "red-red": "Worse and getting worse",
    "worse now": "Worse now; trend cannot be assessed",
    "worse": "Worse, not getting worse",
    "better": "Better",
}
HISTORY = "History"
COLUMNS = [
    "message",
    "history",
    s.INDICATOR_ID,
    "short_name",
    "context",
    s.AREA_CODE,
    s.AREA_NAME,
    s.PERIOD,
    s.VALUE,
    "unit",
    "comparator_label",
    "comparator_value",
    "gap_text",
    "category",
    "trend",
    "trend_words",
    "reason",
    "age_years",
    "age_text",
]


def period_age(
    model: Model, indicator_id: str, period: str, today: date | None = None
) -> tuple[float | None, str]:
    """(years since the period ended, plain words): the period's label read by
    ``data.model.freshness``, its start date where the label cannot be read."""
    end = period_end(period)
    if end is None:
        rows = model.indicators[
            (model.indicators[s.INDICATOR_ID] == indicator_id) & (model.indicators[s.PERIOD] == period)
        ]
        start = rows[s.PERIOD_START].iloc[0] if len(rows) else None
        end = period_end(period, start)
    return age_in_years(end, today), describe_age(end, today)


def key_messages(
    model: Model,
    areas: Sequence[str],
    names: Mapping[str, str],
    comparators: Mapping[str, Comparator],
    geography: str = s.HOME_GEOGRAPHY,
) -> pd.DataFrame:
    """Every key message of the areas, in the pack's order (see the module docstring)."""
    frames = []
    for area in areas:
        table = alert_table(
            model, areas=[area], comparator=comparators[area], geography=geography, keep_all=True
        )
        warned = table["group"].isin(MESSAGES[:3])
        better = ~warned & table["category"].eq(s.BETTER)
        table = table.assign(message=np.where(warned, table["group"], "better"))
        frames.append(table[(warned | better).to_numpy()])
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    ages = [period_age(model, i, p) for i, p in zip(rows[s.INDICATOR_ID], rows[s.PERIOD], strict=True)]
    rows = rows.assign(
        age_years=[a for a, _ in ages],
        age_text=[t for _, t in ages],
        context=rows["domain"].astype(str).eq("context"),
        **{s.AREA_NAME: rows[s.AREA_CODE].map(names).fillna(rows[s.AREA_NAME])},
    )
    rows["history"] = rows["age_years"].fillna(0).astype(float) > STALE_YEARS
    rows = rows.assign(
        _h=rows["history"].astype(int),
        _m=rows["message"].map({m: i for i, m in enumerate(MESSAGES)}),
        _o=np.arange(len(rows)),  # the early-warning list's own order within a group
    )
    rows = rows.sort_values(["_h", "_m", "_o"], kind="stable")
    return rows[COLUMNS].reset_index(drop=True)


# --- words ----------------------------------------------------------------------------------


def indicator_text(row) -> str:
    """The indicator's name, marked when it is a context indicator (not an outcome)."""
    return f"{row.short_name} (context)" if row.context else str(row.short_name)


def value_text(row) -> str:
    return format_value(row.value, row.unit)


def benchmark_text(row, main: str = "") -> str:
    """The benchmark's value with its unit, and its name where it is not the pack's ``main`` one."""
    value = format_value(row.comparator_value, row.unit)
    label = str(row.comparator_label)
    return value if label == main else f"{value} ({label})"


BREAK_NOTE = re.compile(r"(series break in \S+) \(.*?\)")


def short_reason(row) -> str:
    """Why a trend cannot be assessed, without a series break's long explanation."""
    return BREAK_NOTE.sub(r"\1", str(row.reason or "no trend"))


POINTS = re.compile(r"^(\d+) (?:valid|comparable) points? \((\d+) needed\)$")
BREAK_POINTS = re.compile(r"^series break in (\S+): (\d+) comparable points? \((\d+) needed\)$")


def trend_cell(reason: str) -> str:
    """Why a trend cannot be assessed, in a table cell: 'no trend: 1 of 5 points', 'no trend:
    series break 2021/22, 2 of 5 points' (the long reason is in the sentences and on /alerts)."""
    text = BREAK_NOTE.sub(r"\1", str(reason or ""))
    if found := BREAK_POINTS.match(text):
        return f"No trend: series break {found[1]}, {found[2]} of {found[3]} points"
    if found := POINTS.match(text):
        return f"No trend: {found[1]} of {found[2]} points"
    return f"No trend: {text}" if text else "No trend"


def trend_text(row) -> str:
    """The recent trend in a table cell: its label, or why it cannot be assessed (short)."""
    if row.trend == CANNOT or not isinstance(row.trend, str):
        return trend_cell(row.reason)
    return str(row.trend)


def message_text(row) -> str:
    words = TABLE_WORDS[row.message]
    return f"{HISTORY}: {words[0].lower()}{words[1:]}" if row.history else words


def age_cell(row) -> str:
    """The data's age in a table cell ('3 years 8 months'): the period is in its own column."""
    return str(row.age_text).split(", ", 1)[-1].removesuffix(" ago")


def display_table(messages: pd.DataFrame, *, several_areas: bool, main: str) -> pd.DataFrame:
    """The key messages as a table a page prints: every value with its unit, the benchmark's value
    (named where it is not ``main``), the gap in the unit, period, data age and trend."""
    rows = list(messages.itertuples(index=False))
    table = pd.DataFrame(
        {
            "Message": [message_text(r) for r in rows],
            "Indicator": [indicator_text(r) for r in rows],
            "Area": [str(r.area_name) for r in rows],
            "Value": [value_text(r) for r in rows],
            "Benchmark": [benchmark_text(r, main) for r in rows],
            "Gap": [str(r.gap_text) for r in rows],
            "Period": [str(r.period) for r in rows],
            "Data age": [age_cell(r) for r in rows],
            "Recent trend": [trend_text(r) for r in rows],
        }
    )
    return table if several_areas else table.drop(columns="Area")


def sentence(row) -> str:
    """One key message in words, from its row: 'GP appointments not attended (%) (context): NHS
    North Central London CCG is significantly worse than 49 of 106 CCGs with data (5.35% against
    4.03%, +1.32 percentage points; 2021-08, ended Aug 2021, 5 years ago: history) and getting worse.'"""
    side = "better" if row.message == "better" else "worse"
    when = f"{row.period}, {row.age_text}" + (": history" if row.history else "")
    facts = (
        f"{value_text(row)} against {format_value(row.comparator_value, row.unit)}, {row.gap_text}; {when}"
    )
    moving = {
        "red-red": " and getting worse",
        "worse now": f"; its trend cannot be assessed ({short_reason(row)})",
        "worse": ", not getting worse",
    }.get(row.message, "")
    return (
        f"{indicator_text(row)}: {row.area_name} is significantly {side} than {row.comparator_label} "
        f"({facts}){moving}."
    )


def lead_order(messages: pd.DataFrame) -> pd.DataFrame:
    """The messages warnings first (worse and getting worse, then worse now, then worse; current
    data before history within each), then the better ones (current first): the order a page's
    sentences and the pack's indicator pages follow."""
    order = messages.assign(_m=messages["message"].map({m: i for i, m in enumerate(MESSAGES)}))
    return order.sort_values(["_m", "history"], kind="stable").drop(columns="_m")


def lead_sentences(messages: pd.DataFrame, most: int = 6) -> list[str]:
    """The sentences a key-messages page leads with (``lead_order``), up to ``most`` in all, never
    leaving out a worse-and-getting-worse row."""
    red = int((messages["message"] == "red-red").sum())
    return [sentence(r) for r in lead_order(messages).head(max(most, red)).itertuples(index=False)]


def _names(rows: pd.DataFrame, most: int = 3) -> str:
    names = list(dict.fromkeys(indicator_text(r) for r in rows.itertuples(index=False)))
    shown = "; ".join(names[:most])
    return shown + (f"; and {len(names) - most} more" if len(names) > most else "")


def summary_lines(messages: pd.DataFrame) -> list[str]:
    """The cover's three lines, counted from the key messages: worse and getting worse; worse now
    or worse; better and how many are history."""
    counts = {m: messages[messages["message"] == m] for m in MESSAGES}
    red, now, worse, better = (counts[m] for m in MESSAGES)
    first = f"Worse than the benchmark and getting worse: {len(red)}" + (
        f" ({_names(red)})." if len(red) else "."
    )
    second = (
        f"Worse now, trend cannot be assessed: {len(now)}"
        + (f" ({_names(now)})" if len(now) else "")
        + f"; worse, not getting worse: {len(worse)}"
        + (f" ({_names(worse)})." if len(worse) else ".")
    )
    history = int(messages["history"].sum())
    third = f"Better than the benchmark: {len(better)}. " + (
        f"{history} of these {len(messages)} messages rest on data more than {STALE_YEARS} years old "
        "(shown as history, after the current data)."
        if history
        else f"All {len(messages)} rest on data from the last {STALE_YEARS} years."
    )
    return [first, second, third]


ASK_RECENT = " Is there more recent local data, and does it tell the same story?"
ASK_WHY = " what explains it, and when will the action taken show in the data?"
ASK_LOCAL = " what does more recent local data show?"
ASK_ACTION = " what is being done, and is it working?"


def questions(messages: pd.DataFrame, most: int = 8) -> list[str]:
    """Questions for the board, one per warning (current data first), from the same rows."""
    out: list[str] = []
    seen: set[tuple[str, str]] = set()
    for r in messages[messages["message"] != "better"].itertuples(index=False):
        key = (r.indicator_id, r.area_code)
        if key in seen:
            continue
        seen.add(key)
        who = f" for {r.area_name}" if messages[s.AREA_CODE].nunique() > 1 else ""
        if r.history:
            out.append(
                f"{indicator_text(r)}{who}: the latest published figure is from {r.period} ({r.age_text})."
                + ASK_RECENT
            )
            continue
        against = f"{value_text(r)} against {format_value(r.comparator_value, r.unit)} ({r.gap_text})"
        if r.message == "red-red":
            out.append(
                f"{indicator_text(r)}{who} is worse than {r.comparator_label} and getting worse ({against}, "
                f"{r.period}):" + ASK_WHY
            )
        elif r.message == "worse now":
            out.append(
                f"{indicator_text(r)}{who} is worse than {r.comparator_label} ({against}, {r.period}) and its "
                f"trend cannot be assessed ({short_reason(r)}):" + ASK_LOCAL
            )
        else:
            out.append(
                f"{indicator_text(r)}{who} is worse than {r.comparator_label} ({against}, {r.period}):"
                + ASK_ACTION
            )
        if len(out) >= most:
            break
    return out
