"""Inequalities page: HEEC by practice-deprivation group, gap and descriptive slope, bad parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.queries.inequalities import GROUPS, MIDPOINTS, icb_of_ccg, icb_table, latest_year

HEEC = "/work/shared/data/indicators/heec_icb_datapack_by_imd_quintile/heec_icb_final_data.csv"
KERNOW = "E38000089"
POINTS = "% QOF points achieved"


def test_every_icb_once_with_gap_and_slope(model):
    year = latest_year(model, POINTS)
    table = icb_table(model, POINTS, year)
    assert len(table) == 42 and table["icb22_code"].is_unique
    row = table.iloc[0]
    values = row[list(GROUPS)].to_numpy(dtype=float)
    assert row["gap"] == pytest.approx(values[3] - values[0])
    assert row["slope"] == pytest.approx(np.polyfit(MIDPOINTS, values, 1)[0])
    assert table["slope"].is_monotonic_decreasing


def test_values_are_heecs(model):
    """Cornwall's least-deprived group, read straight from the HEEC file."""
    raw = pd.read_csv(HEEC)
    year = latest_year(model, POINTS)
    table = icb_table(model, POINTS, year).set_index("icb22_code")
    icb = icb_of_ccg(model, KERNOW)
    mine = raw[
        (raw["Indicator"] == POINTS)
        & (raw["Year"] == year)
        & raw["ICB.NAME"].str.lower().str.contains("cornwall")
    ]
    assert len(mine)
    scale = 100 if table.at[icb, GROUPS[0]] > 1 >= mine["quin_1"].iloc[0] else 1
    assert table.at[icb, GROUPS[0]] == pytest.approx(mine["quin_1"].mean() * scale, rel=1e-6)
