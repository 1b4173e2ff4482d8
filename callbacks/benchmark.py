"""The Benchmark control's labels (``views.controls.benchmark_options``: "England" only where the
England value covers England; part of ``callbacks.shell``)."""

from __future__ import annotations

from views.controls import benchmark_options


def benchmark_part(state: dict) -> tuple:
    return (benchmark_options(state),)
