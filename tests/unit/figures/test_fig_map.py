"""Map builder: traces read back, Patch contract (map_update) and no remote resources."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely
from figure_fixtures import make_frame, make_meta, square_geojson

from data.model import schema as s
from figures import common
from figures import palette as pal
from figures.map import (
    FIT_VIEW,
    GLYPH_SYMBOLS,
    GLYPHS,
    LEGEND_KEYS,
    LEGEND_START,
    MAIN,
    REGIONS,
    SELECTED,
    SYMBOL_NUMBERS,
    UNDERLAY,
    VIEW_KEYS,
    apply_update,
    choropleth,
    feature_bounds,
    focus_view,
    geojson_bounds,
    label_points,
    map_update,
    selected_values,
    view_paths,
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
    """The figure as JSON, with hidden legend keys' names, colours and glyphs blanked (never shown)."""
    out = json.loads(fig.to_json())
    # embedded, the selected trace carries only the selected shapes; the app sends the layer's URL
    out["data"][SELECTED]["geojson"] = "layer URL"
    glyphs = out["data"][GLYPHS]
    if glyphs.get("visible") is False:  # another colouring: the hidden glyphs keep what they had
        glyphs["marker"] = {
            k: v for k, v in glyphs["marker"].items() if k in ("line", "cmin", "cmax", "showscale")
        }
    for trace in out["data"][LEGEND_START:]:
        if trace.get("visible") is False:
            trace.pop("name", None)
            if trace.get("legendgroup") == "category":  # glyphs of a colouring not shown
                trace.pop("lon", None)
                trace.pop("lat", None)
            trace.get("marker", {}).pop("color", None)
    return out


@pytest.fixture()
def geo(frame):
    return square_geojson(frame[s.AREA_CODE].tolist())


def test_traces_layout_and_classes(frame, meta, geo):
    fig = choropleth(frame, geo, meta, colour="category", selected=[frame[s.AREA_CODE][3]])
    assert [t.type for t in fig.data[:4]] == ["choropleth"] * 4
    assert {t.locationmode for t in fig.data[:4]} == {"geojson-id"}
    assert {t.type for t in fig.data[LEGEND_START:]} == {"scattergeo"}
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
    assert fig.layout.uirevision and fig.layout.geo.uirevision
    # no base map (nothing but our boundaries drawn), fitted to them by plotly
    assert fig.layout.geo.visible is False and fig.layout.geo.fitbounds == "locations"
    assert fig.layout.geo.center.lon is None and fig.layout.geo.lonaxis.range is None
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
    assert [f["id"] for f in sel.geojson["features"]] == chosen[:2]  # embedded: their shapes only
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


def test_category_glyphs_on_each_area(frame, meta, geo):
    """Each compared area carries its category's shape at its label point, not only in the legend."""
    fig = choropleth(frame, geo, meta, colour="category", palette="colourblind")
    glyphs = fig.data[GLYPHS]
    assert glyphs.type == "scattergeo" and glyphs.visible is not False and glyphs.hoverinfo == "skip"
    points = label_points(geo)
    ids = [f["id"] for f in geo["features"]]
    assert list(zip(glyphs.lon, glyphs.lat, strict=True)) == [points[c] for c in ids]
    rows = frame.set_index(s.AREA_CODE)
    number = {v: k for k, v in SYMBOL_NUMBERS.items()}
    for i, code in enumerate(ids):
        category = rows.at[code, s.CMP_ENGLAND_95] if pd.notna(rows.at[code, s.VALUE]) else None
        if category in GLYPH_SYMBOLS:
            assert number[glyphs.marker.symbol[i]] == GLYPH_SYMBOLS[category]
            assert glyphs.marker.size[i] > 0
            assert glyphs.marker.color[i] == s.CATEGORIES.index(category)
        else:  # no value, or not compared: no glyph
            assert glyphs.marker.size[i] == 0
    # colours: the category's colour in the chosen palette; a dark outline shows the shape on its fill
    assert list(glyphs.marker.colorscale) == list(fig.data[MAIN].colorscale)
    assert glyphs.marker.line.width >= 1
    # the legend keys show the same glyphs; quintile and No data keys are squares
    for i, (kind, key) in enumerate(LEGEND_KEYS):
        symbol = fig.data[LEGEND_START + i].marker.symbol
        assert symbol == (GLYPH_SYMBOLS.get(key, "square") if kind == "category" else "square")
    assert GLYPH_SYMBOLS[s.BETTER] != GLYPH_SYMBOLS[s.WORSE] != GLYPH_SYMBOLS[s.SIMILAR]
    # quintile colouring: no category glyphs shown
    assert choropleth(frame, geo, meta, colour="quintile").data[GLYPHS].visible is False


