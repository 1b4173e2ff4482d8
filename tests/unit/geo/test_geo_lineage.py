"""geo.lineage: crosswalks to CCG 2021 sum to one per code, and regions are found for every area."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.lineage import apportion_by_population, dominant_region, lineage_summary, overlay_shares


def test_shares_sum_to_one_for_every_code_of_every_vintage(lineage, layers):
    assert list(lineage.columns) == [
        "from_geography",
        "from_code",
        "to_code",
        "share",
        "method",
        "area_share",
        "area_km2",
    ]
    for geography in ["ccg13", "ccg16", "ccg17", "ccg18", "ccg19", "ccg20"]:
        part = lineage[lineage["from_geography"] == geography]
        assert set(part["from_code"]) == set(layers[geography]["area_code"]), geography
        sums = part.groupby("from_code")["share"].sum()
        assert ((sums - 1).abs() < 1e-12).all(), geography
    assert set(lineage["to_code"]) <= set(layers["ccg21"]["area_code"])
    assert set(lineage["method"]) == {"merged", "apportioned"}
    merged = lineage[lineage["method"] == "merged"]
    assert (merged["share"] == 1.0).all() and not merged.duplicated(["from_geography", "from_code"]).any()
    assert (lineage.loc[lineage["method"] == "apportioned", "share"] >= 0.02).all()


def test_ccg20_to_ccg21_is_nearly_all_whole_merges(lineage):
    summary = lineage_summary(lineage).set_index("from_geography")
    assert summary.loc["ccg20", "merged"] >= 130
    assert summary.loc["ccg19", "merged"] >= 185
    # Cumbria's 2013 CCG was split in 2017 (Furness went to Morecambe Bay): a real apportionment
    north_cumbria = lineage[(lineage["from_geography"] == "ccg13") & (lineage["from_code"] == "01H")]
    assert len(north_cumbria) == 2 and north_cumbria["share"].max() < 0.9


def test_lineage_uses_real_polygons_only(lineage):
    assert list(lineage["from_geography"].unique()) == ["ccg13", "ccg16", "ccg17", "ccg18", "ccg19", "ccg20"]


def _layer(codes, geoms):
    return gpd.GeoDataFrame({"area_code": codes, "area_name": codes}, geometry=geoms, crs="EPSG:27700")


def test_synthetic_split_merge_and_sliver():
    old = _layer(
        ["SPLIT", "WHOLE", "NOISY"],
        [shapely.box(0, 0, 2000, 1000), shapely.box(3000, 0, 4000, 1000), shapely.box(5000, 0, 6000, 1000)],
    )
    new = _layer(
        ["A", "B", "C", "D"],
        [
            shapely.box(0, 0, 1000, 1000),
            shapely.box(1000, 0, 2000, 1000),
            shapely.box(3000, 0, 5015, 1000),  # takes all of WHOLE and a 1.5% sliver of NOISY
            shapely.box(5015, 0, 6000, 1000),
        ],
    )
    shares = overlay_shares(old.to_crs(4326), new.to_crs(4326)).set_index(["from_code", "to_code"])
    assert shares.loc[("SPLIT", "A"), "share"] == pytest.approx(0.5, abs=1e-6)
    assert shares.loc[("SPLIT", "A"), "method"] == "apportioned"
    assert shares.loc[("WHOLE", "C"), "share"] == 1.0 and shares.loc[("WHOLE", "C"), "method"] == "merged"
    assert shares.loc[("NOISY", "D"), "share"] == 1.0  # 98.5% in D: whole merge, sliver ignored
    assert ("NOISY", "C") not in shares.index


def test_dominant_region_for_every_area(layers, data_dir):
    regions = dominant_region(layers)
    assert list(regions.columns) == ["geography", "area_code", "region_code"]
    assert regions["region_code"].notna().all()
    for key in [
        "ccg13",
        "ccg16",
        "ccg17",
        "ccg18",
        "ccg19",
        "ccg20",
        "ccg21",
        "stp21",
        "icb22",
        "nhser21",
        "ccg18_cartogram",
        "ccg19_cartogram",
    ]:
        assert set(regions.loc[regions["geography"] == key, "area_code"]) == set(layers[key]["area_code"]), (
            key
        )
    lookup = pd.read_csv(data_dir / "lookups/ccg21_stp21_nhser21.csv").set_index("CCG21CD")["NHSER21CD"]
    ccg21 = regions[regions["geography"] == "ccg21"].set_index("area_code")["region_code"]
    assert (ccg21 == ccg21.index.map(lookup)).all()


def test_synthetic_several_slivers_around_one_successor_is_a_whole_merge():
    old = _layer(["BURY"], [shapely.box(0, 0, 1000, 1000)])
    new = _layer(
        ["MAIN", "N", "E", "S"],
        [
            shapely.box(0, 15, 985, 985),
            shapely.box(0, 985, 1000, 1000),
            shapely.box(985, 15, 1000, 985),
            shapely.box(0, 0, 1000, 15),
        ],
    )  # 94% in MAIN, three slivers of 1.5% or less
    shares = overlay_shares(old, new)
    assert shares[["from_code", "to_code", "share", "method"]].to_dict("records") == [
        {"from_code": "BURY", "to_code": "MAIN", "share": 1.0, "method": "merged"}
    ]


def _links(rows):
    return pd.DataFrame(
        rows, columns=["from_geography", "from_code", "to_code", "share", "method", "area_share", "area_km2"]
    )


def test_synthetic_split_is_apportioned_by_population_not_land():
    """A predecessor split between a big rural successor and a small town: people, not acres."""
    lineage = _links(
        [
            # OLD covers all of TOWN (10 km2) and 90 of RURAL's 100 km2; WHOLE is the rest of RURAL
            ("v", "OLD", "RURAL", 0.9, "apportioned", 0.9, 90.0),
            ("v", "OLD", "TOWN", 0.1, "apportioned", 0.1, 10.0),
            ("v", "WHOLE", "RURAL", 1.0, "merged", 1.0, 10.0),
        ]
    )
    successors = pd.Series({"RURAL": 20_000.0, "TOWN": 80_000.0})
    by_density, _ = apportion_by_population(lineage, successors)
    shares = by_density.set_index(["from_code", "to_code"])["share"]
    assert shares[("OLD", "TOWN")] == pytest.approx(80_000 / (80_000 + 18_000))
    assert shares[("WHOLE", "RURAL")] == 1.0  # whole merges are untouched
    split = by_density["method"] == "apportioned"
    assert (by_density.loc[split, "weight"] == "population (successor density)").all()
    # A whole predecessor's "population" by density would be its successor's people per km2 times
    # its land, i.e. land: with no population of the old areas known there is none.
    whole = by_density.loc[~split].iloc[0]
    assert whole["weight"] == "no population" and pd.isna(whole["population"])
    # Knowing the predecessors' own populations moves the rural piece to what is left over:
    # RURAL (20,000) minus WHOLE (15,000 scaled to the successors' total) is OLD's rural piece.
    known = pd.Series({"OLD": 85_000.0, "WHOLE": 15_000.0}, name="test populations")
    fitted, notes = apportion_by_population(lineage, successors, {"v": known})
    pieces = fitted.set_index(["from_code", "to_code"])
    assert pieces.loc[("OLD", "RURAL"), "population"] == pytest.approx(5_000, rel=1e-3)
    assert pieces.loc[("OLD", "TOWN"), "share"] == pytest.approx(80 / 85, rel=1e-3)
    assert fitted.groupby("from_code")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    assert fitted["weight"].str.contains("test populations").all() and notes


def test_lsoa_populations_sum_to_ccg21(data_dir):
    from data.model.manifest import load_manifest
    from data.readers import ReadContext
    from data.readers.lookups import read_lsoa_population

    manifest = load_manifest()
    result = read_lsoa_population(ReadContext(manifest["lsoa11_population_mid2019"], data_dir, manifest))
    pop = result.frames["ccg21_population_2019"].set_index("area_code")["population"]
    assert pop.sum() == 56_286_961 and len(pop) == 106 and not result.problems  # ONS England mid-2019
    assert pop["E38000228"] == 332_696  # Morecambe Bay: Lancaster, Barrow, South Lakeland and edges


def test_synthetic_sliver_checked_against_list_sizes():
    """Where only list sizes are known, a sliver takes the smaller of its density and raked shares."""
    lineage = _links(
        [
            # OLD's 5% sliver lies in DENSE, a big city; its people are really all in HOME
            ("v", "OLD", "HOME", 0.95, "apportioned", 0.95, 95.0),
            ("v", "OLD", "DENSE", 0.05, "apportioned", 0.05, 5.0),
            ("v", "CITY", "DENSE", 1.0, "merged", 1.0, 45.0),
        ]
    )
    successors = pd.Series({"HOME": 100_000.0, "DENSE": 900_000.0})
    density, _ = apportion_by_population(lineage, successors)
    listed = pd.Series({"OLD": 100_000.0, "CITY": 900_000.0}, name="lists")
    checked, _ = apportion_by_population(lineage, successors, registered_population={"v": listed})
    d = density.set_index(["from_code", "to_code"])["share"]
    c = checked.set_index(["from_code", "to_code"])["share"]
    assert d[("OLD", "DENSE")] > 0.4  # even density gives the sliver nearly half of OLD's people
    assert c[("OLD", "DENSE")] < 0.01 and c[("OLD", "HOME")] == pytest.approx(1 - c[("OLD", "DENSE")])
    assert checked["weight"].str.contains("checked against lists").all()
