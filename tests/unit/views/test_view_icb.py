"""Every page with an ICB as the focus area (issue 19): NHS Cornwall and the Isles of Scilly ICB
(E54000036, whose code is also the STP 2021 "Cornwall and the Isles of Scilly Health and Social
Care Partnership") and NHS South Yorkshire ICB (E54000061)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from data.model import schema as s
from data.model.core import methods_index
from data.model.harmonise import is_aggregable
from data.queries.rows import indicator_periods
from selection import parse_query
from views.alerts import focus_section, national_section
from views.common import freeze
from views.compare import compare_figure, compare_sentence
from views.controls import benchmark_options, geography_notes, geography_options
from views.funnel import funnel_sentence
from views.map import full_map, map_inputs, map_sentence, region_layer, selected_areas
from views.overview import overview_outputs
from views.peers import peers_panel
from views.places import area_search_options
from views.spine import spine_outputs
from views.table import table_rows
from views.trends import trends_dict

CORNWALL = "E54000036"
CORNWALL_NAME = "NHS Cornwall and the Isles of Scilly ICB"
STP_NAME = "Health and Social Care Partnership"  # what a code-only lookup once showed
SOUTH_YORKSHIRE = "E54000061"
DNA = "gp_appt_dna_rate"  # 49 of 106 CCGs; 32 of 42 ICBs


def icb(query: str) -> str:
    return f"?geography=icb23&{query}"


def test_a_bare_icb_code_opens_the_icb_geography(model):
    state, notices = parse_query(model, f"?areas={CORNWALL}")
    assert notices == []
    assert (state["geography"], state["areas"]) == (s.ICB_GEOGRAPHY, [CORNWALL])
    # an old CCG code still opens the CCG map
    state, _ = parse_query(model, "?areas=E38000089")
    assert state["geography"] == s.HOME_GEOGRAPHY


def test_map_draws_42_icbs_with_values_for_every_additive_indicator(app_ctx, model, state_for):
    methods = model.frames["geography_methods"].set_index([s.INDICATOR_ID, s.GEOGRAPHY])
    trust_means = set(methods.index[methods["status"] == "trust mean"].get_level_values(0))
    additive = [
        i for i in model.catalogue.index if is_aggregable(model.catalogue.loc[i]) and i not in trust_means
    ]
    assert len(additive) >= 40
    for indicator in additive:
        period = indicator_periods(model, indicator, s.ICB_GEOGRAPHY)[-1]
        frame, layer = map_inputs(state_for(icb(f"indicator={indicator}&period={period}")))
        assert layer == s.ICB_GEOGRAPHY
        expected = int(methods.at[(indicator, s.ICB_GEOGRAPHY), "n_areas"])
        assert frame[s.VALUE].notna().sum() == expected, indicator
        assert expected == 42 or methods.at[(indicator, s.ICB_GEOGRAPHY), "status"] == "partial"
    assert len(model.geojson[s.ICB_GEOGRAPHY]["features"]) == 42


def test_map_uses_its_own_boundaries_and_regions_of_the_same_vintage(app_ctx, model, state_for):
    state = state_for(icb(f"indicator=gp_fft_positive&areas={CORNWALL}"))
    fig = full_map(state)
    urls = [t.geojson for t in fig.data if isinstance(getattr(t, "geojson", None), str)]
    assert any(u.endswith("/icb23.json") for u in urls) and any(u.endswith("/nhser24.json") for u in urls)
    assert not any(u.endswith("/nhser21.json") for u in urls)
    assert region_layer("sicbl23") == region_layer("icb22") == "nhser24"
    assert region_layer("ccg21") == region_layer("stp21") == "nhser21"
    # the Isles of Scilly are drawn: Cornwall's polygons reach west of 6.2 degrees W
    feature = next(f for f in model.geojson[s.ICB_GEOGRAPHY]["features"] if f["id"] == CORNWALL)
    xs = [pt[0] for poly in feature["geometry"]["coordinates"] for ring in poly for pt in ring]
    assert min(xs) < -6.2
    text = str(selected_areas(state))
    assert CORNWALL_NAME in text and STP_NAME not in text
    assert CORNWALL_NAME in map_sentence(freeze(state))


def test_sub_icb_2022_is_drawn_on_the_2023_boundaries(app_ctx, state_for):
    frame, layer = map_inputs(state_for("?indicator=qof_hyp&geography=sicbl22"))
    assert layer == s.SUBICB_GEOGRAPHY
    assert {"E38000264", "E38000265"} <= set(frame[s.AREA_CODE])  # 92A and 70F by ODS code


def test_compare_names_the_partial_comparator_in_icbs(app_ctx, state_for):
    state = state_for(icb(f"indicator={DNA}&areas={CORNWALL}"))
    fig = compare_figure(state)
    texts = [a.text for a in fig.layout.annotations] + [fig.layout.title.text]
    assert any("32 of 42 ICBs with data" in t for t in texts)
    assert not any("CCGs with data" in t for t in texts)
    sentence = compare_sentence(freeze(state))
    assert "32 of 42 ICBs with data" in sentence and "CCGs" not in sentence
    assert CORNWALL_NAME in str(fig.layout.yaxis.ticktext)


def test_compare_with_similar_icbs(app_ctx, state_for):
    state = state_for(icb(f"indicator=gp_fft_positive&areas={SOUTH_YORKSHIRE}&benchmark=peers"))
    fig = compare_figure(state)
    assert sum("◆" in t for t in fig.layout.yaxis.ticktext) == 5
    assert any(a.text.startswith("Similar ICBs") for a in fig.layout.annotations)
    # one comparator, named with its value (issue 18)
    assert (
        "colours compare with NHS South Yorkshire ICB's 5 similar ICBs (91.6%, pooled)"
        in fig.layout.title.text
    )
    assert [o["label"] for o in benchmark_options(state)][2] == "Similar ICBs"
    panel = str(peers_panel(state)[0])
    assert "5 ICBs most like NHS South Yorkshire ICB" in panel and "Similar CCG" not in panel


def test_table_of_42_icbs(app_ctx, state_for):
    rows = table_rows(state_for(icb(f"indicator=qof_hyp&areas={CORNWALL}"), page="table"))
    assert len(rows) == 42
    assert next(r["area_name"] for r in rows if r["area_code"] == CORNWALL) == CORNWALL_NAME
    peers = table_rows(state_for(icb(f"indicator=qof_hyp&areas={CORNWALL}&benchmark=peers"), page="table"))
    assert len(peers) == 6


@pytest.mark.parametrize("area", [CORNWALL, SOUTH_YORKSHIRE])
def test_spine_of_an_icb(app_ctx, state_for, area, model):
    fig, table, _context, _ctable, summary, _label = spine_outputs(
        state_for(icb(f"areas={area}"), page="spine")
    )
    name = str(
        model.areas.loc[
            (model.areas[s.AREA_CODE] == area) & (model.areas[s.GEOGRAPHY] == "icb23"), "area_name"
        ].iloc[0]
    )
    n_outcome = int(re.match(rf"{re.escape(name)} has data for (\d+) outcome indicators", summary).group(1))
    assert n_outcome >= 15  # every outcome indicator the summaries show has ICB values
    assert STP_NAME not in str(fig.layout.title.text)
    assert "32 of 42 ICBs with data" in str(table.children) and "CCGs with data" not in str(table.children)


def test_overview_of_42_icbs(app_ctx, state_for):
    fig, _context, summary, _label = overview_outputs(state_for(icb(f"areas={CORNWALL}"), page="overview"))
    assert len(set(fig.data[0].y)) == 42
    assert CORNWALL_NAME in summary


def test_trends_name_the_icb_and_its_national_line(app_ctx, state_for):
    fig = trends_dict(state_for(icb(f"indicator={DNA}&areas={CORNWALL}"), page="trends"))
    names = [t.get("name") or "" for t in fig["data"]]
    assert any(CORNWALL_NAME in n for n in names)
    assert any("32 of 42 ICBs with data" in n for n in names)


def test_funnel_of_42_icbs(app_ctx, state_for):
    sentence = funnel_sentence(
        freeze(state_for(icb(f"indicator=qof_hyp&areas={SOUTH_YORKSHIRE}"), page="funnel"))
    )
    assert "for 42 ICB (April 2023) areas" in sentence and "NHS South Yorkshire ICB" in sentence


def test_early_warning_of_an_icb(app_ctx, state_for):
    state = state_for(icb(f"areas={CORNWALL}"), page="alerts")
    heading = str(focus_section(state)[0])
    assert f"{CORNWALL_NAME}: compared with England" in heading
    national = str(national_section(state)[0])
    assert "ICBs (April 2023)" in national and "CCG" not in national
    peers = str(focus_section(state_for(icb(f"areas={CORNWALL}&benchmark=peers"), page="alerts"))[0])
    assert f"compared with {CORNWALL_NAME}'s" in peers and "similar ICBs" in peers and "CCG" not in peers


def test_area_search_offers_areas_of_the_view_geography(app_ctx, state_for):
    """One search box: what is typed finds areas of the view's geography, saying why they matched."""

    def found(text: str, query: str) -> dict[str, str]:
        state = state_for(f"?indicator=qof_hyp{query}", page="map")
        return {o["value"]: o["label"] for o in area_search_options(text, state)}

    on_icbs = found("Barnsley", "&geography=icb23")
    assert on_icbs == {SOUTH_YORKSHIRE: "NHS South Yorkshire ICB (QF7) · Barnsley, local authority"}
    on_ccgs = found("South Yorkshire", "")
    assert {"E38000006", "E38000044", "E38000141"} <= set(on_ccgs)  # Barnsley, Doncaster, Rotherham
    assert "sub-ICB location" in on_ccgs["E38000006"]
    on_sub_icbs = found("Barnsley", "&geography=sicbl23")
    assert on_sub_icbs["E38000006"].startswith("NHS South Yorkshire ICB – 02P (formerly NHS Barnsley CCG)")


