"""Kaleido draws the map without the network: plotly.js's world topojson is seeded in its page."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from data.model.store import load_model
from data.queries.rows import Selection
from data.queries.view_frames import area_frame, meta_dict
from figures.map import choropleth
from reports.render import GEO_ASSETS, kaleido_page
from selection import parse_query


def test_kaleido_page_loads_only_local_scripts_and_the_seed():
    page = kaleido_page().generate_index()
    sources = re.findall(r'<script src="([^"]+)"', page)
    assert sources and all(src.startswith("file://") for src in sources), sources
    assert GEO_ASSETS.as_uri() in sources
    seed = GEO_ASSETS.read_text()
    assert "world_110m" in seed and "PlotlyGeoAssets" in seed


@pytest.mark.slow
def test_the_apps_map_figure_renders_offline():
    """The figure the app draws (no-data underlay under every area, so plotly asks for the
    topojson) comes out drawn: without the seed plotly would fetch cdn.plot.ly and draw nothing."""
    from reports.render import get_renderer

    model = load_model()
    state, _ = parse_query(model, "?indicator=qof_hyp")
    selection = Selection(state["indicator"], state["period"], state["geography"], state["sex"])
    frame, _, _ = area_frame(model, selection)
    meta = meta_dict(model, "qof_hyp")
    fig = choropleth(frame, model.geojson["ccg21"], meta, region_outlines=model.geojson["nhser21"])
    assert fig.data[0].locations  # the underlay is drawn: plotly needs its topojson
    png = get_renderer().render(fig, "png", 700, 600)
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    coloured = (np.abs(image.astype(int) - 255).sum(axis=2) > 60).mean()
    assert coloured > 0.1  # areas filled, not an empty frame
