"""The read-only data model every view reads, built from the sources and cached on disk.

``load_model()`` returns one ``Model`` per process. The first build reads every
manifest source, repairs and simplifies the boundaries, harmonises indicators onto
CCG 2021, aggregates upward and computes the comparisons; the result is written to
``OUTCOMES_CACHE_DIR/model-<fingerprint>/`` as Parquet and JSON, keyed by the
manifest's checksums, so a warm start only reads columnar files.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Mapping
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from data.model import schema as s
from data.model.core import FRAME_FIELDS, Model, availability_index, methods_index
from data.model.manifest import load_manifest, manifest_fingerprint, sha256_of
from data.model.recovery import RECOVERY, ModelRecovering, expected_sum, write_spares
from data.model.settings import get_settings

log = logging.getLogger(__name__)

CACHE_FORMAT = 3  # bump when the build changes what it writes
# Code that decides what the build writes (part of the cache key): the model and methods rooms,
# the readers and geo/.
BUILD_CODE = ("data/model/*.py", "data/methods/*.py", "data/readers/*.py", "geo/*.py")


def _freeze(model: Model) -> Model:
    """Index the slices and make accidental writes fail loudly (read-only arrays)."""
    keys = [s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD, s.SEX]
    object.__setattr__(model, "slices", model.indicators.groupby(keys, sort=False).indices)
    object.__setattr__(model, "available", availability_index(model.frames.get("availability")))
    object.__setattr__(model, "methods", methods_index(model.frames.get("geography_methods")))
    for f in fields(model):
        value = getattr(model, f.name)
        if isinstance(value, pd.DataFrame):
            _lock(value)
    if isinstance(model.frames, LazyFrames):  # read-only already; it locks what it reads
        model.frames.lock_loaded()
    else:
        for frame in model.frames.values():
            _lock(frame)
        object.__setattr__(model, "frames", MappingProxyType(dict(model.frames)))
    object.__setattr__(model, "geojson", MappingProxyType(dict(model.geojson)))
    return model


def _lock(frame: pd.DataFrame) -> None:
    """Make the frame's NumPy-backed columns read-only. Other columns (Arrow-backed strings)
    are skipped: ``to_numpy`` would only copy them (about 0.3 s at every start), locking nothing."""
    for col, dtype in frame.dtypes.items():
        if not isinstance(dtype, np.dtype):
            continue
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
        # what a lazy frame found damaged while serving is restored from (data.model.recovery)
        write_spares(tmp, sorted(f"frame__{n}.parquet" for n in model.frames if n in LAZY_FRAMES))
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


# Frames only some pages read (GP practices, inequalities, peers, trends): read on first use, not
# at start-up (the warm start), each checked against the build's checksum when it is read.
LAZY_FRAMES = frozenset(
    {
        "inequalities",
        "practice_values",
        "practice_fft",
        "peer_values",
        "trends",
        "ip22_trust",
        "ip22_areas",
        "trust_catchments",
    }
)


def _read_whole(fd: int) -> bytes:
    """The whole file by positional reads: gunicorn workers forked after the model was loaded
    share this descriptor, and with it any seek position; ``pread`` uses none."""
    size = os.fstat(fd).st_size
    parts, offset = [], 0
    while offset < size:
        part = os.pread(fd, size - offset, offset)
        if not part:
            break
        parts.append(part)
        offset += len(part)
    return b"".join(parts)


class LazyFrames(Mapping):
    """A read-only mapping of frames; those in ``pending`` are read (and verified) on first use.

    A frame that fails its checksum when read (damaged after start-up) is put right in the
    background (``data.model.recovery``: its spare copy, else a rebuild), and the request is
    told to come back (``ModelRecovering``); the next request reads the file afresh.
    """

    def __init__(self, loaded: dict[str, pd.DataFrame], pending: dict[str, Path], sums: dict[str, str]):
        self._frames = dict(loaded)
        # Opened now: if a newer build replaces the cache directory while this process still
        # serves (a rolling restart), the open file keeps the bytes this model was made from.
        self._pending = {name: (path, path.open("rb")) for name, path in pending.items()}
        self._sums = dict(sums)
        self._damaged: set[str] = set()
        self._read_lock = threading.Lock()

    def __getitem__(self, name: str) -> pd.DataFrame:
        frame = self._frames.get(name)
        if frame is not None:
            return frame
        if name not in self._pending:
            raise KeyError(name)
        with self._read_lock:  # one read per frame, whichever request comes first
            if name not in self._frames:
                self._frames[name] = self._read_or_recover(name)
        return self._frames[name]

    def _read_or_recover(self, name: str) -> pd.DataFrame:
        path, handle = self._pending[name]
        if name in self._damaged:
            if RECOVERY.busy(path):
                raise ModelRecovering(f"{path.name} is being restored", RECOVERY.retry_after())
            handle = None  # the descriptor read at start-up is closed: read the file on disk now
        try:
            frame = self._read(path, handle)
        except CacheUnreadable as exc:
            first = name not in self._damaged
            self._damaged.add(name)
            retry = RECOVERY.begin(path)
            if first:
                log.error(
                    "model frame %s damaged while serving (%s): putting it right in the background", name, exc
                )
            raise ModelRecovering(f"{path.name} is damaged and being restored", retry) from None
        if name in self._damaged:
            self._damaged.discard(name)
            log.warning("model frame %s read again after its recovery", name)
        return frame

    def _read(self, path: Path, handle: BinaryIO | None) -> pd.DataFrame:
        started = time.perf_counter()
        try:
            if handle is None:
                data, expected = path.read_bytes(), expected_sum(path)
            else:
                data, expected = _read_whole(handle.fileno()), self._sums.get(path.name)
        except (OSError, ValueError) as exc:  # ValueError: closed by an earlier failed read
            raise CacheUnreadable(f"{path.name}: {getattr(exc, 'strerror', None) or exc}") from None
        finally:
            if handle is not None:
                handle.close()
        if hashlib.sha256(data).hexdigest() != expected:
            raise CacheUnreadable(f"{path.name} does not match its checksum ({len(data)} bytes)")
        frame = pd.read_parquet(io.BytesIO(data))
        _lock(frame)
        log.info("model frame %s read on first use in %.2f s", path.name, time.perf_counter() - started)
        return frame

    def is_loaded(self, name: str) -> bool:
        return name in self._frames

    def lock_loaded(self) -> None:
        for frame in list(self._frames.values()):
            _lock(frame)

    def __iter__(self):
        return iter([*self._frames, *(n for n in self._pending if n not in self._frames)])

    def __len__(self) -> int:
        return len(set(self._frames) | set(self._pending))

    def __contains__(self, name: object) -> bool:
        return name in self._frames or name in self._pending


def read_model(source: Path, *, lazy: frozenset[str] = frozenset()) -> Model:
    """Read a cached model written by ``save_model``; the frames named in ``lazy`` on first use
    (the directory must then stay in place: only the live cache directory is read lazily)."""
    meta = json.loads((source / "meta.json").read_text())
    kwargs: dict[str, Any] = {name: pd.read_parquet(source / f"{name}.parquet") for name in FRAME_FIELDS}
    paths = {p.name[len("frame__") : -len(".parquet")]: p for p in sorted(source.glob("frame__*.parquet"))}
    loaded = {name: pd.read_parquet(p) for name, p in paths.items() if name not in lazy}
    if lazy:
        sums = json.loads((source / CHECKSUMS).read_text())
        pending = {name: p for name, p in paths.items() if name in lazy}
        kwargs["frames"] = LazyFrames(loaded, pending, sums)
    else:
        kwargs["frames"] = loaded
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
            model = read_model(target, lazy=LAZY_FRAMES)
        except Exception as exc:  # any damage: rebuild rather than stop
            log.warning("model cache %s unreadable (%s: %s): rebuilding", target, type(exc).__name__, exc)
        else:
            log.info("model loaded from cache %s in %.2f s", target, time.perf_counter() - started)
            return _freeze(model)
    from data.model.build import build_model  # the build pulls in geopandas; a warm start does not

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
    return _freeze(read_model(target, lazy=LAZY_FRAMES))


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
    root = Path(__file__).resolve().parents[2]
    for code in sorted(p for pattern in BUILD_CODE for p in root.glob(pattern)):
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
