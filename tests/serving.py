"""Starting and stopping servers for the tests: the app, nginx, anything on a loopback port.

One helper for the browser suite (tests/browser/conftest.py), the start-up fault tests
(tests/unit/security/test_sec_startup_faults.py) and the nginx test
(tests/integration/test_int_nginx.py): a free 127.0.0.1 port, a bounded wait until the
server answers (failing with the end of its log if it exits first), and a stop that
terminates, then kills, only the process it started.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_ok(url: str) -> Callable[[], bool]:
    """Ready when ``url`` answers 200."""

    def ready() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    return ready


def port_open(port: int) -> Callable[[], bool]:
    """Ready when something accepts connections on 127.0.0.1:``port``."""

    def ready() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            return False

    return ready


def stop(proc: subprocess.Popen, timeout_s: float = 15) -> None:
    """Terminate the process, and kill it if it has not ended in ``timeout_s``."""
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _tail(log_path: Path | None) -> str:
    if log_path is None or not log_path.exists():
        return ""
    return log_path.read_text(errors="replace")[-3000:]


@contextlib.contextmanager
def started(
    cmd: list[str],
    *,
    ready: Callable[[], bool],
    what: str,
    timeout_s: float,
    env: dict[str, str] | None = None,
    log_path: Path | None = None,
    cwd: Path = ROOT,
    interval_s: float = 0.3,
) -> Iterator[subprocess.Popen]:
    """Run ``cmd`` until the block ends; enter the block once ``ready()`` (bounded by ``timeout_s``).

    Output goes to ``log_path`` (or nowhere); a process that exits or never gets ready fails
    the test with the end of its log.
    """
    log = log_path.open("wb") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    try:
        deadline = time.monotonic() + timeout_s
        while not ready():
            if proc.poll() is not None:
                pytest.fail(f"{what} exited with {proc.returncode}:\n{_tail(log_path)}")
            if time.monotonic() > deadline:
                pytest.fail(f"{what} was not ready in {timeout_s:.0f} s:\n{_tail(log_path)}")
            time.sleep(interval_s)
        yield proc
    finally:
        stop(proc)
        if log_path:
            log.close()


@contextlib.contextmanager
def app_server(
    *, env: dict[str, str] | None = None, log_path: Path | None = None, timeout_s: float = 90
) -> Iterator[str]:
    """``python app.py --port N`` on a free loopback port; yields its base URL once ``/`` answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with started(
        [sys.executable, "app.py", "--port", str(port)],
        ready=http_ok(url + "/"),
        what=f"the app on {url}",
        timeout_s=timeout_s,
        env=env,
        log_path=log_path,
    ):
        yield url
