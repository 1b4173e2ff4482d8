"""Build every boundary layer of the model from the manifest's boundary entries.

Each layer is a GeoDataFrame ``area_code, area_name, ods_code, geometry`` in EPSG:4326
with valid polygons. How one file differs from another (code and name columns, joins
by name, dissolves of predecessor polygons, CRS, TopoJSON object) lives in the entry's
``[source.params]`` in data/sources/boundaries.toml, so a new file is a new entry.
"""

from __future__ import annotations

import glob
import logging
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.names import codes_by_name, proper_names, read_table
from geo.readers import read_boundary
from geo.repair import repair_polygons

log = logging.getLogger(__name__)

LAYER_COLUMNS = ["area_code", "area_name", "ods_code", "geometry"]
# Layers built only for overlays (manifest role = "overlay"): never browser layers or model geographies.
OVERLAY_ONLY_LAYERS = frozenset({"ccg21_bsc"})


class BoundaryBuildError(ValueError):
    """A boundary entry cannot be built as its manifest entry describes."""


def build_boundaries(
    data_dir: Path, manifest: dict[str, dict]
) -> tuple[dict[str, gpd.GeoDataFrame], list[str]]:
    """Build every layer named by a boundary entry (plus its derived layers); return layers and notes.

    The notes say, in plain words and with counts, what was dropped, repaired, dissolved or joined.
    """
    data_dir = Path(data_dir)
    layers: dict[str, gpd.GeoDataFrame] = {}
    notes: list[str] = []
    for entry_id, entry in manifest.items():
        params = entry.get("params", {})
        key = params.get("layer_key")
        if entry.get("kind") != "boundary" or not key:
            continue
        if params.get("use_in_model") is False:
            notes.append(
                f"{key}: {entry_id} ({entry['path']}) kept as a manifest entry, not built: {params.get('why', '')}"
            )
            continue
        if key in layers:
            raise BoundaryBuildError(f"{entry_id}: layer {key!r} is already built by another entry")
        if (params.get("role") == "overlay") != (key in OVERLAY_ONLY_LAYERS):
            raise BoundaryBuildError(
                f"{entry_id}: role 'overlay' and OVERLAY_ONLY_LAYERS disagree on {key!r}"
            )
        layers[key] = _build_layer(entry, data_dir, notes)
        if params.get("role") == "overlay":
            notes.append(f"{key}: overlay-only layer: {params.get('why', '')}")
        for derived in params.get("derived", []):
            dkey = derived["layer_key"]
            layers[dkey] = _derive_layer(layers[key], key, derived, params, data_dir, notes)
    for key, gdf in layers.items():
        log.info("boundary layer %s: %d areas", key, len(gdf))
    for note in notes:
        log.info("%s", note)
    return layers, notes


def _build_layer(entry: dict[str, Any], data_dir: Path, notes: list[str]) -> gpd.GeoDataFrame:
    params = entry.get("params", {})
    key, rel = params["layer_key"], entry["path"]
    raw = read_boundary(data_dir / rel, layer=params.get("layer"), source_crs=params.get("source_crs"))
    notes.append(f"{key}: read {len(raw)} features from {rel}")
    name_col = params.get("name_column")
    names = raw[name_col].astype("string") if name_col else pd.Series(pd.NA, index=raw.index, dtype="string")

    empty = raw.geometry.isna() | raw.geometry.is_empty
    if empty.any():
        dropped = ", ".join(names[empty].fillna("?").tolist())
        reason = params.get("null_geometry_reason", "no geometry")
        notes.append(f"{key}: dropped {int(empty.sum())} features with no geometry ({reason}): {dropped}")
        raw, names = raw[~empty], names[~empty]

    geoms, repaired = repair_polygons(raw.geometry)
    if repaired.any():
        notes.append(f"{key}: repaired {int(repaired.sum())} invalid geometries (make_valid, polygons kept)")

    if params.get("code_column"):
        codes = raw[params["code_column"]].astype("string").str.strip()
    elif params.get("name_join"):
        join = params["name_join"]
        codes = codes_by_name(names, read_table(data_dir, join["path"], [join["code"], join["name"]]))
        notes.append(
            f"{key}: codes joined by name to {join['path']}: {int(codes.notna().sum())} of {len(codes)} matched"
        )
    else:
        raise BoundaryBuildError(f"{entry['id']}: params need code_column or name_join")
    unmatched = codes.isna()
    if unmatched.any():
        notes.append(
            f"{key}: dropped {int(unmatched.sum())} features with no code: {', '.join(names[unmatched].fillna('?'))}"
        )
    frame = gpd.GeoDataFrame(
        {"area_code": codes, "area_name": names}, geometry=geoms.to_numpy(), crs=raw.crs
    ).loc[~unmatched.to_numpy()]

    frame = _dissolve(frame, params.get("dissolve", {}), key, notes)
    frame = _finish(frame, params, data_dir, key, notes)
    _check_codes(frame, params, data_dir, key, notes)
    return frame


def _derive_layer(
    parent: gpd.GeoDataFrame,
    parent_key: str,
    derived: dict[str, Any],
    parent_params: dict[str, Any],
    data_dir: Path,
    notes: list[str],
) -> gpd.GeoDataFrame:
    key = derived["layer_key"]
    notes.append(f"{key}: derived from {parent_key} ({derived.get('why', '')})")
    params = {**parent_params, **{k: v for k, v in derived.items() if k != "layer_key"}, "layer_key": key}
    frame = _dissolve(parent.drop(columns="ods_code"), derived.get("dissolve", {}), key, notes)
    frame = _finish(frame, params, data_dir, key, notes)
    _check_codes(frame, params, data_dir, key, notes)
    return frame


