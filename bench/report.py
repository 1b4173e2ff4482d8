"""`python -m bench.report [--readme]`: the README's performance tables from bench/results/latest.json.

With ``--readme`` the text between ``<!-- bench:begin -->`` and ``<!-- bench:end -->`` in
README.md is replaced; otherwise the Markdown is printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bench import budget

REPO = Path(__file__).resolve().parent.parent
LATEST = REPO / "bench" / "results" / "latest.json"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def _n(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def interactions_table(figures: dict) -> str:
    base = figures.get("baseline_noop") or {}
    rows = [
        "| interaction | p50 ms | p95 ms | p95 / no-op p95 | CPU p50 ms | CPU p95 ms | all callbacks p95 ms "
        "| p95 from cache ms | bytes | calls |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, fig in (figures.get("interactions") or {}).items():
        ratio = budget.ratio(fig["p95_ms"], base.get("p95_ms") or 0)
        rows.append(
            f"| {name} | {_n(fig['p50_ms'])} | {_n(fig['p95_ms'])} | {_n(ratio)}× | {_n(fig.get('cpu_p50_ms'))} | "
            f"{_n(fig.get('cpu_p95_ms'))} | {_n(fig.get('all_requests_p95_ms'))} | {_n(fig.get('cached_p95_ms'))} | "
            f"{_n(fig.get('bytes'))} | {fig.get('calls', '—')} |"
        )
    if base:
        rows.append(
            f"| *baseline: no-op callback* | {_n(base['p50_ms'])} | {_n(base['p95_ms'])} | 1× | "
            f"{_n(base.get('cpu_p50_ms'))} | {_n(base.get('cpu_p95_ms'))} | — | — | — | {base.get('calls', '—')} |"
        )
    return "\n".join(rows)


def perceived_table(figures: dict) -> str:
    rows = ["| interaction (browser) | p50 ms | p95 ms | changes timed |", "|---|---|---|---|"]
    for name, fig in (figures.get("perceived") or {}).items():
        failed = f" ({fig['failures']} without a redraw)" if fig.get("failures") else ""
        rows.append(
            f"| {name} | {_n(fig.get('p50_ms'))} | {_n(fig.get('p95_ms'))} | {fig.get('changes', 0)}{failed} |"
        )
    return "\n".join(rows)


def first_load_table(figures: dict) -> str:
    rows = ["| largest transfers on first load | bytes as sent |", "|---|---|"]
    for item in figures.get("first_load_largest") or []:
        rows.append(f"| `{item['url']}` | {_n(item['bytes'])} |")
    return "\n".join(rows)


def render(figures: dict) -> str:
    checks = budget.evaluate(figures)
    stamps = figures.get("measured_at_by_group") or {}
    when = ", ".join(f"{g} {t}" for g, t in stamps.items()) or figures.get("measured_at", "?")
    load = figures.get("load_average_1min")
    took = figures.get("duration_s_by_group") or {}
    took_text = (
        (" Run time per group: " + ", ".join(f"{g} {s:g} s" for g, s in took.items()) + ".") if took else ""
    )
    parts = [
        f"Measured by `make bench` ({when}; 1-minute load average during the server timings: {_n(load)} "
        f"on 2 cores).{took_text}",
        "",
        "**Budget** (issue 12):",
        "",
        budget.markdown(checks),
        "",
        "**Server time per interaction** (the URL-sync callback plus the page's view callback through the "
        "real Dash endpoint, result cache cleared before each call; CPU = the serving thread's CPU time, "
        'less inflated than wall time by other processes; "all callbacks" adds every other callback the change fires):',
        "",
        interactions_table(figures),
        "",
        "**User-perceived latency** (headless Chromium; control change to the chart's `plotly_afterplot`):",
        "",
        perceived_table(figures),
        "",
        f"**First load**: {_n(figures.get('first_load_transferred_bytes'))} bytes as transferred in "
        f"{figures.get('first_load_requests', '—')} requests until the map was drawn "
        f"({_n(figures.get('first_load_map_drawn_s'), 2)} s).",
        "",
        first_load_table(figures),
    ]
    return "\n".join(parts)


def write_readme(text: str, readme: Path = REPO / "README.md") -> None:
    content = readme.read_text()
    if BEGIN not in content or END not in content:
        raise SystemExit(f"{readme}: markers {BEGIN} / {END} not found")
    head, rest = content.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report")
    parser.add_argument("--readme", action="store_true", help="rewrite the README's generated section")
    args = parser.parse_args(argv)
    text = render(json.loads(LATEST.read_text()))
    if args.readme:
        write_readme(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
