"""Model build and load figures, each measured in a fresh process.

cold: a build into an empty cache directory; warm: a start that reads the cache (and, once,
its phases: imports, fingerprint, checksums, reads, indexing); rss: resident memory of a
process holding the full model.
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
from data.model.store import load_model
model = load_model()
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "rss_mb": psutil.Process().memory_info().rss / 2**20,
                  "rows": len(model.indicators)}))
"""


# The warm start's phases, in the order load_model runs them (the reason for a miss).
PHASES = r"""
import json, time
t0 = time.perf_counter()
import pandas, pyarrow.parquet
t1 = time.perf_counter()
from data.model import store as M
from data.model.manifest import load_manifest
from data.model.settings import get_settings
settings = get_settings()
manifest = load_manifest()
t2 = time.perf_counter()
fingerprint = M.source_fingerprint(settings.data_dir, manifest)
t3 = time.perf_counter()
target = M.cache_dir_for(fingerprint)
M.verify_cache(target)
t4 = time.perf_counter()
model = M.read_model(target, lazy=M.LAZY_FRAMES)
t5 = time.perf_counter()
M._freeze(model)
t6 = time.perf_counter()
paths = [settings.data_dir / e["path"] for e in manifest.values()]
data_mb = sum(p.stat().st_size for p in paths if p.is_file()) / 2**20
print(json.dumps({
    "import pandas and pyarrow": t1 - t0,
    "code and manifest": t2 - t1,
    f"source fingerprint (sha256 of {data_mb:.0f} MB of data)": t3 - t2,
    "cache checksums": t4 - t3,
    "read Parquet and GeoJSON": t5 - t4,
    "index and lock": t6 - t5,
}))
"""


def _run(cache_dir: str, probe: str = PROBE) -> dict:
    env = dict(os.environ, OUTCOMES_CACHE_DIR=cache_dir, LOG_LEVEL="WARNING")
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(repeats: int = 3) -> dict:
    """Cold build once; warm start ``repeats`` times (median reported)."""
    with tempfile.TemporaryDirectory() as cache:
        cold = _run(cache)
        warm = sorted((_run(cache) for _ in range(repeats)), key=lambda r: r["seconds"])
        phases = _run(cache, PHASES)
    mid = warm[len(warm) // 2]
    return {
        "model_cold_s": round(cold["seconds"], 2),
        "model_warm_s": round(mid["seconds"], 3),
        "model_warm_phases_s": {k: round(v, 3) for k, v in phases.items()},
        "rss_mb": round(mid["rss_mb"], 1),
        "indicator_rows": mid["rows"],
    }
