"""Peers: the panel listing the focus area's similar CCGs, and the peer marks on compare and spine."""

from __future__ import annotations

import pandas as pd

from data.model import schema as s
from data.model.peers import DEFAULT_PEER_SET, PEER_SETS, VARIABLES
from data.model.store import load_model
from data.queries.comparator import headline
from data.queries.peers import peer_table, spine_peer_rows
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
    peers = spine_peer_rows(load_model(), rows, state["areas"][0], peer_set_of(state))
    return add_peer_band(fig, rows, peers)


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
    options = [(key, label, f"/{page}{to_query(dict(state, peers=key))}") for key, label in PEER_SETS.items()]
    scope = state.get("scope") or "peers"
    shown = [
        (key, label, f"/{page}{to_query(dict(state, scope=key))}")
        for key, label in (
            ("peers", "the focus area and its similar CCGs"),
            ("all", "every area (the others grey, not compared)"),
        )
    ]
    switch = P(
        [Span("Peer set: "), *choices(chosen, options), Span(" Areas shown: "), *choices(scope, shown)]
    )
    if not state.get("areas"):
        return [switch, P("Choose a focus area to see its similar CCGs.", className="hint")], False
    focus = state["areas"][0]
    name = area_names([focus])[focus]
    peers = peer_table(load_model(), focus, chosen)
    if peers.empty:
        text = f"{name} is not a CCG 2021 area: peer groups exist for CCG 2021 only."
        return [switch, P(text, className="hint")], False
    measure = "Distance" if chosen == "similar" else "Score"
    rows = [[int(r["rank"]), str(r[s.AREA_NAME]), f"{r['distance']:.2f}"] for _, r in peers.iterrows()]
    short = "; ".join(
        f"{str(r[s.AREA_NAME]).removeprefix('NHS ').removesuffix(' CCG')} ({r['distance']:.2f})"
        for _, r in peers.iterrows()
    )
    return [
        switch,
        P([el("B", f"{len(peers)} CCGs most like {name}: "), short]),
        el(
            "Details",
            [
                el("Summary", "The peer list, and how the peers and their value are made"),
                table(["#", "Similar CCG", measure], rows, "data-table peers-table"),
                P(_how(chosen), className="hint"),
                P(PEER_VALUE_METHOD, className="hint"),
            ],
        ),
    ], False
