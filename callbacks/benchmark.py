"""The Benchmark control's labels (``views.controls.benchmark_options``: "England" only where the
England value covers England) and the Region control's regions (those of the geography shown);
parts of ``callbacks.shell``."""

from __future__ import annotations

from data.model.store import load_model
from views.controls import benchmark_options, region_options


def benchmark_part(state: dict) -> tuple:
    return (benchmark_options(state),)


def _geography(state: dict) -> str | None:
    geography = state.get("geography")
    return geography if isinstance(geography, str) else None


def region_part(state: dict) -> tuple:
    return (region_options(load_model(), _geography(state)),)


def region_kept(state: dict) -> tuple:
    """The regions follow from the geography alone (about 5 ms to make them, on every change)."""
    return (_geography(state),)
