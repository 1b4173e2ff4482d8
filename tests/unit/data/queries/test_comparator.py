"""One comparator per view: recomputed from the model's rows, not from the module's own output."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from data.methods.stats import compare
from data.model import schema as s
from data.queries.comparator import (
    NOT_IN_GROUP,
    comparator_for,
    comparator_from_state,
    compare_grid,
    compare_rows,
    compare_slice,
    compare_spine,
    headline,
    national_comparator,
)
from data.queries.rows import Selection
from data.queries.view_frames import hidden_categories

KERNOW, BARNSLEY, NCL, HALTON = "E38000089", "E38000006", "E38000240", "E38000068"
DDR = Selection("dementia_ddr_65plus", "2025-01", "ccg21", "Persons")


def peers_of(model, area: str, peer_set: str = "similar") -> list[str]:
    sets = model.frames["peer_sets"]
    mine = sets[(sets["peer_set"] == peer_set) & (sets[s.GEOGRAPHY] == "ccg21") & (sets[s.AREA_CODE] == area)]
    return mine.sort_values("rank")["peer_code"].tolist()


def pooled(model, sel: Selection, codes: list[str]) -> float:
    rows = model.slice(sel.indicator_id, sel.geography, sel.period, sel.sex)
    rows = rows[rows[s.AREA_CODE].isin(codes) & rows[s.VALUE].notna()]
    return float(rows[s.COUNT].sum() / rows[s.DENOMINATOR].sum() * 100)


def test_kernow_peers_one_comparator_halton_is_not_worse(model):
    comp = comparator_for(model, "peers", focus=KERNOW)
    peers = peers_of(model, KERNOW)
    assert comp.scope == (KERNOW, *peers) and len(peers) == 10
    frame = compare_slice(model, DDR, comp)
    # the one value: Kernow's 10 peers pooled, recomputed from their counts
    value = pooled(model, DDR, peers)
    assert value == pytest.approx(62.566, abs=1e-3)
    assert np.allclose(frame["comparator_value"], value)
    halton = frame[frame[s.AREA_CODE] == HALTON].iloc[0]
    assert halton["category"] == s.NOT_COMPARED and halton["not_compared_why"] == NOT_IN_GROUP
    # Halton on its own peers (the precomputed column) was Worse: that is what must not show
    assert halton[s.CMP_ENGLAND_95] != s.WORSE and halton["cmp_peers_95"] == s.WORSE
    coloured = frame[frame["category"] != s.NOT_COMPARED]
    assert set(coloured[s.AREA_CODE]) <= set(comp.scope)
    assert set(frame.loc[~frame[s.AREA_CODE].isin(comp.scope), "category"]) == {s.NOT_COMPARED}
    expected = compare(
        coloured[s.VALUE], coloured[s.LOWER95], coloured[s.UPPER95], value, s.POLARITY_HIGH_GOOD
    )
    assert list(coloured["category"]) == list(expected)
    assert len(coloured) == 11
    line = headline(frame, comp)
    assert line.text("%") == "NHS Kernow CCG's 10 similar CCGs (62.6%, pooled)"
    only = compare_slice(model, DDR, comp, scope="peers")
    assert set(only[s.AREA_CODE]) == set(comp.scope)


def test_rightcare_peers_are_their_own_set(model):
    comp = comparator_for(model, "peers", focus=BARNSLEY, peer_set="rightcare")
    assert comp.key == "peers_rightcare" and comp.peers == tuple(peers_of(model, BARNSLEY, "rightcare"))
    frame = compare_slice(model, DDR, comp)
    assert (
        frame["comparator_label"].iloc[0].startswith("NHS Barnsley CCG's") and "RightCare" in comp.peer_words
    )
    assert np.allclose(frame["comparator_value"], pooled(model, DDR, list(comp.peers)))
    assert comparator_for(model, "peers_rightcare", focus=BARNSLEY) == comp


@pytest.mark.parametrize(
    ("benchmark", "column"),
    [("england", s.CMP_ENGLAND_95), ("region", s.CMP_REGION_95), ("peers", "cmp_peers_95")],
)
@pytest.mark.parametrize(
    "sel",
    [
        DDR,
        Selection("gp_fft_positive", "Feb 2026", "ccg21", "Persons"),
        Selection("qof_hyp", "2022/23", "ccg21", "Persons"),
    ],
)
def test_england_region_and_own_peers_equal_the_builds_comparisons(model, benchmark, column, sel):
    """England, region and each CCG's own peers: the same categories the build made for every row
    (GP FFT's when a person asks for them: by default they are "Not compared", and say why)."""
    comp = national_comparator(model, benchmark) if benchmark == "peers" else comparator_for(model, benchmark)
    comp = dataclasses.replace(comp, categories=True)
    frame = compare_slice(model, sel, comp)
    assert list(frame["category"]) == list(frame[column])
    asked_998 = dataclasses.replace(comparator_for(model, "england", ci="99.8"), categories=True)
    at998 = compare_rows(model, frame.drop(columns=["category"]), asked_998)
    assert list(at998["category"]) == list(frame[s.CMP_ENGLAND_998])
    default = compare_slice(model, sel, dataclasses.replace(comp, categories=False))
    if sel.indicator_id == "gp_fft_positive":  # NHS England advises against comparing on FFT
        assert (default["category"] == s.NOT_COMPARED).all()
        assert default["not_compared_why"].str.contains("advises against comparing").any()
    else:
        assert list(default["category"]) == list(frame["category"])


def test_region_comparator_is_each_areas_region_value(model):
    frame = compare_slice(model, DDR, comparator_for(model, "region"))
    row = frame[frame[s.AREA_CODE] == KERNOW].iloc[0]
    region = model.slice(DDR.indicator_id, "nhser21", DDR.period, DDR.sex)
    value = region.loc[region[s.AREA_CODE] == row["region_code"], s.VALUE].iloc[0]
    assert row["comparator_value"] == pytest.approx(value) and row["comparator_label"] == "South West region"


def test_partial_england_is_named_as_it_is(model):
    sel = Selection("gp_appt_dna_rate", "2021-08", "ccg21", "Persons")
    comp = comparator_for(model, "england")
    frame = compare_slice(model, sel, comp)
    england = model.slice(sel.indicator_id, "england", sel.period, sel.sex).iloc[0]
    assert england[s.AREA_NAME] == "49 of 106 CCGs with data"
    assert set(frame["comparator_label"]) == {"49 of 106 CCGs with data"}
    assert np.allclose(frame["comparator_value"], england[s.VALUE])
    assert "England" not in headline(frame, comp).text("%")
    assert headline(frame, comp).method == "summed from the CCGs with data"


def test_peers_need_a_ccg21_focus(model):
    none = comparator_for(model, "peers", focus="")
    assert none.kind == "england" and "choose one" in none.notice
    other = comparator_from_state(model, {"benchmark": "peers", "areas": ["E38000089"], "geography": "ccg16"})
    assert other.kind == "england" and "no areas of this geography" in other.notice
    state = {
        "benchmark": "peers",
        "peers": "rightcare",
        "areas": [NCL, KERNOW],
        "ci": "99.8",
        "geography": "ccg21",
    }
    comp = comparator_from_state(model, state)
    assert (comp.focus, comp.peer_set, comp.ci) == (NCL, "rightcare", "99.8")
    with pytest.raises(ValueError, match="unknown benchmark"):
        comparator_for(model, "scotland")


def test_spine_compares_every_row_with_the_focus_areas_peers(model):
    comp = comparator_for(model, "peers", focus=KERNOW)
    spine = compare_spine(model, [KERNOW, BARNSLEY], comp)
    hidden = hidden_categories(model)  # GP FFT: categories on request only
    pv = model.frames["peer_values"]
    mine = pv[
        (pv["peer_set"] == "similar")
        & (pv[s.GEOGRAPHY] == "ccg21")
        & (pv[s.AREA_CODE] == KERNOW)
        & (pv[s.SEX] == "Persons")
    ]
    expected = mine.set_index([s.INDICATOR_ID, s.PERIOD])["peer_value"]
    kernow = spine[spine[s.AREA_CODE] == KERNOW]
    for r in kernow.itertuples(index=False):
        want = expected.get((r.indicator_id, r.period), np.nan)
        assert (np.isnan(want) and np.isnan(r.comparator_value)) or r.comparator_value == pytest.approx(want)
        polarity = model.catalogue.at[r.indicator_id, "polarity"]
        want = compare([r.value], [r.lower95], [r.upper95], r.comparator_value, polarity)[0]
        assert r.category == (s.NOT_COMPARED if r.indicator_id in hidden else want)
    # Barnsley is not one of Kernow's peers: on Kernow's spine it is drawn, not compared
    assert set(spine.loc[spine[s.AREA_CODE] == BARNSLEY, "category"]) == {s.NOT_COMPARED}
    assert (kernow["category"].isin([s.BETTER, s.WORSE, s.SIMILAR])).any()


def test_spine_england_is_englands_value_not_the_median(model):
    spine = compare_spine(model, [BARNSLEY], comparator_for(model, "england"))
    for r in spine.itertuples(index=False):
        england = model.slice(r.indicator_id, "england", r.period, "Persons")
        want = float(england[s.VALUE].iloc[0]) if len(england) else np.nan
        assert (np.isnan(want) and np.isnan(r.comparator_value)) or r.comparator_value == pytest.approx(want)
    treatable = spine[spine[s.INDICATOR_ID] == "mort_treatable_u75"].iloc[0]
    assert treatable["comparator_value"] == pytest.approx(80.3) and treatable["category"] == s.WORSE


def test_similar_icbs_are_a_comparator_too(model):
    """Peers exist for ICB 2023 areas (5 similar ICBs): the focus ICB and its peers compared."""
    icbs = model.areas[model.areas[s.GEOGRAPHY] == "icb23"]
    focus = icbs[s.AREA_CODE].iloc[0]
    comp = comparator_for(model, "peers", focus=focus, geography="icb23")
    assert comp.kind == "peers" and comp.peer_words == "similar ICBs" and len(comp.peers) == 5
    sel = Selection("gp_fft_positive", "Feb 2026", "icb23", "Persons")
    frame = compare_slice(model, sel, comp)
    assert set(frame.loc[frame["in_scope"], s.AREA_CODE]) == set(comp.scope)
    assert frame["comparator_label"].iloc[0].endswith("5 similar ICBs")


def test_overview_grid_with_peers_colours_only_the_focus_and_its_peers(model):
    comp = comparator_for(model, "peers", focus=KERNOW)
    grid = compare_grid(model, comp)
    coloured = grid[grid["category"] != s.NOT_COMPARED]
    assert set(coloured[s.AREA_CODE]) <= set(comp.scope) and KERNOW in set(coloured[s.AREA_CODE])
    assert set(grid.loc[~grid["in_scope"], "not_compared_why"]) <= {NOT_IN_GROUP}
    # England: the build's own comparison of every cell
    england = compare_grid(model, comparator_for(model, "england"))
    shown = ~england[s.INDICATOR_ID].isin(hidden_categories(model))  # GP FFT: categories on request
    assert list(england.loc[shown, "category"]) == list(england.loc[shown, s.CMP_ENGLAND_95])
    assert (england.loc[~shown, "category"] == s.NOT_COMPARED).all()
    assert set(england["comparator_label"]) >= {"England", "49 of 106 CCGs with data"}
