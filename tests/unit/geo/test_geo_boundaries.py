"""geo.boundaries: every layer builds from the manifest with the expected areas, codes and valid polygons."""

from __future__ import annotations

import glob

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from data.model.manifest import load_manifest
from geo.boundaries import LAYER_COLUMNS, BoundaryBuildError, build_boundaries
from geo.names import tidy_name
from geo.repair import repair_polygons

EXPECTED = {
    "ccg21": 106,
    "ccg20": 135,
    "ccg19": 191,
    "ccg18": 195,
    "ccg17": 207,
    "ccg13": 211,
    "ccg16": 209,
    "stp21": 42,
    "icb22": 42,
    "nhser21": 7,
    "ccg18_cartogram": 195,
    "ccg19_cartogram": 191,
}
GSS = {
    "ccg20": r"E38\d{6}",
    "ccg21": r"E38\d{6}",
    "stp21": r"E54\d{6}",
    "icb22": r"E54\d{6}",
    "nhser21": r"E40\d{6}",
}


def test_every_layer_has_expected_count_columns_crs_and_valid_polygons(layers):
    assert EXPECTED.keys() <= layers.keys()
    for key, count in EXPECTED.items():
        gdf = layers[key]
        assert len(gdf) == count, key
        assert list(gdf.columns) == LAYER_COLUMNS, key
        assert gdf.crs.to_epsg() == 4326, key
        assert gdf.is_valid.all() and not gdf.geometry.is_empty.any(), key
        assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}, key
        assert gdf["area_code"].is_unique and gdf["area_name"].notna().all(), key


def test_area_code_conventions(layers):
    for key, pattern in GSS.items():
        assert layers[key]["area_code"].str.fullmatch(pattern).all(), key
    for key in ["ccg13", "ccg16", "ccg17", "ccg18", "ccg19", "ccg18_cartogram", "ccg19_cartogram"]:
        gdf = layers[key]
        assert gdf["area_code"].str.fullmatch(r"[0-9A-Z]{3}").all(), key
        assert (gdf["ods_code"] == gdf["area_code"]).all(), key


def test_ods_codes_of_gss_layers_match_lookups(layers, data_dir):
    for key, lookup, code, ods in [
        ("ccg21", "ccg21_codes_names.csv", "CCG21CD", "CCG21CDH"),
        ("ccg20", "ccg20_codes_names.csv", "CCG20CD", "CCG20CDH"),
    ]:
        table = pd.read_csv(data_dir / "lookups" / lookup).set_index(code)[ods]
        gdf = layers[key]
        assert (gdf["ods_code"] == gdf["area_code"].map(table)).all(), key
    assert layers["icb22"]["ods_code"].str.fullmatch(r"Q[A-Z0-9]{2}").all()


def test_ccg13_dissolves_birmingham_crosscity_and_ccg16_newcastle_gateshead(layers):
    ccg13, ccg16 = set(layers["ccg13"]["area_code"]), set(layers["ccg16"]["area_code"])
    assert "13P" in ccg13 and not {"04W", "05E"} & ccg13
    assert {"00F", "00G", "00H"} <= ccg13 and "13T" not in ccg13
    assert {"13P", "13T"} <= ccg16 and not {"04W", "05E", "00F", "00G", "00H"} & ccg16
    names = layers["ccg16"].set_index("area_code")["area_name"]
    assert names["13T"] == "NHS Newcastle Gateshead CCG"
    assert (
        names["00D"] == "NHS Durham Dales, Easington and Sedgefield CCG"
    )  # the TopoJSON cuts it at the comma


def test_ccg16_covers_every_acsc_ccg(layers, notes, data_dir):
    files = glob.glob(str(data_dir / "indicators/acsc_chronic_unplanned_admissions_ccg16/*.csv"))
    wanted = set(pd.concat(pd.read_csv(f, dtype=str) for f in files)["ccg16_ods_code"])
    assert len(wanted) == 209 and wanted <= set(layers["ccg16"]["area_code"])
    assert any("all 209 codes" in n for n in notes if n.startswith("ccg16:"))


def test_notes_record_drops_and_repairs(notes):
    text = "\n".join(notes)
    assert "ccg17: dropped 2 features with no geometry" in text
    assert "ccg13: repaired 6 invalid geometries" in text
    assert "ccg19: repaired 1 invalid geometries" in text
    assert "ccg19_cartogram: repaired 25" in text and "ccg18_cartogram: repaired 9" in text
    assert "ccg18: codes joined by name" in text and "195 of 195 matched" in text
    assert "dissolved 04W + 05E into 13P" in text and "dissolved 00F + 00G + 00H into 13T" in text


