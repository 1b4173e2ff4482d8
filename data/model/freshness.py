"""How old a period's data is: period label -> end date -> age, and the "data from" notice.

One rule for every view: data whose period ended more than ``STALE_YEARS`` years
before today carries a visible "data from <period>" notice, so that nobody reads
a 2018 figure as today's.

Period labels in the model come in a few shapes (print the distinct labels of
``model.indicators["period"]`` to see them): months ("2018-07", "Nov 2020",
"November 2020"), years ("2020"), financial years ("2022/23", "2022-23"),
ranges of those ("2014/15-2015/16", "2010-2012"), quarters ("2023 Q4",
"2023/24 Q1"), each optionally prefixed "c." (circa). A label the rule cannot
read falls back to the period's start date when one is given, else ``None``
(age unknown: no notice is invented).
"""

from __future__ import annotations

import calendar
import re
from datetime import date

import pandas as pd

STALE_YEARS = 3

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_name) if name})
_MONTHS["sept"] = 9

_MONTH_NUM = re.compile(r"^(\d{4})-(\d{2})$")  # 2018-07 (month: 01..12)
_MONTH_NAME = re.compile(r"^([A-Za-z]+)\.?\s+(\d{4})$")  # Nov 2020, November 2020
_YEAR = re.compile(r"^(\d{4})$")  # 2020 (calendar year)
_FIN_YEAR = re.compile(r"^(\d{4})(?:\s*/\s*(\d{2}|\d{4})|-(\d{2}))$")  # 2022/23, 2022/2023, 2022-23
_QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$", re.I)  # 2023 Q4 (calendar quarter)
_FIN_QUARTER = re.compile(r"^(\d{4})\s*/\s*(\d{2})\s*Q([1-4])$", re.I)  # 2023/24 Q1 (Apr-Jun 2023)
_RANGE = re.compile(r"^(.+?)\s*(?:-|–|to)\s*(.+)$")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _single_end(label: str) -> date | None:
    """End date of a label that is one period (not a range)."""
    if m := _MONTH_NUM.match(label):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return _month_end(year, month)
    if m := _FIN_YEAR.match(label):
        start, end = int(m[1]), m[2] or m[3]
        follows = int(end) == start + 1 if len(end) == 4 else int(end) == (start + 1) % 100
        return date(start + 1, 3, 31) if follows else None  # NHS financial year: April to March
    if m := _MONTH_NAME.match(label):
        month = _MONTHS.get(m[1].lower())
        return _month_end(int(m[2]), month) if month else None
    if m := _YEAR.match(label):
        return date(int(m[1]), 12, 31)
    if m := _QUARTER.match(label):
        return _month_end(int(m[1]), int(m[2]) * 3)
    if m := _FIN_QUARTER.match(label):
        year, quarter = int(m[1]), int(m[3])
        month = 3 + quarter * 3  # Q1 ends June, Q4 ends March of the next year
        return _month_end(year + (month > 12), (month - 1) % 12 + 1)
    return None


def period_end(label: str | None, start: date | pd.Timestamp | None = None) -> date | None:
    """The last day a period label covers (None if the label cannot be read and no start is given)."""
    text = re.sub(r"^(c\.|circa|approx\.?)\s*", "", str(label or "").strip(), flags=re.I).strip()
    if text:
        end = _single_end(text)
        if end is not None:
            return end
        if m := _RANGE.match(text):
            last = _single_end(m[2].strip())
            if last is not None:
                return last
    if start is not None and not pd.isna(start):
        return pd.Timestamp(start).date()
    return None


def age_in_years(end: date | None, today: date | None = None) -> float | None:
    """Years from a period's end to today (negative for a period not yet over)."""
    if end is None:
        return None
    today = today or date.today()
    return (today - end).days / 365.25


def is_stale(label: str | None, today: date | None = None, start=None) -> bool:
    """True when the period ended more than STALE_YEARS years before today."""
    age = age_in_years(period_end(label, start), today)
    return age is not None and age > STALE_YEARS


def describe_age(end: date | None, today: date | None = None) -> str:
    """Plain words for a period's age: "ended Mar 2019, 7 years 8 months ago" (whole calendar
    months; the months said, so that a period just over the three-year line never reads as
    "3 years ago" beside "more than 3 years old")."""
    if end is None:
        return "age unknown"
    today = today or date.today()
    when = end.strftime("%b %Y")
    months = (today.year - end.year) * 12 + today.month - end.month - (today.day < end.day)
    if today < end:
        return f"runs to {when}"
    if months < 12:
        return f"ended {when}, {months} month{'s' if months != 1 else ''} ago"
    years, rest = divmod(months, 12)
    text = f"{years} year{'s' if years != 1 else ''}" + (
        f" {rest} month{'s' if rest != 1 else ''}" if rest else ""
    )
    return f"ended {when}, {text} ago"


def data_age_notice(label: str | None, today: date | None = None, start=None) -> str | None:
    """The "data from <period>" notice for an old period, or None when the data is recent."""
    end = period_end(label, start)
    if not is_stale(label, today, start):
        return None
    return f"Data from {label} ({describe_age(end, today)}): more than {STALE_YEARS} years old, not today's figures."
