"""Every builder: no remote URL in the figure JSON, a title and a uirevision, customdata area first
(the overview's grid aside: a click on it selects nothing, so it carries no customdata)."""

from __future__ import annotations

import pandas as pd
import pytest
from figure_fixtures import make_frame, make_meta, square_geojson
from figure_inputs import overview_grid_frame, scatter_df, trend_series

from data.model import schema as s
from figures.compare import ranked_bars
from figures.funnel import funnel_plot
from figures.map import choropleth
from figures.overview import overview_grid
from figures.scatter import explorer_scatter
from figures.spine import spine_chart
from figures.trends import trend_chart


def _spine_rows() -> pd.DataFrame:
    frame = make_frame()
    value = frame[s.VALUE]
    return pd.DataFrame(
        {
            "indicator_id": "ind1",
            "short_name": "Synthetic",
            "domain": "1",
            "polarity": "higher is better",
            "unit": "%",
            "england_value": frame.attrs["england"],
            "min": value.min(),
            "q25": value.quantile(0.25),
            "q75": value.quantile(0.75),
            "max": value.max(),
            "area_code": frame[s.AREA_CODE][:2],
            "value": value[:2],
            "category": frame[s.CMP_ENGLAND_95][:2],
        }
    )


BUILDERS = {
    "map": lambda: choropleth(make_frame(), square_geojson(make_frame()[s.AREA_CODE].tolist()), make_meta()),
    "bars": lambda: ranked_bars(make_frame(), make_meta(), england_value=60.0),
    "spine": lambda: spine_chart(_spine_rows(), areas=["E38000001", "E38000002"], area_names={}),
    "scatter": lambda: explorer_scatter(
        scatter_df(),
        x_meta=make_meta(),
        y_meta=make_meta(),
        size_by_population=True,
        colour_by="region",
        show_ci=True,
        selected=["E38000001"],
    ),
    "trend": lambda: trend_chart(
        trend_series(["E38000001"]), make_meta(), areas=["E38000001"], area_names={}, trend_labels={}
    ),
    "overview": lambda: overview_grid(overview_grid_frame(3)),
    "funnel": lambda: funnel_plot(make_frame(), make_meta(), selected=["E38000001"]),
}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_figure_is_offline_titled_and_clickable(name):
    fig = BUILDERS[name]()
    assert "http" not in fig.to_json()
    assert fig.layout.uirevision
    assert fig.layout.title.text
    clickable = [t for t in fig.data if t.customdata is not None and len(t.customdata)]
    if name == "overview":  # not a click source (callbacks.sync.CLICK_SOURCES): nothing to carry
        assert not clickable
        return
    assert clickable
    for trace in clickable:
        assert str(trace.customdata[0][0]).startswith("E38")
