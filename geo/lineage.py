"""Area-share crosswalks from older CCG vintages to CCG 2021, and each area's NHS region.

Shares are measured in British National Grid (metres, near equal-area over England) so
that an older CCG's indicator can be carried onto the 2021 CCGs it became: whole when it
merged into one, apportioned by area when it was split.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import pandas as pd
import shapely

from geo.boundaries import OVERLAY_ONLY_LAYERS

log = logging.getLogger(__name__)

EQUAL_AREA_CRS = "EPSG:27700"
SLIVER_SHARE = 0.02  # pieces below this are boundary-resolution noise between differently generalised files
MERGE_SHARE = 0.97  # one successor taking this much of the area is a whole merge
LINEAGE_FROM = ("ccg13", "ccg16", "ccg17", "ccg18", "ccg19", "ccg20")
LINEAGE_TO = "ccg21"
# Overlay each vintage on the CCG 2021 polygons of the nearest generalisation: the fine
# OpenPrescribing / TopoJSON files on BSC, the 500 m BUC 2020 set on the BUC 2021 set.
LINEAGE_TARGET_LAYER = "ccg21_bsc"
LINEAGE_TARGET_OVERRIDES = {"ccg20": "ccg21"}
REGION_LAYER = "nhser21"
CARTOGRAM_SOURCES = {"ccg18_cartogram": "ccg18", "ccg19_cartogram": "ccg19"}
LINEAGE_COLUMNS = ["from_code", "to_code", "share", "method"]


def _intersections(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> pd.DataFrame:
    """Area of every old-new intersection, in km2, as from_code, to_code, area."""
    left = old.to_crs(EQUAL_AREA_CRS)
    right = new.to_crs(EQUAL_AREA_CRS)
    i, j = right.sindex.query(left.geometry.to_numpy(), predicate="intersects")
    pieces = shapely.intersection(left.geometry.to_numpy()[i], right.geometry.to_numpy()[j])
    frame = pd.DataFrame(
        {
            "from_code": left["area_code"].to_numpy()[i],
            "to_code": right["area_code"].to_numpy()[j],
            "area": shapely.area(pieces) / 1e6,
        }
    )
    return frame[frame["area"] > 0].groupby(["from_code", "to_code"], as_index=False)["area"].sum()


def overlay_shares(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> pd.DataFrame:
    """Share of each old area falling in each new area: columns from_code, to_code, share, method.

    Shares of a from_code sum to exactly 1 after slivers under 2% are dropped; a from_code
    whose largest piece holds at least 97%, or that keeps one piece once slivers are dropped,
    is a whole merge ("merged", share 1.0), otherwise "apportioned". An old area overlapping no new area is absent (and logged).
    """
    pieces = _intersections(old, new)
    pieces["share"] = pieces["area"] / pieces.groupby("from_code")["area"].transform("sum")
    merged = pieces.groupby("from_code")["share"].transform("max") >= MERGE_SHARE
    keep = (merged & (pieces["share"] >= MERGE_SHARE)) | (~merged & (pieces["share"] >= SLIVER_SHARE))
    out = pieces[keep].copy()
    out["share"] = out["share"] / out.groupby("from_code")["share"].transform("sum")
    # only slivers besides one successor: a whole merge too
    whole = merged[keep] | (out.groupby("from_code")["to_code"].transform("size") == 1)
    out["method"] = whole.map({True: "merged", False: "apportioned"})
    missing = sorted(set(old["area_code"]) - set(out["from_code"]))
    if missing:
        log.warning("%d areas overlap no area of the new layer: %s", len(missing), missing)
    return (
        out[LINEAGE_COLUMNS]
        .sort_values(["from_code", "share"], ascending=[True, False])
        .reset_index(drop=True)
    )


def build_lineage(boundaries: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """Crosswalks from every older CCG vintage (real polygons, never cartograms) to CCG 2021, stacked.

    Columns: from_geography, from_code, to_code, share, method.
    """
    frames = []
    for geography in LINEAGE_FROM:
        if geography not in boundaries:
            log.warning("lineage: no %s layer, skipped", geography)
            continue
        target = LINEAGE_TARGET_OVERRIDES.get(geography, LINEAGE_TARGET_LAYER)
        if target not in boundaries:
            target = LINEAGE_TO
        if target not in boundaries:
            log.warning("lineage: no %s polygons to overlay %s onto: not harmonised", target, geography)
            continue
        shares = overlay_shares(boundaries[geography], boundaries[target])
        shares.insert(0, "from_geography", geography)
        frames.append(shares)
        summary = lineage_summary(shares)
        log.info(
            "lineage %s -> %s (%s polygons): %s", geography, LINEAGE_TO, target, summary.to_dict("records")
        )
    if not frames:
        return pd.DataFrame(columns=["from_geography", *LINEAGE_COLUMNS])
    return pd.concat(frames, ignore_index=True)


def lineage_summary(lineage: pd.DataFrame) -> pd.DataFrame:
    """Codes per vintage by method, e.g. how many CCG 2020 areas merged whole into one CCG 2021."""
    per_code = lineage.drop_duplicates(["from_geography", "from_code"])
    table = per_code.groupby(["from_geography", "method"]).size().unstack(fill_value=0)
    return table.reindex(columns=["merged", "apportioned"], fill_value=0).reset_index()


def dominant_region(boundaries: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """The NHS region (nhser21) holding most of each area of every layer: geography, area_code, region_code.

    Cartograms take their region from the real polygons of the same vintage.
    """
    regions = boundaries[REGION_LAYER]
    frames = []
    for geography, gdf in boundaries.items():
        if geography in CARTOGRAM_SOURCES or geography in OVERLAY_ONLY_LAYERS:
            continue
        if geography == REGION_LAYER:
            best = pd.DataFrame({"area_code": gdf["area_code"], "region_code": gdf["area_code"]})
        else:
            pieces = _intersections(gdf, regions).rename(
                columns={"from_code": "area_code", "to_code": "region_code"}
            )
            best = pieces.sort_values("area", ascending=False).drop_duplicates("area_code")[
                ["area_code", "region_code"]
            ]
            missing = sorted(set(gdf["area_code"]) - set(best["area_code"]))
            if missing:
                log.warning("%s: %d areas lie in no NHS region: %s", geography, len(missing), missing)
        frames.append(best.assign(geography=geography))
    out = pd.concat(frames, ignore_index=True)
    for cartogram, real in CARTOGRAM_SOURCES.items():
        if cartogram in boundaries and real in boundaries:
            codes = boundaries[cartogram][["area_code"]]
            mapped = codes.merge(out[out["geography"] == real][["area_code", "region_code"]], how="left")
            out = pd.concat([out, mapped.assign(geography=cartogram)], ignore_index=True)
    return (
        out[["geography", "area_code", "region_code"]]
        .sort_values(["geography", "area_code"])
        .reset_index(drop=True)
    )
