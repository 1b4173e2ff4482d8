"""layouts.shell / pages / controls: every id present once, options built from the real model."""

from __future__ import annotations

import pytest

from layouts import ids
from layouts.controls import area_options, controls, indicator_options, region_options
from layouts.pages import EAGER_PAGES, LAZY_PAGES, page_content, pages, variable_options
from layouts.shell import navigation, shell
from selection import DEMOGRAPHIC_PREFIX, PAGE_TITLES, PAGES


def walk(component):
    """Every component in a Dash tree (depth first)."""
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    if not isinstance(children, list | tuple):
        children = [children]
    for child in children:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


def all_declared_ids() -> set[str]:
    fixed = {v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)}
    summaries = {ids.chart_summary(v) for k, v in vars(ids).items() if k.endswith(("_GRAPH", "_MAP"))}
    pages = {ids.page_container(p) for p in PAGES} | {ids.nav_link(p) for p in PAGES}
    bodies = {ids.page_body(p) for p in LAZY_PAGES}
    return fixed | summaries | pages | bodies | {ids.page_state(p) for p in PAGES}


@pytest.fixture(scope="module")
def layout(model):
    return shell(model)


@pytest.fixture(scope="module")
def by_id(layout, model):
    """Every component by id: the first layout, and each page drawn when first shown."""
    found: dict[str, list] = {}
    for c in [*walk(layout), *[c for p in LAZY_PAGES for c in walk(page_content(model, p))]]:
        cid = getattr(c, "id", None)
        if cid is not None:
            found.setdefault(cid, []).append(c)
    return found


def test_every_id_appears_exactly_once(by_id):
    assert {k: len(v) for k, v in by_id.items() if len(v) > 1} == {}
    missing = all_declared_ids() - set(by_id)
    assert missing == set()
    undeclared = set(by_id) - all_declared_ids()
    assert undeclared == set()


def test_only_the_home_page_is_shown_at_first(by_id):
    for page in PAGES:
        (section,) = by_id[ids.page_container(page)]
        assert section.hidden is (page != "experience")
        title = section.children[0]
        assert title.children == PAGE_TITLES[page]


def test_navigation_links_every_page():
    nav = navigation()
    assert [link.href for link in nav.children] == [f"/{p}" for p in PAGES]
    assert [link.children for link in nav.children] == [PAGE_TITLES[p] for p in PAGES]


def test_location_refreshes_by_callback_only(by_id):
    (url,) = by_id[ids.URL]
    assert url.refresh == "callback-nav"


def test_indicator_options_cover_the_catalogue(model):
    opts = indicator_options(model.catalogue)
    values = [o["value"] for o in opts if not o.get("disabled")]
    assert sorted(values) == sorted(model.catalogue.index)
    headings = [o for o in opts if o.get("disabled")]
    assert headings and all(o["value"].startswith("__domain_") for o in headings)
    assert opts[0].get("disabled")  # starts with a heading
    hyp = next(o for o in opts if o["value"] == "qof_hyp")
    assert "qof_hyp" in hyp["search"] and hyp["label"] == model.catalogue.at["qof_hyp", "short_name"]


def test_area_and_region_options(model):
    ccg21 = area_options(model, "ccg21")
    assert len(ccg21) == 106
    kernow = next(o for o in ccg21 if o["value"] == "E38000089")
    assert kernow["label"] == "NHS Kernow CCG (11N)" and "11N" in kernow["search"]
    assert [o["label"] for o in ccg21] == sorted(o["label"] for o in ccg21)
    assert len(area_options(model, "icb22")) == 42
    regions = region_options(model)  # every set's regions, until the geography's own list arrives
    assert regions[0] == {"label": "All regions", "value": ""}
    assert len(regions) == 12 and {"label": "South West", "value": "E40000006"} in regions
    assert {"E40000009", "E40000012"} <= {o["value"] for o in regions}  # NEY 2021 and 2024


def test_variable_options_demographics_then_indicators(model):
    opts = variable_options(model)
    values = [o["value"] for o in opts if not o.get("disabled")]
    n_demo = len(model.demographic_catalogue)
    assert all(v.startswith(DEMOGRAPHIC_PREFIX) for v in values[:n_demo])
    assert sorted(values[n_demo:]) == sorted(model.catalogue.index)


