"""The one formatter: values with units, counts as integers, differences in the indicator's unit,
names in their published case."""

from __future__ import annotations

import math

import pytest

from data.methods.formatting import (
    APPORTIONED,
    format_ci,
    format_count,
    format_difference,
    format_number,
    format_value,
    is_missing,
    published_name,
)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (61.8123, "%", "61.8%"),
        (95.4, "per 100,000", "95.4 per 100,000"),
        (1182.2, "per 100,000", "1,182 per 100,000"),
        (7.456, "score 0-10", "7.46 score 0-10"),
        (1.583, "ratio", "1.58 ratio"),
        (160.5234, "£", "£160.52"),
        (12345.6, "£", "£12,346"),
        (-3.2, "£", "-£3.20"),
        (12.0, "count", "12.0"),
        (float("nan"), "%", "no data"),
        (None, "%", "no data"),
    ],
)
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(328.0, "328"), (7843.0, "7,843"), (0, "0"), (218.5, "218.5"), (math.nan, "–")],
)
def test_counts_are_integers_and_a_fraction_says_why(value, text):
    assert format_count(value) == text
    assert format_count(218.5, fraction_note=APPORTIONED) == "218.5 (apportioned)"
    assert format_count(218.0, fraction_note=APPORTIONED) == "218"


@pytest.mark.parametrize(
    ("value", "unit", "signed", "text"),
    [
        (3.94, "%", True, "+3.94 percentage points"),
        (-3.94, "%", False, "3.94 percentage points"),
        (12.04, "%", True, "+12.0 percentage points"),
        (-12.0, "per 100,000", True, "-12.0 per 100,000"),
        (0.25, "score 0-10", True, "+0.25 points"),
        (4.1, "£", True, "+£4.10"),
        (0.0, "%", True, "0.00 percentage points"),
        (2.0, "", True, "+2.00"),
    ],
)
def test_differences_are_in_the_indicators_unit(value, unit, signed, text):
    assert format_difference(value, unit, signed=signed) == text
    assert "%" not in format_difference(value, "%")


def test_numbers_and_limits():
    assert format_number(-0.001) == "0.00"
    assert format_number(12345.0) == "12,345"
    assert format_ci(10.12, 14.5, "95") == "95% CI 10.1–14.5"
    assert format_ci(None, 14.5, "95") == ""
    assert is_missing(float("nan")) and is_missing(None) and not is_missing("NHS Kernow CCG")


@pytest.mark.parametrize(
    ("raw", "published"),
    [
        ("St Mary'S Surgery", "St Mary's Surgery"),
        ("St. Mary'S Surgery", "St. Mary's Surgery"),
        ("St Mary'S", "St Mary's"),
        ("NHS Cornwall and The Isles Of Scilly ICB - 11N", "NHS Cornwall and the Isles of Scilly ICB - 11N"),
        ("Radford And Mary Potter PCN", "Radford and Mary Potter PCN"),
        ("Newcastle Upon Tyne", "Newcastle upon Tyne"),
        ("Isles of Scilly", "Isles of Scilly"),
        ("The Surgery", "The Surgery"),
        ("NHS Kernow CCG", "NHS Kernow CCG"),
    ],
)
def test_names_keep_their_published_case(raw, published):
    assert published_name(raw) == published
    assert published_name(published) == published
