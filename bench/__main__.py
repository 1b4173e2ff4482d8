"""`python -m bench [--only model|app|exports]`: measured figures as one JSON object (also written to a file)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import model as model_bench

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", choices=["model", "app", "exports"], help="run one group")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    figures: dict = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds")}
    if args.only in (None, "model"):
        figures.update(model_bench.measure(args.repeats))
    if args.only in (None, "app"):
        from bench import app as app_bench

        figures.update(app_bench.measure(repeats=args.repeats))
    if args.only in (None, "exports"):
        from bench import exports as exports_bench

        figures.update(exports_bench.measure(args.repeats))
    text = json.dumps(figures, indent=1)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
