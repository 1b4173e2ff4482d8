"""Read a boundary file of any format the project meets into a GeoDataFrame in EPSG:4326.

GeoJSON, TopoJSON (detected by content, not by extension), ESRI shapefiles and
zipped shapefiles as ONS distributes them all come back the same way, so the
boundary builder never cares which format a source uses.
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

log = logging.getLogger(__name__)

WGS84 = "EPSG:4326"
_TOPOLOGY = re.compile(rb'"type"\s*:\s*"Topology"')


class BoundaryReadError(ValueError):
    """A boundary file exists but cannot be read as boundaries; the message names the file."""


def read_boundary(path: Path, *, layer: str | None = None, source_crs: str | None = None) -> gpd.GeoDataFrame:
    """Read GeoJSON, TopoJSON, a shapefile or a zipped shapefile and return it in EPSG:4326.

    ``layer`` picks the TopoJSON object or the shapefile inside a zip; ``source_crs``
    declares the CRS of files that declare none (TopoJSON usually).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"boundary file not found: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".zip":
            gdf = _read_zipped_shapefile(path, layer)
        elif suffix == ".shp":
            gdf = gpd.read_file(path)
        elif _is_topojson(path):
            gdf = _read_topojson(path, layer)
        else:
            gdf = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    except BoundaryReadError:
        raise
    except Exception as exc:  # pyogrio/GDAL raise a variety of errors for corrupt files
        raise BoundaryReadError(f"cannot read boundary file {path}: {exc}") from exc
    if len(gdf) == 0:
        raise BoundaryReadError(f"boundary file {path} holds no features")
    return _to_wgs84(gdf, path, source_crs)


def _is_topojson(path: Path) -> bool:
    if path.suffix.lower() not in {".json", ".topojson", ".geojson"}:
        return False
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    return bool(_TOPOLOGY.search(head))


def _read_zipped_shapefile(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    try:
        with zipfile.ZipFile(path) as zf:
            members = [n for n in zf.namelist() if n.lower().endswith(".shp")]
    except zipfile.BadZipFile as exc:
        raise BoundaryReadError(f"boundary file {path} is not a valid zip: {exc}") from exc
    if layer is not None:
        members = [m for m in members if Path(m).stem == layer]
    if len(members) != 1:
        raise BoundaryReadError(
            f"boundary zip {path} must hold exactly one shapefile"
            + (f" named {layer!r}" if layer else "")
            + f"; found {members or 'none'}"
        )
    return gpd.read_file(f"/vsizip/{path.resolve()}/{members[0]}")


def _read_topojson(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        if layer is None:
            if len(layers) != 1:
                raise BoundaryReadError(f"TopoJSON {path} holds objects {layers}: pass layer=")
            layer = layers[0]
        return gpd.read_file(path, layer=layer)
    except BoundaryReadError:
        raise
    except Exception as exc:  # GDAL built without the TopoJSON driver, or it rejects the file
        log.warning("GDAL could not read TopoJSON %s (%s); decoding it in Python", path, exc)
        return decode_topojson(json.loads(path.read_text(encoding="utf-8")), layer)


def decode_topojson(topology: dict, layer: str | None = None) -> gpd.GeoDataFrame:
    """Decode one object of a TopoJSON topology (polygons only) without GDAL."""
    objects = topology.get("objects", {})
    if layer is None:
        if len(objects) != 1:
            raise BoundaryReadError(f"TopoJSON holds objects {sorted(objects)}: pass layer=")
        layer = next(iter(objects))
    if layer not in objects:
        raise BoundaryReadError(f"TopoJSON has no object {layer!r}; it has {sorted(objects)}")
    arcs = _decoded_arcs(topology)

    def ring(indexes: list[int]) -> np.ndarray:
        parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indexes]
        # consecutive arcs share their joining point: keep it once
        return np.concatenate([parts[0]] + [p[1:] for p in parts[1:]])

    def geometry(geom: dict | None):
        kind = (geom or {}).get("type")
        if kind == "Polygon":
            rings = [ring(r) for r in geom["arcs"]]
            return shapely.Polygon(rings[0], rings[1:])
        if kind == "MultiPolygon":
            polys = [[ring(r) for r in p] for p in geom["arcs"]]
            return shapely.MultiPolygon([shapely.Polygon(p[0], p[1:]) for p in polys])
        return None

    members = objects[layer].get("geometries", [objects[layer]])
    records = [dict(m.get("properties") or {}, id=m.get("id")) for m in members]
    return gpd.GeoDataFrame(records, geometry=[geometry(m) for m in members], crs=None)


def _decoded_arcs(topology: dict) -> list[np.ndarray]:
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        coords = np.asarray(arc, dtype=float)[:, :2]
        if transform:  # quantised, delta-encoded positions
            coords = np.cumsum(coords, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(coords)
    return arcs


def _to_wgs84(gdf: gpd.GeoDataFrame, path: Path, source_crs: str | None) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        if source_crs is None:
            minx, miny, maxx, maxy = gdf.total_bounds
            if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
                raise BoundaryReadError(
                    f"boundary file {path} declares no CRS and its coordinates are not longitude/latitude:"
                    " pass source_crs="
                )
            log.warning("%s declares no CRS; its coordinates look like longitude/latitude: EPSG:4326", path)
            source_crs = WGS84
        gdf = gdf.set_crs(source_crs)
    elif source_crs is not None and gdf.crs != gpd.GeoSeries(crs=source_crs).crs:
        log.warning("%s declares %s, not the expected %s: trusting the file", path, gdf.crs, source_crs)
    if gdf.crs.to_epsg() != 4326:
        log.info("reprojecting %s from %s to EPSG:4326", path.name, gdf.crs)
        gdf = gdf.to_crs(WGS84)
    return gdf
