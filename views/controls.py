"""The shared controls' options that depend on the selection.

The Benchmark radio's "England" only where the England value covers England: where an
indicator's national value is summed from only some CCGs (GP appointments: 49 of 106), the
charts, legends and exports call it "49 of 106 CCGs with data"
(``data.queries.view_frames.benchmark_label``); the radio option says the same on the pages that
show one indicator, so the control never promises a national comparison the data cannot make.
Pages of many indicators (spine, overview, alerts) keep "England": there each row names its own
comparator.
"""

from __future__ import annotations

from data.model.store import load_model
from data.queries.view_frames import ENGLAND_LABEL, benchmark_label
from views.cache import memoized

BENCHMARK_OPTIONS = (("england", "England"), ("region", "Region"), ("peers", "Similar CCGs"))
INDICATOR_PAGES = ("map", "compare", "table", "trends", "funnel")


@memoized
def _label(indicator: str, period: str | None, sex: str) -> str:
    model = load_model()
    if indicator not in model.catalogue.index:
        return ENGLAND_LABEL
    return benchmark_label(model, indicator, period, sex)


def benchmark_options(state: dict | None) -> list[dict]:
    """The radio's options for a selection: the England option named for what it really is."""
    label = ENGLAND_LABEL
    if state and state.get("page") in INDICATOR_PAGES and state.get("indicator"):
        period = None if state["page"] == "trends" else state.get("period") or None
        label = _label(state["indicator"], period, state.get("sex") or "Persons")
    return [
        {"label": label if value == "england" else text, "value": value} for value, text in BENCHMARK_OPTIONS
    ]
