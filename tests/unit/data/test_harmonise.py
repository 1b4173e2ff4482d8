"""data.harmonise on synthetic splits and merges: non-additive rates are weighted, never summed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data import schema as s
from data.harmonise import aggregate_up, harmonise_old_vintages


def _catalogue(statistic: str, ci_method: str = "Dobson") -> pd.DataFrame:
    return pd.DataFrame(
        {"statistic": [statistic], "multiplier": [100_000.0], "ci_method": [ci_method], "polarity": ["x"]},
        index=["dsr_x"],
    )


def _values(codes, values, lower, upper, counts, pops):
    return pd.DataFrame(
        {
            s.INDICATOR_ID: "dsr_x",
            s.AREA_CODE: codes,
            s.AREA_NAME: codes,
            s.GEOGRAPHY: "ccg17",
            s.PERIOD: "2018",
            s.PERIOD_START: pd.Timestamp("2018-01-01"),
            s.SEX: "Persons",
            s.VALUE: values,
            s.LOWER95: lower,
            s.UPPER95: upper,
            s.LOWER998: np.nan,
            s.UPPER998: np.nan,
            s.COUNT: counts,
            s.DENOMINATOR: pops,
            s.NOTE: "",
            s.HARMONISATION: "published",
        }
    )


# A and B merge whole into N1; C is split 3:1 by population between N1 and N2; D is N3 alone.
LINEAGE = pd.DataFrame(
    {
        "from_geography": "ccg17",
        "from_code": ["A", "B", "C", "C", "D"],
        "to_code": ["N1", "N1", "N1", "N2", "N3"],
        "share": [1.0, 1.0, 0.75, 0.25, 1.0],
        "method": ["merged", "merged", "apportioned", "apportioned", "merged"],
        # the lineage's own estimates, deliberately off: rows that give their population use that
        "population": [1.0, 1.0, 1.0, 1.0, 1.0],
    }
)
NAMES = pd.Series({"N1": "n1", "N2": "n2", "N3": "n3"})


def test_dsr_is_a_population_weighted_mean_never_a_sum():
    values = _values(
        ["A", "B", "C", "D"],
        [100.0, 200.0, 300.0, 50.0],
        [90.0, 190.0, 280.0, 40.0],
        [110.0, 210.0, 320.0, 60.0],
        [90.0, 610.0, 580.0, 40.0],
        [100_000.0, 300_000.0, 200_000.0, 80_000.0],
    )
    out, _ = harmonise_old_vintages(values, _catalogue("dsr"), LINEAGE, NAMES)
    out = out.set_index(s.AREA_CODE)
    # N1 = A + B + 3/4 of C, weighted by the pieces' own populations (100k, 300k, 3/4 of 200k)
    expected = (100 * 100_000 + 200 * 300_000 + 300 * 150_000) / 550_000
    assert out.at["N1", s.VALUE] == pytest.approx(expected)
    assert out.at["N1", s.VALUE] != pytest.approx(100 + 200 + 0.75 * 300)
    assert out.at["N1", s.HARMONISATION] == "apportioned"
    assert "population-weighted mean" in out.at["N1", s.NOTE]
    # N2 is only a piece of C: C's rate (a rate does not shrink with the piece)
    assert out.at["N2", s.VALUE] == pytest.approx(300.0)
    assert out.at["N2", s.HARMONISATION] == "apportioned"
    # N3 is D, whole: carried as published, limits and all
    assert out.at["N3", s.VALUE] == 50.0 and out.at["N3", s.LOWER95] == 40.0
    assert out.at["N3", s.HARMONISATION] == "same area"
    # limits: normal approximation from the predecessors' limits, around the weighted mean
    assert out.at["N1", s.LOWER95] < expected < out.at["N1", s.UPPER95]
    assert (
        out.at["N1", s.UPPER998] - out.at["N1", s.LOWER998]
        > out.at["N1", s.UPPER95] - out.at["N1", s.LOWER95]
    )
    # deaths and populations still move by share (they add up), the value is not recomputed
    assert out.at["N1", s.COUNT] == pytest.approx(90 + 610 + 0.75 * 580)
    assert out[s.COUNT].sum() == pytest.approx(values[s.COUNT].sum())
    # and nothing adds a DSR up to STP, region or England
    hierarchy = pd.DataFrame({"ccg21_code": ["N1", "N2", "N3"], "stp21_code": "S", "nhser21_code": "R"})
    ccg21 = out.reset_index().assign(**{s.GEOGRAPHY: "ccg21"})
    assert aggregate_up(ccg21, _catalogue("dsr"), hierarchy, ccg21.iloc[0:0], {}).empty


def test_dsr_not_formed_when_a_predecessor_is_missing():
    values = _values(["A", "C", "D"], [100.0, 300.0, 50.0], np.nan, np.nan, np.nan, np.nan)
    out, notes = harmonise_old_vintages(values, _catalogue("dsr"), LINEAGE, NAMES)
    assert "N1" not in set(out[s.AREA_CODE])  # B has no value: no short mean
    assert set(out[s.AREA_CODE]) == {"N2", "N3"}
    assert out.set_index(s.AREA_CODE).at["N2", s.NOTE].endswith("no limits")
    assert any("non-additive values not formed" in n for n in notes)


def test_rates_with_counts_are_still_summed_from_counts():
    values = _values(
        ["A", "B", "C", "D"],
        np.nan,
        np.nan,
        np.nan,
        [10.0, 30.0, 20.0, 8.0],
        [1000.0, 3000.0, 2000.0, 800.0],
    )
    out, _ = harmonise_old_vintages(values, _catalogue("rate", "Byar's"), LINEAGE, NAMES)
    out = out.set_index(s.AREA_CODE)
    assert out.at["N1", s.DENOMINATOR] == pytest.approx(1000 + 3000 + 1500)
    assert out.at["N1", s.VALUE] == pytest.approx((10 + 30 + 15) / 5500 * 100_000)
