"""The bench's pure parts: verdicts, ratios and the shape of the budget written to latest.json."""

from __future__ import annotations

import json

from bench import budget
from bench.__main__ import merge


def _interactions() -> dict:
    return {
        "table_page": {"p50_ms": 10.0, "p95_ms": 12.0},
        "map_indicator": {"p50_ms": 15.0, "p95_ms": 18.0},
        "overview_page": {"p50_ms": 60.0, "p95_ms": 120.0},
    }


def test_check_is_strict_below_the_limit_and_inclusive_for_shares():
    assert budget.check("x", 49.9, 50, "ms").met is True
    assert budget.check("x", 50.0, 50, "ms").met is False
    assert budget.check("share", 5.0, 5, "%").met is True
    assert budget.check("share", 5.01, 5, "%").met is False


def test_an_unmeasured_figure_has_no_verdict():
    c = budget.check("x", None, 50, "ms")
    assert c.met is None
    assert budget.verdict_text(c) == "not measured"


def test_ratio():
    assert budget.ratio(120.0, 12.0) == 10.0
    assert budget.ratio(5.0, 0.0) is None


def test_interaction_checks_name_the_dearest_and_cheapest_and_the_baseline_ratio():
    checks = {c.figure: c for c in budget.interaction_checks(_interactions(), baseline_p95_ms=3.0)}
    assert checks["server p95: overview_page"].met is False
    assert checks["server p95: overview_page"].note == "40.0x the no-op baseline"
    assert checks["server p95: table_page"].met is True
    spread = checks["dearest / cheapest interaction (p95)"]
    assert spread.measured == 10.0  # 120 / 12
    assert spread.met is False
    assert spread.note == "overview_page / table_page"
    assert checks["server median over all interactions"].measured == 15.0


def test_missed_verdict_says_by_how_much():
    c = budget.check("server p95: spine", 238.0, 50, "ms")
    assert budget.verdict_text(c) == "MISSED (4.8x the budget)"


def test_evaluate_covers_every_budget_line_and_is_json():
    figures = {
        "interactions": _interactions(),
        "baseline_noop": {"p50_ms": 1.0, "p95_ms": 3.0},
        "perceived": {"map_indicator": {"p50_ms": 200.0, "p95_ms": 250.0}},
        "first_load_transferred_bytes": 1_300_000,
        "export_map_png_warm_s": 1.2,
        "board_pack_s": 9.0,
        "model_warm_s": 0.5,
        "rss_per_worker_mb": 380.0,
        "map_update_share_pct": 4.3,
    }
    checks = budget.evaluate(figures)
    by_name = {c.figure: c for c in checks}
    assert by_name["browser p95: map_indicator"].met is True
    assert by_name["first load, bytes transferred"].met is False
    for name in ("map PNG export, warm", "board pack PDF, one CCG", "model warm start"):
        assert by_name[name].met is True
    rows = json.loads(json.dumps(budget.as_json(checks)))
    assert set(rows[0]) == {"figure", "measured", "limit", "unit", "met", "note"}
    assert "| first load, bytes transferred | 1.30 MB | < 1.00 MB | **MISSED (1.3x the budget)** |" in (
        budget.markdown(checks)
    )


def test_merge_keeps_other_groups_and_stamps_the_ones_run():
    previous = {"model_warm_s": 0.4, "measured_at_by_group": {"model": "t0"}, "budget": [{"old": 1}]}
    merged = merge(previous, {"board_pack_s": 9.0}, ["exports"], "t1")
    assert merged["model_warm_s"] == 0.4
    assert merged["board_pack_s"] == 9.0
    assert merged["measured_at_by_group"] == {"model": "t0", "exports": "t1"}
    assert "budget" not in merged


