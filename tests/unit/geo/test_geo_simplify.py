"""geo.simplify: browser GeoJSON is small, keyed by area code, rounded and wound for plotly."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from geo.simplify import browser_layers, geojson_size, simplify_layer, to_browser_geojson

CCG21_MAX_BYTES = 200_000  # stated budget for the home layer (it comes out near 146 KB)


@pytest.fixture(scope="module")
def browser(layers):
    return browser_layers(layers)


def test_ccg21_layer_is_small_and_keyed_by_code(browser, layers):
    geojsons, table = browser
    ccg21 = geojsons["ccg21"]
    assert geojson_size(ccg21) < CCG21_MAX_BYTES
    assert [f["id"] for f in ccg21["features"]] == list(layers["ccg21"]["area_code"])
    first = ccg21["features"][0]
    assert first["properties"] == {
        "area_code": first["id"],
        "area_name": "NHS Barnsley CCG",
        "label": first["properties"]["label"],
    }
    # every area's glyph point lies inside the area (a concave shape's centroid may not)
    for feature in ccg21["features"]:
        assert (
            shapely.geometry.shape(feature["geometry"])
            .buffer(1e-3)
            .contains(shapely.geometry.Point(feature["properties"]["label"]))
        ), feature["id"]
    row = table.set_index("layer").loc["ccg21"]
    assert row["n_areas"] == 106 and row["bytes"] == geojson_size(ccg21)


def test_table_lists_every_map_layer_and_no_overlay_layer(browser, layers):
    geojsons, table = browser
    assert list(table.columns) == ["layer", "n_areas", "tolerance_deg", "bytes"]
    assert "ccg21_bsc" not in geojsons
    for key in [
        "ccg13",
        "ccg16",
        "ccg17",
        "ccg18",
        "ccg19",
        "ccg20",
        "ccg21",
        "stp21",
        "icb22",
        "nhser21",
        "ccg18_cartogram",
        "ccg19_cartogram",
    ]:
        assert len(geojsons[key]["features"]) == len(layers[key]), key
    assert (table["bytes"] < 400_000).all()


def test_coordinates_rounded_and_exteriors_clockwise(browser):
    ccg21 = browser[0]["ccg21"]
    text = json.dumps(ccg21)
    assert json.loads(text) == ccg21
    for feature in ccg21["features"][:20]:
        geom = shapely.geometry.shape(feature["geometry"])
        coords = shapely.get_coordinates(geom)
        assert (abs(coords * 1e4 - (coords * 1e4).round()) < 1e-6).all()
        for poly in shapely.get_parts(geom):
            assert not poly.exterior.is_ccw


def test_shared_edges_stay_shared_when_simplified():
    # two neighbours with a wiggly common border: coverage simplification moves it for both
    border = [(1, y / 10) for y in range(11)]
    wiggle = [(1 + (0.001 if i % 2 else 0), y) for i, (_, y) in enumerate(border)]
    left = shapely.Polygon([(0, 0)] + wiggle + [(0, 1)])
    right = shapely.Polygon([(2, 0), (2, 1)] + wiggle[::-1])
    gdf = gpd.GeoDataFrame(
        {"area_code": ["L", "R"], "area_name": ["l", "r"]}, geometry=[left, right], crs=4326
    )
    geoms, method = simplify_layer(gdf, 0.05)
    assert method == "coverage"
    assert shapely.coverage_is_valid(geoms)
    assert shapely.get_num_coordinates(geoms).sum() < shapely.get_num_coordinates(gdf.geometry.values).sum()
    out = to_browser_geojson(gdf, 0.05)
    assert [f["id"] for f in out["features"]] == ["L", "R"]