def test_controls_hold_the_shared_controls(model):
    found = {getattr(c, "id", None) for c in walk(controls(model))}
    for cid in (
        ids.INDICATOR,
        ids.PERIOD,
        ids.GEOGRAPHY,
        ids.SEX,
        ids.AREAS,
        ids.REGION,
        ids.BENCHMARK,
        ids.CI,
    ):
        assert cid in found


def test_each_page_holds_its_view(model):
    sections = {s.id: {getattr(c, "id", None) for c in walk(s)} for s in pages(model)}
    assert ids.MAP_GRAPH in sections[ids.page_container("map")]
    assert ids.COMPARE_GRAPH in sections[ids.page_container("compare")]
    assert ids.EXPLORER_GRAPH in sections[ids.page_container("explorer")]
    drawn = {p: {getattr(c, "id", None) for c in walk(page_content(model, p))} for p in LAZY_PAGES}
    assert ids.TABLE_HOLDER in drawn["table"]
    assert ids.SPINE_GRAPH in drawn["spine"]
    assert ids.TRENDS_GRAPH in drawn["trends"]
    assert ids.OVERVIEW_GRAPH in drawn["overview"]


def test_only_the_pages_that_hold_inputs_of_the_sync_callback_are_drawn_from_the_start(layout, model):
    """dash-renderer fires a callback only while all its inputs are in the layout: the pages holding
    the sync callback's are there from the start; every other page's body is empty until shown."""
    from callbacks.sync import FRAME_INPUTS, INPUTS

    wanted = {cid for cid, _ in (*INPUTS, *FRAME_INPUTS)}
    first = {getattr(c, "id", None) for c in walk(layout)}
    assert wanted <= first
    holding = {p for p in PAGES if wanted & {getattr(c, "id", None) for c in walk(page_content(model, p))}}
    assert holding == set(EAGER_PAGES)
    bodies = [c for c in walk(layout) if getattr(c, "id", None) in {ids.page_body(p) for p in LAZY_PAGES}]
    assert len(bodies) == len(LAZY_PAGES) and all(not b.children for b in bodies)


def test_no_graph_offers_the_cloud_or_its_own_image_download(layout, model):
    """Information governance: no modebar may upload to Plotly; downloads go through the exports."""
    from dash import dcc

    every = [*walk(layout), *[c for p in LAZY_PAGES for c in walk(page_content(model, p))]]
    graphs = [c for c in every if isinstance(c, dcc.Graph)]
    assert len(graphs) >= 7
    for graph in graphs:
        config = graph.config
        assert config.get("showSendToCloud") is False and config.get("showEditInChartStudio") is False
        assert config.get("showLink") is False and config.get("plotlyServerURL") == ""
        removed = set(config.get("modeBarButtonsToRemove", []))
        assert {"toImage", "sendDataToCloud", "editInChartStudio"} <= removed, graph.id


def test_no_callback_waits_on_a_page_not_yet_drawn(dash_app, model):
    """dash-renderer runs a callback only while every one of its inputs and states is in the
    layout: one that reads a prop inside a page drawn when first shown must belong to that page
    (all its outputs there) or read nothing but that page, else it would stop working until the page
    is first shown (why the sync callback's pages are in ``EAGER_PAGES``)."""
    from dash._callback import GLOBAL_CALLBACK_MAP

    dash_app.server.test_client().get("/_dash-layout")  # Dash fills its callback map on the first request
    page_of = {getattr(c, "id", None): p for p in LAZY_PAGES for c in walk(page_content(model, p))}
    page_of.pop(None, None)
    checked = 0
    for key, entry in {**GLOBAL_CALLBACK_MAP, **dash_app.callback_map}.items():
        outputs = [part.rsplit(".", 1)[0].split("@")[0] for part in key.strip(".").split("...")]
        reads = [i["id"] for i in (*entry["inputs"], *entry.get("state", []))]
        pages_read = {page_of[i] for i in reads if i in page_of}
        if not pages_read:
            continue
        checked += 1
        assert len(pages_read) == 1, (key, pages_read)
        (page,) = pages_read
        assert all(page_of.get(o) == page for o in outputs) or all(page_of.get(i) == page for i in reads), key
    assert checked >= 5  # the table's pick, the catalogue's search, the summaries, the context sections
