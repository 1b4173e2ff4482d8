"""Building the model from the sources: read, check, harmonise, aggregate, compare.

Everything expensive happens here, once, before any request: reading and
validating every source, boundary repair and simplification, the polygon
overlay for lineage, harmonisation onto CCG 2021 and the statistics.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import data.readers as readers_pkg
from data.methods.formatting import published_name
from data.methods.trend import trend_table
from data.model import schema as s
from data.model.benchmarks import add_comparisons, apply_compare_policy
from data.model.catalogue import FRAME_NAME as CATALOGUE_FRAME
from data.model.catalogue import catalogue_frame, survey_rows
from data.model.core import Model
from data.model.current import (
    NATIONAL_FRAME,
    current_hierarchy,
    geography_methods,
    icb_values,
    national_comparators,
    regions_2024_from_2022,
    subicb_values,
)
from data.model.harmonise import (
    REGISTERED_POPULATION,
    aggregate_up,
    bridge_sicbl22,
    harmonise_old_vintages,
    predecessor_populations,
    regions_2021_from_2022,
    regions_from_members,
)
from data.model.manifest import sha256_of
from data.model.precomputed import (
    OVERVIEW_FRAME,
    OVERVIEW_GEOGRAPHIES,
    SPINE_FRAME,
    overview_cells,
    spine_focus,
)
from data.model.validation import Problem, is_kept, read_error, truncated_csv
from data.readers import READERS, ReadContext, ReadResult

log = logging.getLogger(__name__)

PROBLEM_COLUMNS = ["dataset", "file", "row", "column", "value", "reason"]


def import_readers() -> None:
    """Import every reader module so that each registers itself."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(readers_pkg.__path__):
        importlib.import_module(f"data.readers.{info.name}")


def check_files(data_dir: Path, manifest: dict[str, dict]) -> tuple[dict[str, str], list[Problem]]:
    """Status of every manifest file: ok / missing / checksum mismatch."""
    status: dict[str, str] = {}
    problems: list[Problem] = []
    for entry_id, entry in manifest.items():
        path = data_dir / entry["path"]
        if not path.is_file():
            status[entry_id] = "missing"
            problems.append(
                Problem(entry_id, entry["path"], None, None, None, f"file not found under {data_dir}")
            )
            log.error("%s: %s not found under %s", entry_id, entry["path"], data_dir)
        elif sha256_of(path) != entry["sha256"]:
            status[entry_id] = "checksum differs"
            problems.append(
                Problem(
                    entry_id, entry["path"], None, None, None, "sha256 differs from the manifest; read anyway"
                )
            )
            log.warning("%s: %s differs from the manifest checksum", entry_id, entry["path"])
            cut = truncated_csv(path) if entry.get("format") == "csv" else None
            if cut:
                problems.append(Problem(entry_id, entry["path"], None, None, None, cut))
                log.error("%s: %s: %s", entry_id, entry["path"], cut)
        else:
            status[entry_id] = "ok"
    return status, problems


def file_in_traceback(exc: BaseException, data_dir: Path) -> str | None:
    """The data file being read when ``exc`` was raised (innermost frame naming one), relative to
    ``data_dir``: a reader that reads several files fails on one of them, and that is the one to name."""
    root = str(data_dir)
    found = None
    tb = exc.__traceback__
    while tb is not None:
        for value in tb.tb_frame.f_locals.values():
            if isinstance(value, Path | str) and str(value).startswith(root + "/"):
                candidate = Path(value)
                if candidate.suffix and candidate.is_file():
                    found = str(candidate.relative_to(root))
        tb = tb.tb_next
    return found


