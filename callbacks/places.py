"""Find an area: the search box's results, as links that make the CCG 2021 area the focus
(part of ``callbacks.shell``)."""

from __future__ import annotations

from layouts.content import render
from views.places import place_results


def place_results_part(state: dict, text: str | None) -> tuple:
    return (render(place_results(text, state)),)