def test_selector_labels_in_words_people_use(model):
    options = {o["value"]: o for o in geography_options(model, "qof_hyp")}
    assert options["ccg21"]["label"] == "CCGs, April 2021 (106; now sub-ICB locations)"
    assert options["sicbl23"]["label"] == "Sub-ICB locations, 2023 (106; with former CCG names)"
    assert options["icb23"]["label"] == "ICBs, 2023 (42)"
    assert options["icb23"]["title"].startswith("ICB (April 2023): ")
    partial = {o["value"]: o for o in geography_options(model, DNA)}
    assert partial["icb23"]["label"] == "ICBs, 2023 (32 of 42 with data)"
    assert "a member area has no data" in partial["icb23"]["title"]


def test_selector_says_why_a_geography_has_no_values(model):
    """An indicator without ICB values (synthetic: its ICB rows taken away) keeps the option,
    disabled, with the build's reason in the label."""
    methods = model.frames["geography_methods"].copy()
    at = (methods[s.INDICATOR_ID] == "mort_treatable_u75") & (methods[s.GEOGRAPHY] == s.ICB_GEOGRAPHY)
    methods.loc[at, ["status", "n_areas", "how"]] = [
        "none",
        0,
        "ICB (April 2023): not shown: no area of this geography has every member area with data",
    ]
    have = model.available["mort_treatable_u75"]
    available = dict(model.available)
    available["mort_treatable_u75"] = dataclasses.replace(
        have, geographies=have.geographies - {s.ICB_GEOGRAPHY}
    )
    synthetic = dataclasses.replace(
        model,
        frames={**dict(model.frames.items()), "geography_methods": methods},
        available=available,
        methods=methods_index(methods),
    )
    option = next(
        o for o in geography_options(synthetic, "mort_treatable_u75") if o["value"] == s.ICB_GEOGRAPHY
    )
    assert option["disabled"] is True
    assert option["label"] == (
        "ICBs, 2023 (42): not shown: no area of this geography has every member area with data"
    )
    state, notices = parse_query(synthetic, "?indicator=mort_treatable_u75&geography=icb23")
    assert state["geography"] == s.HOME_GEOGRAPHY
    assert notices == [
        "This indicator has no data for 'ICB (April 2023)' (not shown: no area of this geography has every "
        "member area with data): showing CCG (April 2021)."
    ]


