"""The read-only data model every view reads, built from the sources and cached on disk.

``load_model()`` returns one ``Model`` per process. The first build reads every
manifest source, repairs and simplifies the boundaries, harmonises indicators onto
CCG 2021, aggregates upward and computes the comparisons; the result is written to
``OUTCOMES_CACHE_DIR/model-<fingerprint>/`` as Parquet and JSON, keyed by the
manifest's checksums, so a warm start only reads columnar files.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from data import schema as s
from data.manifest import load_manifest, manifest_fingerprint, sha256_of
from data.settings import get_settings

log = logging.getLogger(__name__)

CACHE_FORMAT = 3  # bump when the build changes what it writes
# Modules whose code decides what the build writes (part of the cache key).
BUILD_MODULES = (
    "build.py",
    "harmonise.py",
    "benchmarks.py",
    "stats.py",
    "trend.py",
    "quantiles.py",
    "schema.py",
    "validation.py",
    "model.py",
    "manifest.py",
    "places.py",
    "peers.py",
    "practices.py",
    "catalogue.py",
    "freshness.py",
)


@dataclass(frozen=True)
class Availability:
    """One indicator's geographies, sexes and periods (oldest first, overall and per geography)."""

    geographies: frozenset[str]
    sexes: frozenset[str]
    periods: tuple[str, ...]
    periods_by_geography: MappingProxyType


def availability_index(avail: pd.DataFrame | None) -> dict[str, Availability]:
    """``Availability`` per indicator from the build's availability frame (one pass, no pandas per row)."""
    if avail is None or avail.empty:
        return {}
    ordered = avail.sort_values("period_start", kind="stable")
    found: dict[str, tuple[set, set, dict, dict]] = {}
    columns = (s.INDICATOR_ID, s.GEOGRAPHY, s.SEX, s.PERIOD)
    for indicator, geography, sex, period in zip(*(ordered[c].tolist() for c in columns), strict=True):
        geos, sexes, periods, by_geo = found.setdefault(indicator, (set(), set(), {}, {}))
        geos.add(geography)
        sexes.add(sex)
        periods.setdefault(period, None)
        by_geo.setdefault(geography, {}).setdefault(period, None)
    return {
        indicator: Availability(
            frozenset(geos),
            frozenset(sexes),
            tuple(periods),
            MappingProxyType({g: tuple(p) for g, p in by_geo.items()}),
        )
        for indicator, (geos, sexes, periods, by_geo) in found.items()
    }


@dataclass(frozen=True)
class Model:
    """Every frame the app reads. Treat as read-only: nothing may modify it."""

    indicators: pd.DataFrame  # long table, schema.INDICATOR_COLUMNS
    catalogue: pd.DataFrame  # indexed by indicator_id; CATALOGUE_COLUMNS + geographies, periods
    areas: pd.DataFrame  # schema.AREA_COLUMNS (+ gss_code)
    demographics: pd.DataFrame  # one row per CCG 2021, indexed by area_code
    demographic_catalogue: pd.DataFrame  # indexed by id
    lineage: pd.DataFrame  # from_geography, from_code, to_code, share, method
    layers: pd.DataFrame  # browser layers: layer, n_areas, tolerance_deg, bytes
    inventory: pd.DataFrame  # one row per dataset
    problems: pd.DataFrame  # every rejected row: dataset, file, row, column, value, reason
    frames: dict[str, pd.DataFrame]  # hierarchy, practices, peers, inequalities, ...
    geojson: dict[str, dict]  # layer -> FeatureCollection for the browser
    fingerprint: str
    build_notes: tuple[str, ...] = field(default=())
    # Row positions of each (indicator_id, geography, period, sex) slice, made at load.
    slices: dict[tuple[str, str, str, str], Any] = field(default_factory=dict, compare=False, repr=False)
    # What each indicator has (geographies, sexes, periods), from the availability frame, made at
    # load: every callback's selection is re-parsed against it, so it must be a dict lookup.
    available: dict[str, Availability] = field(default_factory=dict, compare=False, repr=False)

    def indicator(self, indicator_id: str) -> pd.Series:
        return self.catalogue.loc[indicator_id]

    def slice(self, indicator_id: str, geography: str, period: str, sex: str) -> pd.DataFrame:
        """The rows of one indicator, geography, period and sex (empty if none)."""
        pos = self.slices.get((indicator_id, geography, period, sex))
        if pos is None:
            return self.indicators.iloc[0:0]
        return self.indicators.iloc[pos]


FRAME_FIELDS = (
    "indicators",
    "catalogue",
    "areas",
    "demographics",
    "demographic_catalogue",
    "lineage",
    "layers",
    "inventory",
    "problems",
)


def _freeze(model: Model) -> Model:
    """Index the slices and make accidental writes fail loudly (read-only arrays)."""
    keys = [s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD, s.SEX]
    object.__setattr__(model, "slices", model.indicators.groupby(keys, sort=False).indices)
    object.__setattr__(model, "available", availability_index(model.frames.get("availability")))
    for f in fields(model):
        value = getattr(model, f.name)
        if isinstance(value, pd.DataFrame):
            _lock(value)
    for frame in model.frames.values():
        _lock(frame)
    object.__setattr__(model, "frames", MappingProxyType(dict(model.frames)))
    object.__setattr__(model, "geojson", MappingProxyType(dict(model.geojson)))
    return model


def _lock(frame: pd.DataFrame) -> None:
    for col in frame.columns:
        try:
            arr = frame[col].to_numpy(copy=False)
            arr.flags.writeable = False
        except (ValueError, AttributeError):
            pass


