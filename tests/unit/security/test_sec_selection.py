"""One validation for every path: a selection sent as data obeys the URL's rules."""

from __future__ import annotations

import pytest

from selection import MAX_AREA_TOKENS, MAX_AREAS, parse_query, parse_selection, to_query

KERNOW, BARNET = "E38000089", "E38000240"


def test_a_valid_store_is_unchanged(model, state_for):
    state = state_for(f"?indicator=qof_hyp&areas={KERNOW},{BARNET}&ci=99.8", page="spine")
    again, notices = parse_selection(model, state)
    assert again == state
    assert notices == []


def test_same_result_as_the_url(model):
    wanted = {"indicator": "qof_hyp", "areas": [KERNOW, "nonsense"], "ci": "99.8", "sort": "bogus"}
    from_data = parse_selection(model, wanted)
    from_url = parse_query(model, f"?indicator=qof_hyp&areas={KERNOW},nonsense&ci=99.8&sort=bogus")
    assert from_data == from_url
    assert from_data[0]["areas"] == [KERNOW]
    assert any("nonsense" in n for n in from_data[1])


def test_thousands_of_areas_are_cut_to_six(model):
    codes = sorted(model.areas.loc[model.areas["geography"] == "ccg21", "area_code"])
    state, notices = parse_selection(model, {"areas": codes * 30})
    assert state["areas"] == codes[:MAX_AREAS]
    assert any(f"first {MAX_AREA_TOKENS}" in n for n in notices)


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "indicator=qof_hyp",
        42,
        {"indicator": ["qof_hyp"]},
        {"indicator": {"$ne": 1}, "areas": {"a": 1}},
        {"areas": [None, 1.5, True, {"x": 1}, [KERNOW]]},
        {"period": "x" * 100_000, "geography": None, "sex": 3},
        {1: "a", None: "b"},
        {"page": {"x": 1}},
    ],
)
def test_any_data_gives_a_complete_known_selection(model, data):
    state, _ = parse_selection(model, data)
    default, _ = parse_query(model, "")
    assert set(default) <= set(state)
    assert state["indicator"] in model.catalogue.index
    assert all(isinstance(a, str) for a in state["areas"]) and len(state["areas"]) <= MAX_AREAS
    assert len(to_query(state)) < 500


def test_page_is_kept_only_if_known(model):
    assert parse_selection(model, {"page": "spine"})[0]["page"] == "spine"
    assert parse_selection(model, {"page": "../../etc"})[0]["page"] == "experience"  # the home page
    assert "page" not in parse_selection(model, {})[0]


def test_too_many_query_fields_falls_back_to_defaults(model):
    state, notices = parse_query(model, "&".join(f"k{i}=v" for i in range(1000)))
    assert state == parse_query(model, "")[0]
    assert "parameters" in notices[0]


def test_non_string_query_is_the_default(model):
    assert parse_query(model, 5)[0] == parse_query(model, "")[0]
