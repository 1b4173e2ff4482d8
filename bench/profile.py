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
from pathlib import Path

from bench.app import INTERACTIONS, DashClient

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:

    names = [it.name for it in INTERACTIONS]
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("interaction", choices=names)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)

    from app import server
    from views.cache import cache

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
