"""Model build and load figures, each measured in a fresh process.

cold: a build into an empty cache directory; warm: a start that reads the cache;
rss: resident memory of a process holding the full model.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, time, psutil, os
started = time.perf_counter()
from data.model import load_model
model = load_model()
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "rss_mb": psutil.Process().memory_info().rss / 2**20,
                  "rows": len(model.indicators)}))
"""


def _run(cache_dir: str) -> dict:
    env = dict(os.environ, OUTCOMES_CACHE_DIR=cache_dir, LOG_LEVEL="WARNING")
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(repeats: int = 3) -> dict:
    """Cold build once; warm start ``repeats`` times (median reported)."""
    with tempfile.TemporaryDirectory() as cache:
        cold = _run(cache)
        warm = sorted((_run(cache) for _ in range(repeats)), key=lambda r: r["seconds"])
    mid = warm[len(warm) // 2]
    return {
        "model_cold_s": round(cold["seconds"], 2),
        "model_warm_s": round(mid["seconds"], 3),
        "rss_mb": round(mid["rss_mb"], 1),
        "indicator_rows": mid["rows"],
    }
