"""Throughput under gunicorn: a bounded, fixed mixed callback workload against 1 and 2 workers.

The workload replays the exact callback bodies the interaction benchmark posted (every
page, cached and uncached selections alike), from a small thread pool in this process,
against ``gunicorn -w N -b 127.0.0.1:PORT app:server``. Each run stops after a fixed number
of requests or ``LIMIT_S`` seconds, whichever comes first.
"""

from __future__ import annotations

import http.client
import logging
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psutil
import requests

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
UPDATE_PATH = "/_dash-update-component"
REQUESTS = 400  # per run
THREADS = 4
LIMIT_S = 30.0
HEADERS = {"Content-Type": "application/json", "Connection": "close"}
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Served:
    base: str  # http://127.0.0.1:PORT
    pid: int  # gunicorn's master


@contextmanager
def gunicorn(
    workers: int, env: dict[str, str] | None = None, log_path: Path | None = None, args: tuple[str, ...] = ()
) -> Iterator[Served]:
    """A gunicorn serving the app on 127.0.0.1 (the repo's gunicorn.conf.py); stopped on exit."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(REPO / "gunicorn.conf.py"),
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        *args,
        "app:server",
    ]
    full_env = dict(os.environ, LOG_LEVEL="WARNING", **(env or {}))
    out = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=REPO, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc, workers)
        yield Served(base, proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log_path:
            out.close()


def wait_ready(base: str, proc: subprocess.Popen, workers: int) -> None:
    """Until the app answers and every worker has forked."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            ok = requests.get(f"{base}/_dash-dependencies", timeout=2).status_code == 200
        except requests.RequestException:
            ok = False
        if ok and len(psutil.Process(proc.pid).children()) >= workers + 1:  # + the render service
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT_S} s")


def worker_memory(master_pid: int) -> list[dict]:
    """RSS and unique/proportional memory (MB) of each worker of a gunicorn master (the render
    service's supervisor, the one child with children of its own, is not a worker)."""
    out = []
    for child in psutil.Process(master_pid).children():
        if child.children():
            continue
        info = child.memory_full_info()
        out.append({k: round(getattr(info, k) / 2**20, 1) for k in ("rss", "uss", "pss")})
    return out


def renderer_memory(master_pid: int) -> dict:
    """The render service (its supervisor, itself, Chromium and Chromium's helpers), in MB:
    ``pss`` (pages shared between them, or with the workers, counted once: what it costs),
    ``rss_sum`` (each process's resident set added up: overcounts shared pages) and how many
    processes."""
    pss = rss = 0.0
    count = 0
    for child in psutil.Process(master_pid).children():
        tree = child.children(recursive=True)
        if not tree:
            continue  # a worker
        for proc in [child, *tree]:
            try:
                info = proc.memory_full_info()
            except psutil.Error:
                continue
            pss, rss, count = pss + info.pss, rss + info.rss, count + 1
    return {"pss": round(pss / 2**20, 1), "rss_sum": round(rss / 2**20, 1), "processes": count}


def run_load(base: str, bodies: list[bytes], n: int = REQUESTS, threads: int = THREADS) -> dict:
    """``n`` callback posts (bodies in turn) from ``threads`` threads; stops at ``LIMIT_S``."""
    # A fixed shuffle: in recorded order the expensive view bodies recur with the same stride
    # as the threads, so one thread would send them all one after another.
    bodies = random.Random(0).sample(bodies, len(bodies))
    deadline = time.monotonic() + LIMIT_S
    latencies: list[float] = []
    errors = 0

    host, port = base.removeprefix("http://").split(":")

    def worker(indices: range) -> tuple[list[float], int]:
        # http.client, not requests: the load generator shares the 2 cores, so it must be cheap.
        mine, bad = [], 0
        for i in indices:
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            conn = http.client.HTTPConnection(host, int(port), timeout=LIMIT_S)
            conn.request("POST", UPDATE_PATH, body=bodies[i % len(bodies)], headers=HEADERS)
            response = conn.getresponse()
            response.read()
            conn.close()
            mine.append(time.perf_counter() - started)
            bad += response.status not in (200, 204)
        return mine, bad

    chunks = [range(t, n, threads) for t in range(threads)]
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        for mine, bad in pool.map(worker, chunks):
            latencies += mine
            errors += bad
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(float(np.percentile(latencies, 50)) * 1000, 1),
        "p95_ms": round(float(np.percentile(latencies, 95)) * 1000, 1),
        "errors": errors,
        "complete": len(latencies) == n,
    }


def measure_load(bodies: list[bytes], workers: tuple[int, ...] = (1, 2), repeats: int = 3) -> dict:
    """Throughput and p95 for each worker count (median of ``repeats`` bounded runs), and memory.

    Two modes: ``load_<n>w`` with the result cache off (NullCache), so every request computes
    and the figure measures what more workers add; ``load_cached_<n>w`` with the default cache,
    where most answers are cache hits and the load generator (on the same 2 cores) is the limit.
    """
    from data.model.store import load_model

    load_model()  # the model's disk cache exists before any worker starts: warm starts only
    figures: dict = {}
    modes = {"": {"OUTCOMES_CACHE_TYPE": "NullCache"}, "cached_": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for prefix, env in modes.items():
            for n in workers:
                log_path = Path(tmp) / f"gunicorn-{prefix}{n}.log"
                with gunicorn(n, log_path=log_path, env=env) as served:
                    run_load(served.base, bodies, n=min(len(bodies), REQUESTS))  # warm-up: first figures
                    runs = sorted(
                        (run_load(served.base, bodies) for _ in range(repeats)), key=lambda r: r["rps"]
                    )
                    memory = worker_memory(served.pid)
                mid = runs[len(runs) // 2]
                figures[f"load_{prefix}{n}w"] = {
                    **mid,
                    "rps_runs": [r["rps"] for r in runs],
                    "workers_memory_mb": memory,
                }
            if 1 in workers and 2 in workers:
                ratio = figures[f"load_{prefix}2w"]["rps"] / figures[f"load_{prefix}1w"]["rps"]
                figures[f"load_{prefix}scaling_2w_vs_1w"] = round(ratio, 2)
    return figures
