"""The Benchmark control names a partial national value as the charts do ('49 of 106 CCGs with data')."""

from __future__ import annotations

from views.compare import compare_figure
from views.controls import benchmark_options


def labels(options: list[dict]) -> dict[str, str]:
    return {o["value"]: o["label"] for o in options}


def test_partial_national_value_is_named_on_single_indicator_pages(app_ctx, state_for, model):
    state = state_for("?indicator=gp_appt_dna_rate&areas=E38000089", page="compare")
    options = labels(benchmark_options(state))
    assert options == {"england": "49 of 106 CCGs with data", "region": "Region", "peers": "Similar CCGs"}
    # the same words as the chart's own comparator line/legend
    fig = compare_figure(state)
    assert "49 of 106 CCGs with data" in str(fig.to_plotly_json())
    assert labels(benchmark_options(dict(state, page="trends")))["england"] == "49 of 106 CCGs with data"
    mh = state_for("?indicator=mh_oaps_rate", page="map")
    assert labels(benchmark_options(mh))["england"] == "97 of 106 CCGs with data"


def test_full_coverage_and_many_indicator_pages_say_england(app_ctx, state_for):
    assert labels(benchmark_options(state_for("?indicator=qof_hyp", page="map")))["england"] == "England"
    partial = state_for("?indicator=gp_appt_dna_rate&areas=E38000089", page="spine")
    assert labels(benchmark_options(partial))["england"] == "England"  # each spine row names its comparator
    assert labels(benchmark_options(None))["england"] == "England"
