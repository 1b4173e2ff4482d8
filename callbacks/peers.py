"""Peers: the panel listing the focus area's similar CCGs (shown with benchmark=peers; part of
``callbacks.shell``)."""

from __future__ import annotations

from layouts.content import render
from views.peers import peers_panel


def peers_part(state: dict) -> tuple:
    return render(peers_panel(state))
