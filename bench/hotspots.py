"""Where a profile's time went: the reason printed beside a missed budget."""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Our own functions that only pass a call on (they would head every list with ~100%).
WRAPPERS = {"guarded_dispatch", "wrapper", "cached_view", "add_context", "dispatch", "post", "set"}


def hot_spots(profiler: cProfile.Profile, n: int = 4) -> list[dict]:
    """Where a profile's time went, for a verdict's reason: our own functions by cumulative share
    (pass-through wrappers left out), then the library function with the most own time."""
    stats = pstats.Stats(profiler).stats  # (file, line, name) -> (cc, nc, tottime, cumtime, callers)
    total = sum(tt for _, _, tt, _, _ in stats.values()) or 1.0
    ours, libs = [], []
    for (path, _line, name), (_, _, tt, ct, _) in stats.items():
        inside = path.startswith(str(REPO)) and "/.venv/" not in path and "/bench/" not in path
        if inside and name not in WRAPPERS and not name.startswith("<") and ct < 0.98 * total:
            ours.append((ct, f"{Path(path).stem}.{name}"))
        elif not inside:
            libs.append((tt, f"{Path(path).stem}.{name}" if path != "~" else name))
    out = [{"function": f, "share_pct": round(100 * ct / total)} for ct, f in sorted(ours, reverse=True)[:n]]
    for tt, f in sorted(libs, reverse=True)[:1]:
        out.append({"function": f"{f} (own time)", "share_pct": round(100 * tt / total)})
    return out


def profile_calls(run: Callable[[], object], calls: int) -> list[dict]:
    """``hot_spots`` of ``calls`` runs of ``run``."""
    profiler = cProfile.Profile()
    for _ in range(calls):
        profiler.enable()
        try:
            run()
        finally:
            profiler.disable()
    return hot_spots(profiler)
