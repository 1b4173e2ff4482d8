"""`python -m bench [--only GROUP ...]`: measured figures, checked against the issue's budget.

Groups: model (cold build, warm start), app (server time per interaction, the no-op baseline,
map Patch bytes), browser (first load bytes as transferred, user-perceived latency, RSS per
worker), exports (PNG, board pack), load (throughput under gunicorn; not run by default).
Every run prints the budget table and writes ``bench/results/latest.json``; a run of some
groups keeps the other groups' figures from the previous run (each group's time is recorded).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import budget

RESULTS = Path(__file__).resolve().parent / "results"
GROUPS = ("model", "app", "browser", "exports", "load")
DEFAULT_GROUPS = ("model", "app", "browser", "exports")


def _run_group(group: str, args: argparse.Namespace) -> dict:
    only = set(args.interactions) if args.interactions else None
    if group == "model":
        from bench import model as model_bench

        return model_bench.measure(args.repeats)
    if group == "app":
        from bench import app as app_bench

        return app_bench.measure(calls=args.calls, load=False, only=only)
    if group == "browser":
        from bench import browser as browser_bench

        return browser_bench.measure(calls=args.changes, only=only)
    if group == "exports":
        from bench import exports as exports_bench

        return exports_bench.measure(args.repeats)
    if group == "load":
        from bench import app as app_bench
        from bench.load import measure_load

        recorded = app_bench.measure_interactions(calls=5, only=only)["_recorded"]
        return measure_load(recorded, repeats=args.repeats)
    raise ValueError(group)


def merge(previous: dict, new: dict, groups: list[str], when: str) -> dict:
    """The previous figures updated with this run's groups (``measured_at`` per group)."""
    merged = {k: v for k, v in previous.items() if k != "budget"}
    merged.update(new)
    stamps = dict(previous.get("measured_at_by_group") or {})
    stamps.update({g: when for g in groups})
    merged["measured_at_by_group"] = stamps
    merged["measured_at"] = when
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "--only", nargs="+", choices=GROUPS, help=f"groups to run (default: {' '.join(DEFAULT_GROUPS)})"
    )
    parser.add_argument("--interactions", nargs="+", help="only these interactions (app and browser groups)")
    parser.add_argument("--calls", type=int, default=60, help="timed server calls per interaction")
    parser.add_argument("--changes", type=int, default=15, help="timed browser changes per interaction")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="do not keep figures from the previous run")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    groups = list(args.only or DEFAULT_GROUPS)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    latest = RESULTS / "latest.json"
    figures = {} if args.fresh or not latest.exists() else json.loads(latest.read_text())
    RESULTS.mkdir(exist_ok=True)
    run_started = time.perf_counter()
    for group in groups:  # written after each group, so a stopped run keeps what it measured
        print(f"bench: {group} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        measured = _run_group(group, args)
        durations = dict(figures.get("duration_s_by_group") or {})
        durations[group] = round(time.perf_counter() - started, 1)
        measured["duration_s_by_group"] = durations
        # how shared the machine was while this group ran (a reason for a miss)
        loads = dict(figures.get("load_average_by_group") or {})
        loads[group] = round(os.getloadavg()[0], 1)
        measured["load_average_by_group"] = loads
        measured["cores"] = os.cpu_count()
        figures = merge(figures, measured, [group], when)
        checks = budget.evaluate(figures)
        figures["budget"] = budget.as_json(checks)
        latest.write_text(json.dumps(figures, indent=1) + "\n")
    print(budget.table(checks))
    took = ", ".join(f"{g} {figures['duration_s_by_group'][g]:g} s" for g in groups)
    print(f"\nthis run took {time.perf_counter() - run_started:.0f} s ({took})")
    print(f"\nwritten to {latest.relative_to(RESULTS.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