def _dissolve(
    frame: gpd.GeoDataFrame, mapping: dict[str, list[str]], key: str, notes: list[str]
) -> gpd.GeoDataFrame:
    """Recode predecessors to their successor and union every code's polygons into one."""
    for new_code, old_codes in mapping.items():
        hit = frame["area_code"].isin(old_codes)
        found = sorted(frame.loc[hit, "area_code"])
        if set(found) != set(old_codes):
            raise BoundaryBuildError(f"{key}: dissolve into {new_code} expects {old_codes}, found {found}")
        frame.loc[hit, "area_code"] = new_code
        frame.loc[hit, "area_name"] = pd.NA  # the successor's name comes from the name lookups
        notes.append(f"{key}: dissolved {' + '.join(old_codes)} into {new_code}")
    dup = frame["area_code"].duplicated(keep=False)
    if dup.any():
        extra = sorted(set(frame.loc[dup, "area_code"]) - set(mapping))
        if extra:
            notes.append(f"{key}: {len(extra)} codes had several features, unioned: {', '.join(extra)}")
        names = frame.groupby("area_code")["area_name"].first()
        merged = frame[dup].dissolve(by="area_code").reset_index()[["area_code", "geometry"]]
        merged["area_name"] = merged["area_code"].map(names).astype("string")
        frame = pd.concat([frame[~dup], merged[frame.columns]], ignore_index=True)
    return frame


def _finish(frame: gpd.GeoDataFrame, params: dict[str, Any], data_dir: Path, key: str, notes: list[str]):
    """Names, ODS codes, validity and code checks: the layer in its final shape."""
    lookups = [
        read_table(data_dir, lk["path"], [lk["code"], lk["name"]]) for lk in params.get("name_lookups", [])
    ]
    names, stats = proper_names(
        frame["area_code"],
        frame["area_name"],
        lookups,
        prefer_lookup=params.get("prefer_lookup_names", False),
    )
    labels = {
        "from_lookup": "taken from a lookup",
        "filled": "filled in from a lookup (missing in the file)",
        "respelt": "re-spelt in a lookup's proper case",
        "tidied": "turned from upper case into title case",
    }
    done = [f"{stats[k]} {label}" for k, label in labels.items() if stats.get(k)]
    if done:
        notes.append(f"{key}: names: " + "; ".join(done))
    if names.isna().any():
        nameless = frame.loc[names.isna().to_numpy(), "area_code"].tolist()
        notes.append(f"{key}: {len(nameless)} areas have no name anywhere; their code is shown: {nameless}")
        names = names.fillna(frame["area_code"])
    frame = frame.assign(area_name=names)

    if params.get("area_code") == "ods":
        frame["ods_code"] = frame["area_code"]
    elif params.get("ods_lookup"):
        lk = params["ods_lookup"]
        table = read_table(data_dir, lk["path"], [lk["key"], lk["ods"]]).drop_duplicates()
        frame["ods_code"] = frame["area_code"].map(table.set_index(lk["key"])[lk["ods"]]).astype("string")
        notes.append(
            f"{key}: ods_code from {lk['path']}: {int(frame['ods_code'].notna().sum())} of {len(frame)}"
        )
    else:
        frame["ods_code"] = pd.Series(pd.NA, index=frame.index, dtype="string")

    pattern = params.get("code_pattern")
    if pattern:
        bad = ~frame["area_code"].str.fullmatch(pattern).fillna(False)
        if bad.any():
            raise BoundaryBuildError(
                f"{key}: area codes not matching {pattern}: {frame.loc[bad, 'area_code'].tolist()}"
            )
    invalid = ~frame.geometry.is_valid
    if invalid.any():  # a dissolve can touch rings; repair once more
        geoms, _ = repair_polygons(frame.geometry)
        frame = frame.set_geometry(geoms)
        notes.append(f"{key}: repaired {int(invalid.sum())} geometries made invalid by dissolving")
    if params.get("known_gaps"):
        notes.append(f"{key}: known gap: {params['known_gaps']}")
    frame = frame[LAYER_COLUMNS].sort_values("area_code").reset_index(drop=True)
    notes.append(f"{key}: {len(frame)} areas")
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def _check_codes(
    frame: gpd.GeoDataFrame, params: dict[str, Any], data_dir: Path, key: str, notes: list[str]
) -> None:
    check = params.get("check_codes")
    if not check:
        return
    files = sorted(glob.glob(str(data_dir / check["path"])))
    if not files:
        notes.append(f"{key}: coverage check skipped: no file matches {check['path']}")
        return
    wanted = set()
    for f in files:
        wanted |= set(
            read_table(data_dir, str(Path(f).relative_to(data_dir)), [check["column"]]).iloc[:, 0].dropna()
        )
    missing = sorted(wanted - set(frame["area_code"]))
    where = re.sub(r"/[^/]*$", "", check["path"])
    if missing:
        notes.append(
            f"{key}: {len(missing)} of {len(wanted)} codes in {where} have no polygon: {', '.join(missing)}"
        )
    else:
        notes.append(f"{key}: all {len(wanted)} codes in {where} ({check['column']}) have a polygon")
