"""Frames only some pages read are read on first use (the warm start), still checksum-verified."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from data.model.recovery import ModelRecovering
from data.model.store import LAZY_FRAMES, read_model, save_model


@pytest.fixture()
def saved(model, tmp_path):
    target = tmp_path / "model"
    save_model(model, target)
    return target


def test_lazy_frames_are_read_on_first_use_and_equal_the_saved_ones(model, saved):
    lazy = read_model(saved, lazy=LAZY_FRAMES)
    names = sorted(LAZY_FRAMES & set(model.frames))
    assert names, "the model has none of the lazy frames"
    assert set(lazy.frames) == set(model.frames)
    for name in names:
        assert name in lazy.frames and not lazy.frames.is_loaded(name)
    for name in names:
        pd.testing.assert_frame_equal(lazy.frames[name], model.frames[name])
        assert lazy.frames.is_loaded(name)
    assert not lazy.frames.is_loaded("no such frame") and lazy.frames.get("no such frame") is None


def test_a_lazy_frame_damaged_after_start_is_refused_with_its_name(saved):
    # refused (503 with Retry-After at the HTTP level) while it is put right in the background:
    # tests/unit/security/test_sec_model_recovery.py watches the recovery itself
    lazy = read_model(saved, lazy=LAZY_FRAMES)
    name = sorted(LAZY_FRAMES & set(lazy.frames))[0]
    with (saved / f"frame__{name}.parquet").open("r+b") as fh:  # the same file, cut short
        fh.truncate(100)
    with pytest.raises(ModelRecovering, match=f"frame__{name}.parquet") as refused:
        lazy.frames[name]
    assert refused.value.retry_after >= 1


def test_a_lazy_frame_outlives_its_directory_being_replaced(model, saved):
    # a newer build removes this cache directory while this process still serves
    lazy = read_model(saved, lazy=LAZY_FRAMES)
    shutil.rmtree(saved)
    for name in sorted(LAZY_FRAMES & set(lazy.frames)):
        pd.testing.assert_frame_equal(lazy.frames[name], model.frames[name])


def test_lazy_frames_are_read_only(saved):
    lazy = read_model(saved, lazy=LAZY_FRAMES)
    with pytest.raises(TypeError):
        lazy.frames["new"] = pd.DataFrame()


def test_a_lazy_read_does_not_depend_on_the_shared_file_position(model, saved):
    # gunicorn forks its workers after the model is loaded: they share each open file and its
    # position, so another worker's read must not change what this one reads
    lazy = read_model(saved, lazy=LAZY_FRAMES)
    name = sorted(LAZY_FRAMES & set(lazy.frames))[0]
    _, handle = lazy.frames._pending[name]
    handle.seek(0, 2)  # as if another worker had just read it to the end
    pd.testing.assert_frame_equal(lazy.frames[name], model.frames[name])
