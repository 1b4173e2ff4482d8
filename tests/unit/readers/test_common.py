"""Tests of the shared indicator-reader helpers in data.readers.common."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.model import schema as s
from data.model.validation import Problems
from data.readers.common import (
    VALUE_COLUMNS,
    catalogue_entry,
    code_pattern,
    conform_values,
    empty_values,
    financial_year_label,
    normalise_header,
    period_start,
    reject_bad_codes,
    reject_bad_denominators,
    with_statistics,
)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2022/23", "2022-04-01"),
        ("2017-18", "2017-04-01"),
        ("2022/2023", "2022-04-01"),
        ("2022/23 Q3", "2022-10-01"),
        ("2024-01", "2024-01-01"),
        ("Jan 2024", "2024-01-01"),
        ("November 2020", "2020-11-01"),
        ("2019", "2019-01-01"),
        ("c. 2014/15-2015/16", "2014-04-01"),
        ("2011-12", "2011-04-01"),  # a next-year pair reads as a financial year
    ],
)
def test_period_start(label, expected):
    assert period_start(label) == pd.Timestamp(expected)


def test_period_start_kinds_and_unknown():
    assert period_start("2011-12", kind="month") == pd.Timestamp("2011-12-01")
    assert pd.isna(period_start("2024-01", kind="financial_year"))
    assert pd.isna(period_start("not a period"))


def test_financial_year_label():
    assert financial_year_label("2017-18") == "2017/18"
    assert financial_year_label("2019/2020") == "2019/20"
    with pytest.raises(ValueError):
        financial_year_label("2017-19")


def test_empty_and_conform_values():
    empty = empty_values()
    assert list(empty.columns) == VALUE_COLUMNS
    assert s.CMP_ENGLAND_95 not in VALUE_COLUMNS and s.QUINTILE not in VALUE_COLUMNS
    assert VALUE_COLUMNS[-1] == s.NOTE
    out = conform_values(
        pd.DataFrame({s.AREA_CODE: ["E38000001"], s.VALUE: ["1.5"], s.PERIOD_START: ["2020-04-01"]})
    )
    assert out[s.VALUE].dtype == float and out.at[0, s.VALUE] == 1.5
    assert np.isnan(out.at[0, s.LOWER998])
    assert out.at[0, s.NOTE] == ""
    assert pd.api.types.is_datetime64_any_dtype(out[s.PERIOD_START])


def test_catalogue_entry_checks():
    kwargs = dict(
        name="n",
        short_name="short",
        domain="2",
        unit="%",
        multiplier=100,
        polarity=s.POLARITY_LOW_GOOD,
        statistic="proportion",
        ci_method="Wilson",
        source="x",
        publisher="p",
        licence="OGL-3.0",
        definition="d",
    )
    entry = catalogue_entry("ind", **kwargs)
    assert list(entry) == s.CATALOGUE_COLUMNS
    with pytest.raises(ValueError):
        catalogue_entry("ind", **{**kwargs, "domain": "6"})
    with pytest.raises(ValueError):
        catalogue_entry("ind", **{**kwargs, "polarity": "up"})
    # Names are checked, never cut: a 44-character chart label is fine, an essay is refused.
    assert catalogue_entry("ind", **{**kwargs, "short_name": "x" * 44})["short_name"] == "x" * 44
    with pytest.raises(ValueError, match="short name over 60"):
        catalogue_entry("ind", **{**kwargs, "short_name": "x" * 61})
    with pytest.raises(ValueError, match="comparison policy"):
        catalogue_entry("ind", **{**kwargs, "compare": "sometimes"})
    with pytest.raises(ValueError, match="without the source"):
        catalogue_entry("ind", **{**kwargs, "wording": "How was it?"})
    assert entry["compare"] == s.COMPARE_CATEGORIES and entry["in_summaries"] is True


def test_reject_bad_denominators_records_each_row():
    frame = pd.DataFrame({"c": [1.0, 5.0, -1.0, 3.0], "d": [10.0, 0.0, 10.0, 2.0]})
    problems = Problems("t", "f.csv")
    kept = reject_bad_denominators(frame, problems, count="c", denominator="d", proportion=True)
    assert list(kept.index) == [0]
    assert sorted(p.row for p in problems.items) == [3, 4, 5]
    reasons = {p.row: p.reason for p in problems.items}
    assert "zero or negative" in reasons[3] and "negative" in reasons[4] and "above" in reasons[5]


def test_reject_bad_codes_and_patterns():
    frame = pd.DataFrame({"code": ["E38000001", "X1", "02N", None]})
    problems = Problems("t", "f.csv")
    kept = reject_bad_codes(frame, problems, "code", "sicbl22")
    assert list(kept["code"]) == ["E38000001"]
    assert len(problems.items) == 3
    assert code_pattern("ccg13") and code_pattern("england") == s.ENGLAND_CODE
    with pytest.raises(ValueError):
        code_pattern("lsoa11")


def test_with_statistics_fills_both_levels():
    frame = pd.DataFrame({s.COUNT: [50.0], s.DENOMINATOR: [200.0]})
    out = with_statistics(frame, "proportion", 100)
    assert out.at[0, s.VALUE] == pytest.approx(25.0)
    assert out.at[0, s.LOWER998] < out.at[0, s.LOWER95] < 25 < out.at[0, s.UPPER95] < out.at[0, s.UPPER998]


def test_normalise_header():
    assert normalise_header("Sub ICB Loc \nODS code ") == "Sub ICB Loc ODS code"
