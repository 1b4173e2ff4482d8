"""callbacks.pages and the views they send: each page's figure for a real selection (the plain functions and the callbacks)."""

from __future__ import annotations

import html as html_lib
import json
import re

import pytest
from dash import Patch, dcc, html, no_update
from dash.exceptions import PreventUpdate

from callbacks import pages
from callbacks.shown import patch_of
from data.model import schema as s
from data.model.precomputed import in_summaries
from figures.map import LEGEND_START, MAIN, SELECTED, UNDERLAY
from layouts.content import render
from views import compare as vcompare
from views import explorer as vexplorer
from views import map as vmap
from views import overview as voverview
from views import spine as vspine
from views import trends as vtrends

KERNOW, NCL, SOUTH_WEST = "E38000089", "E38000240", "E40000006"  # NCL: North Central London


def markdown_cells(line: str) -> list[str]:
    """The cells of one Markdown table row, unescaped."""
    cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [html_lib.unescape(re.sub(r"\\(.)", r"\1", c.strip())) for c in cells]


def markdown_head(component) -> list[str]:
    return markdown_cells(component.children.splitlines()[0])


def markdown_rows(component) -> list[list[str]]:
    return [markdown_cells(line) for line in component.children.splitlines()[2:]]


def region_areas(model, region: str, geography: str = "ccg21") -> set[str]:
    a = model.areas
    return set(a.loc[(a[s.GEOGRAPHY] == geography) & (a["region_code"] == region), s.AREA_CODE])


def with_value(model, indicator, period, geography="ccg21", sex="Persons") -> set[str]:
    rows = model.slice(indicator, geography, period, sex)
    return set(rows.loc[rows[s.VALUE].notna(), s.AREA_CODE])


def map_patch(state: dict) -> Patch:
    """The map's changes for a selection as the callback sends them (a Patch)."""
    return patch_of(vmap.map_changes(state))


def patch_ops(patch: Patch) -> dict[tuple, object]:
    return {tuple(op["location"]): op["params"].get("value") for op in patch.to_plotly_json()["operations"]}


@pytest.mark.parametrize(
    ("geography", "layout", "layer"),
    [
        ("ccg21", "boundaries", "ccg21"),
        ("sicbl22", "boundaries", "sicbl23"),  # the July 2022 sets on the April 2023 polygons
        ("icb23", "boundaries", "icb23"),
        ("ccg19", "cartogram", "ccg19_cartogram"),
        ("ccg18", "cartogram", "ccg18_cartogram"),
        ("ccg21", "cartogram", "ccg21"),
        ("icb22", "boundaries", "icb23"),  # ICB 2022's own file has no Isles of Scilly
    ],
)
def test_map_layer(geography, layout, layer):
    assert vmap.map_layer(geography, layout) == layer


def test_full_map_points_at_boundary_urls(app_ctx, model, state_for):
    state = state_for(f"?indicator=qof_hyp&areas={KERNOW},{NCL}&ci=99.8")
    fig = vmap.full_map(state)
    url = f"/geo/{model.fingerprint}/ccg21.json"
    assert [t.geojson for t in fig.data[:4]] == [url, url, f"/geo/{model.fingerprint}/nhser21.json", url]
    assert "FeatureCollection" not in json.dumps(fig.to_plotly_json()["data"])  # nothing embedded
    assert len(fig.data[UNDERLAY].locations) == 106
    expected = with_value(model, "qof_hyp", "2022/23")
    main = fig.data[MAIN]
    assert sum(z is not None for z in main.z) == len(expected) == 106
    assert set(main.locations) >= expected
    assert list(fig.data[SELECTED].locations) == [KERNOW, NCL]
    counts = [
        int(t.name.rsplit("(", 1)[1].rstrip(")"))
        for t in fig.data[LEGEND_START : LEGEND_START + 6]
        if t.visible is not False
    ]
    assert sum(counts) == 106  # category legend keys add up to the areas
    assert "99.8% CI" in fig.layout.title.text


