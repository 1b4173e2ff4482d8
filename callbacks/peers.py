"""Peers: the panel listing the focus area's similar CCGs, and the peer marks on compare."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from data.model import schema as s
from data.model.peers import DEFAULT_PEER_SET, PEER_SETS, VARIABLES
from data.model.store import load_model
from data.queries.peers import focus_peer_value, peer_table, spine_peer_rows
from data.queries.rows import Selection
from figures.peers import add_peer_band, mark_peers
from layouts import ids
from selection import to_query


def peer_set_of(state: dict) -> str:
    return state.get("peers") or DEFAULT_PEER_SET


def with_peers(fig, state: dict, frame: pd.DataFrame):
    """The compare figure with the focus area's peers flagged and their value drawn (benchmark=peers)."""
    if state.get("benchmark") != "peers" or not state.get("areas") or state["geography"] != s.HOME_GEOGRAPHY:
        return fig
    model = load_model()
    focus = state["areas"][0]
    peers = peer_table(model, focus, peer_set_of(state))
    names = frame.set_index(s.AREA_CODE)[s.AREA_NAME].astype(str)
    labels = [names[c] for c in peers["peer_code"] if c in names.index]
    sel = Selection(state["indicator"], state["period"], state["geography"], state["sex"])
    value, method, n = focus_peer_value(model, sel, focus, peer_set_of(state))
    unit = model.catalogue.at[state["indicator"], "unit"]
    how = f"{method} over {n}" if method else ""
    return mark_peers(fig, labels, value, label="Similar CCGs", method=how, unit=unit)


def peers_panel(state: dict) -> tuple[list, bool]:
    """The panel's children and whether it is hidden (shown only with benchmark=peers)."""
    if state.get("benchmark") != "peers":
        return [], True
    model = load_model()
    chosen = peer_set_of(state)
    switch = [
        html.Span("Peer set: "),
        *[
            html.Span(
                html.B(label)
                if key == chosen
                else dcc.Link(label, href=f"/{state.get('page') or 'map'}{to_query(dict(state, peers=key))}"),
                className="peer-set",
            )
            for key, label in PEER_SETS.items()
        ],
    ]
    if not state.get("areas"):
        return [
            html.P(switch),
            html.P("Choose a focus area to see its similar CCGs.", className="hint"),
        ], False
    focus = state["areas"][0]
    names = model.areas.drop_duplicates(s.AREA_CODE).set_index(s.AREA_CODE)[s.AREA_NAME]
    table = peer_table(model, focus, chosen)
    if table.empty:
        text = f"{names.get(focus, focus)} is not a CCG 2021 area: peer groups exist for CCG 2021 only."
        return [html.P(switch), html.P(text, className="hint")], False
    measure = "Distance" if chosen == "similar" else "Score"
    head = html.Thead(html.Tr([html.Th("#"), html.Th("Similar CCG"), html.Th(measure)]))
    body = html.Tbody(
        [
            html.Tr([html.Td(int(r["rank"])), html.Td(str(r[s.AREA_NAME])), html.Td(f"{r['distance']:.2f}")])
            for _, r in table.iterrows()
        ]
    )
    if chosen == "similar":
        how = (
            "Nearest by standardised Euclidean distance over "
            + "; ".join(f"{what} (weight {w:g})" for _, w, what in VARIABLES)
            + ". Smaller is more similar."
        )
    else:
        how = (
            "NHS RightCare's 2016 similar-10 lists carried to CCG 2021 through the boundary lineage: a merged "
            "CCG takes its predecessors' peers, scored by share x (11 - rank); higher is more similar."
        )
    method = (
        "Peer value: pooled sum of counts / sum of denominators where the indicator is that ratio, "
        "otherwise the mean of the peers' values; the area's confidence interval is compared with it."
    )
    short = "; ".join(
        f"{str(r[s.AREA_NAME]).removeprefix('NHS ').removesuffix(' CCG')} ({r['distance']:.2f})"
        for _, r in table.iterrows()
    )
    return [
        html.P(switch),
        html.P([html.B(f"{len(table)} CCGs most like {names.get(focus, focus)}: "), short]),
        html.Details(
            [
                html.Summary("The peer list, and how the peers and their value are made"),
                html.Table([head, body], className="data-table peers-table"),
                html.P(how, className="hint"),
                html.P(method, className="hint"),
            ]
        ),
    ], False


@callback(Output(ids.PEERS_PANEL, "children"), Output(ids.PEERS_PANEL, "hidden"), Input(ids.STATE, "data"))
def update_peers_panel(state):
    if not state:
        raise PreventUpdate
    return peers_panel(state)


def spine_with_peers(fig, state: dict, rows: pd.DataFrame):
    """The spine chart with the focus area's peer band (benchmark=peers)."""
    if state.get("benchmark") != "peers" or not state.get("areas"):
        return fig
    peers = spine_peer_rows(load_model(), rows, state["areas"][0], peer_set_of(state))
    return add_peer_band(fig, rows, peers)
