"""`python -m bench.profile INTERACTION [--calls N] [--top N]`: where one interaction's server time goes.

Runs the interaction's steps through the real endpoint as ``python -m bench`` does (result
cache cleared before each call) under cProfile, and prints the functions with the most
cumulative and own time. The profile is also saved to ``bench/results/<name>.prof``.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import sys
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
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


def main(argv: list[str] | None = None) -> int:
    from bench.app import INTERACTIONS, DashClient

    names = [it.name for it in INTERACTIONS]
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("interaction", choices=names)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)

    from app import server
    from callbacks.cache import cache

    it = next(i for i in INTERACTIONS if i.name == args.interaction)
    dc = DashClient(server.test_client())
    dc.open("/map")
    dc.open(f"/{it.page}", dc.props.get("url.search") or "")
    steps = it.steps(dc)
    changes = [next(steps) for _ in range(args.calls)]
    profiler = cProfile.Profile()
    with server.app_context():
        for change in changes:
            cache.clear()
            profiler.enable()
            dc.set(**change)
            profiler.disable()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{it.name}.prof"
    profiler.dump_stats(out)
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    print(f"profile written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
