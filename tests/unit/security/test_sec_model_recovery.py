"""A lazy model frame damaged while the app runs (issue 20, item 4): the request that finds it
is told to come back (``ModelRecovering``: 503 + Retry-After), the file is put right once in
the background (its spare copy, else a rebuild), and the next read succeeds."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys

import pandas as pd
import pytest

from data.model import recovery as recovery_module
from data.model import store as store_module
from data.model.recovery import ModelRecovering, Recovery
from data.model.store import LAZY_FRAMES, cache_dir_for, read_model, save_model

WAIT_S = 60


@pytest.fixture()
def cached(model, tmp_path, monkeypatch):
    """The real model saved into a temporary cache directory, read back with its lazy frames
    pending; a fresh recovery for this test."""
    monkeypatch.setenv("OUTCOMES_CACHE_DIR", str(tmp_path / "cache"))
    target = cache_dir_for(model.fingerprint)
    save_model(model, target)
    fresh = Recovery()
    monkeypatch.setattr(store_module, "RECOVERY", fresh)
    return target, read_model(target, lazy=LAZY_FRAMES), fresh


def truncate(path, keep: int = 1000) -> None:
    path.write_bytes(path.read_bytes()[:keep])


def whole(path) -> bool:
    sums = json.loads((path.parent / "checksums.json").read_text())
    return hashlib.sha256(path.read_bytes()).hexdigest() == sums[path.name]


def test_the_build_writes_a_spare_of_every_lazy_frame(cached):
    target, served, _ = cached
    for name in LAZY_FRAMES:
        spare = target / "spare" / f"frame__{name}.parquet"
        assert spare.read_bytes() == (target / f"frame__{name}.parquet").read_bytes()


def test_a_frame_damaged_before_its_first_use_is_restored(model, cached, caplog):
    target, served, recovery = cached
    path = target / "frame__trends.parquet"
    truncate(path)
    caplog.set_level(logging.WARNING)
    with pytest.raises(ModelRecovering) as first:
        served.frames["trends"]
    assert 1 <= first.value.retry_after <= 60
    recovery.wait(WAIT_S)
    assert whole(path)
    frame = served.frames["trends"]  # read afresh from the restored file
    pd.testing.assert_frame_equal(frame, model.frames["trends"])
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "trends" in errors[0].getMessage() and "\n" not in errors[0].getMessage()
    assert any("restored from its spare" in r.getMessage() for r in caplog.records)


def test_requests_meanwhile_are_told_to_wait_not_failed(cached, monkeypatch):
    """While the recovery runs, every read is a ModelRecovering (never 'I/O operation on a
    closed file', as before); afterwards the frame reads."""
    target, served, recovery = cached
    truncate(target / "frame__peer_values.parquet")
    monkeypatch.setattr(recovery, "busy", lambda path: True)
    for _ in range(3):
        with pytest.raises(ModelRecovering):
            served.frames["peer_values"]
    monkeypatch.undo()
    recovery.wait(WAIT_S)
    assert len(served.frames["peer_values"]) > 0


def test_only_one_rebuild_in_a_while(tmp_path):
    """The spare damaged too: one rebuild is started, not one per request."""
    runs = tmp_path / "runs"
    command = [sys.executable, "-c", f"open({str(runs)!r}, 'a').write('x')"]
    recovery = Recovery(rebuild_command=command)
    directory = tmp_path / "cache" / "model-x"
    (directory / "spare").mkdir(parents=True)
    path = directory / "frame__trends.parquet"
    path.write_bytes(b"damaged")
    (directory / "checksums.json").write_text(json.dumps({path.name: "0" * 64}))
    for _ in range(3):
        recovery.begin(path)
        recovery.wait(WAIT_S)
    assert runs.read_text() == "x"


@pytest.mark.slow
def test_a_frame_and_its_spare_damaged_are_rebuilt(model, cached, caplog):
    """No good copy left: the model is rebuilt in the background (a process of its own)."""
    target, served, recovery = cached
    path = target / "frame__inequalities.parquet"
    truncate(path)
    truncate(target / "spare" / path.name)
    caplog.set_level(logging.WARNING)
    with pytest.raises(ModelRecovering):
        served.frames["inequalities"]
    recovery.wait(recovery_module.REBUILD_TIMEOUT_S)
    assert whole(path), [r.getMessage() for r in caplog.records]
    assert any("model rebuilt" in r.getMessage() for r in caplog.records)
    pd.testing.assert_frame_equal(served.frames["inequalities"], model.frames["inequalities"])
    assert os.environ["OUTCOMES_CACHE_DIR"] in str(path)  # the copy was rebuilt, not the real cache
