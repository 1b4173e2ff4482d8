from pathlib import Path

import pytest

from data.model.settings import REPO_ROOT, SettingsError, get_settings


def test_defaults(monkeypatch):
    for name in ("OUTCOMES_DATA_DIR", "OUTCOMES_CACHE_DIR", "REDIS_URL", "OUTCOMES_CACHE_TYPE"):
        monkeypatch.delenv(name, raising=False)
    settings = get_settings()
    assert settings.data_dir == (REPO_ROOT / ".." / "shared" / "data").resolve()
    assert settings.cache_dir == REPO_ROOT / ".cache"
    assert settings.cache_type == "SimpleCache"


def test_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("OUTCOMES_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("OUTCOMES_CACHE_DIR", "relative/cache")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    settings = get_settings()
    assert settings.data_dir == tmp_path
    assert settings.cache_dir == (REPO_ROOT / "relative" / "cache").resolve()
    assert settings.cache_type == "RedisCache"


def test_bad_cache_type(monkeypatch):
    monkeypatch.setenv("OUTCOMES_CACHE_TYPE", "Memcached")
    with pytest.raises(SettingsError, match="OUTCOMES_CACHE_TYPE"):
        get_settings()
    assert isinstance(REPO_ROOT, Path)