def test_full_map_sicbl22_uses_sicbl23_polygons(app_ctx, model, state_for):
    state = state_for("?indicator=qof_hyp&geography=sicbl22")
    fig = vmap.full_map(state)
    assert fig.data[MAIN].geojson == f"/geo/{model.fingerprint}/sicbl23.json"
    shown = set(fig.data[MAIN].locations)
    assert shown == {f["id"] for f in model.geojson["sicbl23"]["features"]}  # all 106, by ODS code


def test_map_patch_holds_values_not_boundaries(app_ctx, model, state_for):
    state = state_for(f"?indicator=dementia_ddr_65plus&period=2024-10&areas={KERNOW}")
    patch = map_patch(state)
    assert isinstance(patch, Patch)
    ops = patch_ops(patch)
    assert "geojson" not in json.dumps(patch.to_plotly_json())
    assert not any("geojson" in loc for loc in ops)
    expected = with_value(model, "dementia_ddr_65plus", "2024-10")
    z = ops[("data", MAIN, "z")]
    assert sum(v is not None for v in z) == len(expected)
    assert ops[("data", SELECTED, "locations")] == [KERNOW]
    assert "2024-10" in ops[("layout", "title", "text")]


def test_map_patch_equals_full_map_values(app_ctx, state_for):
    state = state_for(f"?indicator=ft_91547&period=2020/21&colour=quintile&areas={NCL}")
    fig = vmap.full_map(state).to_plotly_json()
    for (kind, index, *rest), value in patch_ops(map_patch(state)).items():
        node = fig[kind][index] if kind == "data" else fig[kind][index]
        for key in rest:
            node = node[key]
        assert node == value or list(node) == list(value), (kind, index, rest)


def test_map_summary_text(app_ctx, model, state_for):
    summary = render(vmap.map_summary(state_for("?indicator=qof_hyp&geography=sicbl22")))
    n = len(with_value(model, "qof_hyp", "2022/23", "sicbl22"))
    assert summary[0].children == f"{n} of 106 areas have a value for 2022/23."
    assert any("Sub-ICB" in part.children for part in summary[1:])


def test_the_map_is_whole_then_a_patch_then_whole_for_a_new_layer(app_ctx, state_for):
    state = state_for("?indicator=qof_hyp")
    fig, layer, *_ = pages.map_answer(state, "focus", None)
    assert layer == "ccg21" and not isinstance(fig, Patch)
    patch, layer2, *_ = pages.map_answer(state_for("?indicator=dementia_ddr_65plus"), "focus", "ccg21")
    assert isinstance(patch, Patch) and layer2 is no_update
    fig3, layer3, *_ = pages.map_answer(state_for("?indicator=qof_hyp&geography=icb22"), "focus", "ccg21")
    assert layer3 == "icb23" and not isinstance(fig3, Patch)
    assert len(fig3.data[UNDERLAY].locations) == 42


def test_the_map_page_is_one_answer(app_ctx, state_for):
    """The figure, layer, summary, selected values, keyboard list and options in one answer; the
    options only when they differ from those shown; a change of "Show" only the view's keys."""
    from layouts import ids

    state = state_for(f"?indicator=qof_hyp&areas={KERNOW}", page="map")
    answer = dict(zip(pages.MAP_OUTPUTS, pages.map_answer(state, "focus", None), strict=True))
    assert all(v is not no_update for v in answer.values())
    assert answer[(ids.MAP_AREA_ROWS, "data")] == vmap.area_list(state)
    assert "NHS Kernow CCG" in str(answer[(ids.MAP_SELECTED, "children")])
    choices = (answer[(ids.LAYOUT, "options")], answer[(ids.COLOUR, "options")])
    again = dict(zip(pages.MAP_OUTPUTS, pages.map_answer(state, "focus", "ccg21", choices), strict=True))
    assert again[(ids.LAYOUT, "options")] is no_update and again[(ids.COLOUR, "options")] is no_update
    # the whole figure and a patch bring the same view in: the focus area's
    ops = {
        tuple(op["location"]): op["params"]["value"]
        for op in again[(ids.MAP_GRAPH, "figure")].to_plotly_json()["operations"]
    }
    geo = answer[(ids.MAP_GRAPH, "figure")].layout.geo
    assert ops[("layout", "geo", "center", "lon")] == geo.center.lon
    assert ops[("layout", "geo", "projection", "scale")] == geo.projection.scale
    # England: the whole figure leaves the view to plotly's fit (every view key unset)
    england = pages.map_answer(state, "england", None)[0].layout.geo
    assert england.center.lon is None and england.projection.scale is None
    # a change of "Show" answers the whole page too (a newer request of the same callback supersedes
    # one in flight, whose answer is then never applied): the values and the new view
    london = pages.map_answer(state, "london", "ccg21", choices)[0].to_plotly_json()["operations"]
    paths = {tuple(op["location"][:2]) for op in london}
    assert ("layout", "geo") in paths and ("data", 1) in paths


