"""The issue's performance budget applied to measured figures: each figure, its limit, a verdict.

Pure functions over the JSON ``python -m bench`` writes (no timing here), so they are unit-tested.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from statistics import median
from typing import Any

INTERACTION_P95_MS = 50.0
INTERACTION_MEDIAN_MS = 20.0
PERCEIVED_P95_MS = 300.0  # issue 20: a change to the redrawn chart, p95, load average below 1
FIRST_LOAD_BYTES = 1_000_000  # 1.0 MB as transferred (issue 20)
MAP_PNG_S = 1.5
BOARD_PACK_S = 10.0
WARM_START_S = 1.0
RSS_MB = 400.0
MAP_PATCH_SHARE_PCT = 5.0
CHEAPEST_RATIO = 3.0  # no interaction may cost more than 3x the cheapest page interaction


@dataclass(frozen=True)
class Check:
    """One line of the budget: what, measured, the limit, and whether it is met (None: not measured)."""

    figure: str
    measured: float | None
    limit: float
    unit: str
    met: bool | None
    note: str = ""


def check(figure: str, measured: float | None, limit: float, unit: str, note: str = "") -> Check:
    """``measured < limit`` (``<=`` for shares), or None when the figure was not measured."""
    if measured is None:
        return Check(figure, None, limit, unit, None, note or "not measured in this run")
    met = measured <= limit if unit == "%" else measured < limit
    return Check(figure, measured, limit, unit, met, note)


def ratio(value: float, base: float) -> float | None:
    """``value / base`` rounded to 0.1, or None when the base is not positive."""
    return round(value / base, 1) if base > 0 else None


def hot_spots_text(spots: list[dict] | None) -> str:
    """'profile: views.compare_dict 62%, ...' from a measured profile (bench.hotspots.hot_spots)."""
    if not spots:
        return ""
    return "profile: " + ", ".join(f"{s['function']} {s['share_pct']}%" for s in spots)


def load_text(figures: dict[str, Any], group: str) -> str:
    """'load average 7.3 on 2 cores' while the group ran, or '' if not recorded."""
    load = (figures.get("load_average_by_group") or {}).get(group)
    return f"load average {load} on {figures.get('cores') or 2} cores" if load is not None else ""


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def interaction_reason(fig: dict, load: str = "") -> str:
    """Why an interaction missed, from what was measured: CPU time against the budget, and where
    the time went (a profile) or, if its CPU time is within the budget, the wait for the CPU."""
    cpu = fig.get("cpu_p95_ms")
    if cpu is None:
        return hot_spots_text(fig.get("hot_spots"))
    if cpu < INTERACTION_P95_MS:
        return _join(f"CPU p95 {cpu:g} ms is within the budget: the rest is waiting for the CPU", load)
    return _join(f"CPU p95 {cpu:g} ms", hot_spots_text(fig.get("hot_spots")), load)


def interaction_checks(
    interactions: dict[str, dict], baseline_p95_ms: float | None, load: str = ""
) -> list[Check]:
    """p95 per interaction, the median over all, and the 'no more than 3x the cheapest' rule."""
    out = []
    for name, fig in interactions.items():
        note = ""
        if baseline_p95_ms:
            note = f"{ratio(fig['p95_ms'], baseline_p95_ms)}x the no-op baseline"
        if fig["p95_ms"] >= INTERACTION_P95_MS:
            note = _join(note, interaction_reason(fig, load))
        out.append(check(f"server p95: {name}", fig["p95_ms"], INTERACTION_P95_MS, "ms", note))
    if interactions:
        p50s = [fig["p50_ms"] for fig in interactions.values()]
        over = [name for name, fig in interactions.items() if fig["p50_ms"] >= INTERACTION_MEDIAN_MS]
        note = f"p50 at or over {INTERACTION_MEDIAN_MS:g} ms: {', '.join(over)}" if over else ""
        out.append(
            check("server median over all interactions", median(p50s), INTERACTION_MEDIAN_MS, "ms", note)
        )
        cheapest_name, cheapest = min(interactions.items(), key=lambda kv: kv[1]["p95_ms"])
        worst_name, worst = max(interactions.items(), key=lambda kv: kv[1]["p95_ms"])
        note = f"{worst_name} / {cheapest_name}"
        if "cpu_p95_ms" in worst and "cpu_p95_ms" in cheapest:
            note += f" (CPU p95 {worst['cpu_p95_ms']:g} / {cheapest['cpu_p95_ms']:g} ms)"
        out.append(
            check(
                "dearest / cheapest interaction (p95)",
                ratio(worst["p95_ms"], cheapest["p95_ms"]),
                CHEAPEST_RATIO,
                "x",
                note,
            )
        )
    return out


def evaluate(figures: dict[str, Any]) -> list[Check]:
    """Every budget line the issue names, from whatever groups this run measured."""
    checks: list[Check] = []
    baseline = (figures.get("baseline_noop") or {}).get("p95_ms")
    if "interactions" in figures:
        checks += interaction_checks(figures["interactions"], baseline, load_text(figures, "app"))
    server = figures.get("interactions") or {}
    for name, fig in (figures.get("perceived") or {}).items():
        note = ""
        if fig.get("p95_ms") is not None and fig["p95_ms"] >= PERCEIVED_P95_MS:
            same = server.get(name) or {}
            served = (
                f"server p95 {same['p95_ms']:g} ms (CPU {same.get('cpu_p95_ms', '?')} ms) of it, the rest is "
                "transfer, parsing and drawing in the browser"
                if "p95_ms" in same
                else ""
            )
            note = _join(served, load_text(figures, "browser"))
        checks.append(check(f"browser p95: {name}", fig.get("p95_ms"), PERCEIVED_P95_MS, "ms", note))
    first = figures.get("first_load_transferred_bytes")
    largest = (figures.get("first_load_largest") or [])[:3]
    note = "largest transfers: " + ", ".join(
        f"{i['url'].split('?')[0].rsplit('/', 1)[-1][:40]} {i['bytes'] / 1e3:.0f} kB" for i in largest
    )
    checks.append(
        check(
            "first load, bytes transferred",
            first,
            FIRST_LOAD_BYTES,
            "B",
            note if largest and missed(first, FIRST_LOAD_BYTES) else "",
        )
    )
    png = figures.get("export_map_png_warm_s")
    note = _join(hot_spots_text(figures.get("export_map_png_hot_spots")), load_text(figures, "exports"))
    checks.append(check("map PNG export, warm", png, MAP_PNG_S, "s", note if missed(png, MAP_PNG_S) else ""))
    pack = figures.get("board_pack_s")
    note = _join(hot_spots_text(figures.get("board_pack_hot_spots")), load_text(figures, "exports"))
    checks.append(
        check("board pack PDF, one CCG", pack, BOARD_PACK_S, "s", note if missed(pack, BOARD_PACK_S) else "")
    )
    warm = figures.get("model_warm_s")
    phases = figures.get("model_warm_phases_s") or {}
    note = _join(
        ("phases: " + ", ".join(f"{k} {v:g} s" for k, v in phases.items())) if phases else "",
        load_text(figures, "model"),
    )
    checks.append(
        check("model warm start", warm, WARM_START_S, "s", note if missed(warm, WARM_START_S) else "")
    )
    checks.append(
        check(
            "RSS per gunicorn worker (max)",
            figures.get("rss_per_worker_mb"),
            RSS_MB,
            "MB",
            memory_text(figures),
        )
    )
    checks.append(
        check("map Patch share of full figure", figures.get("map_update_share_pct"), MAP_PATCH_SHARE_PCT, "%")
    )
    return checks


def memory_text(figures: dict[str, Any]) -> str:
    """The renderer beside the workers: the render service with its Chromium (PSS), and a
    worker's memory with its share of it; with the load average of the run."""
    renderer = figures.get("renderer_memory_mb") or {}
    parts = []
    if renderer:
        parts.append(
            f"render service + Chromium {renderer['pss']:g} MB PSS ({renderer['processes']} processes, one for "
            f"all workers); per worker with its share {figures.get('per_worker_with_renderer_mb'):g} MB PSS"
        )
    return _join(*parts, load_text(figures, "browser"))


