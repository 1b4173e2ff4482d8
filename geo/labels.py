"""Where an area's marker goes: a point inside it. Shapely only, no geopandas, so a page worker
that has to place a marker for GeoJSON without a precomputed label (geo.simplify puts one on
every browser layer at model build) need not load geopandas and pyproj."""

from __future__ import annotations

from typing import Any

import shapely
from shapely.ops import polylabel

LABEL_PRECISION = 3  # a marker's position: 100 m is plenty


def label_point(geom: shapely.Geometry) -> list[float]:
    """[lon, lat] inside the area where a marker reads as belonging to it.

    The pole of inaccessibility of the largest polygon (the point furthest from its edges), not
    the centroid, which can fall outside a concave or crescent-shaped area.
    """
    parts = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
    largest = max(parts, key=lambda g: g.area)
    point = polylabel(largest, tolerance=0.001)
    if point.is_empty or not largest.contains(point):
        point = largest.point_on_surface()
    return [round(point.x, LABEL_PRECISION), round(point.y, LABEL_PRECISION)]


def geojson_label_point(geometry: dict[str, Any]) -> list[float]:
    """``label_point`` of a GeoJSON geometry (a mapping)."""
    return label_point(shapely.geometry.shape(geometry))