@pytest.mark.parametrize(
    ("callback", "args"),
    [
        (pages.update_map, ("compare", "focus", None, None, None)),
        (pages.UPDATES["compare"], ("map",)),
        (pages.UPDATES["spine"], ("map",)),
        (pages.UPDATES["trends"], ("map",)),
        (pages.UPDATES["overview"], ("map",)),
        (pages.update_explorer, ("map", [], "region", [])),
    ],
)
def test_views_answer_only_for_their_page(app_ctx, state_for, callback, args):
    page, *rest = args
    with pytest.raises(PreventUpdate):
        callback(state_for("", page=page), *rest)
    with pytest.raises(PreventUpdate):
        callback(None, *rest)


def test_compare_figure_bars_for_one_region(app_ctx, model, state_for):
    state = state_for(f"?indicator=qof_hyp&region={SOUTH_WEST}&areas={KERNOW}&ci=99.8")
    fig = vcompare.compare_figure(state)
    bars = [t for t in fig.data if t.type == "bar"]
    expected = with_value(model, "qof_hyp", "2022/23") & region_areas(model, SOUTH_WEST)
    assert sum(len(t.y) for t in bars) == len(expected) == 7
    assert {c[0] for t in bars for c in t.customdata} == expected
    ticks = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext))
    assert ticks["NHS Kernow CCG"] == "<b>▶ NHS Kernow CCG</b>"
    assert sum(t.startswith("<b>") for t in ticks.values()) == 1
    assert "South West only" in fig.layout.title.text


def test_compare_figure_all_areas_sorted_by_name(app_ctx, model, state_for):
    fig = vcompare.compare_figure(state_for("?indicator=dementia_ddr_65plus&sort=name"))
    order = list(fig.layout.yaxis.categoryarray)
    assert len(order) == len(with_value(model, "dementia_ddr_65plus", "2025-01"))
    assert order == sorted(order)


@pytest.mark.parametrize(
    ("page", "query"), [("compare", "?indicator=qof_hyp"), ("trends", "?indicator=ft_91547")]
)
def test_compare_and_trends_answer_chart_and_summary_in_one(app_ctx, state_for, page, query):
    """One request per change on these pages: the chart's callback writes the summary under it too
    (the sentence names the focus area and links to the table view of the same selection)."""
    figure, summary = pages.UPDATES[page](state_for(f"{query}&areas={KERNOW}", page=page))
    assert figure["data"] and figure["layout"]["title"]["text"]
    sentence, link = summary[0].children, summary[-1]
    assert "NHS Kernow CCG" in sentence and sentence.endswith(".")
    assert link.href.startswith("/table?") and f"areas={KERNOW}" in link.href


def spine_expected(model, code: str, outcomes: bool | None = None) -> set[str]:
    ind = model.indicators
    mine = ind[(ind[s.GEOGRAPHY] == "ccg21") & (ind[s.AREA_CODE] == code) & (ind[s.SEX] == "Persons")]
    have = set(mine.loc[mine[s.VALUE].notna(), s.INDICATOR_ID]) & in_summaries(model.catalogue)
    if outcomes is None:
        return have
    context = set(model.catalogue.index[model.catalogue["domain"] == "context"])
    return have - context if outcomes else have & context


