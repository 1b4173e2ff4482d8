"""The "find an area" box: search places (local authorities) and old CCGs, reach CCG 2021."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids


def place_search() -> html.Div:
    """A search box whose results are links that make the matching CCG 2021 area the focus."""
    return html.Div(
        className="place-search",
        children=[
            html.Label(
                "Find an area by place, or an old CCG (2013-2020) by name or code",
                htmlFor=ids.PLACE_SEARCH,
                className="ctl-label",
            ),
            dcc.Input(
                id=ids.PLACE_SEARCH,
                type="search",
                debounce=0.4,
                placeholder="e.g. Cornwall, Sandwell, Great Yarmouth, 05Y",
                className="place-input",
                style={"maxWidth": "32rem"},
                autoComplete="off",
            ),
            html.Div(
                id=ids.PLACE_RESULTS, className="place-results", role="status", **{"aria-live": "polite"}
            ),
        ],
    )
