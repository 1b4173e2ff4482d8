"""Crosswalks from older CCG vintages to CCG 2021, and each area's NHS region.

The polygon overlay (British National Grid, near equal-area over England) finds which
2021 CCGs each older CCG became: whole when it merged into one, in pieces when it was
split. The pieces are then weighted by POPULATION, as Fingertips does, not by land area
(``apportion_by_population``; the method and its limits are in its docstring).
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
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
# The region polygons an area of each layer is placed in (by land, only where the lookups give
# no region): the April 2023 sets and the 2024 regions themselves lie in the 2024 regions.
REGION_LAYER_FOR = {"sicbl23": "nhser24", "icb23": "nhser24", "nhser24": "nhser24"}
# A minor piece of a split old area (not its largest) holding less than this share of the old
# area's PEOPLE (estimated, see apportion_by_population), with no LSOA evidence of residents, is
# an artefact of differently generalised boundary files: it is dropped before any weighting and
# its people count with the old area's other pieces (``drop_artefact_pieces``).
ARTEFACT_PEOPLE_SHARE = 0.01
CARTOGRAM_SOURCES = {"ccg18_cartogram": "ccg18", "ccg19_cartogram": "ccg19"}
LINEAGE_COLUMNS = ["from_code", "to_code", "share", "method", "area_share", "area_km2"]
IPF_ITERATIONS = 200


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
    out["area_share"] = out["share"]
    out = out.rename(columns={"area": "area_km2"})
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

    Columns: from_geography, from_code, to_code, share, method, area_share, area_km2
    (shares by land area until ``apportion_by_population`` re-weights them).
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
    """The NHS region holding most of each area of every layer: geography, area_code, region_code.

    The region set is nhser21, or the layer's own in REGION_LAYER_FOR (nhser24 for the April 2023
    sets). Cartograms take their region from the real polygons of the same vintage.
    """
    frames = []
    for geography, gdf in boundaries.items():
        if geography in CARTOGRAM_SOURCES or geography in OVERLAY_ONLY_LAYERS:
            continue
        region_layer = REGION_LAYER_FOR.get(geography, REGION_LAYER)
        if region_layer not in boundaries:
            log.warning("%s: no %s polygons to find its regions in", geography, region_layer)
            continue
        regions = boundaries[region_layer]
        if geography == region_layer:
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


def apportion_by_population(
    lineage: pd.DataFrame,
    successor_population: pd.Series,
    predecessor_population: dict[str, pd.Series] | None = None,
    registered_population: dict[str, pd.Series] | None = None,
    *,
    iterations: int = IPF_ITERATIONS,
) -> tuple[pd.DataFrame, list[str]]:
    """Re-weight the pieces of split areas by population instead of land area.

    There is no LSOA lookup for the old CCG vintages, so the population of each piece
    (old CCG ∩ CCG 2021) is estimated in two steps, vintage by vintage:

    1. Seed: the CCG 2021 area's population (mid-2019, summed from its LSOAs) spread
       evenly over its land, i.e. piece population = successor population × the
       piece's share of the successor's area.
    2. Fit: where the old CCGs' own populations are known (``predecessor_population``,
       e.g. the population a published rate implies), the piece populations are raked
       (iterative proportional fitting) so that every old CCG's pieces add up to its
       population and every CCG 2021's pieces add up to its population (old totals are
       first scaled to the 2019 England total, so growth between vintages does not
       count as a boundary change). The raking keeps the seed's relative pattern where
       the margins allow; what a successor's population needs beyond its whole
       predecessors goes to the pieces of split ones. Slivers that are artefacts of
       differently generalised boundary files get next to no population this way.

    3. Where only registered list sizes are known (``registered_population``; they
       differ from resident populations by 5-20%, more than a sliver holds), the pieces
       are raked to them as in step 2 too, and each minor piece of a split area takes
       the SMALLER of its two population shares (by density, by raking), the main piece
       the rest. Each estimate errs upwards in its own way: even density inflates a
       sparse sliver of a dense successor (a corner of the South Downs in Surrey
       Heartlands), raking pushes list inflation into the pieces (Blackpool's lists).
       The pieces of these vintages are all artefacts of differently generalised files
       (Coastal West Sussex in Surrey Heartlands, Islington in North East London...),
       whose true population is near nil.

    Limits: within a successor the seed assumes even density (step 2 corrects it only
    where predecessor populations exist); registered and resident populations differ
    by a few per cent; slivers under 2% of an old area's land were already dropped by
    the overlay (their people count with the main piece). Whole merges keep share 1.

    Returns the lineage with ``share`` = population share of the old area (area share
    kept in ``area_share``), ``population`` (the piece's estimated mid-2019 population)
    and ``weight`` ("population (successor density)", "population, fitted to <source>" or "area" where no
    population is known), and notes for the build log.
    """
    predecessor_population = predecessor_population or {}
    notes: list[str] = []
    frames = []
    for geography, part in lineage.groupby("from_geography", sort=False):
        part = part.copy()
        area_to = part.groupby("to_code")["area_km2"].transform("sum")
        pop_to = part["to_code"].map(successor_population)
        seed = pop_to * part["area_km2"] / area_to
        if seed.isna().any():
            missing = sorted(part.loc[seed.isna(), "to_code"].unique())
            notes.append(f"{geography}: no population for {missing}; those pieces keep their area shares")
        known = predecessor_population.get(geography)
        listed = (registered_population or {}).get(geography)
        fitted = seed.copy()
        if known is not None and not known.empty and seed.notna().all():
            fitted = _rake(part, seed, known, successor_population, iterations)
            part["weight"] = f"population, fitted to {known.name or 'predecessor populations'}"
        elif listed is not None and not listed.empty and seed.notna().all():
            raked = _rake(part, seed, listed, successor_population, iterations)
            fitted = _smaller_minor_pieces(part, seed, raked)
            part["weight"] = f"population (successor density, checked against {listed.name or 'list sizes'})"
        else:
            part["weight"] = "population (successor density)"
            # No population of the old areas at all: a whole predecessor's "population" would be
            # its successor's density times its land, i.e. land. Say there is none instead.
            fitted = fitted.where(part["method"] == "apportioned")
            part.loc[part["method"] != "apportioned", "weight"] = "no population"
        part["population"] = fitted
        totals = part.groupby("from_code")["population"].transform("sum")
        usable = part["population"].notna() & (totals > 0)
        apportioned = part["method"] == "apportioned"
        by_pop = apportioned & usable
        part.loc[by_pop, "share"] = part.loc[by_pop, "population"] / totals[by_pop]
        part.loc[apportioned & ~usable, "weight"] = "area"
        frames.append(part)
        changed = part[apportioned]
        if len(changed):
            notes.append(
                f"{geography}: {changed['from_code'].nunique()} split areas apportioned by population "
                f"({part['weight'].iloc[0]})"
            )
    if not frames:
        return lineage.assign(population=np.nan, weight="area"), notes
    out = pd.concat(frames, ignore_index=True)
    # float error must not leave a split area's shares summing to 0.9999999
    out["share"] = out["share"] / out.groupby(["from_geography", "from_code"])["share"].transform("sum")
    return out, notes


def _smaller_minor_pieces(part: pd.DataFrame, density: pd.Series, raked: pd.Series) -> pd.Series:
    """Piece populations in which every minor piece of a split area has the smaller of its
    two estimated shares and the largest piece the rest, on the raked (list-size) total of the old
    area: a whole predecessor's population is then its list size scaled to the successors, never its
    successor's density times its land."""
    rows = part["from_code"]
    total = raked.groupby(rows).transform("sum")
    share = pd.concat([density / total, raked / raked.groupby(rows).transform("sum")], axis=1).min(axis=1)
    main = density.groupby(rows).transform("max") == density
    main &= ~main.groupby(rows).transform(lambda m: m.cumsum() > 1)  # one main piece per area
    minor_sum = share.where(~main, 0.0).groupby(rows).transform("sum")
    share = share.where(~main, 1.0 - minor_sum)
    return share * total


def _rake(
    part: pd.DataFrame,
    seed: pd.Series,
    known: pd.Series,
    successor_population: pd.Series,
    iterations: int,
) -> pd.Series:
    """Iterative proportional fitting of piece populations to both margins (see above)."""
    cells = seed.to_numpy(dtype=float).copy()
    rows = part["from_code"].to_numpy()
    cols = part["to_code"].to_numpy()
    col_target = pd.Series(cols).map(successor_population).to_numpy(dtype=float)
    row_known = pd.Series(rows).map(known)
    scale = successor_population.reindex(pd.unique(cols)).sum() / known.reindex(pd.unique(rows)).sum()
    row_target = (row_known * scale).to_numpy(dtype=float)
    has_row = ~np.isnan(row_target)
    row_ids = pd.factorize(rows)[0]
    col_ids = pd.factorize(cols)[0]
    for _ in range(iterations):
        col_sum = np.bincount(col_ids, weights=cells)[col_ids]
        cells = np.where(col_sum > 0, cells * col_target / np.where(col_sum > 0, col_sum, 1), cells)
        row_sum = np.bincount(row_ids, weights=cells)[row_ids]
        factor = np.where(has_row & (row_sum > 0), row_target / np.where(row_sum > 0, row_sum, 1), 1.0)
        cells = cells * factor
    return pd.Series(cells, index=seed.index)


def district_evidence(lineage: pd.DataFrame, lsoa: pd.DataFrame) -> pd.Series:
    """People evidence for each piece (0 for an old area's main piece, i.e. its largest).

    ``lsoa``: lsoa11_code, ccg21_code, lad_code, people (ONS mid-2019). The evidence of a minor
    piece old -> new is the people of new's LSOAs that lie in a local authority district whose
    largest CCG 2021 (by people) is old's main successor: a district shared across the boundary
    means residents can live in the piece; none means the piece is a corner of land between two
    generalisations. There is no LSOA lookup for the old CCG sets, so this is evidence, not a count.
    Index aligned with ``lineage``.
    """
    if lsoa is None or lsoa.empty or lineage.empty:
        return pd.Series(0.0, index=lineage.index)
    by_lad = lsoa.groupby(["lad_code", "ccg21_code"])["people"].sum().reset_index()
    major = (
        by_lad.sort_values("people", ascending=False)
        .drop_duplicates("lad_code")
        .set_index("lad_code")["ccg21_code"]
    )
    cells = (
        lsoa.assign(lad_major=lsoa["lad_code"].map(major))
        .groupby(["ccg21_code", "lad_major"])["people"]
        .sum()
    )
    keys = ["from_geography", "from_code"]
    main = lineage.sort_values("share", ascending=False).drop_duplicates(keys).set_index(keys)["to_code"]
    main_of = pd.Series(main.reindex(pd.MultiIndex.from_frame(lineage[keys])).to_numpy(), index=lineage.index)
    values = [
        0.0 if to == succ else float(cells.get((to, succ), 0.0))
        for to, succ in zip(lineage["to_code"], main_of)
    ]
    return pd.Series(values, index=lineage.index)


def drop_artefact_pieces(
    lineage: pd.DataFrame, evidence: pd.Series, threshold: float = ARTEFACT_PEOPLE_SHARE
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Drop the minor pieces that are boundary artefacts, judged in PEOPLE (ARTEFACT_PEOPLE_SHARE).

    A piece is an artefact when it is not its old area's largest, holds less than ``threshold``
    of the old area's estimated people (``share`` after apportion_by_population) and ``evidence``
    (district_evidence) finds no residents there. Its people go to the old area's remaining
    pieces in proportion; an old area left with one piece is a whole merge ("merged", share 1).
    Returns (lineage without artefacts, the dropped pieces, notes). A real small piece (the 4
    Chichester LSOAs of Coastal West Sussex in Surrey Heartlands, 6,814 people) is kept by its
    evidence even where its estimate is under the threshold.
    """
    keys = ["from_geography", "from_code"]
    out = lineage.assign(evidence_people=evidence.reindex(lineage.index).fillna(0.0))
    largest = out.groupby(keys)["share"].transform("max") == out["share"]
    artefact = (
        (out["method"] == "apportioned")
        & ~largest
        & (out["share"] < threshold)
        & (out["evidence_people"] <= 0)
    )
    dropped, kept = out[artefact].copy(), out[~artefact].copy()
    if dropped.empty:
        return kept, dropped, []
    total_pop = out.groupby(keys)["population"].transform("sum")
    kept["share"] = kept["share"] / kept.groupby(keys)["share"].transform("sum")
    touched = kept.set_index(keys).index.isin(dropped.set_index(keys).index)
    kept.loc[touched, "population"] = kept.loc[touched, "share"] * total_pop[kept.index][touched]
    single = kept.groupby(keys)["to_code"].transform("size") == 1
    kept.loc[single, "method"] = "merged"
    kept.loc[single, "share"] = 1.0
    notes = [
        f"lineage: dropped {len(dropped)} artefact pieces (under {threshold:.0%} of the old area's people and no "
        "LSOA evidence of residents): "
        + ", ".join(
            f"{g} {f} -> {t_} ({s_:.2%})"
            for g, f, t_, s_ in dropped[[*keys, "to_code", "share"]].itertuples(index=False)
        )
    ]
    return kept.reset_index(drop=True), dropped.reset_index(drop=True), notes
