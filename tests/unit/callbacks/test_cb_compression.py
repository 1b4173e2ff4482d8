"""callbacks.compression: the first load's files compressed once, at the strongest levels."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from backports import zstd

from callbacks.compression import MIN_BYTES, accepted, choose, first_load_paths, warm


@pytest.fixture(scope="module")
def server(dash_app):
    return dash_app.server


@pytest.fixture(scope="module")
def client(server):
    return server.test_client()


def _plotly_url(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return next(u for u in re.findall(r'<script[^>]+src="([^"]+)"', page) if "plotly-ccg" in u)


def test_accept_encoding_is_read_with_its_refusals():
    assert accepted("gzip, deflate, br, zstd") == {"gzip", "deflate", "br", "zstd"}
    assert accepted("zstd;q=0, gzip;q=0.5") == {"gzip"}
    assert choose("gzip, deflate, br, zstd") == ("zstd", 19)
    assert choose("gzip, br") == ("br", 11)
    assert choose("gzip") == ("gzip", 9)
    assert choose("identity") is None
    assert choose("") is None


def test_a_script_is_compressed_hard_and_kept(client, server):
    url = _plotly_url(client)
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    first = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert first.headers["Content-Encoding"] == "zstd"
    assert "Accept-Encoding" in first.headers["Vary"]
    body = first.get_data()
    assert zstd.decompress(body) == plain.get_data()
    # stronger than flask-compress's level 3 gives for every callback answer
    assert len(body) < 0.9 * len(zstd.compress(plain.get_data(), 3))
    cache = server.extensions["static_compression"]
    size = cache.size
    again = client.get(url, headers={"Accept-Encoding": "zstd"})
    assert again.get_data() == body and cache.size == size  # from the cache, not compressed again


def test_a_revalidation_with_the_compressed_etag_is_a_304(client):
    url = _plotly_url(client)
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    assert etag.endswith(':gzip"')
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304


def test_the_boundary_layers_are_compressed(client, model):
    layer = next(iter(model.geojson))
    url = f"/geo/{model.fingerprint}/{layer}.json"
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.mimetype == "application/geo+json"
    assert response.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.get_data())) == model.geojson[layer]


def test_callback_answers_are_left_to_flask_compress(client, server):
    cache = server.extensions["static_compression"]
    size, count = cache.size, len(cache.bodies)
    response = client.get("/_dash-layout", headers={"Accept-Encoding": "zstd"})
    assert response.status_code == 200
    assert (cache.size, len(cache.bodies)) == (size, count)


def test_warm_caches_every_first_load_file(server, model):
    paths = first_load_paths(server)
    assert any("plotly-ccg" in p for p in paths)
    assert any(p.startswith(f"/geo/{model.fingerprint}/") for p in paths)
    assert any("dash_renderer" in p for p in paths)
    warm(server)
    cached = {key[0] for key in server.extensions["static_compression"].bodies}
    client = server.test_client()
    for path in paths:  # all but the tiny ones (not worth a Content-Encoding)
        size = len(client.get(path, headers={"Accept-Encoding": "identity"}).get_data())
        assert path.split("?")[0] in cached or size < MIN_BYTES, path
