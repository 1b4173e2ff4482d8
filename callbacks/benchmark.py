"""The Benchmark control's labels (``views.controls.benchmark_options``: "England" only where the
England value covers England)."""

from __future__ import annotations

from dash import Input, Output, callback

from layouts import ids
from views.controls import benchmark_options


@callback(Output(ids.BENCHMARK, "options"), Input(ids.STATE, "data"))
def update_benchmark_options(state):
    return benchmark_options(state)
