"""The frame around the page shown: the footer's download links, the Definition panel, the
data-age line, the peers panel, the Benchmark control's labels, the Region control's regions.

Each follows from the shared selection, and most change only now and then. They are answered by
the sync callback (``callbacks.sync``), in the request that makes the selection: as callbacks of
their own (six at first, then one) they cost a request more on every change, and the browser's
work for each (dash-renderer passes over every mounted component for each prop it writes and for
each callback's passage through its store: ``python -m bench.devtools``). A part is sent only when
its content differs from what the browser shows: the browser keeps a digest of each part it was
sent (``ids.SHELL_SHOWN``), so an unchanged part costs nothing there. The parts themselves are
plain functions in their own modules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import no_update
from dash.exceptions import PreventUpdate

from callbacks.benchmark import benchmark_part, region_kept, region_part
from callbacks.catalogue import data_age_part
from callbacks.exports import export_links_kept, export_links_part
from callbacks.pages import definition_part
from callbacks.peers import peers_part
from callbacks.shown import digest
from layouts import ids
from views.controls import benchmark_inputs


@dataclass(frozen=True)
class Part:
    """One part of the frame: its outputs and how it answers (the selection, then ``inputs``' values)."""

    name: str
    outputs: tuple[tuple[str, str], ...]
    answer: Callable[..., tuple]
    inputs: tuple[tuple[str, str], ...] = ()
    # what decides whether the browser has the part already, if not its values themselves (the
    # export links: their query follows the address bar in the browser, assets/nav.js)
    kept: Callable[[dict], tuple] | None = None


PARTS: tuple[Part, ...] = (
    Part("export_links", ((ids.EXPORT_LINKS, "children"),), export_links_part, kept=export_links_kept),
    Part(
        "definition",
        ((ids.DEFINITION_PANEL, "children"), (ids.DEFINITION_PANEL, "hidden")),
        definition_part,
        ((ids.DEFINITION_BUTTON, "n_clicks"),),
    ),
    Part("data_age", ((ids.DATA_AGE, "children"), (ids.DATA_AGE, "hidden")), data_age_part),
    Part("peers", ((ids.PEERS_PANEL, "children"), (ids.PEERS_PANEL, "hidden")), peers_part),
    Part("benchmark", ((ids.BENCHMARK, "options"),), benchmark_part, kept=benchmark_inputs),
    Part("region", ((ids.REGION, "options"),), region_part, kept=region_kept),
)
EXTRA_INPUTS: tuple[tuple[str, str], ...] = tuple(i for part in PARTS for i in part.inputs)
PART_OUTPUTS: tuple[tuple[str, str], ...] = tuple(o for part in PARTS for o in part.outputs)


def shell_outputs(state: dict | None, extra: dict[tuple[str, str], Any], shown: dict | None) -> tuple:
    """Every part's outputs (``no_update`` for a part whose digest the browser already holds),
    then the digests (``no_update`` if none changed)."""
    if not state:
        raise PreventUpdate
    shown = shown if isinstance(shown, dict) else {}
    out: list = []
    digests = {}
    for part in PARTS:
        if part.kept is not None:  # known before the part is made: not made when the browser has it
            digests[part.name] = digest(part.kept(state))
            if digests[part.name] == shown.get(part.name):
                out += [no_update] * len(part.outputs)
                continue
        values = part.answer(state, *[extra.get(i) for i in part.inputs])
        digests.setdefault(part.name, digest(values))
        out += list(values) if digests[part.name] != shown.get(part.name) else [no_update] * len(values)
    return (*out, digests if digests != shown else no_update)
