"""Small GeoJSON for the browser: simplified, rounded, wound for plotly, keyed by area code.

Simplification keeps shared edges shared (GEOS coverage simplification) when a layer is a
clean coverage, so neighbouring areas never show gaps or overlaps after simplifying.
"""

from __future__ import annotations

import json
import logging
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.boundaries import OVERLAY_ONLY_LAYERS
from geo.labels import label_point

log = logging.getLogger(__name__)

# Tolerance in degrees per layer. For clean coverages it is GEOS coverage simplification's
# Visvalingam-Whyatt tolerance (the square root of the smallest triangle area kept), so 0.01
# drops wiggles under about 0.8 km2; for the others (the quantised 2013 TopoJSON and the
# cartograms, which overlap) it is a Douglas-Peucker distance. Checked by eye on London
# at CCG level: boundaries stay recognisable; an England map loses nothing visible.
TOLERANCES: MappingProxyType[str, float] = MappingProxyType(
    {
        "ccg13": 0.003,
        "ccg16": 0.003,
        "ccg17": 0.01,
        "ccg18": 0.01,
        "ccg19": 0.01,
        "ccg20": 0.01,
        "ccg21": 0.01,
        "stp21": 0.01,
        "icb22": 0.01,
        "nhser21": 0.01,
        "sicbl23": 0.01,
        "icb23": 0.01,
        "nhser24": 0.01,
        "ccg18_cartogram": 0.004,
        "ccg19_cartogram": 0.004,
    }
)
DEFAULT_TOLERANCE = 0.005
PRECISION = 4  # decimal places: 11 m at most, well under the 500 m generalisation of the sources


def simplify_layer(gdf: gpd.GeoDataFrame, tolerance: float) -> tuple[np.ndarray, str]:
    """Simplify every polygon, keeping shared edges when the layer is a valid coverage; return the method too."""
    geoms = gdf.geometry.to_numpy()
    if tolerance <= 0:
        return geoms, "none"
    if shapely.coverage_is_valid(geoms):
        return shapely.coverage_simplify(geoms, tolerance), "coverage"
    # overlapping or gapped inputs (cartograms, the quantised 2013 TopoJSON): simplify each polygon alone
    return shapely.simplify(geoms, tolerance, preserve_topology=True), "per-polygon"


def to_browser_geojson(gdf: gpd.GeoDataFrame, tolerance: float, precision: int = PRECISION) -> dict:
    """A FeatureCollection whose feature ids are area codes with properties area_code, area_name
    and ``label`` ([lon, lat] for the map's category glyph: ``geo.labels.label_point``).

    Exterior rings run clockwise (d3 / plotly ``go.Choropleth`` convention; MapLibre ignores winding).
    """
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs("EPSG:4326")
    geoms, _ = simplify_layer(gdf, tolerance)
    geoms = shapely.set_precision(geoms, 10.0**-precision)  # snap to the output grid, staying valid
    geoms = shapely.orient_polygons(geoms, exterior_cw=True)
    geoms = shapely.transform(geoms, lambda xy: np.round(xy, precision))
    features = []
    for code, name, geom in zip(gdf["area_code"], gdf["area_name"], geoms, strict=True):
        if geom is None or geom.is_empty:
            log.warning(
                "area %s vanished when simplified at %s deg; left out of the browser layer", code, tolerance
            )
            continue
        features.append(
            {
                "type": "Feature",
                "id": str(code),
                "properties": {"area_code": str(code), "area_name": str(name), "label": label_point(geom)},
                "geometry": shapely.geometry.mapping(geom),
            }
        )
    # round-trip through JSON so the dict holds plain lists (what dcc / plotly serialise)
    return json.loads(json.dumps({"type": "FeatureCollection", "features": features}))


def geojson_size(d: dict) -> int:
    """Bytes of the compact JSON text of ``d``, i.e. what the browser downloads before compression."""
    return len(json.dumps(d, separators=(",", ":")).encode("utf-8"))


def browser_layers(boundaries: dict[str, gpd.GeoDataFrame]) -> tuple[dict[str, dict], pd.DataFrame]:
    """Browser GeoJSON for every map layer and a table ``layer, n_areas, tolerance_deg, bytes`` describing them.

    Overlay-only layers (geo.boundaries.OVERLAY_ONLY_LAYERS) are left out.
    """
    out: dict[str, dict] = {}
    rows = []
    for key, gdf in boundaries.items():
        if key in OVERLAY_ONLY_LAYERS:
            continue
        tolerance = TOLERANCES.get(key, DEFAULT_TOLERANCE)
        out[key] = to_browser_geojson(gdf, tolerance)
        rows.append(
            {
                "layer": key,
                "n_areas": len(out[key]["features"]),
                "tolerance_deg": tolerance,
                "bytes": geojson_size(out[key]),
            }
        )
        log.info(
            "browser layer %s: %d areas, %.4f deg, %d bytes",
            key,
            rows[-1]["n_areas"],
            tolerance,
            rows[-1]["bytes"],
        )
    return out, pd.DataFrame(rows, columns=["layer", "n_areas", "tolerance_deg", "bytes"])
