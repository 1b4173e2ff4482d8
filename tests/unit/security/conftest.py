"""Fixtures for the security tests: the real app's Flask test client and callback bodies."""

from __future__ import annotations

import pytest

from selection import parse_query


@pytest.fixture(scope="session")
def dash_app():
    import app as app_module  # builds the app and registers every callback once

    return app_module.app


@pytest.fixture(scope="session")
def client(dash_app):
    client = dash_app.server.test_client()
    client.get("/_dash-layout")  # Dash fills its callback map on the first request
    return client


VIEW_PAGES = {
    "compare-graph": "compare",
    "spine-graph": "spine",
    "map-graph": "map",
    "overview-graph": "overview",
}


def view_body(state: dict, output: str = "..compare-graph.figure...compare-graph-summary.children..") -> dict:
    """The body the Dash renderer posts for a one-input view callback fed by the selection store."""
    outputs = [
        {"id": part.split(".")[0], "property": part.split(".")[1]} for part in output.strip(".").split("...")
    ]
    store = f"state-{VIEW_PAGES[outputs[0]['id']]}"  # the page's own copy of the selection
    return {
        "output": output,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [{"id": store, "property": "data", "value": state}],
        "changedPropIds": [f"{store}.data"],
        "state": [],
    }


def map_body(state: dict, shown_layer: str | None = None) -> dict:
    """The body the Dash renderer posts for the map page's callback (``callbacks.pages.MAP_OUTPUTS``)
    when the map's copy of the selection changes."""
    from callbacks.pages import MAP_OUTPUTS

    layer = {"id": "map-layer-store", "property": "data"}
    if shown_layer is not None:
        layer["value"] = shown_layer
    return {
        "output": ".." + "...".join(f"{cid}.{prop}" for cid, prop in MAP_OUTPUTS) + "..",
        "outputs": [{"id": cid, "property": prop} for cid, prop in MAP_OUTPUTS],
        "inputs": [
            {"id": "state-map", "property": "data", "value": state},
            {"id": "map-zoom", "property": "value", "value": "focus"},
        ],
        "changedPropIds": ["state-map.data"],
        "state": [
            layer,
            {"id": "ctl-layout", "property": "options"},
            {"id": "ctl-colour", "property": "options"},
        ],
    }


@pytest.fixture()
def state_for(model):
    def make(query: str = "", page: str = "map") -> dict:
        state, notices = parse_query(model, query)
        assert notices == [], notices
        return {**state, "page": page}

    return make