def test_spine_outputs_for_two_areas(app_ctx, model, state_for):
    fig, table, context_fig, context_table, summary, label = render(
        vspine.spine_outputs(state_for(f"?areas={KERNOW},{NCL}"))
    )
    outcomes = spine_expected(model, KERNOW, outcomes=True)
    context = spine_expected(model, KERNOW, outcomes=False)
    assert outcomes and context and outcomes | context == spine_expected(model, KERNOW)
    for figure, expected in ((fig, outcomes), (context_fig, context)):
        markers = [t for t in figure.data if t.type == "scatter" and t.customdata is not None]
        assert [t.name for t in markers] == ["NHS Kernow CCG", "NHS North Central London CCG"]
        assert {c[1] for c in markers[0].customdata} == expected
    assert fig.layout.title.text.startswith("Area profile: NHS Kernow CCG and 1 other area")
    assert context_fig.layout.title.text.startswith("Context indicators: NHS Kernow CCG and 1 other area")
    # outcome domains first: the outcome chart has no context heading, the context chart no domain
    assert all(not str(k).startswith("§context") for k in fig.layout.yaxis.categoryarray)
    assert [k for k in context_fig.layout.yaxis.categoryarray if str(k).startswith("§")] == ["§context"]
    for component, expected in ((table, outcomes), (context_table, context)):
        assert isinstance(component, dcc.Markdown)  # one component, not one per cell
        assert len(markdown_rows(component)) == len(expected)
    head = markdown_head(table)
    assert "NHS Kernow CCG value" in head and "NHS North Central London CCG value" in head
    assert f"data for {len(outcomes)} outcome indicators" in summary
    assert f"{len(context)} context indicators" in summary
    assert label.startswith(f"Context indicators ({len(context)})")


def test_spine_outputs_without_areas_asks_for_one(app_ctx, state_for):
    fig, hint, *_ = render(vspine.spine_outputs(state_for("")))
    assert isinstance(hint, html.P) and "Choose an area" in hint.children
    assert not any(t.type == "scatter" and t.customdata is not None for t in fig.data)


def test_explorer_outputs(app_ctx, model, state_for):
    state = state_for(f"?x=demo:pct_65plus&y=qof_hyp&indicator=qof_hyp&areas={KERNOW}")
    fig, note, outliers = render(
        vexplorer.explorer_outputs(state, size_by_pop=False, colour_by="region", show_ci=False)
    )
    demo = model.demographics["pct_65plus"].dropna()
    expected = with_value(model, "qof_hyp", "2022/23") & set(demo.index)
    groups = [t for t in fig.data if t.mode == "markers" and t.name != "Selected"]
    assert sum(len(t.x) for t in groups) == len(expected)
    assert len(groups) == 7  # one per region
    texts = [p.children for p in note]
    assert texts[0] == f"n = {len(expected)} of 106 CCGs (April 2021) have both values."
    assert texts[1].startswith(
        "Periods: Hypertension prevalence (y) 2022/23; % of population aged 65+ (x) Mid-2022."
    )
    assert "Different periods are paired" in texts[1]
    assert (
        texts[2].startswith("R² = ")
        and "of the variation in Hypertension prevalence between areas" in texts[2]
    )
    selected = [t for t in fig.data if t.name == "Selected"]
    assert len(selected) == 1 and list(selected[0].text) == ["NHS Kernow CCG"]
    titles = [c.children for c in outliers if isinstance(c, html.H3)]
    assert titles == ["Furthest above the line", "Furthest below the line"]
    assert all(len(c.children) == 5 for c in outliers if isinstance(c, html.Ol))


def test_explorer_outputs_by_category_weighted(app_ctx, state_for):
    state = state_for("?indicator=dementia_ddr_65plus")
    fig, _, _ = render(
        vexplorer.explorer_outputs(state, size_by_pop=True, colour_by="category", show_ci=True)
    )
    groups = [t for t in fig.data if t.mode == "markers"]
    assert groups and all(t.error_y.visible is not False for t in groups)
    assert all(isinstance(t.marker.size, tuple | list) for t in groups)


