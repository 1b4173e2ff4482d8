"""geo.readers: every boundary format comes back in EPSG:4326, and bad files fail naming the file."""

from __future__ import annotations

import json
import shutil
import zipfile

import numpy as np
import pytest

from geo.readers import BoundaryReadError, decode_topojson, read_boundary

STP = "boundaries/stp21_apr2021_buc.geojson"
TOPO = "boundaries/ccg13_apr2013_topojson.json"
NHSER_27700 = "boundaries/nhser21_apr2021_buc_epsg27700.geojson"


def _in_england(gdf):
    minx, miny, maxx, maxy = gdf.total_bounds
    return -7 < minx < maxx < 2 and 49 < miny < maxy < 56


def test_geojson(data_dir):
    gdf = read_boundary(data_dir / STP)
    assert len(gdf) == 42 and gdf.crs.to_epsg() == 4326 and _in_england(gdf)


def test_geojson_in_british_national_grid_is_reprojected(data_dir):
    gdf = read_boundary(data_dir / NHSER_27700)
    assert len(gdf) == 7 and gdf.crs.to_epsg() == 4326 and _in_england(gdf)
    area_km2 = gdf.to_crs(27700).area.sum() / 1e6
    assert 125_000 < area_km2 < 135_000  # England is about 130,000 km2


def test_topojson_detected_by_content_with_and_without_layer(data_dir, tmp_path):
    named = read_boundary(data_dir / TOPO, layer="ccg_boundaries", source_crs="EPSG:4326")
    assert len(named) == 212 and named.crs.to_epsg() == 4326 and _in_england(named)
    renamed = tmp_path / "ccg13.geojson"  # the extension must not fool the reader
    shutil.copy(data_dir / TOPO, renamed)
    guessed = read_boundary(renamed)  # single object, no CRS: lon/lat inferred
    assert guessed.crs.to_epsg() == 4326
    assert sorted(guessed["ccg_code"]) == sorted(named["ccg_code"])


def test_python_topojson_decoder_matches_gdal(data_dir):
    gdal = read_boundary(data_dir / TOPO, layer="ccg_boundaries")
    ours = decode_topojson(json.loads((data_dir / TOPO).read_text()), "ccg_boundaries").set_crs(4326)
    assert list(ours["ccg_code"]) == list(gdal["ccg_code"])
    np.testing.assert_allclose(ours.to_crs(27700).area, gdal.to_crs(27700).area, rtol=1e-9)


def test_shapefile_and_zipped_shapefile_round_trip(data_dir, tmp_path):
    source = read_boundary(data_dir / STP)
    shp = tmp_path / "stp21.shp"
    source.to_crs(27700).to_file(shp)  # ONS ships shapefiles in British National Grid
    back = read_boundary(shp)
    assert back.crs.to_epsg() == 4326 and list(back["stp21_code"]) == list(source["stp21_code"])
    np.testing.assert_allclose(back.to_crs(27700).area, source.to_crs(27700).area, rtol=1e-6)

    zipped = tmp_path / "Sustainability_and_Transformation_Partnerships_April_2021.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        for part in tmp_path.glob("stp21.*"):
            zf.write(part, f"inner/{part.name}")
    from_zip = read_boundary(zipped)
    assert len(from_zip) == 42 and from_zip.crs.to_epsg() == 4326
    assert list(from_zip["stp21_code"]) == list(source["stp21_code"])


def test_zip_with_two_shapefiles_needs_layer(data_dir, tmp_path):
    source = read_boundary(data_dir / STP)
    source.head(3).to_file(tmp_path / "a.shp")
    source.tail(2).to_file(tmp_path / "b.shp")
    zipped = tmp_path / "two.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        for part in tmp_path.glob("[ab].*"):
            zf.write(part, part.name)
    with pytest.raises(BoundaryReadError, match="exactly one shapefile"):
        read_boundary(zipped)
    assert len(read_boundary(zipped, layer="b")) == 2


def test_missing_and_corrupt_files_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.geojson"):
        read_boundary(tmp_path / "nowhere.geojson")
    corrupt = tmp_path / "corrupt.geojson"
    corrupt.write_text('{"type": "FeatureCollection", "features": [ {"type": ')
    with pytest.raises(BoundaryReadError, match="corrupt.geojson"):
        read_boundary(corrupt)
    bad_zip = tmp_path / "bad.zip"
    bad_zip.write_bytes(b"not a zip")
    with pytest.raises(BoundaryReadError, match="bad.zip"):
        read_boundary(bad_zip)


def test_projected_file_without_crs_needs_source_crs(tmp_path):
    square = [[400000, 300000], [401000, 300000], [401000, 301000], [400000, 301000], [400000, 300000]]
    topo = {
        "type": "Topology",
        "objects": {
            "areas": {
                "type": "GeometryCollection",
                "geometries": [{"type": "Polygon", "arcs": [[0]], "properties": {"code": "X1"}}],
            }
        },
        "arcs": [square],
    }
    path = tmp_path / "bng.topojson"
    path.write_text(json.dumps(topo))
    with pytest.raises(BoundaryReadError, match="bng.topojson"):
        read_boundary(path)
    gdf = read_boundary(path, source_crs="EPSG:27700")
    assert gdf.crs.to_epsg() == 4326 and _in_england(gdf)
