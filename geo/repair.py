"""Make polygon geometries valid and polygonal, so overlays, dissolves and maps behave."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely


def polygons_only(geom):
    """The polygonal part of a geometry (a repaired ring can leave stray lines or points); None if none."""
    if geom is None or geom.is_empty:
        return None
    if isinstance(geom, shapely.Polygon | shapely.MultiPolygon):
        return geom
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, shapely.Polygon | shapely.MultiPolygon)]
    if not parts:
        return None
    return (
        shapely.MultiPolygon([p for g in parts for p in shapely.get_parts(g)]) if len(parts) > 1 else parts[0]
    )


def repair_polygons(geoms: gpd.GeoSeries) -> tuple[gpd.GeoSeries, np.ndarray]:
    """Repair invalid geometries with make_valid ('structure' keeps polygon areas) and keep polygons only.

    Returns the repaired series and a boolean mask of the rows that were repaired.
    """
    values = geoms.to_numpy()
    invalid = ~shapely.is_valid(values)
    if invalid.any():
        fixed = shapely.make_valid(values[invalid], method="structure", keep_collapsed=False)
        values = values.copy()
        values[invalid] = [polygons_only(g) for g in fixed]
    nonpoly = ~np.isin(shapely.get_type_id(values), [3, 6])  # 3 Polygon, 6 MultiPolygon
    if nonpoly.any():
        values = values.copy()
        values[nonpoly] = [polygons_only(g) for g in values[nonpoly]]
        invalid = invalid | nonpoly
    return gpd.GeoSeries(values, index=geoms.index, crs=geoms.crs), invalid
