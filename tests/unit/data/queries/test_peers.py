"""Peer groups: computed nearest neighbours, RightCare's lists carried to CCG 2021, peer benchmarks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.methods.stats import compare
from data.model import schema as s
from data.model.peers import VARIABLES
from data.queries.peers import focus_peer_value, peer_table
from data.queries.rows import Selection
from selection import parse_query

KERNOW = "E38000089"
PEERS16 = "/work/shared/data/lookups/ccg16_rightcare_similar10_peers.csv"


@pytest.fixture(scope="module")
def sets(model):
    every = model.frames["peer_sets"]
    return every[every[s.GEOGRAPHY] == "ccg21"]


def test_every_ccg21_area_has_ten_computed_peers(model, sets):
    similar = sets[sets["peer_set"] == "similar"]
    ccg21 = set(model.areas.loc[model.areas[s.GEOGRAPHY] == "ccg21", s.AREA_CODE])
    assert set(similar[s.AREA_CODE]) == ccg21
    assert (similar.groupby(s.AREA_CODE).size() == 10).all()
    assert not (similar[s.AREA_CODE] == similar["peer_code"]).any()
    assert (similar.groupby(s.AREA_CODE)["distance"].apply(lambda d: d.is_monotonic_increasing)).all()


def test_computed_distance_recomputed_independently(model, sets):
    """Weighted standardised Euclidean distance, by hand for Kernow and its nearest peer."""
    demo = model.demographics.copy()
    demo["log_population"] = np.log10(demo["population"])
    cols = [c for c, _, _ in VARIABLES]
    weights = np.array([w for _, w, _ in VARIABLES])
    x = demo[cols].astype(float)
    z = ((x - x.mean()) / x.std(ddof=0)).fillna(0.0)
    d = np.sqrt((((z - z.loc[KERNOW]) ** 2) * weights).sum(axis=1)).drop(KERNOW).sort_values()
    mine = sets[(sets["peer_set"] == "similar") & (sets[s.AREA_CODE] == KERNOW)].sort_values("rank")
    assert mine["peer_code"].tolist() == d.index[:10].tolist()
    assert mine["distance"].to_numpy() == pytest.approx(d.to_numpy()[:10])


def test_rightcare_list_of_an_unmerged_ccg_is_carried_in_order(model, sets):
    """NHS Kernow (11N) was not merged: its 2016 list, each peer mapped to its CCG 2021 successor."""
    raw = pd.read_csv(PEERS16)
    row = raw[raw["CCG16CDH"] == "11N"].iloc[0]
    lineage = model.lineage[model.lineage["from_geography"] == "ccg16"]
    main = lineage.sort_values("share", ascending=False).drop_duplicates("from_code").set_index("from_code")
    expected = list(dict.fromkeys(main.at[row[f"similar_ccg_{i}"], "to_code"] for i in range(1, 11)))
    expected = [c for c in expected if c != KERNOW]
    got = peer_table(model, KERNOW, "rightcare")["peer_code"].tolist()
    assert got[: len(expected)] == expected[: len(got)]
    assert len(got) == 10


def test_merged_ccg_gets_peers_from_its_predecessors(model, sets):
    rc = sets[sets["peer_set"] == "rightcare"]
    counts = rc.groupby(s.AREA_CODE).size()
    assert counts.max() == 10 and counts.min() >= 5
    assert not (rc[s.AREA_CODE] == rc["peer_code"]).any()


def test_pooled_peer_value_and_category_recomputed(model):
    sel = Selection("qof_hyp", "2022/23", "ccg21", "Persons")
    rows = model.slice(*[sel.indicator_id, sel.geography, sel.period, sel.sex]).set_index(s.AREA_CODE)
    peers = peer_table(model, KERNOW, "similar")["peer_code"]
    expected = rows.loc[peers, s.COUNT].sum() / rows.loc[peers, s.DENOMINATOR].sum() * 100
    value, method, n = focus_peer_value(model, sel, KERNOW, "similar")
    assert (value, method, n) == (pytest.approx(expected), "pooled", 10)
    me = rows.loc[KERNOW]
    category = compare(
        np.array([me[s.VALUE]]),
        np.array([me[s.LOWER95]]),
        np.array([me[s.UPPER95]]),
        value,
        me_polarity(model),
    )[0]
    assert me["cmp_peers_95"] == category


def me_polarity(model):
    return model.catalogue.at["qof_hyp", "polarity"]


def test_non_ratio_indicators_use_the_peers_mean(model):
    pv = model.frames["peer_values"]
    means = pv[(pv["peer_method"] == "mean") & (pv[s.GEOGRAPHY] == "ccg21")]
    assert len(means)
    one = means.iloc[0]
    sel = Selection(one[s.INDICATOR_ID], one[s.PERIOD], "ccg21", one[s.SEX])
    rows = model.slice(sel.indicator_id, "ccg21", sel.period, sel.sex).set_index(s.AREA_CODE)
    peers = peer_table(model, one[s.AREA_CODE], one["peer_set"])["peer_code"]
    have = rows.loc[rows.index.intersection(peers), s.VALUE].dropna()
    assert one["peer_value"] == pytest.approx(have.mean())
    assert one["peer_n"] == len(have)


def test_peers_benchmark_and_set_in_the_url(model):
    state, notices = parse_query(model, "?benchmark=peers&peers=rightcare")
    assert (state["benchmark"], state["peers"], notices) == ("peers", "rightcare", [])
    state, notices = parse_query(model, "?benchmark=peers&peers=cousins")
    assert state["peers"] == "similar"
    assert notices == [
        "'cousins' is not a valid peer set (similar CCGs (nearest 10) or RightCare's similar 10): showing similar CCGs (nearest 10)."
    ]
