"""A model file found damaged while the app serves: put right once, in the background.

The frames only some pages read are read from the cache on first use (``store.LazyFrames``),
each checked against the checksum the build wrote. If that check fails (the file was
truncated or overwritten after the app started), the request that found it is told to come
back (``ModelRecovering``: the app answers 503 with Retry-After) and one background
recovery starts, whichever process noticed first (a lock file in the cache directory):

1. the file is restored from its spare copy (``spare/`` in the model's directory, written by
   the build beside every lazy frame), if that copy still matches the checksum; else
2. the model is rebuilt (``python -m data build``, a process of its own: the build verifies
   the cache, finds the damage and writes it again), at most once every ``REBUILD_EVERY_S``.

Each process then reads the frame afresh from the path on its next request.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

SPARE = "spare"
LOCK = "recovery.lock"
REBUILD_EVERY_S = 600.0
REBUILD_TIMEOUT_S = 900.0
REPO_ROOT = Path(__file__).resolve().parents[2]


class ModelRecovering(RuntimeError):
    """A model file is being put right; ask again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def expected_sum(path: Path) -> str | None:
    """The checksum the build recorded for ``path`` (its directory's checksums.json, read now:
    a rebuild may have written a new one)."""
    try:
        return json.loads((path.parent / "checksums.json").read_text()).get(path.name)
    except (OSError, ValueError):
        return None


class Recovery:
    """This process's view of recoveries: at most one of its own running at a time."""

    def __init__(self, rebuild_command: list[str] | None = None) -> None:
        self.rebuild_command = rebuild_command or [sys.executable, "-m", "data", "build"]
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._last_rebuild = -REBUILD_EVERY_S
        self.rebuilding = False

    def begin(self, path: Path) -> int:
        """Start putting ``path`` right (unless this process is already at it); the seconds a
        client should wait before asking again."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._recover, args=(path,), name="model-recovery", daemon=True
                )
                self._thread.start()
        return self.retry_after()

    def busy(self, path: Path) -> bool:
        """True while this process or another (holding the cache directory's lock) recovers."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return True
        fd = _try_lock(path.parent.parent / LOCK)
        if fd is None:
            return True
        _unlock(fd)
        return False

    def retry_after(self) -> int:
        return 60 if self.rebuilding else 5

    def wait(self, timeout_s: float) -> None:
        """Until this process's recovery has finished (tests)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)

    def _recover(self, path: Path) -> None:
        lock_path = path.parent.parent / LOCK
        fd = _try_lock(lock_path)
        if fd is None:  # another process is at it: its work will be ours
            log.info("model recovery of %s: another process is at it", path.name)
            fd = _lock_within(lock_path, REBUILD_TIMEOUT_S)
            if fd is not None:
                _unlock(fd)
            return
        try:
            if expected_sum(path) is not None and _file_sum(path) == expected_sum(path):
                log.info("model file %s is whole again (put right by another process)", path.name)
            elif self._from_spare(path):
                log.warning("model file %s restored from its spare copy", path.name)
            else:
                self._rebuild(path)
        except Exception:
            log.exception("model recovery of %s failed", path.name)
        finally:
            _unlock(fd)

    def _from_spare(self, path: Path) -> bool:
        spare = path.parent / SPARE / path.name
        want = expected_sum(path)
        try:
            data = spare.read_bytes()
        except OSError:
            return False
        if want is None or digest(data) != want:
            log.error("the spare copy of %s is damaged or missing too", path.name)
            return False
        tmp = path.with_name(path.name + ".restoring")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return True

    def _rebuild(self, path: Path) -> None:
        since = time.monotonic() - self._last_rebuild
        if since < REBUILD_EVERY_S:
            log.error(
                "model file %s still damaged; last rebuild %.0f s ago (at most one every %.0f s)",
                path.name,
                since,
                REBUILD_EVERY_S,
            )
            return
        self._last_rebuild = time.monotonic()
        self.rebuilding = True
        log.warning("model file %s cannot be restored: rebuilding the model in the background", path.name)
        started = time.monotonic()
        try:
            done = subprocess.run(
                self.rebuild_command,
                cwd=REPO_ROOT,
                capture_output=True,
                text=True,
                timeout=REBUILD_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            log.error("model rebuild did not finish in %.0f s", REBUILD_TIMEOUT_S)
            return
        finally:
            self.rebuilding = False
        tail = " ".join((done.stderr or "").strip().splitlines()[-1:])
        if done.returncode == 0:
            log.warning("model rebuilt in %.0f s (%s)", time.monotonic() - started, tail[:200])
        else:
            log.error("model rebuild failed (exit %d): %s", done.returncode, tail[:300])


def _file_sum(path: Path) -> str | None:
    try:
        return digest(path.read_bytes())
    except OSError:
        return None


def _try_lock(path: Path) -> int | None:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except OSError:
        os.close(fd)
        return None


def _lock_within(path: Path, timeout_s: float) -> int | None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        fd = _try_lock(path)
        if fd is not None:
            return fd
        time.sleep(0.5)
    return None


def _unlock(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def write_spares(directory: Path, names: list[str]) -> None:
    """Copies of ``names`` (files in ``directory``) under ``directory/spare``: what a damaged
    lazy frame is restored from. Their checksums go into checksums.json with the rest."""
    spare = directory / SPARE
    spare.mkdir(exist_ok=True)
    for name in names:
        shutil.copyfile(directory / name, spare / name)


RECOVERY = Recovery()
