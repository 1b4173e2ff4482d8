"""The model cache: verified on load, rebuilt on damage, served from memory if unwritable,
and no temporary files left behind when a write fails."""

from __future__ import annotations

import errno
import logging
import shutil

import pytest

from data.model import store as model_module
from data.model.store import CHECKSUMS, CacheUnreadable, cache_dir_for, save_model, verify_cache


@pytest.fixture()
def cache_copy(model, tmp_path, monkeypatch):
    """A copy of the real model cache in a temporary OUTCOMES_CACHE_DIR; builds return the real model."""
    monkeypatch.setenv("OUTCOMES_CACHE_DIR", str(tmp_path / "cache"))
    target = cache_dir_for(model.fingerprint)
    save_model(model, target)
    built = []

    def fake_build(data_dir, manifest, fingerprint):
        built.append(fingerprint)
        return model

    import data.model.build

    monkeypatch.setattr(data.model.build, "build_model", fake_build)
    monkeypatch.setattr(model_module, "source_fingerprint", lambda *a: model.fingerprint)
    return target, built


def test_a_saved_cache_verifies(cache_copy):
    target, _ = cache_copy
    verify_cache(target)
    assert (target / CHECKSUMS).exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: (t / "indicators.parquet").write_bytes((t / "indicators.parquet").read_bytes()[:1000]),
        lambda t: (t / "areas.parquet").write_bytes(b""),
        lambda t: (t / "geojson.json").write_text('{"ccg21": {"type": "Feature'),
        lambda t: (t / "catalogue.parquet").unlink(),
        lambda t: (t / CHECKSUMS).unlink(),
    ],
    ids=["truncated-parquet", "empty-parquet", "damaged-geojson", "missing-file", "no-checksums"],
)
def test_damage_is_detected_and_rebuilt(cache_copy, damage, caplog):
    target, built = cache_copy
    damage(target)
    with pytest.raises(CacheUnreadable):
        verify_cache(target)
    caplog.set_level(logging.WARNING)
    rebuilt = model_module.get_model()
    assert built, "a damaged cache must be rebuilt"
    assert len(rebuilt.indicators) > 0
    verify_cache(target)  # and written again, whole
    warnings = [r for r in caplog.records if "unreadable" in r.getMessage()]
    assert len(warnings) == 1 and "\n" not in warnings[0].getMessage()


def test_unwritable_cache_serves_from_memory_with_one_warning(cache_copy, monkeypatch, caplog):
    target, built = cache_copy
    shutil.rmtree(target)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(model_module, "save_model", no_space)
    caplog.set_level(logging.WARNING)
    served = model_module.get_model()
    assert built and len(served.indicators) > 0
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "from memory" in warnings[0] and "No space" in warnings[0]


def test_a_failed_write_leaves_no_temporary_files(model, tmp_path, monkeypatch):
    target = tmp_path / "model-x"

    def fail_after_some(frame, path):
        if path.name.startswith("frame__"):
            raise OSError(errno.ENOSPC, "No space left on device")
        frame.to_parquet(path)

    monkeypatch.setattr(model_module, "_to_parquet", fail_after_some)
    with pytest.raises(OSError):
        save_model(model, target)
    assert list(tmp_path.iterdir()) == []
