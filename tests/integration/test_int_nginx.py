"""nginx (deploy/nginx/ccg-outcomes.conf, as shipped) in front of gunicorn, on loopback.

Two clients dribbling their request headers a byte at a time do not stall a third; nginx
passes the app's security headers, hides its version, gzips the boundary layers, caches
static files and refuses bodies over 1 MB; its own refusals (429, 503) are text or JSON with
Retry-After; its TLS lines, switched on, serve HTTPS with HSTS. Free ports, bounded waits,
loopback only.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time

import pytest
import requests
import urllib3

from bench.load import gunicorn
from data.model.store import load_model
from tests.integration.conftest import nginx
from tests.serving import free_port

SLOW_S = 8.0  # how long the slow clients dribble


TLS_PORT = free_port()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nginx")
    log = tmp / "gunicorn.log"
    with (
        gunicorn(1, env={"OUTCOMES_PROXY_COUNT": "1", "WEB_CONCURRENCY": "1"}, log_path=log) as app,
        nginx(int(app.base.rsplit(":", 1)[1]), tmp, tls_port=TLS_PORT) as front,
    ):
        yield app.base, front


def dribble(port: int, stop: threading.Event) -> None:
    """A slowloris client: a request line, then one header byte every 0.3 s."""
    with socket.create_connection(("127.0.0.1", port), timeout=SLOW_S + 5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        while not stop.is_set():
            try:
                sock.sendall(b"a")
            except OSError:
                return
            stop.wait(0.3)


def test_two_slow_clients_do_not_stall_a_third(served):
    _, front = served
    port = int(front.rsplit(":", 1)[1])
    stop = threading.Event()
    slow = [threading.Thread(target=dribble, args=(port, stop), daemon=True) for _ in range(2)]
    for t in slow:
        t.start()
    try:
        time.sleep(1.0)
        timings = []
        end = time.monotonic() + SLOW_S - 2
        while time.monotonic() < end:
            started = time.monotonic()
            response = requests.get(front + "/_dash-layout", timeout=10)
            timings.append(time.monotonic() - started)
            assert response.status_code == 200
            time.sleep(0.5)
        assert timings and max(timings) < 3.0, timings
    finally:
        stop.set()
        for t in slow:
            t.join(5)


def test_headers_pass_through_and_no_version(served):
    _, front = served
    response = requests.get(front + "/map", timeout=10)
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Server"] == "nginx"  # server_tokens off: no version
    assert requests.get(front + "/foo", timeout=10).status_code == 404


def test_boundary_layers_are_gzipped_and_cached(served):
    _, front = served
    model = load_model()
    layer = next(iter(model.geojson))
    url = f"{front}/geo/{model.fingerprint}/{layer}.json"
    first = requests.get(url, headers={"Accept-Encoding": "gzip"}, timeout=30)
    second = requests.get(url, headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
    assert first.json()["type"] == "FeatureCollection"
    assert second.headers["X-Cache-Status"] == "HIT"
    assert "immutable" in second.headers["Cache-Control"]


def test_bodies_over_one_megabyte_are_refused(served):
    _, front = served
    response = requests.post(front + "/_dash-update-component", data=b"x" * 1_100_000, timeout=10)
    assert response.status_code == 413


def get(base: str, path: str, source: str = "127.0.0.1", headers: dict | None = None):
    """GET from a chosen loopback address (nginx keys its limits on the address)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


def test_https_with_hsts_when_its_lines_are_on(served):
    _, front = served
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    secure = requests.get(f"https://127.0.0.1:{TLS_PORT}/map", timeout=10, verify=False)
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cached = requests.get(f"https://127.0.0.1:{TLS_PORT}/assets/style.css", timeout=10, verify=False)
    assert "Strict-Transport-Security" in cached.headers  # a location with headers of its own too
    plain = requests.get(front + "/map", timeout=10)
    assert "Strict-Transport-Security" not in plain.headers  # never over plain HTTP


def test_nginx_429_is_text_or_json_with_retry_after(served):
    """Past its per-address allowance nginx answers 429 itself, like the app: Retry-After,
    text by default, JSON when asked. (Unknown exports: no render, the app answers 404.)"""
    _, front = served
    answers = [get(front, "/export/nothing.png", source="127.0.0.77") for _ in range(45)]
    statuses = [status for status, _, _ in answers]
    assert statuses.count(404) >= 30 and statuses.count(429) >= 1, statuses
    status, headers, body = next(a for a in answers if a[0] == 429)
    assert int(headers["Retry-After"]) > 0 and headers["Content-Type"].startswith("text/plain")
    assert b"try again" in body
    status, headers, body = get(front, "/export/nothing.png", "127.0.0.77", {"Accept": "application/json"})
    assert status == 429 and headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["retry_after"] == int(headers["Retry-After"])


def test_nginx_503_when_the_app_is_not_answering(tmp_path):
    with nginx(free_port(), tmp_path) as front:  # nothing listens upstream
        status, headers, body = get(front, "/map")
        assert status == 503 and int(headers["Retry-After"]) > 0 and b"try again" in body
        status, headers, body = get(front, "/export/map.png", headers={"Accept": "application/json"})
        assert status == 503 and json.loads(body)["status"] == 503
