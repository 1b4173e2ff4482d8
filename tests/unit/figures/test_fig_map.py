"""Map builder: traces read back, Patch contract (map_update) and no remote resources."""

from __future__ import annotations

import json

import numpy as np
import pytest
from figure_fixtures import make_frame, make_meta, square_geojson

from data import schema as s
from figures import common
from figures import palette as pal
from figures.map import (
    LEGEND_KEYS,
    LEGEND_START,
    MAIN,
    REGIONS,
    SELECTED,
    UNDERLAY,
    apply_update,
    choropleth,
    feature_bounds,
    focus_view,
    geojson_bounds,
    map_update,
    selected_values,
)


def _flatten(obj, prefix=()):
    """Leaf paths of a plotly JSON dict (lists of scalars are leaves)."""
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            out.update(_flatten(v, (*prefix, k)))
        return out
    if isinstance(obj, list) and obj and isinstance(obj[0], dict) and prefix and prefix[-1] == "data":
        out = {}
        for i, v in enumerate(obj):
            out.update(_flatten(v, (*prefix, i)))
        return out
    return {prefix: obj}


def _json(fig) -> dict:
    """The figure as JSON, with hidden legend keys' names and colours blanked (never shown)."""
    out = json.loads(fig.to_json())
    for trace in out["data"][LEGEND_START:]:
        if trace.get("visible") is False:
            trace.pop("name", None)
            trace.get("marker", {}).pop("color", None)
    return out


@pytest.fixture()
def geo(frame):
    return square_geojson(frame[s.AREA_CODE].tolist())


def test_traces_layout_and_classes(frame, meta, geo):
    fig = choropleth(frame, geo, meta, colour="category", selected=[frame[s.AREA_CODE][3]])
    assert [t.type for t in fig.data[:4]] == ["choroplethmap"] * 4
    assert len(fig.data) == LEGEND_START + len(LEGEND_KEYS)
    main = fig.data[MAIN]
    assert main.featureidkey == "id"
    assert list(main.locations) == frame[s.AREA_CODE].tolist()
    # z is the index of the category in CATEGORIES, NaN (None) where there is no value
    expected = frame[s.CMP_ENGLAND_95].map({c: i for i, c in enumerate(s.CATEGORIES)}).astype(float)
    expected[frame[s.VALUE].isna()] = np.nan
    z = np.array([np.nan if v is None else v for v in main.z], dtype=float)
    assert np.array_equal(np.isnan(z), np.isnan(expected.to_numpy()))
    assert np.allclose(z[~np.isnan(z)], expected.dropna())
    # stepped scale: class i spans [i/6, (i+1)/6] in its Fingertips colour
    scale = [tuple(step) for step in main.colorscale]
    for i, cat in enumerate(s.CATEGORIES):
        assert scale[2 * i][1] == pal.CATEGORY_COLOURS["fingertips"][cat]
        assert scale[2 * i + 1][1] == pal.CATEGORY_COLOURS["fingertips"][cat]
    assert (main.zmin, main.zmax) == (-0.5, 5.5)
    assert [c[0] for c in main.customdata] == frame[s.AREA_CODE].tolist()
    # Per-area hover pieces are short; their labels live once in the template.
    assert "compared with England" in main.hovertemplate and "95% CI" in main.hovertemplate
    assert "count / denominator" in main.hovertemplate and "%{customdata[1]}" in main.hovertemplate
    assert " / " in main.hovertext[0] and "%" in main.text[0] and " to " in main.text[0]
    assert fig.layout.uirevision and fig.layout.map.uirevision
    assert fig.layout.map.style == "white-bg"
    assert "synthetic outcome" in fig.layout.title.text


def test_legend_counts_and_no_data(meta):
    frame = make_frame(n_missing=5)
    codes = frame[s.AREA_CODE].tolist()
    geo = square_geojson(codes + ["E38999998", "E38999999"])  # two areas with no row at all
    fig = choropleth(frame, geo, meta, colour="category", ci="99.8")
    names = {
        fig.data[LEGEND_START + i].name: fig.data[LEGEND_START + i].visible for i in range(len(LEGEND_KEYS))
    }
    counts = frame.loc[frame[s.VALUE].notna(), s.CMP_ENGLAND_998].value_counts()
    for cat, n in counts.items():
        assert names[f"{cat} ({n})"] is True
    assert names["No data (7)"] is True
    higher = LEGEND_START + LEGEND_KEYS.index(("category", s.HIGHER))
    assert fig.data[higher].visible is False  # polarity indicator: no Higher/Lower
    assert len(fig.data[UNDERLAY].locations) == 108


