"""nginx (deploy/nginx/ccg-outcomes.conf, as shipped) in front of gunicorn, on loopback.

Two clients dribbling their request headers a byte at a time do not stall a third; nginx
passes the app's security headers, hides its version, gzips the boundary layers, caches
static files and refuses bodies over 1 MB. Free ports, bounded waits, loopback only.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from bench.load import gunicorn
from data.model.store import load_model
from tests import serving
from tests.serving import free_port

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "ccg-outcomes.conf"
STARTUP_S = 10.0
SLOW_S = 8.0  # how long the slow clients dribble


def site_config(upstream_port: int, listen_port: int, cache_dir: Path) -> str:
    """The shipped site file with only its EDIT lines changed for this test."""
    text = SITE.read_text()
    replaced = {
        "server 127.0.0.1:8050;": f"server 127.0.0.1:{upstream_port};",
        "listen 80;": f"listen 127.0.0.1:{listen_port};",
        "/var/cache/nginx/ccg-outcomes": str(cache_dir),
    }
    for old, new in replaced.items():
        assert old in text, f"{SITE.name} no longer has {old!r}"
        text = text.replace(old, new)
    return text


@contextmanager
def nginx(upstream_port: int, tmp: Path) -> Iterator[str]:
    """nginx on a free loopback port with the site file (workers as the test's own user, so
    they can use its temporary directory)."""
    exe = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(exe).exists():
        pytest.fail("nginx is not installed (scripts/install-system-deps.sh installs Debian's nginx-light)")
    port = free_port()
    (tmp / "site.conf").write_text(site_config(upstream_port, port, tmp / "cache"))
    temp = "\n".join(
        f"    {k}_temp_path {tmp / k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp / "nginx.conf").write_text(
        f"""daemon off;
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp / "access.log"};
{temp}
    include {tmp / "site.conf"};
}}
"""
    )
    cmd = [exe, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(tmp / "nginx.conf")]
    with serving.started(
        cmd, ready=serving.port_open(port), what="nginx", timeout_s=STARTUP_S, log_path=tmp / "nginx.out"
    ):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nginx")
    log = tmp / "gunicorn.log"
    with (
        gunicorn(1, env={"OUTCOMES_PROXY_COUNT": "1", "WEB_CONCURRENCY": "1"}, log_path=log) as app,
        nginx(int(app.base.rsplit(":", 1)[1]), tmp) as front,
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


def test_client_address_reaches_the_app(served):
    """Behind nginx, the app's per-client export limit sees the client, not nginx."""
    app_base, front = served
    response = requests.get(front + "/export/nothing.png", timeout=10)
    assert response.status_code == 404  # unknown export: not rendered, not limited
