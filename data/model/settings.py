"""The one place that reads the environment: data, cache and serving settings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]


class SettingsError(RuntimeError):
    """A setting from the environment is present but unusable."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    cache_dir: Path
    redis_url: str | None
    cache_type: str  # flask-caching backend: "SimpleCache", "FileSystemCache" or "RedisCache"
    public_url: str = ""  # base of the links printed in exports ("" = relative links)


def _path_from_env(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    path = Path(raw).expanduser()
    return path if path.is_absolute() else (REPO_ROOT / path).resolve()


def get_settings() -> Settings:
    """Read the settings afresh from the environment (cheap; call where needed)."""
    data_dir = _path_from_env("OUTCOMES_DATA_DIR", (REPO_ROOT / ".." / "shared" / "data").resolve())
    cache_dir = _path_from_env("OUTCOMES_CACHE_DIR", REPO_ROOT / ".cache")
    redis_url = os.environ.get("REDIS_URL") or None
    cache_type = os.environ.get("OUTCOMES_CACHE_TYPE") or ("RedisCache" if redis_url else "SimpleCache")
    if cache_type not in {"SimpleCache", "FileSystemCache", "RedisCache", "NullCache"}:
        raise SettingsError(
            f"OUTCOMES_CACHE_TYPE={cache_type!r}: use SimpleCache, FileSystemCache, RedisCache or NullCache"
        )
    if cache_type == "RedisCache" and not redis_url:
        raise SettingsError("OUTCOMES_CACHE_TYPE=RedisCache needs REDIS_URL")
    return Settings(
        data_dir=data_dir,
        cache_dir=cache_dir,
        redis_url=redis_url,
        cache_type=cache_type,
        public_url=_public_url(os.environ.get("OUTCOMES_PUBLIC_URL", "")),
    )


def _public_url(raw: str) -> str:
    """OUTCOMES_PUBLIC_URL: the public address exports link back to (http(s)://host[/path])."""
    raw = raw.strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise SettingsError(
            f"OUTCOMES_PUBLIC_URL={raw!r}: give the app's public address, e.g. https://outcomes.example.nhs.uk"
        )
    return raw.rstrip("/")
