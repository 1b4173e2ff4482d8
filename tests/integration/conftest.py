"""Fixtures for running the app as it is deployed: gunicorn workers beside a real redis-server."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from bench.load import HEADERS, UPDATE_PATH, free_port

STARTUP_S = 10.0


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

    known = list(app.callback_map) + list(GLOBAL_CALLBACK_MAP)
    key = next(k for k in known if output in k.strip(".").split("..."))
    parts = [p.rsplit(".", 1) for p in key.strip(".").split("...")]
    outputs = [{"id": cid, "property": prop} for cid, prop in parts]
    return json.dumps(
        {
            "output": key,
            "outputs": outputs[0] if len(outputs) == 1 else outputs,
            "inputs": [{"id": f"state-{page}", "property": "data", "value": state}],
            "state": [],
            "changedPropIds": [f"state-{page}.data"],
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
