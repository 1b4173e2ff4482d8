"""The map through the Dash endpoint: the first response per layer is a full figure, later ones a Patch.

The payload is the shape the renderer posts (captured from Chromium; the browser suite checks the
captured request still has this shape: tests/browser/test_browser_payload.py).
"""

from __future__ import annotations

import json

import pytest

from selection import parse_query
from tests.unit.security.conftest import map_body

ENDPOINT = "/_dash-update-component"


def map_payload(state: dict, shown_layer: str | None) -> dict:
    """What dash-renderer posts when the selection store changes (map page shown)."""
    return {**map_body(state, shown_layer), "parsedChangedPropsIds": ["state-map.data"]}


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


def map_state(model, query: str) -> dict:
    state, notices = parse_query(model, query)
    assert notices == []
    return {**state, "page": "map"}


@pytest.fixture(scope="module")
def exchange(client, model):
    """First load (qof_hyp), then an indicator change on the same layer; plus the boundary file."""
    first = client.post(ENDPOINT, json=map_payload(map_state(model, "?indicator=qof_hyp"), None))
    second = client.post(
        ENDPOINT, json=map_payload(map_state(model, "?indicator=dementia_ddr_65plus"), "ccg21")
    )
    areas = client.get(f"/geo/{model.fingerprint}/ccg21.json")
    regions = client.get(f"/geo/{model.fingerprint}/nhser21.json")
    assert first.status_code == second.status_code == areas.status_code == regions.status_code == 200

    class Boundaries:  # the two layers the first figure draws, fetched once each
        data = areas.data + regions.data

    return first, second, Boundaries


def test_first_response_is_a_full_figure_by_url(exchange, model):
    first, _, _ = exchange
    response = first.get_json()["response"]
    assert response["map-layer-store"]["data"] == "ccg21"
    fig = response["map-graph"]["figure"]
    assert "data" in fig and "layout" in fig
    assert fig["data"][0]["geojson"] == f"/geo/{model.fingerprint}/ccg21.json"
    assert b"FeatureCollection" not in first.data


def test_indicator_change_sends_a_patch(exchange):
    _, second, _ = exchange
    response = second.get_json()["response"]
    fig = response["map-graph"]["figure"]
    assert fig.get("__dash_patch_update") == "__dash_patch_update"
    assert "map-layer-store" not in response  # no_update: the layer stays
    assert b"geojson" not in second.data
    locations = {tuple(op["location"]) for op in fig["operations"]}
    assert ("data", 1, "z") in locations and ("layout", "title", "text") in locations
    assert not any(loc[:2] == ("data", 0) for loc in locations)  # the underlay is untouched


def figure_bytes(response) -> int:
    """The size of the map figure an answer sends (the answer also holds the page's other parts)."""
    return len(json.dumps(response.get_json()["response"]["map-graph"]["figure"]))


def test_patch_is_smaller_than_the_full_figure(exchange):
    first, second, boundary = exchange
    assert figure_bytes(second) < 0.25 * (figure_bytes(first) + len(boundary.data))


def test_patch_is_well_under_five_percent_of_the_full_figure(exchange):
    first, second, boundary = exchange
    full = figure_bytes(first) + len(boundary.data)
    assert figure_bytes(second) < 0.05 * full, (figure_bytes(second), full)


def test_boundary_route(client, model):
    response = client.get(f"/geo/{model.fingerprint}/ccg21.json")
    assert "immutable" in response.headers["Cache-Control"]
    body = json.loads(response.data)
    assert len(body["features"]) == 106
    assert client.get(f"/geo/{model.fingerprint}/nowhere.json").status_code == 404
    assert client.get("/geo/0000000000000000/ccg21.json").status_code == 404
