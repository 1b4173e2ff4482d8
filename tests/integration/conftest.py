"""Fixtures for running the app as it is deployed: gunicorn workers beside a real redis-server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from bench.load import HEADERS, UPDATE_PATH, free_port
from tests import serving

STARTUP_S = 10.0
ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "ccg-outcomes.conf"


class RedisServer:
    """A throwaway redis-server on 127.0.0.1 (no persistence), stoppable mid-test."""

    def __init__(self) -> None:
        exe = shutil.which("redis-server")
        if exe is None:
            pytest.fail("redis-server is not installed (.ci/run installs Debian's redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        cmd = [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.client = redis.Redis.from_url(self.url, socket_timeout=1)
        deadline = time.monotonic() + STARTUP_S
        while True:
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    yield server
    server.stop()


def view_body(model, output: str, query: str, page: str) -> bytes:
    """The body dash-renderer posts for the view callback that has ``output`` among its outputs,
    fed by the selection store (every output of that callback listed, as the renderer does)."""
    from app import app
    from selection import parse_query

    state, _ = parse_query(model, query)
    state["page"] = page
    from dash._callback import GLOBAL_CALLBACK_MAP  # callbacks join app.callback_map on first request

    known = {**GLOBAL_CALLBACK_MAP, **app.callback_map}
    key = next(k for k in known if output in k.strip(".").split("..."))
    parts = [p.rsplit(".", 1) for p in key.strip(".").split("...")]
    outputs = [{"id": cid, "property": prop} for cid, prop in parts]
    store = f"state-{page}"

    def sent(items: list[dict]) -> list[dict]:  # the store's value; every other prop unset
        return [
            {"id": i["id"], "property": i["property"], **({"value": state} if i["id"] == store else {})}
            for i in items
        ]

    return json.dumps(
        {
            "output": key,
            "outputs": outputs[0] if len(outputs) == 1 else outputs,
            "inputs": sent(known[key]["inputs"]),
            "state": sent(known[key].get("state", [])),
            "changedPropIds": [f"{store}.data"],
        }
    ).encode()


def post_many(base: str, body: bytes, n: int, threads: int = 4) -> list[tuple[int, bytes]]:
    """``n`` posts of one body from ``threads`` threads, each on a new connection."""
    import http.client

    host, port = base.removeprefix("http://").split(":")

    def one(_: int) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("POST", UPDATE_PATH, body=body, headers=HEADERS)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, data

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, range(n)))


TLS_LINES = (
    "# listen 443 ssl;",
    "# ssl_certificate     /etc/ssl/certs/outcomes.example.nhs.uk.pem;",
    "# ssl_certificate_key /etc/ssl/private/outcomes.example.nhs.uk.key;",
    "# ssl_protocols TLSv1.2 TLSv1.3;",
    "# ssl_prefer_server_ciphers off;",
    "# ssl_session_cache shared:ccg_tls:10m;",
    "# ssl_session_timeout 1d;",
    "# ssl_session_tickets off;",
)


def site_config(upstream_port: int, listen_port: int, cache_dir: Path, tls_port: int | None = None) -> str:
    """The shipped site file with only its EDIT lines changed for this test (and, with
    ``tls_port``, its commented TLS lines switched on with a self-signed certificate)."""
    text = SITE.read_text()
    replaced = {
        "server 127.0.0.1:8050;": f"server 127.0.0.1:{upstream_port};",
        "listen 80;": f"listen 127.0.0.1:{listen_port};",
        "/var/cache/nginx/ccg-outcomes": str(cache_dir),
    }
    if tls_port is not None:
        for line in TLS_LINES:
            replaced[line] = line.removeprefix("# ")
        replaced["listen 443 ssl;"] = f"listen 127.0.0.1:{tls_port} ssl;"
        replaced["/etc/ssl/certs/outcomes.example.nhs.uk.pem"] = str(cache_dir.parent / "cert.pem")
        replaced["/etc/ssl/private/outcomes.example.nhs.uk.key"] = str(cache_dir.parent / "key.pem")
    for old, new in replaced.items():
        assert old in text, f"{SITE.name} no longer has {old!r}"
        text = text.replace(old, new)
    return text


def self_signed(tmp: Path) -> None:
    """cert.pem and key.pem for 127.0.0.1 in ``tmp`` (openssl, no prompts)."""
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(tmp / "key.pem"),
            "-out",
            str(tmp / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


@contextmanager
def nginx(upstream_port: int, tmp: Path, tls_port: int | None = None) -> Iterator[str]:
    """nginx on a free loopback port with the site file (workers as the test's own user, so
    they can use its temporary directory); with ``tls_port``, HTTPS there too."""
    exe = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(exe).exists():
        pytest.fail("nginx is not installed (scripts/install-system-deps.sh installs Debian's nginx-light)")
    port = free_port()
    if tls_port is not None:
        self_signed(tmp)
    (tmp / "site.conf").write_text(site_config(upstream_port, port, tmp / "cache", tls_port))
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