def cache_dir_for(fingerprint: str) -> Path:
    return get_settings().cache_dir / f"model-{CACHE_FORMAT}-{fingerprint}"


CHECKSUMS = "checksums.json"


class CacheUnreadable(RuntimeError):
    """The cached model is missing a file, damaged or does not match its checksums."""


def save_model(model: Model, target: Path) -> None:
    """Write the model as Parquet + JSON with their checksums, atomically (a temp dir renamed
    into place). On any failure (full disk, read-only directory) nothing is left behind."""
    tmp = target.with_name(target.name + ".tmp")
    try:
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        for name in FRAME_FIELDS:
            frame = getattr(model, name)
            _to_parquet(frame, tmp / f"{name}.parquet")
        for name, frame in model.frames.items():
            _to_parquet(frame, tmp / f"frame__{name}.parquet")
        (tmp / "geojson.json").write_text(json.dumps(dict(model.geojson), separators=(",", ":")))
        meta = {
            "fingerprint": model.fingerprint,
            "build_notes": list(model.build_notes),
            "format": CACHE_FORMAT,
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1))
        sums = {p.name: sha256_of(p) for p in sorted(tmp.iterdir()) if p.is_file()}
        (tmp / CHECKSUMS).write_text(json.dumps(sums, indent=1))
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def verify_cache(source: Path) -> None:
    """Raise ``CacheUnreadable`` unless every file the build wrote is there with its checksum."""
    try:
        sums = json.loads((source / CHECKSUMS).read_text())
    except (OSError, ValueError) as exc:
        raise CacheUnreadable(f"{CHECKSUMS}: {type(exc).__name__}") from None
    for name, expected in sums.items():
        path = source / name
        if not path.is_file():
            raise CacheUnreadable(f"{name} is missing")
        if sha256_of(path) != expected:
            raise CacheUnreadable(f"{name} does not match its checksum ({path.stat().st_size} bytes)")


def _to_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].map(lambda v: v if v is None or isinstance(v, str) else str(v))
    frame.to_parquet(path, index=True)


def read_model(source: Path) -> Model:
    """Read a cached model written by ``save_model``."""
    meta = json.loads((source / "meta.json").read_text())
    kwargs: dict[str, Any] = {name: pd.read_parquet(source / f"{name}.parquet") for name in FRAME_FIELDS}
    kwargs["frames"] = {
        p.name[len("frame__") : -len(".parquet")]: pd.read_parquet(p)
        for p in sorted(source.glob("frame__*.parquet"))
    }
    kwargs["geojson"] = json.loads((source / "geojson.json").read_text())
    return Model(fingerprint=meta["fingerprint"], build_notes=tuple(meta["build_notes"]), **kwargs)


def get_model(*, rebuild: bool = False) -> Model:
    """Load the model from the disk cache, building it first if the sources changed.

    The cache is verified against the checksums written at build; a damaged, truncated or
    unreadable cache is rebuilt. If the cache directory cannot be written (read-only, full),
    the freshly built model is served from memory with one warning.
    """
    settings = get_settings()
    manifest = load_manifest()
    fingerprint = source_fingerprint(settings.data_dir, manifest)
    target = cache_dir_for(fingerprint)
    if not rebuild and (target / "meta.json").exists():
        started = time.perf_counter()
        try:
            verify_cache(target)
            model = read_model(target)
        except Exception as exc:  # any damage: rebuild rather than stop
            log.warning("model cache %s unreadable (%s: %s): rebuilding", target, type(exc).__name__, exc)
        else:
            log.info("model loaded from cache %s in %.2f s", target, time.perf_counter() - started)
            return _freeze(model)
    from data.build import build_model  # the build pulls in geopandas; a warm start does not

    started = time.perf_counter()
    model = build_model(settings.data_dir, manifest, fingerprint)
    log.info("model built in %.1f s", time.perf_counter() - started)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        save_model(model, target)
    except OSError as exc:
        log.warning(
            "cannot write the model cache under %s (%s): serving the model from memory",
            target.parent,
            exc.strerror or type(exc).__name__,
        )
        return _freeze(_round_trip(model))
    for stale in target.parent.glob("model-*"):
        if stale != target and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    return _freeze(read_model(target))


def _round_trip(model: Model) -> Model:
    """The model as a cache read would give it (same column types), via a private temp dir;
    the built model itself if even that cannot be written."""
    import tempfile

    try:
        with tempfile.TemporaryDirectory(prefix="ccg-model-") as tmp:
            target = Path(tmp) / "model"
            save_model(model, target)
            return read_model(target)
    except OSError:
        return model


def source_fingerprint(data_dir: Path, manifest: dict[str, dict]) -> str:
    """Cache key: the manifest plus the checksums of the files actually present."""
    import hashlib

    digest = hashlib.sha256(manifest_fingerprint(manifest).encode())
    # The code that builds the model is part of the key: a changed reader rebuilds.
    root = Path(__file__).resolve().parent.parent
    build_code = [root / "data" / f for f in BUILD_MODULES]
    for code in sorted([*build_code, *root.glob("data/readers/*.py"), *root.glob("geo/*.py")]):
        digest.update(code.read_bytes())
    for entry_id in sorted(manifest):
        path = data_dir / manifest[entry_id]["path"]
        digest.update(entry_id.encode())
        digest.update(sha256_of(path).encode() if path.is_file() else b"missing")
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def load_model() -> Model:
    """The process-wide model (built or read once, then shared read-only)."""
    return get_model()


def area_names(model: Model, geography: str) -> pd.Series:
    areas = model.areas
    return areas.loc[areas[s.GEOGRAPHY] == geography].set_index(s.AREA_CODE)[s.AREA_NAME]