def test_report_renders_every_table_from_the_json_and_rewrites_only_the_marked_section(tmp_path):
    from bench import report

    figures = {
        "interactions": _interactions(),
        "baseline_noop": {"p50_ms": 1.0, "p95_ms": 3.0, "cpu_p50_ms": 0.9, "cpu_p95_ms": 1.2},
        "perceived": {"spine_6_areas": {"p50_ms": 300.0, "p95_ms": 450.0, "changes": 15, "failures": 0}},
        "first_load_transferred_bytes": 1_300_000,
        "first_load_largest": [{"url": "/assets/plotly-ccg.min.js", "bytes": 900_000}],
    }
    text = report.render(figures)
    assert "| overview_page | 60.0 | 120.0 | 40.0× |" in text
    assert "| spine_6_areas | 300.0 | 450.0 | 15 |" in text
    assert "| `/assets/plotly-ccg.min.js` | 900,000 |" in text
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n{report.BEGIN}\nold\n{report.END}\nkept\n")
    report.write_readme("new", readme)
    assert readme.read_text() == f"# Title\n{report.BEGIN}\nnew\n{report.END}\nkept\n"


def test_a_missed_interaction_says_why_from_its_cpu_time_and_profile():
    spots = [{"function": "views.compare_dict", "share_pct": 62}]
    waiting = {"p50_ms": 40.0, "p95_ms": 90.0, "cpu_p50_ms": 20.0, "cpu_p95_ms": 30.0}
    busy = {"p50_ms": 70.0, "p95_ms": 90.0, "cpu_p50_ms": 60.0, "cpu_p95_ms": 80.0, "hot_spots": spots}
    met = {"p50_ms": 5.0, "p95_ms": 9.0, "cpu_p50_ms": 4.0, "cpu_p95_ms": 8.0}
    figures = {
        "interactions": {"waiting": waiting, "busy": busy, "met": met},
        "load_average_by_group": {"app": 6.5},
        "cores": 2,
    }
    checks = {c.figure: c for c in budget.evaluate(figures)}
    assert "waiting for the CPU" in checks["server p95: waiting"].note
    assert "load average 6.5 on 2 cores" in checks["server p95: waiting"].note
    assert "CPU p95 80 ms" in checks["server p95: busy"].note
    assert "views.compare_dict 62%" in checks["server p95: busy"].note
    assert checks["server p95: met"].note == ""
    assert "waiting, busy" in checks["server median over all interactions"].note


def test_other_misses_name_their_measured_reason():
    figures = {
        "interactions": {"compare_page": {"p50_ms": 30.0, "p95_ms": 45.0, "cpu_p95_ms": 25.0}},
        "perceived": {"compare_page": {"p95_ms": 900.0}},
        "model_warm_s": 1.4,
        "model_warm_phases_s": {"import pandas and pyarrow": 0.6, "read Parquet and GeoJSON": 0.5},
        "board_pack_s": 4.0,
        "board_pack_hot_spots": [{"function": "pack.build", "share_pct": 90}],
        "first_load_transferred_bytes": 1_500_000,
        "first_load_largest": [{"url": "/assets/plotly.min.js?v=1", "bytes": 900_000}],
    }
    checks = {c.figure: c for c in budget.evaluate(figures)}
    assert "server p95 45 ms" in checks["browser p95: compare_page"].note
    assert "import pandas and pyarrow 0.6 s" in checks["model warm start"].note
    assert "plotly.min.js 900 kB" in checks["first load, bytes transferred"].note
    assert checks["board pack PDF, one CCG"].met and checks["board pack PDF, one CCG"].note == ""


def _busy(n: int) -> int:
    return sum(i * i for i in range(n))


def _dear() -> int:
    return _busy(400_000)


def _cheap() -> int:
    return _busy(100_000)


def test_hot_spots_name_our_own_functions_from_a_real_profile():
    from bench.hotspots import profile_calls

    spots = profile_calls(lambda: (_dear(), _cheap()), 2)
    names = [s["function"] for s in spots]
    assert names.index("test_bench_budget._dear") < names.index("test_bench_budget._cheap")
    share = {s["function"]: s["share_pct"] for s in spots}
    assert share["test_bench_budget._dear"] > share["test_bench_budget._cheap"] > 0