def test_quintile_and_value_modes(frame, meta, geo):
    fig = choropleth(frame, geo, meta, colour="quintile")
    main = fig.data[MAIN]
    assert (main.zmin, main.zmax) == (0.5, 5.5) and main.showscale is False
    assert main.colorscale[-1][1] == pal.QUINTILE_COLOURS["fingertips"][4]  # best = darkest
    visible = [t.name for t in fig.data[LEGEND_START:] if t.visible]
    assert any(n.startswith("Q5 (Best)") for n in visible)
    assert (
        sum(int(n.split("(")[-1].rstrip(")")) for n in visible if n.startswith("Q"))
        == frame[s.VALUE].notna().sum()
    )
    fig = choropleth(frame, geo, meta, colour="value")
    main = fig.data[MAIN]
    assert main.showscale is True
    assert main.zmin == pytest.approx(frame[s.VALUE].min()) and main.zmax == pytest.approx(
        frame[s.VALUE].max()
    )
    assert [t.name for t in fig.data[LEGEND_START:] if t.visible] == ["No data (4)"]


def test_selected_areas_get_thick_outline(frame, meta, geo):
    chosen = [frame[s.AREA_CODE][10], frame[s.AREA_CODE][20], "NOT-A-CODE"]
    fig = choropleth(frame, geo, meta, selected=chosen)
    sel = fig.data[SELECTED]
    assert list(sel.locations) == chosen[:2]
    assert sel.marker.line.width >= 3
    assert sel.hoverinfo == "skip" and fig.data[REGIONS].hoverinfo == "skip"
    assert [c[0] for c in sel.customdata] == chosen[:2]


def test_region_outlines_trace(frame, meta, geo):
    regions = square_geojson(["E40000003", "E40000005"])
    fig = choropleth(frame, geo, meta, region_outlines=regions)
    assert list(fig.data[REGIONS].locations) == ["E40000003", "E40000005"]
    assert fig.data[REGIONS].colorscale[0][1] == "rgba(0,0,0,0)"
    hidden = choropleth(frame, geo, meta, region_outlines=regions, cartogram=True)
    assert list(hidden.data[REGIONS].locations) == []


def test_colourblind_legend_has_glyphs(frame, meta, geo):
    fig = choropleth(frame, geo, meta, palette="colourblind")
    better = fig.data[LEGEND_START + s.CATEGORIES.index(s.BETTER)]
    assert (
        better.name.startswith("▲ Better")
        and better.marker.color == pal.CATEGORY_COLOURS["colourblind"][s.BETTER]
    )


@pytest.mark.parametrize(
    "options_b",
    [
        {},
        {"colour": "quintile"},
        {"colour": "value", "palette": "colourblind"},
        {"ci": "99.8", "benchmark": "region", "selected": ["E38000002"]},
    ],
)
def test_map_update_is_exactly_the_patch_between_two_indicators(geo, options_b):
    frame_a, meta_a = make_frame(seed=1), make_meta()
    frame_b = make_frame(seed=2, polarity=s.POLARITY_LOW_GOOD, n_missing=9)
    frame_b = frame_b.iloc[:-2]  # two areas lose their rows altogether
    meta_b = make_meta(s.POLARITY_LOW_GOOD, name="Another indicator", unit="per 100,000")
    ids = [f["id"] for f in geo["features"]]
    fig_a = choropleth(frame_a, geo, meta_a, selected=["E38000001"])
    fig_b = choropleth(frame_b, geo, meta_b, **{"selected": ["E38000001"], **options_b})
    update = map_update(frame_b, meta_b, **{"selected": ["E38000001"], **options_b}, all_areas=ids)
    flat_a, flat_b = _flatten(_json(fig_a)), _flatten(_json(fig_b))
    hidden_in_b = {i for i, tr in enumerate(fig_b.data) if i >= LEGEND_START and tr.visible is False}
    changed = {
        p
        for p in set(flat_a) | set(flat_b)
        if flat_a.get(p) != flat_b.get(p)
        and not (p[0] == "data" and p[1] in hidden_in_b and p[2] != "visible")
    }
    keys = set(update)
    # every changed property is in the update, and the update touches nothing constant
    assert changed <= keys, changed - keys
    assert all(p[0] == "layout" or p[1] in (MAIN, SELECTED) or p[1] >= LEGEND_START for p in keys)
    assert not any(p[-1] in ("geojson", "featureidkey") for p in keys)
    patched = apply_update(choropleth(frame_a, geo, meta_a, selected=["E38000001"]), update)
    assert _json(patched) == _json(fig_b)


