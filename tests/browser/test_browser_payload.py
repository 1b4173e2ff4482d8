"""The map callback request as Chromium sends it (the shape tests/unit/callbacks/test_cb_map_patch.py posts)."""

from __future__ import annotations

import json

import pytest

from callbacks.pages import MAP_OUTPUTS
from data.model.store import load_model

pytestmark = pytest.mark.browser


def test_map_request_shape_and_patch_on_indicator_change(app_page):
    model = load_model()
    app_page.goto("/map?indicator=qof_hyp")
    app_page.wait_graph("map-graph", min_traces=16)
    app_page.settle()
    first = [r for r in app_page.requests if r.post_data and r.post_data.startswith('{"output":"..map-graph')]
    assert len(first) == 1
    payload = json.loads(first[0].post_data)
    assert payload["outputs"] == [{"id": cid, "property": prop} for cid, prop in MAP_OUTPUTS]
    assert [(i["id"], i["property"]) for i in payload["inputs"]] == [
        ("state-map", "data"),
        ("map-zoom", "value"),
    ]
    assert [(i["id"], i["property"]) for i in payload["state"]] == [
        ("map-layer-store", "data"),
        ("ctl-layout", "options"),
        ("ctl-colour", "options"),
    ]
    assert "value" not in payload["state"][0]  # no layer shown yet
    assert payload["changedPropIds"] == ["state-map.data"]
    response = first[0].response().json()["response"]
    assert response["map-layer-store"]["data"] == "ccg21"
    full_bytes = len(first[0].response().body())

    # change the indicator in the page: the second map request carries the layer and gets a Patch
    app_page.choose("ctl-indicator", "Dementia diagnosis", "Dementia diagnosis rate 65+")
    app_page.page.wait_for_function("() => location.search.includes('indicator=dementia_ddr_65plus')")
    app_page.settle()
    maps = [r for r in app_page.requests if r.post_data and r.post_data.startswith('{"output":"..map-graph')]
    assert len(maps) == 2
    second = json.loads(maps[1].post_data)
    assert second["state"][0] == {"id": "map-layer-store", "property": "data", "value": "ccg21"}
    body = maps[1].response().body()
    fig = json.loads(body)["response"]["map-graph"]["figure"]
    assert fig["__dash_patch_update"] == "__dash_patch_update"
    assert b"geojson" not in body
    assert len(body) < full_bytes
    geo = [r for r in app_page.requests if r.url.endswith(f"/geo/{model.fingerprint}/ccg21.json")]
    assert len(geo) == 1  # the boundaries are fetched once, not again for the Patch


def test_grid_script_loads_only_where_a_grid_is_shown(app_page):
    """AG Grid's main script (0.36 MB gzip) is not part of the map page; the table loads it once."""
    app_page.goto("/map?indicator=qof_hyp")
    app_page.wait_graph("map-graph", min_traces=16)
    app_page.settle()
    grid_scripts = lambda: [r.url for r in app_page.requests if "/dash_ag_grid/dash_ag_grid" in r.url]  # noqa: E731
    assert grid_scripts() == []
    # no topojson from anywhere: the map's base-map topojson is seeded in the page
    assert not [r.url for r in app_page.requests if "topojson" in r.url or "world_110m" in r.url]
    app_page.page.click("#nav-table")
    app_page.page.wait_for_selector("#table-grid .ag-row")
    app_page.settle()
    assert len(grid_scripts()) == 1
    assert app_page.page.locator("#table-grid .ag-row").count() > 20
