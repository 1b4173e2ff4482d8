"""Start-up faults: the app comes up and answers with a truncated model cache file, a read-only
cache directory, and a missing boundary file (the map says why; the other views work).

Each test starts ``python app.py`` on a free loopback port with its own cache directory
(bounded waits); the truncated-cache and missing-boundary cases rebuild the model (slow).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from data.model.settings import get_settings
from data.model.store import cache_dir_for, load_model
from selection import parse_query
from tests.serving import app_server
from tests.unit.security.conftest import map_body, view_body

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT_S = 420
BOUNDARY = "boundaries/ccg21_apr2021_buc.geojson"


@contextlib.contextmanager
def serve(env: dict[str, str], log_path: Path):
    with app_server(env=env, log_path=log_path, timeout_s=START_TIMEOUT_S) as url:
        requests.get(url + "/_dash-layout", timeout=30)
        yield url


def answers_views(url: str, query: str = "") -> None:
    state, _ = parse_query(load_model(), query)
    response = requests.post(
        url + "/_dash-update-component", json=view_body({**state, "page": "compare"}), timeout=60
    )
    assert response.status_code == 200 and "compare-graph" in response.text


@pytest.fixture()
def cache_copy(tmp_path) -> Path:
    """A copy of this checkout's valid model cache in a fresh cache directory."""
    model = load_model()
    source = cache_dir_for(model.fingerprint)
    cache = tmp_path / "cache"
    shutil.copytree(source, cache / source.name)
    return cache


def test_truncated_cache_file_is_rebuilt(cache_copy, tmp_path):
    target = next(cache_copy.glob("model-*"))
    data = (target / "indicators.parquet").read_bytes()
    (target / "indicators.parquet").write_bytes(data[: len(data) // 3])
    log = tmp_path / "app.log"
    with serve({"OUTCOMES_CACHE_DIR": str(cache_copy)}, log) as url:
        answers_views(url)
    text = log.read_text()
    assert "unreadable" in text and "Traceback" not in text


def test_read_only_cache_directory(cache_copy, tmp_path):
    if shutil.which("chattr") is None:
        pytest.skip("chattr is needed to make a directory read-only for root")
    made = subprocess.run(["chattr", "-R", "+i", str(cache_copy)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"chattr +i not supported here: {made.stderr.decode()[:200]}")
    try:
        with pytest.raises(OSError):
            (cache_copy / "probe").write_text("x")  # really read-only, even for root
        log = tmp_path / "app.log"
        with serve({"OUTCOMES_CACHE_DIR": str(cache_copy)}, log) as url:
            answers_views(url)
        assert "Traceback" not in log.read_text()
    finally:
        subprocess.run(["chattr", "-R", "-i", str(cache_copy)], check=False)


def test_missing_boundary_file(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(get_settings().data_dir, data, copy_function=os.symlink)
    (data / BOUNDARY).unlink()
    log = tmp_path / "app.log"
    env = {"OUTCOMES_DATA_DIR": str(data), "OUTCOMES_CACHE_DIR": str(tmp_path / "cache")}
    with serve(env, log) as url:
        answers_views(url)  # the other views work
        state, _ = parse_query(load_model(), "")
        body = map_body({**state, "page": "map"})
        response = requests.post(url + "/_dash-update-component", json=body, timeout=60)
        assert response.status_code == 200
        assert (
            Path(BOUNDARY).name in response.text and "other views still work" in response.text
        )  # JSON escapes "/"
    text = log.read_text()
    assert BOUNDARY in text and "Traceback" not in text
