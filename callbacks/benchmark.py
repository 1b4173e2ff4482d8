"""The Benchmark control's labels (``views.controls.benchmark_options``: "England" only where the
England value covers England) and the Region control's regions (those of the geography shown)."""

from __future__ import annotations

from dash import Input, Output, callback

from data.model.store import load_model
from layouts import ids
from views.controls import benchmark_options, region_options


@callback(Output(ids.BENCHMARK, "options"), Input(ids.STATE, "data"))
def update_benchmark_options(state):
    return benchmark_options(state)


@callback(Output(ids.REGION, "options"), Input(ids.STATE, "data"))
def update_region_options(state):
    geography = state.get("geography") if isinstance(state, dict) else None
    return region_options(load_model(), geography if isinstance(geography, str) else None)