def test_trends_figure(app_ctx, model, state_for):
    state = state_for(f"?indicator=ft_91547&areas={KERNOW},{NCL}")
    fig = vtrends.trends_figure(state)
    lines = {t.legendgroup: t for t in fig.data if t.mode == "lines+markers"}
    assert set(lines) == {KERNOW, NCL}
    assert lines[KERNOW].name.startswith("NHS Kernow CCG")
    ind = model.indicators
    kernow = ind[
        (ind[s.INDICATOR_ID] == "ft_91547")
        & (ind[s.GEOGRAPHY] == "ccg21")
        & (ind[s.AREA_CODE] == KERNOW)
        & ind[s.VALUE].notna()
    ]
    assert len(lines[KERNOW].x) == len(kernow) == 3
    names = [t.name for t in fig.data if t.mode == "lines"]
    assert "England" in names and "South West" in names  # the focus area's region


def test_trends_figure_without_areas_shows_england(app_ctx, state_for):
    fig = vtrends.trends_figure(state_for("?indicator=dementia_ddr_65plus"))
    assert [t.name for t in fig.data] == ["England"]


def test_trends_figure_for_a_single_period_indicator_is_a_message(app_ctx, state_for):
    """QOF hypertension has only 2022/23: a sentence, not one dot on a millisecond axis."""
    fig = vtrends.trends_figure(state_for(f"?indicator=qof_hyp&areas={KERNOW}"))
    assert len(fig.data) == 0
    assert "only 2022/23" in fig.layout.annotations[0].text


def test_overview_for_a_region_outcomes_first(app_ctx, model, state_for):
    fig, context_fig, summary, label = voverview.overview_outputs(
        state_for(f"?region={SOUTH_WEST}&areas={KERNOW}")
    )
    avail = model.frames["availability"]
    avail = avail[(avail[s.GEOGRAPHY] == "ccg21") & (avail[s.SEX] == "Persons") & (avail["n_values"] > 0)]
    domain = model.catalogue["domain"]
    context_ids = set(domain.index[domain == "context"])
    shown = set(avail[s.INDICATOR_ID]) & in_summaries(model.catalogue)  # unworded survey items: own page
    n_context, n_outcome = len(shown & context_ids), len(shown - context_ids)
    for figure, n_indicators in ((fig, n_outcome), (context_fig, n_context)):
        heat = figure.data[0]
        assert heat.type == "heatmap"
        assert len(heat.x) == n_indicators
        assert len(heat.y) == len(heat.z) == len(region_areas(model, SOUTH_WEST)) == 7
        assert all(len(row) == n_indicators for row in heat.z)
        legend = [t.name for t in figure.data[1:]]
        cells = sum(int(n.rsplit("(", 1)[1].rstrip(")")) for n in legend)
        assert cells == 7 * n_indicators  # every cell is in one legend entry (incl. no data)
    assert summary.startswith(f"{n_outcome} outcome indicators (shown first) and {n_context} context")
    assert "NHS Kernow CCG has values for" in summary
    assert label.startswith(f"Context indicators ({n_context})")
    assert voverview.overview_figure_for(state_for(f"?region={SOUTH_WEST}")).data[0].x == fig.data[0].x


def test_overview_all_regions(app_ctx, state_for):
    fig = voverview.overview_figure_for(state_for(""))
    assert len(fig.data[0].y) == 106


def test_definition_is_drawn_only_while_open(app_ctx, model, state_for):
    state = state_for("?indicator=qof_hyp")
    assert pages.definition_part(state, 0) == ([], True)  # closed: nothing drawn
    assert pages.definition_part(state, 2) == ([], True)
    body, hidden = pages.definition_part(state, 1)
    assert hidden is False
    terms = [c.children for c in body.children if isinstance(c, html.Dt)]
    values = [c.children for c in body.children if isinstance(c, html.Dd)]
    assert terms[:2] == ["Indicator", "Definition"]
    assert values[0] == model.catalogue.at["qof_hyp", "name"]
    assert values[1] == str(model.catalogue.at["qof_hyp", "definition"])


