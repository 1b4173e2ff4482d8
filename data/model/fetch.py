"""Copy every manifest file from a mirror into the data root, verifying checksums.

A mirror is an http(s) base URL or a folder laid out like the data root. Each file
is written to a temporary name beside its target and renamed into place only when
its sha256 matches the manifest, so a failure never leaves a half-written file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import urllib.parse
import urllib.request
from pathlib import Path

from tqdm import tqdm

from data.model.manifest import sha256_of

log = logging.getLogger(__name__)
CHUNK = 1 << 16


class FetchError(RuntimeError):
    """A file could not be fetched or failed its checksum."""


def _open_source(source: str, relative: str):
    """A binary stream and its size (or None) for one file of the mirror."""
    parsed = urllib.parse.urlparse(source)
    if parsed.scheme in ("http", "https"):
        url = source.rstrip("/") + "/" + urllib.parse.quote(relative)
        try:
            response = urllib.request.urlopen(url, timeout=60)  # noqa: S310 - scheme checked above
        except Exception as exc:  # urllib raises several types; all mean "not fetched"
            raise FetchError(f"{relative}: could not fetch {url}: {exc}") from exc
        size = response.headers.get("Content-Length")
        return response, int(size) if size else None
    if parsed.scheme not in ("", "file"):
        raise FetchError(f"unsupported mirror {source!r}: use an http(s) URL or a folder")
    root = Path(parsed.path if parsed.scheme == "file" else source)
    path = root / relative
    if not path.is_file():
        raise FetchError(f"{relative}: not found in mirror folder {root}")
    return path.open("rb"), path.stat().st_size


def fetch_one(source: str, relative: str, expected_sha256: str, target: Path, progress: tqdm) -> None:
    """Fetch one file into ``target`` atomically, checking its sha256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part-{os.getpid()}")
    digest = hashlib.sha256()
    stream, _ = _open_source(source, relative)
    try:
        with stream, tmp.open("wb") as out:
            while block := stream.read(CHUNK):
                digest.update(block)
                out.write(block)
                progress.update(len(block))
        if digest.hexdigest() != expected_sha256:
            raise FetchError(
                f"{relative}: checksum mismatch (expected {expected_sha256[:12]}…, got {digest.hexdigest()[:12]}…)"
            )
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def fetch_all(source: str, data_dir: Path, manifest: dict[str, dict], *, quiet: bool = False) -> list[str]:
    """Fetch every manifest file not already present with the right checksum.

    Returns the relative paths fetched. Raises FetchError naming every file that
    failed; the files that succeeded stay in place.
    """
    todo = []
    for entry in manifest.values():
        target = data_dir / entry["path"]
        if target.is_file() and sha256_of(target) == entry["sha256"]:
            continue
        todo.append(entry)
    fetched, failures = [], []
    with tqdm(total=None, unit="B", unit_scale=True, desc="fetching", disable=quiet) as progress:
        for entry in todo:
            progress.set_postfix_str(Path(entry["path"]).name[:40])
            try:
                fetch_one(source, entry["path"], entry["sha256"], data_dir / entry["path"], progress)
                fetched.append(entry["path"])
            except FetchError as exc:
                log.error("%s", exc)
                failures.append(str(exc))
    if failures:
        raise FetchError(f"{len(failures)} of {len(todo)} files failed:\n" + "\n".join(failures))
    return fetched