def test_map_update_paths_are_stable():
    frame, meta = make_frame(), make_meta()
    paths = {p[2:] for p in map_update(frame, meta) if p[0] == "data" and p[1] == MAIN}
    assert paths == {
        ("locations",),
        ("z",),
        ("customdata",),
        ("text",),
        ("hovertext",),
        ("hovertemplate",),
        ("colorscale",),
        ("zmin",),
        ("zmax",),
        ("showscale",),
        ("colorbar", "title", "text"),
    }

    # Apart from the names and colours of legend keys (sent only for keys shown), every
    # colouring updates the same paths.
    def fixed(update):
        return {p for p in update if not (p[0] == "data" and p[1] >= LEGEND_START and p[2] != "visible")}

    assert fixed(map_update(frame, meta, colour="value")) == fixed(map_update(frame, meta))


def test_no_remote_urls_in_map(frame, meta, geo):
    fig = choropleth(frame, geo, meta, region_outlines=square_geojson(["E40000003"]))
    assert "http" not in fig.to_json()


def test_real_ccg21_boundaries_and_regions(real_ccg21, meta):
    ccg, regions, lookup = real_ccg21
    frame = make_frame(codes=lookup["CCG21CD"].tolist())
    frame[s.AREA_NAME] = lookup["CCG21NM"].to_numpy()
    frame["region_code"] = lookup["NHSER21CD"].to_numpy()
    fig = choropleth(frame, ccg, meta, region_outlines=regions, selected=[lookup["CCG21CD"][0]])
    assert set(fig.data[MAIN].locations) == {f["id"] for f in ccg["features"]}  # all 106 join
    assert len(fig.data[REGIONS].locations) == 7
    centre, zoom = fig.layout.map.center, fig.layout.map.zoom
    assert 52 < centre.lat < 54 and -3 < centre.lon < 0 and 4.5 < zoom < 6.5
    assert "http" not in fig.to_json()


def test_indicator_without_limits_is_coloured_by_quintile(frame, meta, geo):
    """Benchmark categories need confidence intervals: without them the map shows quintiles."""
    no_ci = {**meta, "ci_method": "none"}
    fig = choropleth(frame, geo, no_ci, colour="category")
    main = fig.data[MAIN]
    assert list(main.z) == [None if np.isnan(q) else int(q) for q in frame[s.QUINTILE]]
    assert "quintiles (no confidence intervals" in fig.layout.title.text
    with_ci = choropleth(frame, geo, meta, colour="category")
    assert "quintiles" not in with_ci.layout.title.text


def _visible(view: dict, width_px: float, height_px: float) -> tuple[float, float, float, float]:
    """(west, south, east, north) that a MapLibre view shows in a graph of that size."""
    import math

    world = 512 * 2 ** view["zoom"]
    lon, lat = view["center"]["lon"], view["center"]["lat"]
    merc = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2
    half_x, half_y = width_px / 2 / world * 360, height_px / 2 / world

    def lat_of(y: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))

    return lon - half_x, lat_of(merc + half_y), lon + half_x, lat_of(merc - half_y)


# The map graph at 1366x768: 72vh tall, about 1000 px wide beside its side panel.
LAPTOP_MAP_PX = (1000, 0.72 * 768)


def test_default_view_fits_england_on_a_laptop_screen(real_ccg21, meta):
    ccg, _, _ = real_ccg21
    fig = choropleth(make_frame(codes=[f["id"] for f in ccg["features"]]), ccg, meta)
    view = {"center": fig.layout.map.center.to_plotly_json(), "zoom": fig.layout.map.zoom}
    west, south, east, north = _visible(view, *LAPTOP_MAP_PX)
    e_west, e_south, e_east, e_north = geojson_bounds(ccg)
    assert west <= e_west and south <= e_south and east >= e_east and north >= e_north


def test_focus_view_brings_kernow_into_view_with_neighbours(real_ccg21):
    ccg, _, _ = real_ccg21
    kernow = feature_bounds(ccg, "E38000089")
    view = focus_view(ccg, "E38000089")
    west, south, east, north = _visible(view, *LAPTOP_MAP_PX)
    assert west <= kernow[0] and south <= kernow[1] and east >= kernow[2] and north >= kernow[3]
    assert view["zoom"] > focus_view(ccg, None)["zoom"] + 0.5  # closer than England's view
    assert focus_view(ccg, "E99999999") == focus_view(ccg, None)  # not on the layer: England


def test_selected_values_in_words(frame, meta):
    codes = frame[s.AREA_CODE].tolist()
    frame = frame.copy()
    frame.loc[1, s.VALUE] = np.nan
    frame.loc[0, s.CMP_ENGLAND_95] = s.WORSE
    items = selected_values(frame, meta, [codes[0], codes[1]], england_value=61.0, area_names={})
    assert items[0][0] == frame.loc[0, s.AREA_NAME]
    assert items[0][1].startswith(common.format_value(frame.loc[0, s.VALUE], meta["unit"]) + " (95% CI ")
    assert items[0][1].endswith("; ▼ worse than England")
    assert items[1][1] == "no value for this period"
    assert items[2] == ("England", common.format_value(61.0, meta["unit"]))