def unreadable(entry_id: str, path: str, data_dir: Path, exc: BaseException) -> Problem:
    """A source whose reader failed: one problem and one log line naming the file (row, column where
    known); its data is left out and everything else loads. The traceback only at debug level."""
    reason, row, column = read_error(exc)
    culprit = file_in_traceback(exc, data_dir) or path
    if culprit != path:
        reason += f" (while reading {path})"
    problem = Problem(entry_id, culprit, row, column, None, f"could not be read: {reason}")
    log.error("%s: %s; its data is left out, the rest loads", entry_id, problem.message())
    log.debug("%s: reader traceback", entry_id, exc_info=exc)
    return problem


def build_boundary_layers(
    data_dir: Path, manifest: dict[str, dict], status: dict[str, str]
) -> tuple[dict, list[str], list[Problem]]:
    """Every boundary layer that can be built; a broken boundary file is a problem (its layer is
    left out, as if the file were missing: the map says why) and the others still build."""
    from geo.boundaries import build_boundaries

    layers: dict = {}
    notes: list[str] = []
    problems: list[Problem] = []
    for entry_id, entry in manifest.items():
        if entry.get("kind") != "boundary" or status.get(entry_id) == "missing":
            continue
        try:
            built, more = build_boundaries(data_dir, {entry_id: entry})
        except Exception as exc:
            problems.append(unreadable(entry_id, entry["path"], data_dir, exc))
            status[entry_id] = "unreadable"
            continue
        clash = set(built) & set(layers)
        if clash:
            raise ValueError(f"{entry_id}: layer(s) {sorted(clash)} already built by another entry")
        layers.update(built)
        notes += more
    return layers, notes, problems


def run_readers(
    data_dir: Path, manifest: dict[str, dict], status: dict[str, str]
) -> tuple[dict[str, ReadResult], list[Problem]]:
    """Run every entry's reader; a failing reader is reported and the rest still load."""
    import_readers()
    results: dict[str, ReadResult] = {}
    problems: list[Problem] = []
    for entry_id, entry in manifest.items():
        name = entry.get("reader")
        if not name:
            continue
        if name not in READERS:
            problems.append(Problem(entry_id, entry["path"], None, None, None, f"no reader named {name!r}"))
            continue
        if status.get(entry_id) == "missing":
            continue
        ctx = ReadContext(entry=entry, data_dir=data_dir, manifest=manifest)
        started = time.perf_counter()
        try:
            result = READERS[name](ctx)
        except Exception as exc:  # a broken source must not stop the others
            problems.append(unreadable(entry_id, entry["path"], data_dir, exc))
            continue
        log.info(
            "%s: %d rows read, %d problems (%.2f s)",
            entry_id,
            result.rows_read,
            len(result.problems),
            time.perf_counter() - started,
        )
        results[entry_id] = result
    return results, problems


def _concat(frames: list[pd.DataFrame], columns: list[str] | None = None) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and not f.empty]
    if not frames:
        return pd.DataFrame(columns=columns or [])
    out = pd.concat(frames, ignore_index=True)
    return out.reindex(columns=columns) if columns else out


def _frame(results: dict[str, ReadResult], name: str) -> pd.DataFrame:
    return _concat([r.frames[name] for r in results.values() if name in r.frames])


def _demographics(results: dict[str, ReadResult]) -> pd.DataFrame:
    """Every reader's demographic columns joined on the area code (one row per area)."""
    frames = [r.frames["demographics"] for r in results.values() if "demographics" in r.frames]
    frames = [f.set_index("area_code") for f in frames if f is not None and not f.empty]
    if not frames:
        return pd.DataFrame()
    out = frames[0]
    for extra in frames[1:]:
        out = out.join(extra[[c for c in extra.columns if c not in out.columns]], how="left")
    return out


NAME_COLUMNS = ("practice_name", "pcn_name", "sub_icb_name", "sicbl22_name", "icb22_name", "icb_name")