def test_table_component_formats_numbers():
    import pandas as pd

    table = render(
        vspine.markdown_table(pd.DataFrame({"a": ["x"], "v": [1234.5], "w": [0.123456], "n": [float("nan")]}))
    )
    assert markdown_head(table) == ["a", "v", "w", "n"]
    assert markdown_rows(table) == [["x", "1,234", "0.1235", ""]]


def test_table_component_escapes_markup():
    """Names are text: nothing in them becomes a link, emphasis, HTML or a new cell."""
    import pandas as pd

    name = "A | B *not bold* <b>x</b> [link](http://x) & more"
    table = render(vspine.markdown_table(pd.DataFrame({"Indicator": [name]})))
    assert "\\|" in table.children and "&lt;b\\>" in table.children
    assert markdown_rows(table) == [[name]]


def test_explorer_outputs_with_a_line_that_explains_nothing(app_ctx, state_for):
    """IMD rank against hypertension: R² near 0, so the furthest-from-the-line lists say so."""
    state = state_for("?x=demo:imd19_mean_rank&y=qof_hyp&indicator=qof_hyp")
    fig, note, outliers = render(
        vexplorer.explorer_outputs(state, size_by_pop=False, colour_by="region", show_ci=False)
    )
    assert "explains almost none of the variation" in note[2].children
    assert "The line explains almost nothing" in outliers[0].children


def test_explorer_outputs_name_the_missing_areas_reason(app_ctx, model, state_for):
    state = state_for("?x=demo:am_unemployment_pct&y=qof_hyp&indicator=qof_hyp")
    _, note, _ = render(
        vexplorer.explorer_outputs(state, size_by_pop=False, colour_by="region", show_ci=False)
    )
    unemployment = model.demographics["am_unemployment_pct"]
    no_x = int(unemployment.reindex(with_value(model, "qof_hyp", "2022/23")).isna().sum())
    assert no_x > 0
    assert note[0].children.startswith(f"n = {106 - no_x} of 106 CCGs (April 2021) have both values: ")
    assert f"{no_x} have no value for x" in note[0].children


def test_map_view_brings_the_focus_area_or_london_into_view(app_ctx, model, state_for):
    from figures.map import FIT_VIEW, feature_bounds

    state = state_for(f"?areas={KERNOW}", page="map")
    patch = pages.map_answer(state, "focus", "ccg21")[0].to_plotly_json()
    ops = {
        tuple(op["location"]): op["params"]["value"]
        for op in patch["operations"]
        if op["location"][:2] == ["layout", "geo"]
    }
    # only the view's leaves: the projection keeps its type (mercator)
    assert set(ops) == {
        ("layout", "geo", "center", "lon"),
        ("layout", "geo", "center", "lat"),
        ("layout", "geo", "lonaxis", "range"),
        ("layout", "geo", "lataxis", "range"),
        ("layout", "geo", "projection", "scale"),
    }
    centre = {"lon": ops[("layout", "geo", "center", "lon")], "lat": ops[("layout", "geo", "center", "lat")]}
    west, south, east, north = feature_bounds(model.geojson["ccg21"], KERNOW)
    assert west < centre["lon"] < east and south < centre["lat"] < north
    (lon0, lon1), (lat0, lat1) = (
        ops[("layout", "geo", "lonaxis", "range")],
        ops[("layout", "geo", "lataxis", "range")],
    )
    assert lon0 <= west and lon1 >= east and lat0 <= south and lat1 >= north
    london = vmap.map_view_for(state, "london")
    assert -0.4 < london["center"]["lon"] < 0.2 and 51.3 < london["center"]["lat"] < 51.7
    # England: plotly's own fit of the layer (every view key unset turns geo.fitbounds back on)
    england = vmap.map_view_for(state, "england")
    assert england == vmap.map_view_for(state_for("", page="map"), "focus") == FIT_VIEW
    reset = pages.map_answer(state, "england", "ccg21")[0].to_plotly_json()
    view = [op for op in reset["operations"] if op["location"][:2] == ["layout", "geo"]]
    assert {tuple(op["location"]) for op in view} == set(ops)
    assert all(op["params"]["value"] is None for op in view)


