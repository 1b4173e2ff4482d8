"""One search box (issue 18): the Areas box finds an area from a CCG or sub-ICB name or code (old
and new), a local authority or a former CCG, best match first, and says so when it knows nothing."""

from __future__ import annotations

import pytest

from views.places import area_search_options

KERNOW, BLACK_COUNTRY = "E38000089", "E38000250"


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("Cornwall", KERNOW),
        ("Isles of Scilly", KERNOW),
        ("11N", KERNOW),
        ("E38000089", KERNOW),
        ("Kernow", KERNOW),
        ("kernw", KERNOW),  # a misspelling: the closest name
        ("NHS Cornwall and the Isles of Scilly", KERNOW),  # the sub-ICB location's name
        ("05Y", BLACK_COUNTRY),  # a former CCG's code
        ("NHS Walsall", BLACK_COUNTRY),  # a former CCG's name
        ("Sandwel Wst Birmingham", BLACK_COUNTRY),
        ("Barnsley", "E38000006"),
    ],
)
def test_the_areas_box_finds_the_area(typed, first):
    options = area_search_options(typed, {"geography": "ccg21"}, [])
    assert options[0]["value"] == first
    assert all(o["search"] == typed for o in options)  # the box's own filter keeps every answer
    assert len({o["value"] for o in options}) == len(options)  # one option per area


def test_a_place_it_does_not_know_says_so():
    options = area_search_options("Truro", {"geography": "ccg21"}, [])
    assert len(options) == 1 and options[0]["disabled"]
    assert "is called 'Truro'" in options[0]["label"] and "Thurrock" not in options[0]["label"]


def test_the_selected_areas_stay_and_the_geography_is_the_maps():
    options = area_search_options("Barnsley", {"geography": "ccg21"}, [KERNOW])
    assert [o["value"] for o in options][:2] == [KERNOW, "E38000006"]
    sub_icb = area_search_options("Cornwall", {"geography": "sicbl23"}, [])
    assert sub_icb[0]["label"].startswith("NHS Cornwall and the Isles of Scilly ICB")
    assert area_search_options("C", {"geography": "ccg21"}, []) is None  # one letter: nothing sent
