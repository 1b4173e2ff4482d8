"""Peers: the panel listing the focus area's similar CCGs, and the peer marks on compare and spine."""

from __future__ import annotations

import pandas as pd

from data.model import schema as s
from data.model.peers import DEFAULT_PEER_SET, PEER_SETS, VARIABLES, peer_set_label
from data.model.store import load_model
from data.queries.areas import area_word, focus_geography
from data.queries.comparator import headline
from data.queries.peers import has_peers, peer_table, spine_peer_rows
from figures.peers import add_peer_band, mark_peers
from selection import to_query
from views.common import area_names, comparator_of
from views.content import P, Span, choices, el, table


def peer_set_of(state: dict) -> str:
    return state.get("peers") or DEFAULT_PEER_SET


def with_peers(fig, state: dict, compared: pd.DataFrame):
    """The compare figure with the focus area's peers flagged and their value drawn: the value
    the bars were coloured against (the view's comparator, ``compared`` its rows)."""
    comp = comparator_of(state)
    if comp.kind != "peers" or not comp.focus:
        return fig
    names = compared.set_index(s.AREA_CODE)[s.AREA_NAME].astype(str)
    labels = [names[c] for c in comp.peers if c in names.index]
    head = headline(compared, comp)
    unit = load_model().catalogue.at[state["indicator"], "unit"]
    label = comp.peer_words[:1].upper() + comp.peer_words[1:]
    return mark_peers(fig, labels, head.value, label=label, method=head.method, unit=unit)


def spine_with_peers(fig, state: dict, rows: pd.DataFrame):
    """The spine chart with the focus area's peer band (benchmark=peers)."""
    if state.get("benchmark") != "peers" or not state.get("areas"):
        return fig
    model = load_model()
    geography = focus_geography(model, state["areas"], state.get("geography")) or s.HOME_GEOGRAPHY
    peers = spine_peer_rows(model, rows, state["areas"][0], peer_set_of(state), geography)
    return add_peer_band(fig, rows, peers, label=f"Similar {area_word(geography, 2)}")


def _how(chosen: str) -> str:
    if chosen == "similar":
        return (
            "Nearest by standardised Euclidean distance over "
            + "; ".join(f"{what} (weight {w:g})" for _, w, what in VARIABLES)
            + ". Smaller is more similar."
        )
    return (
        "NHS RightCare's 2016 similar-10 lists carried to CCG 2021 through the boundary lineage: a merged "
        "CCG takes its predecessors' peers, scored by share x (11 - rank); higher is more similar."
    )


PEER_VALUE_METHOD = (
    "Peer value: pooled sum of counts / sum of denominators where the indicator is that ratio, "
    "otherwise the mean of the peers' values; the area's confidence interval is compared with it."
)


def peers_panel(state: dict) -> tuple[list, bool]:
    """The panel's children and whether it is hidden (shown only with benchmark=peers)."""
    if state.get("benchmark") != "peers":
        return [], True
    chosen = peer_set_of(state)
    page = state.get("page") or "map"
    model = load_model()
    geography = focus_geography(model, state.get("areas") or [], state.get("geography")) or state["geography"]
    sets = [k for k in PEER_SETS if has_peers(model, geography, k)] or [DEFAULT_PEER_SET]
    options = [
        (key, peer_set_label(key, geography), f"/{page}{to_query(dict(state, peers=key))}") for key in sets
    ]
    similar = f"similar {area_word(geography, 2)}"
    scope = state.get("scope") or "peers"
    shown = [
        (key, label, f"/{page}{to_query(dict(state, scope=key))}")
        for key, label in (
            ("peers", f"the focus area and its {similar}"),
            ("all", "every area (the others grey, not compared)"),
        )
    ]
    switch = P(
        [Span("Peer set: "), *choices(chosen, options), Span(" Areas shown: "), *choices(scope, shown)]
    )
    if not state.get("areas"):
        return [switch, P(f"Choose a focus area to see its {similar}.", className="hint")], False
    focus = state["areas"][0]
    name = area_names([focus], geography)[focus]
    peers = peer_table(model, focus, chosen, geography)
    if peers.empty:
        text = (
            f"{name} has no peer group in the {peer_set_label(chosen, geography)} set: peer groups exist "
            "for CCGs (2021), sub-ICB locations and ICBs (2023; RightCare's only for CCGs and sub-ICB "
            "locations)."
        )
        return [switch, P(text, className="hint")], False
    measure = "Distance" if chosen == "similar" else "Score"
    rows = [[int(r["rank"]), str(r[s.AREA_NAME]), f"{r['distance']:.2f}"] for _, r in peers.iterrows()]
    short = "; ".join(
        f"{str(r[s.AREA_NAME]).removeprefix('NHS ').removesuffix(' CCG').removesuffix(' ICB')} "
        f"({r['distance']:.2f})"
        for _, r in peers.iterrows()
    )
    return [
        switch,
        P([el("B", f"{len(peers)} {area_word(geography, len(peers))} most like {name}: "), short]),
        el(
            "Details",
            [
                el("Summary", "The peer list, and how the peers and their value are made"),
                table(["#", f"Similar {area_word(geography)}", measure], rows, "data-table peers-table"),
                P(_how(chosen), className="hint"),
                P(PEER_VALUE_METHOD, className="hint"),
            ],
        ),
    ], False