def test_names_are_readable(layers):
    for key in ["ccg17", "ccg18", "ccg19", "ccg19_cartogram", "ccg13"]:
        assert not layers[key]["area_name"].str.isupper().any(), key
    assert tidy_name("NHS HARTLEPOOL AND STOCKTON-ON-TEES CCG") == "NHS Hartlepool and Stockton-on-Tees CCG"
    assert tidy_name("NHS Barnsley CCG") == "NHS Barnsley CCG"


def test_cartograms_share_codes_with_their_real_layers(layers):
    assert set(layers["ccg18_cartogram"]["area_code"]) == set(layers["ccg18"]["area_code"])
    assert set(layers["ccg19_cartogram"]["area_code"]) == set(layers["ccg19"]["area_code"])


def test_manifest_entries_checksums_match(data_dir):
    from data.model.manifest import sha256_of

    entries = [e for e in load_manifest().values() if e["kind"] == "boundary"]
    assert len(entries) == 16  # 13 CCG-era files and the sub-ICB, ICB and region 2023-24 sets (SOURCES.md 9a)
    for entry in entries:
        assert sha256_of(data_dir / entry["path"]) == entry["sha256"], entry["id"]


# --- synthetic edge cases -----------------------------------------------------------------


def _square(x, y, size=0.1):
    return shapely.box(x, y, x + size, y + size)


def _tiny_manifest(tmp_path, gdf, params, lookup=None):
    gdf.to_file(tmp_path / "tiny.geojson")
    if lookup is not None:
        lookup.to_csv(tmp_path / "names.csv", index=False)
    entry = {"id": "tiny", "path": "tiny.geojson", "kind": "boundary", "params": params}
    return {"tiny": entry}


def test_synthetic_name_join_duplicate_union_and_repair(tmp_path):
    bowtie = shapely.Polygon([(0, 50), (0.1, 50.1), (0.1, 50), (0, 50.1), (0, 50)])
    gdf = gpd.GeoDataFrame(
        {"name": ["NHS ALPHA CCG", "NHS ALPHA CCG", "NHS BETA CCG", "NHS GAMMA CCG"]},
        geometry=[_square(0.2, 50), _square(0.3, 50), bowtie, _square(0.5, 50)],
        crs="EPSG:4326",
    )
    lookup = pd.DataFrame({"code": ["A01", "B02"], "name": ["NHS Alpha CCG", "NHS BETA CCG"]})
    params = {
        "layer_key": "tiny",
        "area_code": "ods",
        "name_column": "name",
        "name_join": {"path": "names.csv", "code": "code", "name": "name"},
        "name_lookups": [{"path": "names.csv", "code": "code", "name": "name"}],
    }
    layers, notes = build_boundaries(tmp_path, _tiny_manifest(tmp_path, gdf, params, lookup))
    tiny = layers["tiny"].set_index("area_code")
    assert list(tiny.index) == ["A01", "B02"]  # GAMMA has no code: dropped with a note
    assert tiny.loc["A01", "area_name"] == "NHS Alpha CCG"  # the lookup's spelling
    assert tiny.loc["B02", "area_name"] == "NHS Beta CCG"  # tidied
    assert tiny.loc["A01", "geometry"].area == pytest.approx(0.02)  # two features unioned
    assert layers["tiny"].is_valid.all()
    text = "\n".join(notes)
    assert "dropped 1 features with no code: NHS GAMMA CCG" in text
    assert "repaired 1 invalid" in text and "several features, unioned: A01" in text


def test_synthetic_dissolve_must_find_its_predecessors(tmp_path):
    gdf = gpd.GeoDataFrame({"code": ["X01"], "name": ["NHS X CCG"]}, geometry=[_square(0, 50)], crs=4326)
    params = {
        "layer_key": "tiny",
        "area_code": "ods",
        "code_column": "code",
        "name_column": "name",
        "dissolve": {"X99": ["X01", "X02"]},
    }
    with pytest.raises(BoundaryBuildError, match="X99"):
        build_boundaries(tmp_path, _tiny_manifest(tmp_path, gdf, params))


def test_entries_not_in_model_are_skipped_with_a_note(tmp_path):
    gdf = gpd.GeoDataFrame({"code": ["X01"], "name": ["NHS X CCG"]}, geometry=[_square(0, 50)], crs=4326)
    params = {"layer_key": "tiny", "use_in_model": False, "why": "an alternative", "code_column": "code"}
    layers, notes = build_boundaries(tmp_path, _tiny_manifest(tmp_path, gdf, params))
    assert layers == {} and "not built: an alternative" in notes[0]


def test_repair_keeps_polygon_area_of_a_self_overlapping_ring():
    bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
    fixed, repaired = repair_polygons(gpd.GeoSeries([bowtie, shapely.box(5, 5, 6, 6)]))
    assert list(repaired) == [True, False]
    assert fixed.is_valid.all() and fixed.iloc[0].area == pytest.approx(2.0)
