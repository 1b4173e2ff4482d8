"""selection: the query string <-> selection round trip, against the real model."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from data.queries.rows import indicator_periods
from selection import (
    CHOICES,
    DEFAULTS,
    MAX_AREAS,
    PAGES,
    default_indicator,
    default_x,
    known_area_codes,
    page_of,
    parse_query,
    to_query,
    variable_exists,
)

KERNOW, BARNET = "E38000089", "E38000240"
SOUTH_WEST = "E40000006"

ROUND_TRIPS = [
    "",
    "?indicator=qof_hyp",
    "?indicator=dementia_ddr_65plus&period=2024-10",
    "?indicator=dementia_ddr_65plus&period=2024-10&geography=sicbl23",
    "?indicator=dementia_ddr_65plus&geography=icb23",
    "?indicator=qof_hyp&geography=sicbl22",
    "?indicator=qof_hyp&geography=icb22",
    "?indicator=ft_91547&period=2019/20&geography=ccg20",
    "?indicator=obesity_admissions&sex=Male&geography=ccg13&period=2013/14",
    f"?areas={KERNOW},{BARNET}",
    f"?areas={KERNOW}&region={SOUTH_WEST}&benchmark=region",
    "?ci=99.8&colour=quintile&palette=colourblind",
    "?colour=value&layout=cartogram&sort=name",
    "?x=demo:pct_65plus&y=qof_hyp",
    "?x=qof_dm&y=dementia_ddr_65plus&indicator=dementia_ddr_65plus",
    f"?indicator=qof_hyp&areas={BARNET},{KERNOW}&region={SOUTH_WEST}&benchmark=region&ci=99.8"
    "&colour=quintile&palette=colourblind&layout=cartogram&sort=name&x=demo:pct_75plus&y=qof_dm",
]


@pytest.fixture(scope="module")
def lookup(model):
    return known_area_codes(model)


@pytest.mark.parametrize("query", ROUND_TRIPS)
def test_round_trip_keeps_the_selection(model, lookup, query):
    state, notices = parse_query(model, query, lookup)
    assert notices == []
    again, notices2 = parse_query(model, to_query(state), lookup)
    assert again == state
    assert notices2 == []
    # and the written query is a fixed point
    assert to_query(again) == to_query(state)


@pytest.mark.parametrize("query", ROUND_TRIPS)
def test_asked_values_are_kept(model, lookup, query):
    state, _ = parse_query(model, query, lookup)
    for key, values in parse_qs(query.lstrip("?")).items():
        if key == "areas":
            assert state["areas"] == values[0].split(",")
        else:
            assert state[key] == values[0], key


def test_empty_query_gives_defaults(model):
    state, notices = parse_query(model, None)
    assert notices == []
    assert state["indicator"] == default_indicator(model) == "dementia_ddr_65plus"
    assert state["geography"] == "ccg21"
    assert state["sex"] == "Persons"
    assert state["period"] == indicator_periods(model, state["indicator"], "ccg21")[-1]
    assert state["areas"] == [] and state["region"] == ""
    assert {k: state[k] for k in DEFAULTS} == DEFAULTS
    assert state["x"] == default_x(model) and state["y"] == state["indicator"]


def test_to_query_leaves_out_defaults_and_empties():
    state = {"indicator": "qof_hyp", "areas": [], "region": "", **DEFAULTS}
    assert to_query(state) == "?indicator=qof_hyp"
    assert to_query({}) == ""
    q = to_query({"areas": [KERNOW, BARNET], "ci": "99.8", "x": "demo:pct_65plus", "period": "2022/23"})
    # commas, colons and slashes stay readable
    assert q == f"?period=2022/23&areas={KERNOW},{BARNET}&ci=99.8&x=demo:pct_65plus"


@pytest.mark.parametrize(
    ("query", "key", "expected", "phrase"),
    [
        ("?indicator=nope", "indicator", "dementia_ddr_65plus", "Unknown indicator 'nope'"),
        ("?indicator=qof_hyp&period=1999", "period", "2022/23", "No data for period '1999'"),
        ("?indicator=qof_hyp&geography=ccg13", "geography", "ccg21", "no data for"),
        ("?geography=mars", "geography", "ccg21", "'mars'"),
        ("?sex=Unknown", "sex", "Persons", "No data for sex 'Unknown'"),
        ("?region=E40999999", "region", "", "Unknown region 'E40999999'"),
        ("?ci=42", "ci", "95", "'42' is not a valid confidence level"),
        ("?benchmark=world", "benchmark", "england", "not a valid benchmark"),
        ("?colour=pink", "colour", "category", "not a valid map colouring"),
        ("?palette=neon", "palette", "fingertips", "not a valid palette"),
        ("?layout=3d", "layout", "boundaries", "not a valid map layout"),
        ("?sort=random", "sort", "value", "not a valid order"),
        ("?x=demo:nope", "x", "demo:imd19_mean_rank", "Unknown x variable"),
        ("?y=nope", "y", "dementia_ddr_65plus", "Unknown y variable"),
    ],
)
def test_bad_values_fall_back_with_a_notice(model, lookup, query, key, expected, phrase):
    state, notices = parse_query(model, query, lookup)
    assert state[key] == expected
    assert len(notices) == 1 and phrase in notices[0]


def test_unknown_areas_are_dropped_with_a_notice(model, lookup):
    state, notices = parse_query(model, f"?areas=XYZ123,{KERNOW},e38000240,{KERNOW},zz9", lookup)
    assert state["areas"] == [KERNOW, BARNET]  # case-insensitive, de-duplicated, order kept
    assert notices == ["Unknown area codes: XYZ123, zz9 (ignored)."]


def test_at_most_six_areas(model):
    codes = model.areas.loc[model.areas["geography"] == "ccg21", "area_code"].head(MAX_AREAS + 2).tolist()
    state, notices = parse_query(model, "?areas=" + ",".join(codes))
    assert state["areas"] == codes[:MAX_AREAS]
    assert notices == [f"At most {MAX_AREAS} areas at once: kept the first {MAX_AREAS}."]


@pytest.mark.parametrize(
    "query",
    ["?%%%&&&=", "?indicator=&period=&areas=,,,", "?=x&ci", "indicator=qof_hyp", "?areas=%ZZ", "?a=b&a=c"],
)
def test_malformed_queries_never_raise(model, query):
    state, notices = parse_query(model, query)
    assert state["indicator"] in model.catalogue.index
    assert state["period"] in indicator_periods(model, state["indicator"], state["geography"])
    assert all(isinstance(n, str) for n in notices)


def test_first_value_wins_and_whitespace_is_trimmed(model):
    state, notices = parse_query(model, "?ci=99.8&ci=95&indicator=%20qof_hyp%20")
    assert notices == []
    assert state["ci"] == "99.8" and state["indicator"] == "qof_hyp"


def test_every_choice_is_accepted(model):
    for key, choices in CHOICES.items():
        for value in choices:
            state, notices = parse_query(model, f"?{key}={value}")
            assert state[key] == value and notices == []


def test_gss_codes_resolve(model, lookup):
    assert lookup["e38000089"] == KERNOW
    assert lookup["e40000006"] == SOUTH_WEST


def test_ods_code_resolves_to_the_shown_geography(model):
    state, notices = parse_query(model, "?areas=11N")  # NHS Kernow's ODS code
    assert state["geography"] == "ccg21"
    assert state["areas"] == [KERNOW]


def test_variable_exists(model):
    assert variable_exists(model, "demo:pct_65plus")
    assert variable_exists(model, "qof_hyp")
    assert not variable_exists(model, "demo:qof_hyp")
    assert not variable_exists(model, "pct_65plus")


@pytest.mark.parametrize(
    ("path", "page"),
    [(None, "map"), ("/", "map"), ("/map", "map"), ("/nowhere", "map"), ("/spine/extra", "spine")]
    + [(f"/{p}", p) for p in PAGES]
    + [(f"/{p}/", p) for p in PAGES],
)
def test_page_of(path, page):
    assert page_of(path) == page
