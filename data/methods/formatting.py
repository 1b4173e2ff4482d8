"""How numbers and names are written for people: one formatter for every page, export and pack.

Pure functions of plain values (no pandas frames, no model), so that every layer can use them:
the figure builders, the queries that word a comparator or an alert, the reports.

* ``format_value(v, unit)``: a value with its unit ("61.8%", "95.4 per 100,000", "£160.52");
* ``format_count(n)``: a count as an integer ("1,234"); a count that is not whole (apportioned
  between areas, or a modelled estimate) with one decimal, marked when the caller says why
  (``fraction_note="apportioned"``: "218.5 (apportioned)");
* ``format_difference(d, unit)``: a gap in the indicator's unit: percentage points for
  percentages ("+3.9 percentage points"), never "%" (a difference of percentages is not a
  percentage);
* ``published_name(name)``: a name as its publisher writes it, repairing the title-casing some
  source files carry ("St Mary'S Surgery", "Cornwall and The Isles Of Scilly"); never
  ``str.title()``.
"""

from __future__ import annotations

import math
import re
from typing import Any

MISSING = "–"
NO_DATA = "no data"
PERCENT = "%"
POUNDS = "£"
PLAIN_UNITS = ("", "count", "value", "as published")
APPORTIONED = "apportioned"


def is_missing(value: Any) -> bool:
    """True for None, NaN and pandas NA (a string is not missing)."""
    if value is None or type(value).__name__ == "NAType":
        return True
    try:
        return bool(math.isnan(value))
    except (TypeError, ValueError):
        return False


def decimals_for(value: float) -> int:
    """Decimal places that keep about three significant figures without spurious precision."""
    magnitude = abs(value)
    if magnitude >= 1000:
        return 0
    if magnitude >= 10:
        return 1
    return 2


def format_number(value: Any, decimals: int | None = None) -> str:
    """A value with thousands separators, or an en dash when missing."""
    if is_missing(value):
        return MISSING
    value = float(value)
    places = decimals_for(value) if decimals is None else decimals
    text = f"{value:,.{places}f}"
    return text.lstrip("-") if text.lstrip("-").strip("0.,") == "" else text  # never "-0.0"


def with_unit(text: str, unit: str | None) -> str:
    """A number already written (``format_number``) with its unit ('12.3%', '£4.10', '95.4 per 100,000')."""
    unit = (unit or "").strip()
    if unit in PLAIN_UNITS:
        return text
    if unit == PERCENT:
        return f"{text}%"
    if unit == POUNDS:
        return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
    return f"{text} {unit}"


def format_value(value: Any, unit: str | None) -> str:
    """A value with its unit: '12.3%', '456.7 per 100,000', '7.45 score 0-10', '£160.52'."""
    if is_missing(value):
        return NO_DATA
    value = float(value)
    if (unit or "").strip() == POUNDS:
        text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.2f}"
        return with_unit(text, unit)
    return with_unit(format_number(value), unit)


def format_count(value: Any, *, fraction_note: str = "") -> str:
    """A count as people count: '1,234'. A count that is not whole keeps one decimal ('218.5'),
    and says why when the caller knows (``fraction_note=APPORTIONED``: '218.5 (apportioned)'; a
    modelled denominator such as the estimated number with dementia is not apportioned);
    missing: an en dash."""
    if is_missing(value):
        return MISSING
    value = float(value)
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,d}"
    text = f"{value:,.1f}"
    return f"{text} ({fraction_note})" if fraction_note else text


def difference_unit(unit: str | None) -> str:
    """The unit a difference of two values is in: percentage points for a percentage."""
    unit = (unit or "").strip()
    if unit == PERCENT:
        return "percentage points"
    if unit.startswith("score"):
        return "points"
    return unit


def format_difference(value: Any, unit: str | None, *, signed: bool = True) -> str:
    """A difference in the indicator's unit: '+3.9 percentage points', '-12.0 per 100,000',
    '+0.25 points' (a score), '+£4.10'; unsigned with ``signed=False`` ('3.9 percentage points')."""
    if is_missing(value):
        return NO_DATA
    value = float(value)
    magnitude = abs(value)
    if (unit or "").strip() == POUNDS:
        number = f"{magnitude:,.0f}" if magnitude >= 1000 else f"{magnitude:,.2f}"
    else:
        number = format_number(magnitude)
    sign = ""
    if signed and number.strip("0.,") != "":
        sign = "+" if value > 0 else "-"
    words = difference_unit(unit)
    if (unit or "").strip() == POUNDS:
        return f"{sign}£{number}"
    if words in PLAIN_UNITS:
        return f"{sign}{number}"
    return f"{sign}{number} {words}"


def format_ci(lower: Any, upper: Any, ci: str) -> str:
    """'95% CI 10.1–14.5', or an empty string when either limit is missing."""
    if is_missing(lower) or is_missing(upper):
        return ""
    return f"{ci}% CI {format_number(lower)}–{format_number(upper)}"


# Words a source's title-casing capitalises inside a name, and the publishers write in lower case.
_SMALL_WORDS = ("and", "of", "the", "upon", "on", "in", "at", "by", "under", "with")
_SMALL = re.compile(r"(?<=\S )(" + "|".join(w.capitalize() for w in _SMALL_WORDS) + r")(?= \S)")
_APOSTROPHE_S = re.compile(r"(?<=[A-Za-z])['’]S\b")


def published_name(name: Any) -> str:
    """A name in its publisher's case: "St Mary'S Surgery" -> "St Mary's Surgery",
    "NHS Cornwall and The Isles Of Scilly ICB" -> "NHS Cornwall and the Isles of Scilly ICB",
    "Radford And Mary Potter PCN" -> "Radford and Mary Potter PCN".

    Only the casing artefacts of title-cased source files are repaired: a capital S after an
    apostrophe, and joining words capitalised inside a name. The first word, acronyms (NHS, CCG,
    ICB, PCN) and every other word are left exactly as they are.
    """
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return ""
    text = str(name)
    text = _APOSTROPHE_S.sub(lambda m: m.group(0)[0] + "s", text)
    return _SMALL.sub(lambda m: m.group(1).lower(), text)
