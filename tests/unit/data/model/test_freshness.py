"""The data-age rule: period label -> end date -> age -> "data from <period>" notice."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from data.model.freshness import (
    STALE_YEARS,
    age_in_years,
    data_age_notice,
    describe_age,
    is_stale,
    period_end,
)

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("label", "end"),
    [
        # monthly, as the model writes them
        ("2018-07", date(2018, 7, 31)),
        ("2024-02", date(2024, 2, 29)),  # leap year
        ("2011-12", date(2011, 12, 31)),  # a month, not the financial year 2011/12
        ("Nov 2020", date(2020, 11, 30)),
        ("November 2020", date(2020, 11, 30)),
        ("Sept 2019", date(2019, 9, 30)),
        # yearly (calendar)
        ("2020", date(2020, 12, 31)),
        # financial years end on 31 March
        ("2022/23", date(2023, 3, 31)),
        ("2022-23", date(2023, 3, 31)),
        ("2022/2023", date(2023, 3, 31)),
        ("1999/00", date(2000, 3, 31)),
        # ranges end where their last part ends; "c." (circa) is ignored
        ("2014/15-2015/16", date(2016, 3, 31)),
        ("c. 2014/15-2015/16", date(2016, 3, 31)),
        ("2010-2012", date(2012, 12, 31)),
        ("Nov 2020 - Jan 2021", date(2021, 1, 31)),
        # quarters
        ("2023 Q4", date(2023, 12, 31)),
        ("2023/24 Q1", date(2023, 6, 30)),
        ("2023/24 Q4", date(2024, 3, 31)),
    ],
)
def test_period_end(label, end):
    assert period_end(label) == end


@pytest.mark.parametrize("label", ["", None, "latest", "2022/25", "2018-13x", "Smarch 2020"])
def test_unreadable_labels_have_no_end(label):
    assert period_end(label) is None
    assert data_age_notice(label, TODAY) is None  # no notice is invented


def test_unreadable_label_falls_back_to_the_period_start():
    assert period_end("Winter wave", pd.Timestamp("2019-01-01")) == date(2019, 1, 1)
    assert period_end("Winter wave", pd.NaT) is None
    assert is_stale("Winter wave", TODAY, start=pd.Timestamp("2019-01-01"))


def test_every_period_label_in_the_model_is_read(model):
    """Every distinct label in the real model has an end date (print them to see the shapes)."""
    labels = model.indicators[["period", "period_start"]].drop_duplicates("period")
    unread = [p for p in labels["period"] if period_end(p) is None]
    assert unread == []


def test_age_and_staleness_against_today():
    assert age_in_years(date(2023, 11, 30), TODAY) == pytest.approx(3.0, abs=0.01)
    assert not is_stale("2024-01", TODAY)
    assert not is_stale("2023/24", TODAY)  # ended March 2024: 2.7 years
    assert is_stale("2022/23", TODAY)  # ended March 2023: 3.7 years
    assert is_stale("2018-07", TODAY)
    assert not is_stale("2026-02", TODAY)
    assert STALE_YEARS == 3


def test_notice_text_names_the_period():
    notice = data_age_notice("2014/15", TODAY)
    assert notice.startswith("Data from 2014/15 ")
    assert "ended Mar 2015, 11 years 7 months ago" in notice
    assert data_age_notice("2025-01", TODAY) is None


def test_describe_age():
    assert describe_age(date(2026, 2, 28), TODAY) == "ended Feb 2026, 9 months ago"
    assert describe_age(date(2025, 11, 30), TODAY) == "ended Nov 2025, 1 year ago"
    assert describe_age(date(2027, 3, 31), TODAY) == "runs to Mar 2027"
    assert describe_age(None, TODAY) == "age unknown"