def missed(measured: float | None, limit: float) -> bool:
    return measured is not None and measured >= limit


def as_json(checks: list[Check]) -> list[dict]:
    return [asdict(c) for c in checks]


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "B":
        return f"{value / 1e6:.2f} MB"
    return f"{value:g} {unit}" if unit not in ("x", "%") else f"{value:g}{unit}"


def verdict_text(c: Check) -> str:
    if c.met is None:
        return "not measured"
    if c.met:
        return "met"
    times = c.measured / c.limit if c.limit else float("inf")
    return f"MISSED ({times:.1f}x the budget)"


def table(checks: list[Check]) -> str:
    """A plain-text table: figure, measured, budget, verdict, note."""
    rows = [("figure", "measured", "budget", "verdict", "note")]
    for c in checks:
        limit = _fmt(c.limit, c.unit)
        rows.append(
            (
                c.figure,
                _fmt(c.measured, c.unit),
                ("≤ " if c.unit == "%" else "< ") + limit,
                verdict_text(c),
                c.note,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows)


def markdown(checks: list[Check]) -> str:
    """The same table as Markdown, for the README."""
    lines = ["| figure | measured | budget | verdict | note |", "|---|---|---|---|---|"]
    for c in checks:
        limit = ("≤ " if c.unit == "%" else "< ") + _fmt(c.limit, c.unit)
        verdict = verdict_text(c)
        verdict = f"**{verdict}**" if c.met is False else verdict
        lines.append(f"| {c.figure} | {_fmt(c.measured, c.unit)} | {limit} | {verdict} | {c.note} |")
    return "\n".join(lines)