def with_published_names(values: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Every indicator row's area name as the areas table spells it (a source's own spelling of
    the same area, e.g. "NHS Cornwall and The Isles Of Scilly ICB - 11N", is replaced), and any
    name the table lacks repaired by ``published_name``. England's rows keep their name: where
    England is partial it says what the comparator really is ("49 of 106 CCGs with data")."""
    known = areas.drop_duplicates([s.GEOGRAPHY, s.AREA_CODE]).set_index([s.GEOGRAPHY, s.AREA_CODE])[
        s.AREA_NAME
    ]
    found = known.reindex(pd.MultiIndex.from_frame(values[[s.GEOGRAPHY, s.AREA_CODE]])).to_numpy(dtype=object)
    own = values[s.AREA_NAME].astype(str)
    repaired = own.map({n: published_name(n) for n in own.unique()}).to_numpy(dtype=object)
    use = pd.notna(found) & (values[s.GEOGRAPHY] != "england").to_numpy()
    return values.assign(**{s.AREA_NAME: np.where(use, found, repaired)})


def published_frame_names(frame: pd.DataFrame) -> pd.DataFrame:
    """Practice, PCN, sub-ICB and ICB names of a frame in their publishers' case (``published_name``)."""
    columns = [c for c in NAME_COLUMNS if c in frame.columns]
    if not columns:
        return frame
    out = frame.copy()
    for col in columns:
        names = out[col].dropna().unique()
        out[col] = out[col].map({n: published_name(n) for n in names})
    return out


def normalise_values(values: pd.DataFrame) -> pd.DataFrame:
    """Fill the columns readers leave out and fix dtypes."""
    values = values.reindex(columns=s.INDICATOR_COLUMNS)
    for col in (s.VALUE, s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998, s.COUNT, s.DENOMINATOR, s.QUINTILE):
        values[col] = pd.to_numeric(values[col], errors="coerce").astype(float)
    values[s.PERIOD_START] = pd.to_datetime(values[s.PERIOD_START])
    for col in (s.INDICATOR_ID, s.AREA_CODE, s.AREA_NAME, s.GEOGRAPHY, s.PERIOD, s.SEX, s.NOTE):
        values[col] = values[col].fillna("").astype(str)
    values[s.HARMONISATION] = values[s.HARMONISATION].fillna("published").replace("", "published").astype(str)
    return values


def build_catalogue(results: dict[str, ReadResult], values: pd.DataFrame) -> pd.DataFrame:
    entries = [e for r in results.values() for e in r.catalogue]
    catalogue = pd.DataFrame(entries).reindex(columns=s.CATALOGUE_COLUMNS)
    dupes = catalogue[s.INDICATOR_ID].duplicated()
    if dupes.any():
        log.warning("duplicate catalogue ids: %s", list(catalogue.loc[dupes, s.INDICATOR_ID]))
    catalogue = catalogue[~dupes].set_index(s.INDICATOR_ID)
    catalogue["multiplier"] = pd.to_numeric(catalogue["multiplier"], errors="coerce").fillna(1.0)
    return catalogue


