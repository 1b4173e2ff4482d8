"""Finding an area: places and old CCGs resolve to CCG 2021 areas (real lookups, real lineage)."""

from __future__ import annotations

import pandas as pd
import pytest

from data.model.places import build_place_index
from data.queries.places import closest, not_found_text, plain_name, resolve_code, search_places
from selection import parse_query

KERNOW = "E38000089"
BLACK_COUNTRY = "E38000250"  # NHS Black Country and West Birmingham CCG
NORFOLK_WAVENEY = "E38000239"
LSOA_LOOKUP = "/work/shared/data/lookups/lsoa11_ccg21_lad21_apr2021.csv"


@pytest.fixture(scope="module")
def index(model):
    return model.frames["places"]


def first(index, text):
    hits = search_places(index, text)
    assert len(hits), f"nothing found for {text!r}"
    return hits.iloc[0]


def test_index_is_built_with_every_kind(index, model):
    kinds = index["kind"].value_counts()
    assert kinds["ccg21"] == (model.areas["geography"] == "ccg21").sum()
    assert kinds["place"] >= 300  # 309 districts, some in several CCGs
    assert kinds["old_ccg"] > 100
    assert set(index["ccg21_code"]) - {""} <= set(
        model.areas.loc[model.areas["geography"] == "ccg21", "area_code"]
    )
    assert kinds["sicbl23"] == 2 * 106  # its name and its former CCG's name
    assert kinds["icb23"] == 42
    assert (index.loc[index["kind"] == "icb23", "ccg21_code"] == "").all()  # an ICB is no CCG 2021 area


@pytest.mark.parametrize(
    "text, code, label",
    [
        ("Cornwall", KERNOW, "Cornwall → NHS Kernow CCG"),
        ("Sandwell", BLACK_COUNTRY, "Sandwell → NHS Black Country and West Birmingham CCG"),
        ("Great Yarmouth", NORFOLK_WAVENEY, "Great Yarmouth → NHS Norfolk and Waveney CCG"),
    ],
)
def test_places_find_their_ccg(index, text, code, label):
    hit = first(index, text)
    assert (hit["kind"], hit["ccg21_code"], hit["label"]) == ("place", code, label)


def test_district_shares_come_from_the_lsoa_lookup(index):
    """A district split between CCGs lists each, largest share first; shares add to 1."""
    lsoa = pd.read_csv(LSOA_LOOKUP, encoding="utf-8-sig", usecols=["CCG21CD", "LAD21NM"])
    split = lsoa.groupby("LAD21NM")["CCG21CD"].nunique()
    name = split[split > 1].index[0]
    rows = index[(index["kind"] == "place") & (index["term"] == name)]
    expected = lsoa[lsoa["LAD21NM"] == name]["CCG21CD"].value_counts(normalize=True)
    assert rows["share"].sum() == pytest.approx(1.0)
    assert dict(zip(rows["ccg21_code"], rows["share"])) == pytest.approx(expected.to_dict())
    assert search_places(index, name).iloc[0]["ccg21_code"] == expected.index[0]


def test_old_ccg_code_resolves_to_its_successor_with_a_notice(index, model):
    # 05Y: NHS Walsall CCG (2013), merged into Black Country and West Birmingham in April 2021
    assert model.lineage.query("from_geography == 'ccg13' and from_code == '05Y'")["to_code"].tolist() == [
        BLACK_COUNTRY
    ]
    code, notice = resolve_code(index, "05Y")
    assert code == BLACK_COUNTRY
    assert notice == "NHS Walsall CCG (2013) is now part of NHS Black Country and West Birmingham CCG."
    hit = first(index, "05y")
    assert (hit["kind"], hit["ccg21_code"]) == ("old_ccg", BLACK_COUNTRY)
    # the 2020 E38 code of the same CCG also resolves
    assert resolve_code(index, "E38000191")[0] == BLACK_COUNTRY


def test_old_ccg_name_finds_the_successor(index):
    hits = search_places(index, "Great Yarmouth")
    old = hits[hits["kind"] == "old_ccg"].iloc[0]
    assert old["ccg21_code"] == NORFOLK_WAVENEY
    assert "(2013) is now part of NHS Norfolk and Waveney CCG" in old["notice"]
    assert "Great Yarmouth" in old["notice"]


def test_current_codes_are_not_old(index):
    assert resolve_code(index, "11N") == (None, "")  # NHS Kernow kept its code
    assert first(index, "11n")["kind"] == "ccg21"


def test_misspelling_suggests_closest_names(index):
    hits = search_places(index, "Cornwal")  # a prefix: still found
    assert hits.iloc[0]["ccg21_code"] == KERNOW
    near = search_places(index, "Sandwel Wst Birmingham")
    assert (near["kind"] == "suggestion").all() and len(near)
    assert "Sandwell" in near.iloc[0]["term"]
    assert search_places(index, "qqqqzzzz").empty
    assert closest(index, "qqqqzzzz").empty


def test_url_with_old_code_moves_to_successor(model):
    state, notices = parse_query(model, "?areas=05Y")
    assert state["areas"] == [BLACK_COUNTRY]
    assert notices == ["NHS Walsall CCG (2013) is now part of NHS Black Country and West Birmingham CCG."]


def test_url_with_misspelt_name_says_unknown_and_suggests(model):
    state, notices = parse_query(model, "?areas=Cornwal")
    assert state["areas"] == []
    assert notices[0] == "Unknown area code: Cornwal (ignored)."
    assert notices[1].startswith("'Cornwal': closest names: Cornwall")


def test_index_from_lad_pairs_when_lsoa_lookup_is_absent(model, tmp_path):
    lookups = tmp_path / "lookups"
    lookups.mkdir()
    (lookups / "ccg21_lad21.csv").write_text(
        "CCG21CD,CCG21CDH,CCG21NM,LAD21CD,LAD21NM\nE38000089,11N,NHS Kernow CCG,E06000052,Cornwall\n"
        "E38999999,XXX,Not a CCG,E06000000,Nowhere\n"
    )
    index = build_place_index(tmp_path, model.areas, model.lineage)
    places = index[index["kind"] == "place"]
    assert places["term"].tolist() == ["Cornwall"]  # the unknown CCG is left out (and logged)


@pytest.mark.parametrize("town", ["Truro", "St Ives", "Newquay", "Penzance"])
def test_a_town_it_does_not_know_offers_no_wrong_place(index, model, town):
    """Truro is a town, not a local authority: once it offered Thurrock (difflib 0.62)."""
    hits = search_places(index, town)
    assert hits.empty
    text = not_found_text(index, town)
    assert text.startswith(
        f"No CCG, sub-ICB location, ICB, local authority or former CCG is called '{town}'."
    )
    assert "try the council" in text and "Thurrock" not in text
    state, notices = parse_query(model, f"?areas={town.replace(' ', '%20')}")
    assert state["areas"] == [] and not any("Thurrock" in n or "Newham" in n for n in notices)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Barnsly", "Barnsley"),
        ("kernw", "NHS Kernow CCG"),
        ("Thurock", "Thurrock"),
        ("Sandwel Wst Birmingham", "NHS Sandwell and West Birmingham CCG"),
    ],
)
def test_misspellings_still_find_the_name_without_nhs_or_ccg(index, typed, found):
    near = search_places(index, typed)
    assert (near["kind"] == "suggestion").all()
    assert plain_name(near.iloc[0]["term"]) == plain_name(found)
    assert plain_name("NHS Cornwall and the Isles of Scilly ICB - 11N") == "cornwall and the isles of scilly"