def test_the_page_says_how_icb_values_were_made(model, state_for):
    notes = geography_notes(model, state_for(icb("indicator=mort_treatable_u75&benchmark=region")))
    assert notes[0].startswith("ICB (April 2023): population-weighted means of smaller areas' values")
    assert notes[1] == (
        "No region value to compare with: values of this statistic (dsr) cannot be summed to regions, "
        "and the source publishes no region values."
    )
    assert geography_notes(model, state_for(icb("indicator=dementia_ddr_65plus"))) == []  # as published
    assert "32 of 42 areas have a value" in geography_notes(model, state_for(icb(f"indicator={DNA}")))[0]


def test_regions_follow_the_geography(model):
    from views.controls import region_options

    icb_regions = {o["label"]: o["value"] for o in region_options(model, s.ICB_GEOGRAPHY)}
    assert icb_regions["North East and Yorkshire"] == "E40000012"  # 2024 code
    assert {o["label"]: o["value"] for o in region_options(model, s.HOME_GEOGRAPHY)}[
        "North East and Yorkshire"
    ] == "E40000009"  # 2021 code
    # a link's region is read in the geography's own set, the same region by name
    state, notices = parse_query(model, "?geography=icb23&region=E40000009")
    assert (state["region"], notices) == ("E40000012", [])
    state, _ = parse_query(model, "?region=E40000014")
    assert state["region"] == "E40000010"  # North West, April 2021


def test_overview_of_one_2024_region(app_ctx, state_for):
    fig, _context, _summary, _label = overview_outputs(
        state_for(icb(f"region=E40000012&areas={SOUTH_YORKSHIRE}"), page="overview")
    )
    assert len(set(fig.data[0].y)) == 4  # Humber and North Yorkshire, NENC, South Yorkshire, West Yorkshire