def summarise_catalogue(catalogue: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Add the geographies and periods each indicator has (what the pickers offer)."""
    out = catalogue.copy()
    geos = values.groupby(s.INDICATOR_ID)[s.GEOGRAPHY].agg(lambda g: ",".join(sorted(set(g))))
    ordered = values.sort_values(s.PERIOD_START).drop_duplicates([s.INDICATOR_ID, s.PERIOD])
    periods = ordered.groupby(s.INDICATOR_ID)[s.PERIOD].agg(lambda p: "|".join(p))
    latest = ordered.groupby(s.INDICATOR_ID)[s.PERIOD].last()
    sexes = values.groupby(s.INDICATOR_ID)[s.SEX].agg(lambda x: ",".join(sorted(set(x))))
    out["geographies"] = geos.reindex(out.index).fillna("")
    out["periods"] = periods.reindex(out.index).fillna("")
    out["latest_period"] = latest.reindex(out.index).fillna("")
    out["sexes"] = sexes.reindex(out.index).fillna("")
    return out


def availability(values: pd.DataFrame) -> pd.DataFrame:
    """What exists: one row per indicator, geography, sex and period, with area counts."""
    keys = [s.INDICATOR_ID, s.GEOGRAPHY, s.SEX, s.PERIOD]
    out = (
        values.groupby(keys, sort=False)
        .agg(
            period_start=(s.PERIOD_START, "first"),
            n_areas=(s.AREA_CODE, "nunique"),
            n_values=(s.VALUE, "count"),
        )
        .reset_index()
    )
    return out.sort_values([s.INDICATOR_ID, s.GEOGRAPHY, s.SEX, "period_start"]).reset_index(drop=True)


def distribution(values: pd.DataFrame, national: pd.DataFrame | None = None) -> pd.DataFrame:
    """Spread of the areas' values for every indicator, geography, period and sex, with England
    (or, for a geography with its own partial national sum, ``national``, that sum).

    What the spine chart scales by (min, quartiles, max, median), made once at build.
    """
    keys = [s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD, s.SEX]
    areas = values[~values[s.GEOGRAPHY].isin(s.COMPARATOR_GEOGRAPHIES) & values[s.VALUE].notna()]
    grouped = areas.groupby(keys, sort=False)[s.VALUE]
    out = pd.DataFrame(
        {
            "min": grouped.min(),
            "q25": grouped.quantile(0.25),
            "median": grouped.median(),
            "q75": grouped.quantile(0.75),
            "max": grouped.max(),
            "n_areas": grouped.count(),
        }
    ).reset_index()
    england = values[values[s.GEOGRAPHY] == "england"].drop_duplicates([s.INDICATOR_ID, s.PERIOD, s.SEX])
    england = england.set_index([s.INDICATOR_ID, s.PERIOD, s.SEX])[s.VALUE]
    key = pd.MultiIndex.from_frame(out[[s.INDICATOR_ID, s.PERIOD, s.SEX]])
    out["england_value"] = england.reindex(key).to_numpy()
    if national is not None and len(national):
        keys4 = [s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD, s.SEX]
        own = national.drop_duplicates(keys4).set_index(keys4)[s.VALUE]
        found = own.reindex(pd.MultiIndex.from_frame(out[keys4])).to_numpy(dtype=float)
        out["england_value"] = np.where(np.isnan(found), out["england_value"].to_numpy(dtype=float), found)
    return out


def fill_regions(areas: pd.DataFrame, dominant: pd.DataFrame, region_names: pd.Series) -> pd.DataFrame:
    """Give every area of the older vintages the NHS region (2021) holding most of it."""
    areas = areas.copy()
    if dominant is None or dominant.empty:
        return areas
    key = dominant.set_index(["geography", "area_code"])["region_code"]
    idx = pd.MultiIndex.from_arrays([areas[s.GEOGRAPHY], areas[s.AREA_CODE]])
    filled = pd.Series(key.reindex(idx).to_numpy(), index=areas.index)
    missing = areas["region_code"].isna() | (areas["region_code"].astype(str) == "")
    areas.loc[missing, "region_code"] = filled[missing]
    fill_name = missing & areas["region_code"].notna()
    areas.loc[fill_name, "region_name"] = areas.loc[fill_name, "region_code"].map(region_names)
    return areas


def inventory_rows(
    manifest: dict[str, dict],
    status: dict[str, str],
    results: dict[str, ReadResult],
    problems: list[Problem],
    values: pd.DataFrame,
    areas: pd.DataFrame,
    geojson: dict[str, dict],
    layers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per manifest entry: what was read, rejected, matched, and when."""
    by_dataset: dict[str, Counter] = {}
    kept: dict[str, Counter] = {}
    for p in problems:
        if p.reason.startswith("sha256 differs"):
            continue  # a file-level notice (shown as file_status), not a rejected row
        if is_kept(p.reason):  # a flagged source anomaly whose row was kept: not a rejection
            kept.setdefault(p.dataset, Counter())[p.reason] += 1
            continue
        by_dataset.setdefault(p.dataset, Counter())[p.reason] += 1
    known = {g: set(a[s.AREA_CODE]) for g, a in areas.groupby(s.GEOGRAPHY)}
    layer_ids = {k: {f["id"] for f in v["features"]} for k, v in geojson.items()}
    rows = []
    source_of = values.assign(_src=values[s.INDICATOR_ID])
    for entry_id, entry in manifest.items():
        result = results.get(entry_id)
        reasons = by_dataset.get(entry_id, Counter())
        row: dict[str, Any] = {
            "dataset": entry_id,
            "path": entry["path"],
            "kind": entry["kind"],
            "geography": entry["geography"],
            "vintage": entry["vintage"],
            "file_status": status.get(entry_id, "?"),
            "reader": entry.get("reader", "")
            or (f"used by {entry['used_by']}" if entry.get("used_by") else ""),
            "rows_read": result.rows_read if result else 0,
            "rows_rejected": sum(reasons.values()),
            "rejections": "; ".join(f"{n} × {r}" for r, n in reasons.most_common(6)),
            "indicators": 0,
            "matched": "",
            "periods": "",
            "notes": " | ".join(
                (result.notes if result else [])
                + [f"{n} × {r}" for r, n in kept.get(entry_id, Counter()).most_common(6)]
            ),
        }
        if result is not None and result.values is not None and not result.values.empty:
            ids = set(result.values[s.INDICATOR_ID])
            mine = source_of[source_of["_src"].isin(ids) & (source_of[s.HARMONISATION] == "published")]
            row["indicators"] = len(ids)
            parts = []
            for geo, g in mine.groupby(s.GEOGRAPHY):
                codes = set(g[s.AREA_CODE])
                matched = len(codes & known.get(geo, set()))
                on_map = len(codes & layer_ids.get(geo, set())) if geo in layer_ids else None
                text = f"{geo}: {matched}/{len(codes)} known"
                if on_map is not None:
                    text += f", {on_map} on map"
                parts.append(text)
            row["matched"] = "; ".join(parts)
            per = mine.drop_duplicates(s.PERIOD).sort_values(s.PERIOD_START)[s.PERIOD].tolist()
            row["periods"] = per[0] if len(per) == 1 else f"{per[0]} .. {per[-1]} ({len(per)})"
        elif result is not None and result.frames:
            row["matched"] = "; ".join(f"{k}: {len(v)} rows" for k, v in result.frames.items())
        elif entry["kind"] == "boundary":
            row["matched"] = _boundary_summary(entry, layers)
        rows.append(row)
    return pd.DataFrame(rows)


def _boundary_summary(entry: dict, layers: pd.DataFrame | None) -> str:
    params = entry.get("params", {})
    if params.get("use_in_model") is False:
        return "not built: " + str(params.get("why", "kept for provenance"))
    if params.get("role") == "overlay":
        return "used for the polygon overlay (lineage) only"
    keys = [params.get("layer_key")] + [d.get("layer_key") for d in params.get("derived", [])]
    parts = []
    if layers is not None and not layers.empty:
        for key in filter(None, keys):
            hit = layers[layers["layer"] == key]
            if len(hit):
                r = hit.iloc[0]
                parts.append(
                    f"layer {key}: {r['n_areas']} areas, {r['tolerance_deg']}° tolerance, {r['bytes'] / 1024:.0f} KB"
                )
    return "; ".join(parts)


def beyond_frames(
    data_dir: Path,
    areas: pd.DataFrame,
    lineage: pd.DataFrame,
    values: pd.DataFrame,
    catalogue: pd.DataFrame,
    demographics: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """Frames of the pages beyond Fingertips (place search, practice rows), each made once here."""
    from data.model.places import build_place_index
    from data.model.practices import build_practice_values

    return {
        "places": build_place_index(data_dir, areas, lineage),
        "practice_values": build_practice_values(data_dir),
    }


def peer_comparisons(
    values: pd.DataFrame,
    catalogue: pd.DataFrame,
    demographics: pd.DataFrame,
    peers16: pd.DataFrame,
    lineage: pd.DataFrame,
    area_demographics: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Peer sets (CCG 2021, sub-ICB 2023, ICB 2023) and each row's comparison with its peers
    (data/model/peers.py)."""
    from data.model.peers import add_peer_comparisons, build_peer_sets

    sets = build_peer_sets(demographics, peers16, lineage, area_demographics)
    values, peer_values = add_peer_comparisons(values, catalogue, sets)
    return values, {"peer_sets": sets, "peer_values": peer_values}


LINEAGE_COLUMNS = [*s.LINEAGE_COLUMNS, "area_share", "area_km2"]  # land shares from the overlays


def describe_lineage(lineage: pd.DataFrame, lsoa_lineage: pd.DataFrame) -> pd.DataFrame:
    """The lineage the model keeps and the catalogue shows: every successor's predecessors with their
    people and shares (of the old area, ``share``; of the new one, ``share_of_to``), where the people
    come from and the evidence behind a minor piece. Old CCG sets -> CCG 2021 from the overlay;
    CCG 2021 and Sub-ICB 2022 -> sub-ICB 2023 from whole LSOAs (exact)."""
    old = lineage.copy()
    old["to_geography"] = s.HOME_GEOGRAPHY
    if "population" not in old:
        old["population"] = float("nan")
    to_total = old.groupby(["from_geography", "to_code"])["population"].transform("sum")
    old["share_of_to"] = old["population"] / to_total.where(to_total > 0)
    old["people_source"] = "polygon overlay; " + old.get("weight", pd.Series("", index=old.index)).astype(str)
    evidence = old.get("evidence_people", pd.Series(0.0, index=old.index)).fillna(0.0)
    old["evidence"] = [
        f"residents evidenced: {int(e):,} people in LSOAs of districts shared with the main successor"
        if e > 0
        else ""
        for e in evidence
    ]
    out = _concat([old, lsoa_lineage], LINEAGE_COLUMNS)
    out["share"] = out["share"].astype(float)
    return out.reset_index(drop=True)


def with_current_hierarchy(hierarchy: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """The hierarchy with each row's sub-ICB 2023, ICB 2023 and region 2024 (by ODS code)."""
    current = current_hierarchy(areas)
    if current.empty or hierarchy.empty:
        return hierarchy
    extra = current[["ods_code", "sicbl23_code", "icb23_code", "nhser24_code"]]
    return hierarchy.merge(extra, on="ods_code", how="left")


def build_model(data_dir: Path, manifest: dict[str, dict], fingerprint: str) -> Model:
    """Read every source and assemble the model (slow: run at start-up or by the CLI)."""
    from geo.lineage import (
        apportion_by_population,
        build_lineage,
        district_evidence,
        dominant_region,
        drop_artefact_pieces,
    )
    from geo.simplify import browser_layers

    started = time.perf_counter()
    notes: list[str] = []
    status, problems = check_files(data_dir, manifest)
    results, reader_problems = run_readers(data_dir, manifest, status)
    problems += reader_problems
    for r in results.values():
        problems += r.problems

    areas = _frame(results, "areas")
    hierarchy = _frame(results, "hierarchy")
    for col in ("gss_code", "short_name", "former_name"):
        areas[col] = areas[col].fillna("") if col in areas.columns else ""

    t = time.perf_counter()
    boundaries, geo_notes, geo_problems = build_boundary_layers(data_dir, manifest, status)
    notes += geo_notes
    problems += geo_problems
    geojson, layers = browser_layers(boundaries)
    lineage = build_lineage(boundaries)
    dominant = dominant_region(boundaries)
    log.info("boundaries, simplification and lineage in %.1f s", time.perf_counter() - t)
    region_names = areas.loc[areas[s.GEOGRAPHY] == "nhser21"].set_index(s.AREA_CODE)[s.AREA_NAME]
    areas = fill_regions(areas, dominant, region_names)

    published = normalise_values(_concat([r.values for r in results.values() if r.values is not None]))
    catalogue = build_catalogue(results, published)
    unknown = ~published[s.INDICATOR_ID].isin(catalogue.index)
    if unknown.any():
        for ind in sorted(published.loc[unknown, s.INDICATOR_ID].unique()):
            problems.append(
                Problem("model", "", None, s.INDICATOR_ID, ind, "indicator has no catalogue entry")
            )
        published = published[~unknown]

    ccg21_pop = _frame(results, "ccg21_population_2019")
    if ccg21_pop.empty:
        notes.append("no CCG 2021 populations: split areas stay apportioned by land area")
        lineage = lineage.assign(population=float("nan"), weight="area")
    else:
        lineage, p_notes = apportion_by_population(
            lineage,
            ccg21_pop.set_index("area_code")["population"],
            predecessor_populations(published),
            predecessor_populations(published, REGISTERED_POPULATION),
        )
        notes += p_notes
    lineage, _dropped, a_notes = drop_artefact_pieces(
        lineage, district_evidence(lineage, _frame(results, "lsoa11_people"))
    )
    notes += a_notes
    lineage = describe_lineage(lineage, _frame(results, "lineage_lsoa"))
    hierarchy = with_current_hierarchy(hierarchy, areas)
    ccg21_names = areas.loc[areas[s.GEOGRAPHY] == "ccg21"].set_index(s.AREA_CODE)[s.AREA_NAME]
    old_links = lineage[lineage["to_geography"] == s.HOME_GEOGRAPHY]
    harmonised, h_notes = harmonise_old_vintages(published, catalogue, old_links, ccg21_names)
    notes += h_notes
    bridge = hierarchy[["sicbl22_code", "ccg21_code", "redrawn"]].dropna(
        subset=["sicbl22_code", "ccg21_code"]
    )
    bridged = bridge_sicbl22(published, bridge)
    current = current_hierarchy(areas).dropna(subset=["ccg21_code"])
    bridge23 = current.assign(
        sicbl22_code=current["sicbl23_code"], redrawn=current["sicbl23_code"] != current["ccg21_code"]
    )
    bridged = _concat([bridged, bridge_sicbl22(published, bridge23, s.SUBICB_GEOGRAPHY)])
    bridged[s.AREA_NAME] = bridged[s.AREA_CODE].map(ccg21_names).fillna(bridged[s.AREA_NAME])
    ccg21_all = _concat(
        [published[published[s.GEOGRAPHY] == "ccg21"], harmonised, bridged], s.INDICATOR_COLUMNS
    )
    # One CCG 2021 series per indicator and period: the published one wins over derived copies.
    ccg21_all = ccg21_all.drop_duplicates([s.INDICATOR_ID, s.AREA_CODE, s.PERIOD, s.SEX], keep="first")
    names = {g: a.set_index(s.AREA_CODE)[s.AREA_NAME] for g, a in areas.groupby(s.GEOGRAPHY)}
    aggregated = aggregate_up(ccg21_all, catalogue, hierarchy, published, names)
    values = _concat(
        [published[published[s.GEOGRAPHY] != "ccg21"], ccg21_all, aggregated], s.INDICATOR_COLUMNS
    )
    values = _concat([values, regions_2021_from_2022(values, hierarchy)], s.INDICATOR_COLUMNS)
    # The current geography: sub-ICB 2023 for every indicator, ICB 2023, region 2024 (data.model.current).
    area_demographics = _frame(results, "area_demographics")
    subicb, c_notes = subicb_values(values, catalogue, lineage, areas)
    values = _concat([values, subicb], s.INDICATOR_COLUMNS)
    values = _concat([values, regions_2024_from_2022(values, areas)], s.INDICATOR_COLUMNS)
    population23 = (
        area_demographics[area_demographics[s.GEOGRAPHY] == s.SUBICB_GEOGRAPHY].set_index(s.AREA_CODE)[
            "population"
        ]
        if len(area_demographics)
        else pd.Series(dtype=float)
    )
    icb, i_notes = icb_values(
        values, values[values[s.GEOGRAPHY] == s.SUBICB_GEOGRAPHY], catalogue, areas, population23
    )
    notes += c_notes + i_notes
    values = _concat([values, icb], s.INDICATOR_COLUMNS)
    from_members, m_notes = regions_from_members(values, catalogue, hierarchy, names)
    notes += m_notes
    values = _concat([values, from_members], s.INDICATOR_COLUMNS)
    values = normalise_values(values)
    areas = areas.assign(**{s.AREA_NAME: areas[s.AREA_NAME].map(published_name)})
    # every geography's rows named as the areas table names them (the current geography's: the
    # name in use, with the former CCG's), not as each source spells them
    values = with_published_names(values, areas)
    national = national_comparators(values, catalogue, areas)
    values = add_comparisons(values, catalogue, areas, national)
    values = values.sort_values(
        [s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD_START, s.SEX, s.AREA_CODE]
    ).reset_index(drop=True)
    catalogue = summarise_catalogue(catalogue, values)

    demographics = _demographics(results)
    demographic_catalogue = _frame(results, "demographic_catalogue")
    if not demographic_catalogue.empty:
        demographic_catalogue = demographic_catalogue.set_index("id")

    values, peer_frames = peer_comparisons(
        values, catalogue, demographics, _frame(results, "peers"), lineage, area_demographics
    )
    values = apply_compare_policy(values, catalogue)
    inventory = inventory_rows(manifest, status, results, problems, values, areas, geojson, layers)
    problem_frame = pd.DataFrame([p.__dict__ for p in problems], columns=PROBLEM_COLUMNS)
    problem_frame["row"] = problem_frame["row"].astype("Int64")
    frames = {}
    for r in results.values():
        for k, v in r.frames.items():
            if k not in ("areas", "demographics", "demographic_catalogue", "lsoa11_people", "lineage_lsoa"):
                frames[k] = _concat([frames.get(k), v]) if k in frames else v
    frames = {k: published_frame_names(v) for k, v in frames.items()}
    frames["hierarchy"] = hierarchy
    frames["availability"] = availability(values)
    frames["geography_methods"] = geography_methods(values, catalogue, areas)
    frames[NATIONAL_FRAME] = national
    frames.update(beyond_frames(data_dir, areas, lineage, values, catalogue, demographics))
    frames.update(peer_frames)
    frames["distribution"] = distribution(values, national)
    frames[SPINE_FRAME] = spine_focus(values, catalogue, frames["distribution"], national)
    frames[OVERVIEW_FRAME] = overview_cells(
        values, frames["availability"], catalogue, areas, OVERVIEW_GEOGRAPHIES, national
    )
    frames["trends"] = trend_table(values, catalogue)
    frames[CATALOGUE_FRAME] = catalogue_frame(
        catalogue, frames["availability"], areas, survey_rows(frames.get("gpps_items"), areas)
    )
    log.info(
        "model: %d indicator rows, %d indicators, %d areas, %d problems, built in %.1f s",
        len(values),
        len(catalogue),
        len(areas),
        len(problem_frame),
        time.perf_counter() - started,
    )
    return Model(
        indicators=values,
        catalogue=catalogue,
        areas=areas.reset_index(drop=True),
        demographics=demographics,
        demographic_catalogue=demographic_catalogue,
        lineage=lineage,
        layers=layers,
        inventory=inventory,
        problems=problem_frame,
        frames=frames,
        geojson=geojson,
        fingerprint=fingerprint,
        build_notes=tuple(notes),
    )
