"""The spine and overview are built as plain dicts (no plotly validation in a request).

Each builder's dict must be a valid figure (``go.Figure`` accepts it, which rejects any
unknown property) and must draw the same picture as before the dicts: the same traces,
texts, shapes and layout. The golden files in ``golden/`` were written by the
``go.Figure`` builders these replaced; ``UPDATE_GOLDEN=1`` rewrites them (only when a
change to the picture is intended).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from figure_inputs import overview_grid_frame

from data.model import schema as s
from figures import overview as ov
from figures import spine as sp
from figures.peers import add_peer_band

GOLDEN = Path(__file__).parent / "golden"


def spine_rows() -> pd.DataFrame:
    ind = pd.DataFrame(
        {
            "indicator_id": ["a", "b", "c", "d"],
            "short_name": ["Alpha", "Beta", "Gamma", "Delta, a context indicator with a long name to wrap"],
            "domain": ["2", "1", "1", "context"],
            "polarity": [s.POLARITY_HIGH_GOOD, s.POLARITY_LOW_GOOD, s.POLARITY_NONE, s.POLARITY_NONE],
            "unit": ["%", "per 100,000", "score", "count"],
            "period": ["2020/21", "2019/20", "2021", "2022"],
            "england_value": [10.0, 10.0, 100.0, 1500.0],
            "min": [4.0, 4.0, 90.0, 100.0],
            "q25": [8.0, 8.0, 95.0, 900.0],
            "q75": [12.0, 12.0, 110.0, 2000.0],
            "max": [13.0, 13.0, 150.0, 9000.0],
            "benchmark": ["England", "England", "49 of 106 CCGs with data", "England"],
        }
    )
    frames = []
    values = [[11.0, 11.0, np.nan, 1200.0], [5.0, 4.0, 120.0, 2500.0], [9.0, np.nan, 99.0, 150.0]]
    cats = [
        [s.BETTER, s.WORSE, s.NOT_COMPARED, s.NOT_COMPARED],
        [s.WORSE, s.BETTER, s.HIGHER, s.HIGHER],
        [s.SIMILAR, s.NOT_COMPARED, s.LOWER, s.LOWER],
    ]
    for i, code in enumerate(["X1", "X2", "X3"]):
        frames.append(
            ind.assign(
                area_code=code,
                value=values[i],
                category=cats[i],
                count=[5.0, np.nan, 7.0, 1200.0],
                denominator=[50.0, np.nan, np.nan, 9000.0],
                lower_95=[v - 1 for v in values[i]],
                upper_95=[v + 1 for v in values[i]],
                lower_998=[v - 2 for v in values[i]],
                upper_998=[v + 2 for v in values[i]],
            )
        )
    return pd.concat(frames, ignore_index=True)


NAMES = {"X1": "NHS One CCG", "X2": "NHS Two CCG", "X3": "NHS Three With A Long Name CCG"}
SIX = {f"E{i}": f"NHS A Rather Long Area Name Number {i} CCG" for i in range(6)}


def six_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": "a",
            "short_name": "Alpha",
            "domain": "1",
            "polarity": s.POLARITY_HIGH_GOOD,
            "unit": "%",
            "period": "2021",
            "england_value": 10.0,
            "min": 4.0,
            "q25": 8.0,
            "q75": 12.0,
            "max": 13.0,
            "area_code": list(SIX),
            "value": [5.0, 6.0, 7.0, 8.0, 9.0, 11.0],
            "category": s.WORSE,
            s.LOWER95: 4.0,
            s.UPPER95: 6.5,
        }
    )


def peer_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": ["a", "b"],
            "peer_value": [9.0, 7.0],
            "peer_min": [6.0, 5.0],
            "peer_max": [12.0, 11.0],
            "peer_method": ["pooled", "mean"],
        }
    )


SPINE_CASES = {
    "spine_two_export": lambda: (spine_rows(), dict(areas=["X1", "X2"], area_names=NAMES)),
    "spine_three_screen_colourblind": lambda: (
        spine_rows(),
        dict(areas=["X1", "X2", "X3"], area_names=NAMES, palette="colourblind", ci="99.8", screen=True),
    ),
    "spine_one_screen": lambda: (spine_rows(), dict(areas=["X2"], area_names=NAMES, screen=True)),
    "spine_six_region": lambda: (
        six_rows(),
        dict(areas=list(SIX), area_names=SIX, benchmark="region", screen=True),
    ),
    "spine_title_peers": lambda: (
        spine_rows(),
        dict(areas=["X1"], area_names=NAMES, title="Context: X1", benchmark="peers", screen=True),
    ),
    "spine_no_area": lambda: (spine_rows().iloc[0:0], dict(areas=[], area_names={}, screen=True)),
}
OVERVIEW_CASES = {
    "overview_fingertips": lambda: (overview_grid_frame(3), dict(palette="fingertips")),
    "overview_colourblind": lambda: (overview_grid_frame(2), dict(palette="colourblind", title="Context")),
}


def picture(fig: go.Figure) -> dict:
    """The figure as plotly.js receives it, the template aside (checked on its own)."""
    data = json.loads(fig.to_json())
    template = data["layout"].pop("template")
    assert (
        template == json.loads(go.Figure(layout={"template": "plotly_white"}).to_json())["layout"]["template"]
    )
    return data


def golden(name: str, fig: go.Figure) -> dict:
    path = GOLDEN / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(picture(fig), indent=0, sort_keys=True, ensure_ascii=False) + "\n")
    return json.loads(path.read_text())


@pytest.mark.parametrize("name", list(SPINE_CASES))
def test_spine_dict_is_a_valid_figure_with_the_same_picture(name):
    rows, kwargs = SPINE_CASES[name]()
    built = sp.spine_figure_dict(rows, **kwargs)
    assert isinstance(built, dict) and not isinstance(built.get("data"), tuple)
    fig = go.Figure(built)  # validates every property: an unknown one raises
    assert picture(fig) == golden(name, sp.spine_chart(rows, **kwargs))
    assert picture(sp.spine_chart(rows, **kwargs)) == picture(fig)  # one source of truth


def test_spine_peer_band_on_the_dict_matches_the_figure():
    rows, kwargs = spine_rows(), dict(areas=["X1", "X2"], area_names=NAMES, screen=True)
    from_dict = go.Figure(add_peer_band(sp.spine_figure_dict(rows, **kwargs), rows, peer_rows()))
    from_figure = add_peer_band(sp.spine_chart(rows, **kwargs), rows, peer_rows())
    assert picture(from_dict) == picture(from_figure) == golden("spine_peer_band", from_figure)
    names = [t["name"] for t in picture(from_dict)["data"]]
    assert names.index("Similar CCGs: value and range") == 3  # under the areas' markers


@pytest.mark.parametrize("name", list(OVERVIEW_CASES))
def test_overview_dict_is_a_valid_figure_with_the_same_picture(name):
    grid, kwargs = OVERVIEW_CASES[name]()
    built = ov.overview_figure_dict(grid, **kwargs)
    assert isinstance(built, dict)
    fig = go.Figure(built)
    assert picture(fig) == golden(name, ov.overview_grid(grid, **kwargs))
    assert picture(ov.overview_grid(grid, **kwargs)) == picture(fig)


@pytest.mark.parametrize("name", list(OVERVIEW_CASES))
def test_overview_hover_reads_as_before(name):
    """Each cell's hover says what it said when every cell carried the area and indicator names
    (``*_hover.json``, written by the go.Figure builder): the template now adds them."""
    grid, kwargs = OVERVIEW_CASES[name]()
    heat = ov.overview_figure_dict(grid, **kwargs)["data"][0]
    assert heat["hovertemplate"] == "<b>%{y}</b><br>%{x}: %{hovertext}<extra></extra>"
    shown = [
        [f"<b>{area}</b><br>{indicator}: {text}" for indicator, text in zip(heat["x"], row, strict=True)]
        for area, row in zip(heat["y"], heat["hovertext"], strict=True)
    ]
    assert shown == json.loads((GOLDEN / f"{name}_hover.json").read_text())
