"""Peer questions asked at request time, read from the frames data/model/peers.py made at build."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.model import schema as s
from data.model.peers import DEFAULT_PEER_SET, PEER_COLUMNS, cmp_columns


def benchmark_key(state: dict) -> str:
    """The benchmark the views compare with: england, region, peers or peers_<set>."""
    if state.get("benchmark") != "peers":
        return state.get("benchmark") or "england"
    peer_set = state.get("peers") or DEFAULT_PEER_SET
    return "peers" if peer_set == DEFAULT_PEER_SET else f"peers_{peer_set}"


def category_column_for(benchmark: str, ci: str) -> str | None:
    """Comparison column for a peers benchmark key, or None for england/region."""
    if not benchmark.startswith("peers"):
        return None
    peer_set = benchmark.split("_", 1)[1] if "_" in benchmark else DEFAULT_PEER_SET
    c95, c998 = cmp_columns(peer_set)
    return c998 if str(ci) == "99.8" else c95


def peer_table(model, area: str, peer_set: str, geography: str = s.HOME_GEOGRAPHY) -> pd.DataFrame:
    """An area's peers (in ``geography``) with names, ranks and distances (for the peers panel)."""
    sets = model.frames.get("peer_sets")
    if sets is None:
        return pd.DataFrame(columns=PEER_COLUMNS + [s.AREA_NAME])
    rows = sets[
        (sets["peer_set"] == peer_set) & (sets[s.GEOGRAPHY] == geography) & (sets[s.AREA_CODE] == area)
    ].sort_values("rank")
    names = model.areas[model.areas[s.GEOGRAPHY] == geography].set_index(s.AREA_CODE)[s.AREA_NAME]
    return rows.assign(**{s.AREA_NAME: rows["peer_code"].map(names)}).reset_index(drop=True)


def peer_codes(model, area: str, peer_set: str, geography: str = s.HOME_GEOGRAPHY) -> list[str]:
    return peer_table(model, area, peer_set, geography)["peer_code"].tolist()


def has_peers(model, geography: str, peer_set: str | None = None) -> bool:
    """True when ``geography`` has the peer set (CCG 2021 and sub-ICB 2023 both, ICB 2023 'similar')."""
    sets = model.frames.get("peer_sets")
    if sets is None or sets.empty:
        return False
    here = sets[sets[s.GEOGRAPHY] == geography]
    return bool(len(here) and (peer_set is None or (here["peer_set"] == peer_set).any()))


def peer_values_for(model, sel, areas: pd.Series, peer_set: str | None) -> pd.Series:
    """Each area's peer benchmark value for a selection (NaN where it has none)."""
    pv = model.frames.get("peer_values")
    out = pd.Series(np.nan, index=areas.index)
    if pv is None:
        return out
    rows = pv[
        (pv[s.GEOGRAPHY] == sel.geography)
        & (pv["peer_set"] == (peer_set or DEFAULT_PEER_SET))
        & (pv[s.INDICATOR_ID] == sel.indicator_id)
        & (pv[s.PERIOD] == sel.period)
        & (pv[s.SEX] == sel.sex)
    ].set_index(s.AREA_CODE)
    return areas.map(rows["peer_value"]).astype(float)


def focus_peer_value(model, sel, area: str, peer_set: str | None) -> tuple[float | None, str, int]:
    """The focus area's peer benchmark: value, method (pooled or mean) and number of peers."""
    pv = model.frames.get("peer_values")
    if pv is None:
        return None, "", 0
    hit = pv[
        (pv[s.GEOGRAPHY] == sel.geography)
        & (pv["peer_set"] == (peer_set or DEFAULT_PEER_SET))
        & (pv[s.INDICATOR_ID] == sel.indicator_id)
        & (pv[s.PERIOD] == sel.period)
        & (pv[s.SEX] == sel.sex)
        & (pv[s.AREA_CODE] == area)
    ]
    if hit.empty:
        return None, "", 0
    row = hit.iloc[0]
    return float(row["peer_value"]), str(row["peer_method"]), int(row["peer_n"])


def spine_peer_rows(
    model, rows: pd.DataFrame, focus: str, peer_set: str | None, geography: str = s.HOME_GEOGRAPHY
) -> pd.DataFrame:
    """For each spine indicator (its period for the focus area): the peer value and the peers' range."""
    columns = [s.INDICATOR_ID, "peer_value", "peer_min", "peer_max", "peer_method"]
    pv = model.frames.get("peer_values")
    if pv is None or rows.empty:
        return pd.DataFrame(columns=columns)
    peer_set = peer_set or DEFAULT_PEER_SET
    wanted = rows[rows[s.AREA_CODE] == focus][[s.INDICATOR_ID, s.PERIOD]].drop_duplicates()
    mine = pv[
        (pv["peer_set"] == peer_set)
        & (pv[s.GEOGRAPHY] == geography)
        & (pv[s.AREA_CODE] == focus)
        & (pv[s.SEX] == "Persons")
    ]
    out = wanted.merge(mine[[s.INDICATOR_ID, s.PERIOD, "peer_value", "peer_method"]], how="inner")
    peers = peer_codes(model, focus, peer_set, geography)
    ind = model.indicators
    spread = ind[
        (ind[s.GEOGRAPHY] == geography) & (ind[s.SEX] == "Persons") & ind[s.AREA_CODE].isin(peers)
    ].merge(wanted, on=[s.INDICATOR_ID, s.PERIOD])
    spread = spread.groupby(s.INDICATOR_ID)[s.VALUE].agg(peer_min="min", peer_max="max").reset_index()
    return out.merge(spread, on=s.INDICATOR_ID, how="left")[columns]