def test_label_points_prefer_the_build_label(geo):
    labelled = json.loads(json.dumps(geo))
    labelled["features"][0]["properties"]["label"] = [-1.23456, 52.5]
    points = label_points(labelled)
    assert points[labelled["features"][0]["id"]] == (-1.235, 52.5)
    west, south, east, north = feature_bounds(geo, geo["features"][1]["id"])
    lon, lat = points[geo["features"][1]["id"]]
    assert west < lon < east and south < lat < north  # no label: the middle of the area's box


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
    update = map_update(
        frame_b,
        meta_b,
        **{"selected": ["E38000001"], **options_b},
        all_areas=ids,
        glyph_points=label_points(geo),
    )
    flat_a, flat_b = _flatten(_json(fig_a)), _flatten(_json(fig_b))
    hidden_in_b = {i for i, tr in enumerate(fig_b.data) if i >= GLYPHS and tr.visible is False}
    changed = {
        p
        for p in set(flat_a) | set(flat_b)
        if flat_a.get(p) != flat_b.get(p)
        and not (p[0] == "data" and p[1] in hidden_in_b and p[2] != "visible")
    }
    keys = set(update)
    # every changed property is in the update, and the update touches nothing constant
    assert changed <= keys, changed - keys
    assert all(p[0] == "layout" or p[1] in (MAIN, SELECTED, GLYPHS) or p[1] >= LEGEND_START for p in keys)
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
        return {
            p
            for p in update
            if not (p[0] == "data" and p[1] >= LEGEND_START and p[2] != "visible")
            and not (p[0] == "data" and p[1] == GLYPHS and p[2] == "marker")  # category colouring only
        }

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
    assert fig.layout.geo.fitbounds == "locations"  # plotly fits England to the graph
    assert "http" not in fig.to_json()
    # every area with a compared category has its glyph inside its own polygon (build label point)
    shapes = {f["id"]: shapely.geometry.shape(f["geometry"]).buffer(1e-3) for f in ccg["features"]}
    points = label_points(ccg)
    assert set(points) == set(shapes)
    assert all(shapes[c].contains(shapely.geometry.Point(p)) for c, p in points.items())


def test_indicator_without_limits_is_coloured_by_quintile(frame, meta, geo):
    """Benchmark categories need confidence intervals: without them the map shows quintiles."""
    no_ci = {**meta, "ci_method": "none"}
    fig = choropleth(frame, geo, no_ci, colour="category")
    main = fig.data[MAIN]
    assert list(main.z) == [None if np.isnan(q) else int(q) for q in frame[s.QUINTILE]]
    assert "quintiles (no confidence intervals" in fig.layout.title.text
    with_ci = choropleth(frame, geo, meta, colour="category")
    assert "quintiles" not in with_ci.layout.title.text


def test_default_view_is_plotly_fit_of_the_layer(real_ccg21, meta):
    ccg, _, _ = real_ccg21
    fig = choropleth(make_frame(codes=[f["id"] for f in ccg["features"]]), ccg, meta)
    geo = fig.layout.geo
    assert geo.fitbounds == "locations" and geo.projection.type == "mercator"
    assert geo.center.lon is None and geo.projection.scale is None  # a view set would turn the fit off
    assert focus_view(ccg, None) is FIT_VIEW
    assert set(FIT_VIEW) == set(VIEW_KEYS)


def test_focus_view_brings_kernow_into_view_with_neighbours(real_ccg21, meta):
    ccg, _, _ = real_ccg21
    kernow = feature_bounds(ccg, "E38000089")
    view = focus_view(ccg, "E38000089")
    (west, east), (south, north) = view["lonaxis"]["range"], view["lataxis"]["range"]
    assert west <= kernow[0] and south <= kernow[1] and east >= kernow[2] and north >= kernow[3]
    england = geojson_bounds(ccg)
    assert (north - south) < (england[3] - england[1]) / 2  # closer than England's view
    assert view["center"] == {"lon": round((west + east) / 2, 4), "lat": round((south + north) / 2, 4)}
    assert view["projection"] == {"scale": 1}
    assert focus_view(ccg, "E99999999") is FIT_VIEW  # not on the layer: the whole layer
    fig = choropleth(make_frame(codes=[f["id"] for f in ccg["features"]]), ccg, meta, view=view)
    assert list(fig.layout.geo.lonaxis.range) == [west, east]
    assert fig.layout.geo.center.lat == view["center"]["lat"]
    assert fig.layout.geo.projection.type == "mercator"  # the view merged in, not replacing the projection
    assert {p[0] for p in view_paths(view)} == set(VIEW_KEYS)


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
