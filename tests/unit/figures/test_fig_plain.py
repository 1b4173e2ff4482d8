"""The plain-dict builders the request path uses: go.Figure accepts each dict as it is.

The compare, explorer and trends views send figures built as plain dicts (no go.Figure
validation in a request); exports and tests wrap them in go.Figure. Validation must find
nothing to change: the JSON the browser receives is the same either way, so the picture is.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from figure_fixtures import make_frame, make_meta
from figure_inputs import scatter_df, trend_series
from plotly.io.json import to_json_plotly

from data.model import schema as s
from figures.compare import ranked_bars_dict
from figures.plain import template
from figures.scatter import explorer_scatter_dict
from figures.trends import message_dict, trend_dict

REGIONS = {"E40000003": 58.0, "E40000005": 63.0}
CODES = ["E38000001", "E38000002", "E38000003"]

PLAIN = {
    "bars": lambda: ranked_bars_dict(make_frame(), make_meta(), england_value=60.0),
    "bars colourblind 99.8 selected by name": lambda: ranked_bars_dict(
        make_frame(seed=3),
        make_meta(s.POLARITY_LOW_GOOD),
        ci="99.8",
        palette="colourblind",
        selected=CODES[:2],
        sort="name",
        england_value=61.0,
    ),
    "bars one region": lambda: ranked_bars_dict(
        make_frame(), make_meta(), england_value=61.0, region_values=REGIONS, region="E40000003"
    ),
    "bars all regions": lambda: ranked_bars_dict(
        make_frame(), make_meta(), benchmark="region", region_values=REGIONS, england_value=61.0
    ),
    "bars quintiles": lambda: ranked_bars_dict(make_frame(), make_meta(ci_method="none")),
    "scatter": lambda: explorer_scatter_dict(scatter_df(), x_meta=make_meta(), y_meta=make_meta()),
    "scatter sized by category with CIs": lambda: explorer_scatter_dict(
        scatter_df(seed=8),
        x_meta=make_meta(),
        y_meta=make_meta(s.POLARITY_LOW_GOOD),
        size_by_population=True,
        colour_by="category",
        show_ci=True,
        selected=CODES[:1],
        weights="population",
        palette="colourblind",
    ),
    "trend": lambda: trend_dict(
        trend_series(CODES),
        make_meta(),
        areas=CODES,
        area_names={CODES[0]: "First"},
        england=trend_series(CODES[:1]).assign(**{s.AREA_CODE: "E92000001", s.AREA_NAME: "England"}),
        trend_labels={CODES[0]: "Increasing and getting better"},
    ),
    "trend message": lambda: trend_dict(
        trend_series(CODES, n_periods=1), make_meta(), areas=CODES, area_names={}
    ),
    "message": lambda: message_dict("Title", "Nothing to show"),
}


def _browser_json(figure) -> dict:
    """What the browser receives (Dash serialises outputs with plotly's encoder)."""
    return json.loads(to_json_plotly(figure))


@pytest.mark.parametrize("name", list(PLAIN))
def test_go_figure_accepts_the_dict_unchanged(name):
    plain = PLAIN[name]()
    assert isinstance(plain, dict) and set(plain) == {"data", "layout"}
    validated = go.Figure(plain).to_plotly_json()  # raises on any invalid property
    assert _browser_json(validated) == _browser_json(plain)


@pytest.mark.parametrize("name", list(PLAIN))
def test_the_dict_carries_the_resolved_template(name):
    # plotly.js knows no template names: the template must travel as its full definition
    layout = PLAIN[name]()["layout"]
    assert layout["template"] is template("plotly_white")
    assert layout["template"]["layout"]["plot_bgcolor"] == "white"


def test_the_figure_wrappers_draw_the_same_picture():
    from figures.compare import ranked_bars
    from figures.scatter import explorer_scatter
    from figures.trends import trend_chart

    frame, meta = make_frame(), make_meta()
    assert _browser_json(ranked_bars(frame, meta, england_value=60.0)) == _browser_json(
        ranked_bars_dict(frame, meta, england_value=60.0)
    )
    df = scatter_df()
    assert _browser_json(explorer_scatter(df, x_meta=meta, y_meta=meta)) == _browser_json(
        explorer_scatter_dict(df, x_meta=meta, y_meta=meta)
    )
    series = trend_series(CODES)
    assert _browser_json(trend_chart(series, meta, areas=CODES, area_names={})) == _browser_json(
        trend_dict(series, meta, areas=CODES, area_names={})
    )
