"""Practice drill-down: a CCG's practices, their totals against the CCG, suppression and flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.model import schema as s
from data.queries.practices import FFT, pcn_rollup, practice_rows, sub_icb_of
from selection import parse_query

KERNOW = "E38000089"
PREVALENCE = "/work/shared/data/indicators/qof_prevalence_2022_23/PREVALENCE_2223.csv"


def test_the_ccgs_practices_add_up_to_the_ccg(model):
    rows, england = practice_rows(model, KERNOW, "qof_hyp")
    mapping = model.frames["practices"]
    assert set(rows["practice_code"]) == set(
        mapping.loc[mapping["sicbl22_code"] == sub_icb_of(model, KERNOW), "practice_code"]
    )
    ccg = model.slice("qof_hyp", "ccg21", "2022/23", "Persons").set_index(s.AREA_CODE).loc[KERNOW]
    assert rows[s.COUNT].sum() == pytest.approx(ccg[s.COUNT])
    assert rows[s.DENOMINATOR].sum() == pytest.approx(ccg[s.DENOMINATOR])
    raw = pd.read_csv(PREVALENCE)
    one = raw[(raw["PRACTICE_CODE"] == rows["practice_code"].iloc[0]) & (raw["GROUP_CODE"] == "HYP")].iloc[0]
    assert rows[s.VALUE].iloc[0] == pytest.approx(one["REGISTER"] / one["PRACTICE_LIST_SIZE"] * 100)
    assert england == pytest.approx(14.42, abs=0.01)  # QOF 2022/23 national hypertension prevalence


def test_small_registers_are_flagged_not_compared(model):
    rows, _ = practice_rows(model, KERNOW, "qof_ld")
    small = rows[rows[s.COUNT] < 5]
    assert len(small) and (small["flag"] == "unreliable: fewer than 5 events").all()
    assert (small["category"] == s.NOT_COMPARED).all() and (small["funnel_category"] == "").all()


def test_fft_keeps_the_publishers_suppression(model):
    rows, england = practice_rows(model, KERNOW, FFT)
    fft = model.frames["practice_fft"].set_index("practice_code")
    suppressed = [c for c in rows["practice_code"] if c not in fft.index or bool(fft.at[c, "suppressed"])]
    hidden = rows[rows["practice_code"].isin(suppressed)]
    assert len(hidden) and hidden[s.VALUE].isna().all()
    assert (hidden["flag"] == "suppressed (1-4 responses) or no data").all()
    few = rows[(rows[s.DENOMINATOR] < 30) & rows[s.VALUE].notna()]
    assert (few["category"] == s.NOT_COMPARED).all() and (few["flag"] != "").all()
    shown = rows[rows[s.VALUE].notna()].set_index("practice_code")
    assert shown[s.VALUE].to_numpy() == pytest.approx(fft.loc[shown.index, "value"].to_numpy())


def test_qof_points_are_not_compared(model):
    rows, _ = practice_rows(model, KERNOW, "qof_points")
    assert (rows["category"] == s.NOT_COMPARED).all()
    assert rows[s.DENOMINATOR].eq(635).all()


def test_pcn_rollup_sums_its_practices(model):
    rows, england = practice_rows(model, KERNOW, "qof_hyp")
    pcn = pcn_rollup(rows, england, s.POLARITY_NONE)
    assert pcn["practices"].sum() == len(rows)
    first = pcn.iloc[0]
    mine = rows[rows["pcn_code"] == first["pcn_code"]]
    assert first[s.VALUE] == pytest.approx(mine[s.COUNT].sum() / mine[s.DENOMINATOR].sum() * 100)
    assert np.all(pcn[s.LOWER95] <= pcn[s.VALUE]) and np.all(pcn[s.VALUE] <= pcn[s.UPPER95])


def test_practice_parameter_is_validated(model):
    state, notices = parse_query(model, "?practice=l82011")
    assert state["practice"] == "L82011" and notices == []
    state, notices = parse_query(model, "?practice=NOPE1")
    assert state["practice"] == "" and notices == ["Unknown GP practice code 'NOPE1' (ignored)."]