def test_map_selected_values_beside_the_map(app_ctx, state_for):
    children = render(vmap.selected_areas(state_for(f"?areas={KERNOW},{NCL}", page="map")))
    terms = [c.children for c in children[1].children if isinstance(c, html.Dt)]
    assert terms == ["NHS Kernow CCG", "NHS North Central London CCG", "Benchmark: England"]
    values = [c.children for c in children[1].children if isinstance(c, html.Dd)]
    assert "95% CI" in values[0] and "than England" in values[0] or "similar to England" in values[0]
    empty = render(vmap.selected_areas(state_for("", page="map")))
    assert "Click an area" in empty.children


def test_options_that_cannot_apply_are_disabled_with_a_reason(app_ctx, model, state_for):
    layout, colour = vmap.map_choices(state_for("?geography=ccg21", page="map"))
    cartogram = [o for o in layout if o["value"] == "cartogram"][0]
    assert cartogram["disabled"] is True and "only for CCG 2018 and CCG 2019" in cartogram["label"]
    layout, _ = vmap.map_choices({**state_for("", page="map"), "geography": "ccg19"})
    assert not [o for o in layout if o["value"] == "cartogram"][0]["disabled"]
    no_limits = model.catalogue.index[model.catalogue["ci_method"].str.lower() == "none"]
    assert len(no_limits)
    _, colour = vmap.map_choices(state_for(f"?indicator={no_limits[0]}", page="map"))
    category = [o for o in colour if o["value"] == "category"][0]
    assert category["disabled"] is True and "needs confidence intervals" in category["label"]


@pytest.mark.parametrize(("page", "n_outputs"), [("spine", 2), ("overview", 1)])
def test_a_context_section_is_drawn_only_while_open(app_ctx, state_for, page, n_outputs):
    """The collapsed context section's chart: nothing while closed; opened, the selection's chart
    (and, on the spine, its table), the same as the whole view's."""
    state = state_for(f"?areas={KERNOW},{NCL}&region={SOUTH_WEST}", page=page)
    update = pages.UPDATES[page]
    n_main = len(pages.PAGE_OUTPUTS[page])
    for closed in (False, None):
        out = update(state, closed)
        assert len(out) == n_main + n_outputs and all(v is no_update for v in out[n_main:])
    opened = update(state, True)
    figure = opened[n_main]
    assert isinstance(figure, dict) and figure["data"], type(figure)  # a figure, not a list of one
    whole = vspine.spine_view(state) if page == "spine" else voverview.overview_view(state)
    assert json.dumps(figure, sort_keys=True, default=str) == json.dumps(
        whole[2 if page == "spine" else 1], sort_keys=True, default=str
    )
    assert out[0] == opened[0]  # the page's own chart either way: each answer is whole


def test_the_glossary_page_is_one_table_drawn_when_first_shown(app_ctx, model):
    """Not in the first load of other pages (its Markdown's script would load with them): its
    content is sent the first time its page is shown (callbacks.sync.mount)."""
    from layouts import ids
    from layouts.pages import LAZY_PAGES, page_content

    assert "glossary" in LAZY_PAGES
    body = page_content(model, "glossary")
    assert body.id == ids.GLOSSARY_BODY
    assert isinstance(body.children[1], dcc.Markdown) and "| **A&amp;E** |" in body.children[1].children


def test_no_markdown_in_the_first_layout(model):
    """dcc.Markdown's script (about 100 kB with its highlighter) loads when one is mounted: none is
    in the layout every page loads with."""
    from app import app

    def walk(node):
        yield node
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str | int | float):
                yield from walk(child)

    layout = app.layout() if callable(app.layout) else app.layout
    assert not [n for n in walk(layout) if isinstance(n, dcc.Markdown)]
