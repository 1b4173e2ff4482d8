"""The sources manifest: one entry per source file, in ``data/sources/*.toml``.

Each entry is a ``[[source]]`` table with at least::

    id        unique key used in code and on the command line
    path      path relative to the data root (OUTCOMES_DATA_DIR)
    format    csv | xlsx | geojson | topojson | shapefile | dta | md
    kind      boundary | lookup | demographic | indicator | documentation
    geography a schema.GEOGRAPHIES key, or "practice", "lsoa11", "icb22" ...
    vintage   e.g. "April 2021", "2022/23", "monthly 2018-01 to 2018-11"
    holds     what the file holds, in a sentence
    publisher who publishes the data (provenance)
    title     the official dataset title
    licence   e.g. "OGL-3.0"
    sha256    checksum of the file's bytes

and optionally ``reader`` (a name registered in ``data.readers``) with
``[source.params]`` for it. Entries without a reader are read by another
entry's reader (``used_by``) or are documentation kept for provenance.
"""

from __future__ import annotations

import hashlib
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

SOURCES_DIR = Path(__file__).resolve().parents[1] / "sources"
REQUIRED_KEYS = (
    "id",
    "path",
    "format",
    "kind",
    "geography",
    "vintage",
    "holds",
    "publisher",
    "title",
    "licence",
    "sha256",
)


class ManifestError(ValueError):
    """The manifest itself is malformed."""


@lru_cache(maxsize=4)
def load_manifest(sources_dir: Path = SOURCES_DIR) -> dict[str, dict[str, Any]]:
    """All manifest entries by id, in file then entry order."""
    entries: dict[str, dict[str, Any]] = {}
    for toml_path in sorted(sources_dir.glob("*.toml")):
        with toml_path.open("rb") as fh:
            doc = tomllib.load(fh)
        for i, entry in enumerate(doc.get("source", [])):
            missing = [k for k in REQUIRED_KEYS if k not in entry]
            if missing:
                raise ManifestError(f"{toml_path.name}: source #{i + 1} lacks {', '.join(missing)}")
            if entry["id"] in entries:
                raise ManifestError(f"{toml_path.name}: duplicate source id {entry['id']!r}")
            entries[entry["id"]] = dict(entry, manifest_file=toml_path.name)
    return entries


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def manifest_fingerprint(manifest: dict[str, dict[str, Any]]) -> str:
    """One checksum over every entry's checksum and settings: the model cache key."""
    digest = hashlib.sha256()
    for entry_id in sorted(manifest):
        entry = manifest[entry_id]
        digest.update(repr(sorted((k, repr(v)) for k, v in entry.items())).encode())
    return digest.hexdigest()[:16]
