"""Areas by (geography, code): codes repeat across geographies, so names are looked up by both."""

from __future__ import annotations

from data.model import schema as s
from data.queries.areas import area_name, area_names, area_word, focus_geography, geographies_of, geography_of
from data.queries.comparator import comparator_for

CORNWALL_ICB = "E54000036"  # also the STP 2021 and ICB 2022 code of the same place
KERNOW = "E38000089"  # CCG 2021, Sub-ICB 2022 and sub-ICB 2023 (unchanged area)
SOUTH_YORKSHIRE = "E54000061"


def test_an_icb_code_is_named_as_the_icb_not_the_stp(model):
    assert area_name(model, CORNWALL_ICB, s.ICB_GEOGRAPHY) == "NHS Cornwall and the Isles of Scilly ICB"
    assert area_name(model, CORNWALL_ICB, "stp21") == (
        "Cornwall and the Isles of Scilly Health and Social Care Partnership"
    )
    # A bare code means the ICB 2023, never the STP of the same code.
    assert geography_of(model, CORNWALL_ICB) == s.ICB_GEOGRAPHY
    assert area_name(model, CORNWALL_ICB) == "NHS Cornwall and the Isles of Scilly ICB"
    assert geographies_of(model, CORNWALL_ICB) == [s.ICB_GEOGRAPHY, "icb22", "stp21"]


def test_a_sub_icb_code_is_named_for_the_view(model):
    assert area_name(model, KERNOW, s.HOME_GEOGRAPHY) == "NHS Kernow CCG"
    assert area_name(model, KERNOW, s.SUBICB_GEOGRAPHY) == (
        "NHS Cornwall and the Isles of Scilly ICB – 11N (formerly NHS Kernow CCG)"
    )
    # Asked for a geography the code is not an area of: the name of the geography it means.
    assert area_name(model, KERNOW, s.ICB_GEOGRAPHY) == "NHS Kernow CCG"
    assert area_names(model, [KERNOW, "nonsense"], s.SUBICB_GEOGRAPHY)["nonsense"] == "nonsense"


def test_focus_geography_prefers_the_view(model):
    assert focus_geography(model, [KERNOW], s.SUBICB_GEOGRAPHY) == s.SUBICB_GEOGRAPHY
    assert focus_geography(model, [KERNOW], s.ICB_GEOGRAPHY) == s.HOME_GEOGRAPHY
    assert focus_geography(model, [SOUTH_YORKSHIRE], s.HOME_GEOGRAPHY) == s.ICB_GEOGRAPHY
    assert focus_geography(model, [], s.HOME_GEOGRAPHY) is None


def test_area_words():
    assert (area_word(s.ICB_GEOGRAPHY), area_word(s.ICB_GEOGRAPHY, 2)) == ("ICB", "ICBs")
    assert area_word(s.SUBICB_GEOGRAPHY, 3) == "sub-ICB locations"
    assert area_word(s.HOME_GEOGRAPHY, 106) == "CCGs"


def test_the_peers_comparator_names_the_icb(model):
    comp = comparator_for(model, "peers", focus=CORNWALL_ICB, geography=s.ICB_GEOGRAPHY)
    assert comp.focus_name == "NHS Cornwall and the Isles of Scilly ICB"
    assert comp.peer_words == "similar ICBs"
    assert len(comp.peers) == 5
