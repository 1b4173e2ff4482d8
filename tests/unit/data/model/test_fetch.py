"""`python -m data fetch` copies the manifest's files from a mirror, checking every checksum."""

import functools
import http.server
import shutil
import threading

import pytest

from data.model.fetch import FetchError, fetch_all
from data.model.manifest import load_manifest, sha256_of
from data.model.settings import get_settings

SHARED = get_settings().data_dir


@pytest.fixture(scope="module")
def mirror_url():
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SHARED))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def small_manifest(n=4):
    manifest = load_manifest()
    picked = sorted(manifest.values(), key=lambda e: (e["kind"], e["id"]))
    return {e["id"]: e for e in picked if (SHARED / e["path"]).stat().st_size < 400_000}


def test_fetch_every_file_over_http(tmp_path, mirror_url):
    manifest = load_manifest()
    fetched = fetch_all(mirror_url, tmp_path, manifest, quiet=True)
    assert len(fetched) == len(manifest)
    for entry in manifest.values():
        assert sha256_of(tmp_path / entry["path"]) == entry["sha256"]
    # A second run has nothing to do.
    assert fetch_all(mirror_url, tmp_path, manifest, quiet=True) == []


def test_fetch_from_folder_handles_spaces_in_names(tmp_path):
    manifest = {k: v for k, v in load_manifest().items() if " " in v["path"]}
    assert manifest, "expected the dementia workbooks, whose names contain spaces"
    fetch_all(str(SHARED), tmp_path, manifest, quiet=True)
    for entry in manifest.values():
        assert (tmp_path / entry["path"]).is_file()


def test_checksum_mismatch_is_an_error_and_leaves_no_file(tmp_path):
    manifest = small_manifest()
    entry = next(iter(manifest.values()))
    mirror = tmp_path / "mirror"
    for e in manifest.values():
        (mirror / e["path"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SHARED / e["path"], mirror / e["path"])
    with (mirror / entry["path"]).open("ab") as fh:
        fh.write(b"tampered")
    target = tmp_path / "data"
    with pytest.raises(FetchError, match="checksum mismatch") as err:
        fetch_all(str(mirror), target, manifest, quiet=True)
    assert entry["path"] in str(err.value)
    assert not (target / entry["path"]).exists()
    leftovers = [p for p in target.rglob("*") if p.is_file() and ".part-" in p.name]
    assert leftovers == []
    # The other files arrived intact.
    others = [e for e in manifest.values() if e is not entry]
    assert all(sha256_of(target / e["path"]) == e["sha256"] for e in others)


def test_missing_file_in_mirror_is_an_error(tmp_path, mirror_url):
    manifest = {"ghost": dict(next(iter(small_manifest().values())), id="ghost", path="nowhere/ghost.csv")}
    with pytest.raises(FetchError, match="ghost.csv"):
        fetch_all(mirror_url, tmp_path, manifest, quiet=True)
    with pytest.raises(FetchError, match="not found in mirror folder"):
        fetch_all(str(SHARED), tmp_path, manifest, quiet=True)
    assert not (tmp_path / "nowhere" / "ghost.csv").exists()


def test_cli_reports_failure(tmp_path, monkeypatch, capsys):
    from data.__main__ import main

    monkeypatch.setenv("OUTCOMES_DATA_DIR", str(tmp_path))
    assert main(["fetch", "--from", str(tmp_path / "empty-mirror"), "--quiet"]) == 1
    assert "fetch failed" in capsys.readouterr().err


def test_unsupported_scheme(tmp_path):
    manifest = small_manifest()
    with pytest.raises(FetchError, match="unsupported mirror"):
        fetch_all("ftp://example.invalid/data", tmp_path, manifest, quiet=True)


def test_manifest_is_complete():
    """Every file under the data root has a manifest entry, and every entry is documented."""
    manifest = load_manifest()
    listed = {e["path"] for e in manifest.values()}
    present = {str(p.relative_to(SHARED)) for p in SHARED.rglob("*") if p.is_file()}
    assert present - listed == set()
    for entry in manifest.values():
        assert entry["publisher"] and entry["title"] and entry["licence"] and len(entry["sha256"]) == 64
