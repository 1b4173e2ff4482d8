"""data.model.harmonise on synthetic splits and merges: non-additive rates are weighted, never summed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.model import schema as s
from data.model.harmonise import aggregate_up, harmonise_old_vintages


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


def test_partial_england_is_named_for_what_it_is():
    """Issue 10 item 4: a sum over some CCGs is not England, and says which regions it covers."""
    hierarchy = pd.DataFrame(
        {
            "ccg21_code": ["N1", "N2", "N3", "N4"],
            "stp21_code": ["S1", "S1", "S2", "S2"],
            "nhser21_code": ["R1", "R1", "R2", "R2"],
        }
    )
    rows = _values(["N1", "N2", "N3"], np.nan, np.nan, np.nan, [1.0, 2.0, 3.0], [10.0, 20.0, 30.0])
    rows = rows.assign(**{s.GEOGRAPHY: "ccg21", s.HARMONISATION: "published"})
    names = {"nhser21": pd.Series({"R1": "North", "R2": "South"})}
    up = aggregate_up(rows, _catalogue("rate", "Byar's"), hierarchy, rows.iloc[0:0], names)
    eng = up[up[s.GEOGRAPHY] == "england"].iloc[0]
    assert eng[s.AREA_NAME] == "3 of 4 CCGs with data" and "England" not in eng[s.AREA_NAME]
    assert eng[s.NOTE].startswith("Not England: the sum of the 3 of 4 CCGs with data")
    assert "North all 2; South 1 of 2" in eng[s.NOTE]
    # the complete region is formed (compare with it instead); the incomplete one is not
    assert set(up.loc[up[s.GEOGRAPHY] == "nhser21", s.AREA_CODE]) == {"R1"}
    full = aggregate_up(
        pd.concat([rows, rows.iloc[[0]].assign(**{s.AREA_CODE: "N4"})]),
        _catalogue("rate", "Byar's"),
        hierarchy,
        rows.iloc[0:0],
        names,
    )
    assert full.loc[full[s.GEOGRAPHY] == "england", s.AREA_NAME].isna().all()  # named by the caller's lookup


def test_missing_region_rows_are_computed_from_all_members():
    """Issue 10 item 7: no region row published -> Σ counts / Σ denominators of all members, or a note."""
    from data.model.harmonise import regions_from_members

    catalogue = pd.DataFrame(
        {"statistic": ["ratio"], "multiplier": [100.0], "ci_method": ["published"], "polarity": ["x"]},
        index=["dsr_x"],
    )
    hierarchy = pd.DataFrame(
        {
            "ccg21_code": ["N1", "N2", "N3"],
            "nhser21_code": ["R1", "R1", "R2"],
            "sicbl22_code": np.nan,
            "nhser22_code": np.nan,
        }
    )
    rows = _values(["N1", "N2"], [50.0, 25.0], 1.0, 99.0, [5.0, 10.0], [10.0, 40.0])
    rows = rows.assign(**{s.GEOGRAPHY: "ccg21"})
    rows.loc[1, s.VALUE] = 25.04  # published rounded: still count / denominator
    names = {"nhser21": pd.Series({"R1": "North", "R2": "South"})}
    out, notes = regions_from_members(rows, catalogue, hierarchy, names)
    assert len(out) == 1
    r1 = out.iloc[0]
    assert r1[s.AREA_CODE] == "R1" and r1[s.AREA_NAME] == "North" and r1[s.GEOGRAPHY] == "nhser21"
    assert r1[s.VALUE] == pytest.approx(15 / 50 * 100) and np.isnan(r1[s.LOWER95])
    assert "no limits" in r1[s.NOTE]
    # a published region row is never replaced
    published = rows.iloc[[0]].assign(**{s.GEOGRAPHY: "nhser21", s.AREA_CODE: "R1"})
    again, _ = regions_from_members(pd.concat([rows, published]), catalogue, hierarchy, names)
    assert again.empty
    # a region with a member missing is not formed, and the notes say why
    short, notes = regions_from_members(rows.iloc[[0]], catalogue, hierarchy, names)
    assert short.empty and any("1 of 2" in n for n in notes)
