"""Tests of the ``areas`` reader: the real lookup files, and small synthetic files for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from data.model import schema
from data.model.manifest import load_manifest
from data.model.settings import get_settings
from data.readers import READERS, ReadContext
from data.readers import lookups as lk

DATA_DIR = get_settings().data_dir
needs_data = pytest.mark.skipif(not (DATA_DIR / "SOURCES.md").exists(), reason="real data not available")

EXPECTED_COUNTS = {
    "ccg13": 211,
    "ccg15": 209,
    "ccg16": 209,
    "ccg17": 207,
    "ccg18": 195,
    "ccg19": 191,
    "ccg20": 135,
    "ccg21": 106,
    "sicbl22": 106,
    "stp21": 42,
    "icb22": 42,
    "nhser21": 7,
    "nhser22": 7,
    "england": 1,
}
CODE_KIND = {
    "ccg13": "ods_ccg_old",
    "ccg15": "ods_ccg_old",
    "ccg16": "ods_ccg_old",
    "ccg17": "ods_ccg_old",
    "ccg18": "ods_ccg_old",
    "ccg19": "ods_ccg_old",
    "ccg20": "E38",
    "ccg21": "E38",
    "sicbl22": "E38",
    "stp21": "E54",
    "icb22": "E54",
    "nhser21": "E40",
    "nhser22": "E40",
    "england": "E92",
}


@pytest.fixture(scope="module")
def real():
    manifest = load_manifest()
    ctx = ReadContext(entry=manifest[lk.HIERARCHY_ID], data_dir=DATA_DIR, manifest=manifest)
    return READERS["areas"](ctx)


@pytest.fixture(scope="module")
def areas(real) -> pd.DataFrame:
    return real.frames["areas"]


@needs_data
def test_registered_on_its_manifest_entry():
    assert load_manifest()[lk.HIERARCHY_ID]["reader"] == "areas"
    assert READERS["areas"] is lk.read_areas


@needs_data
def test_real_files_load_without_problems(real):
    assert [p.message() for p in real.problems] == []
    assert {"areas", "hierarchy", "practices", "peers", "icb_names"} <= set(real.frames)


@needs_data
def test_area_counts_per_geography(areas):
    counts = areas.groupby(schema.GEOGRAPHY).size().to_dict()
    assert counts == EXPECTED_COUNTS
    assert not areas.duplicated([schema.GEOGRAPHY, schema.AREA_CODE]).any()
    assert list(areas.columns) == [*schema.AREA_COLUMNS, "gss_code"]


@needs_data
def test_codes_have_the_format_of_their_geography_and_names_are_present(areas):
    for geography, kind in CODE_KIND.items():
        codes = areas.loc[areas[schema.GEOGRAPHY] == geography, schema.AREA_CODE]
        assert codes.str.fullmatch(lk.CODE_PATTERNS[kind]).all(), geography
    assert (areas[schema.AREA_NAME].str.strip() != "").all()
    gss = areas.loc[areas["gss_code"] != "", "gss_code"]
    assert gss.str.fullmatch(r"E(38|54|40|92)\d{6}").all()


@needs_data
def test_ccg13_is_the_2013_set(areas):
    ccg13 = areas[areas[schema.GEOGRAPHY] == "ccg13"]
    codes = set(ccg13[schema.AREA_CODE])
    assert "13P" in codes and not {"04W", "05E", "13T"} & codes
    assert {"00F", "00G", "00H"} <= codes
    topo = json.loads((DATA_DIR / "boundaries/ccg13_apr2013_topojson.json").read_text())
    topo_codes = {g["properties"]["ccg_code"] for g in topo["objects"]["ccg_boundaries"]["geometries"]}
    assert codes == (topo_codes - {"04W", "05E"}) | {"13P"}
    assert (ccg13["gss_code"] != "").all()


@needs_data
def test_ccg17_to_19_sets_match_the_payments_file(areas):
    pay = pd.read_csv(
        DATA_DIR / "indicators/nhs_payments_gp_ccg/nhs_payments_to_general_practice_ccg_by_year.csv"
    )
    for geography, year in [("ccg17", "2017-18"), ("ccg18", "2018-19"), ("ccg19", "2019-20")]:
        ours = set(areas.loc[areas[schema.GEOGRAPHY] == geography, schema.AREA_CODE])
        assert ours == set(pay.loc[pay["financial_year"] == year, "ccg_ods_code"]), geography
    ccg19 = areas[areas[schema.GEOGRAPHY] == "ccg19"]
    assert (ccg19["gss_code"] != "").sum() == 191
    assert (ccg19[schema.AREA_NAME] == ccg19[schema.AREA_NAME].str.upper()).sum() == 0  # mixed case


@needs_data
def test_parents_and_regions(areas):
    by_geo = {g: f.set_index(schema.AREA_CODE) for g, f in areas.groupby(schema.GEOGRAPHY)}
    ccg21, sicbl22 = by_geo["ccg21"], by_geo["sicbl22"]
    assert ccg21["parent_code"].isin(by_geo["stp21"].index).all()
    assert ccg21["region_code"].isin(by_geo["nhser21"].index).all()
    assert sicbl22["parent_code"].isin(by_geo["icb22"].index).all()
    assert sicbl22["region_code"].isin(by_geo["nhser22"].index).all()
    assert by_geo["icb22"]["region_code"].isin(by_geo["nhser22"].index).all()
    assert by_geo["icb22"]["ods_code"].str.fullmatch(r"Q[0-9A-Z]{2}").all()
    assert (by_geo["ccg20"]["region_code"] != "").all()
    assert by_geo["ccg20"]["region_code"].isin(by_geo["nhser21"].index).all()
    assert by_geo["ccg21"].loc["E38000006", "region_name"] == "North East and Yorkshire"


@needs_data
def test_hierarchy_flags_the_six_redrawn_sub_icb_locations(real):
    hierarchy = real.frames["hierarchy"]
    assert len(hierarchy) == 106
    assert hierarchy[["ccg21_code", "sicbl22_code", "icb22_code", "nhser22_code"]].notna().all().all()
    redrawn = hierarchy[hierarchy["redrawn"]]
    assert sorted(redrawn["sicbl22_code"]) == [f"E38000{n}" for n in range(258, 264)]
    assert sorted(redrawn["ods_code"]) == sorted(["01Y", "06H", "15E", "15M", "78H", "D2P2L"])


@needs_data
def test_practices_map_to_sub_icb_locations(real, areas):
    practices = real.frames["practices"]
    assert len(practices) == 6378 and practices["practice_code"].is_unique
    sicbl = set(areas.loc[areas[schema.GEOGRAPHY] == "sicbl22", schema.AREA_CODE])
    assert set(practices["sicbl22_code"]) == sicbl
    assert practices["nhser22_code"].nunique() == 7
    assert (practices["pcn_code"] == "U").sum() == 63  # "Unallocated" practices are kept


@needs_data
def test_peers_long_form(real):
    peers = real.frames["peers"]
    assert len(peers) == 2090 and peers["ccg16_code"].nunique() == 209
    assert peers.groupby("ccg16_code")["rank"].apply(sorted).map(lambda r: r == list(range(1, 11))).all()
    assert peers.iloc[0].to_dict() == {"ccg16_code": "02N", "peer_code": "02T", "rank": 1}


@needs_data
def test_every_heec_icb_name_variant_maps(real):
    table = real.frames["icb_names"].set_index("normalised_name")["icb22_code"]
    heec = pd.read_csv(DATA_DIR / "indicators/heec_icb_datapack_by_imd_quintile/heec_icb_final_data.csv")
    names = pd.Series(sorted(set(heec["ICB.NAME"]) - {"England"}))
    assert len(names) == 44
    mapped = lk.normalise_icb_names(names).map(table)
    assert mapped.notna().all()
    assert mapped.nunique() == 42


def test_normalise_icb_names():
    names = pd.Series(["NHS Cornwall and The Isles Of Scilly  Integrated Care Board", "Black Country ICB"])
    assert lk.normalise_icb_names(names).tolist() == ["cornwall and the isles of scilly", "black country"]


# --- synthetic edge cases ------------------------------------------------------------------------------


def _write(path: Path, text: str, *, bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")


def _manifest(data_dir: Path) -> dict[str, dict]:
    files = {
        lk.HIERARCHY_ID: "lookups/h.csv",
        lk.CCG21_NAMES_ID: "lookups/names21.csv",
        lk.CCG20_NAMES_ID: "lookups/names20.csv",
        lk.ODS_NAMES_ID: "lookups/ods.csv",
        lk.PCT_CCG_ID: "lookups/pct.csv",
        lk.PEERS_ID: "lookups/peers.csv",
        lk.SICBL22_ID: "lookups/sicbl.csv",
        lk.HEEC_ICB_ID: "lookups/heec.csv",
    }
    return {
        i: {"id": i, "path": p, "reader": "areas" if i == lk.HIERARCHY_ID else None} for i, p in files.items()
    }


def test_bad_code_and_missing_column_are_recorded_and_the_rest_loads(tmp_path):
    header = "CCG21CD,CCG21CDH,CCG21NM,STP21CD,STP21NM,NHSER21CD,NHSER21NM\n"
    rows = [
        "E38000006,02P,NHS Barnsley CCG,E54000009,South Yorkshire and Bassetlaw,E40000009,North East and Yorkshire",
        "E3800000X,99E,NHS Basildon CCG,E54000026,Mid and South Essex,E40000007,East of England",
        "E38000008,02Q,NHS Bassetlaw CCG,E54000009,South Yorkshire and Bassetlaw,E40000009,North East and Yorkshire",
    ]
    _write(tmp_path / "lookups/h.csv", header + "\n".join(rows) + "\n", bom=True)
    _write(tmp_path / "lookups/names20.csv", "CCG20CD,CCG20NM\nE38000004,NHS X CCG\n")  # no CCG20CDH
    manifest = _manifest(tmp_path)
    result = lk.read_areas(ReadContext(entry=manifest[lk.HIERARCHY_ID], data_dir=tmp_path, manifest=manifest))

    areas = result.frames["areas"]
    ccg21 = areas[areas[schema.GEOGRAPHY] == "ccg21"]
    assert ccg21[schema.AREA_CODE].tolist() == ["E38000006", "E38000008"]  # BOM handled, bad row out
    assert set(areas[schema.GEOGRAPHY]) == {"ccg21", "stp21", "nhser21", "england"}

    bad = [p for p in result.problems if p.value == "E3800000X"]
    assert len(bad) == 1
    assert (bad[0].file, bad[0].row, bad[0].column) == ("lookups/h.csv", 3, "CCG21CD")
    assert "E38" in bad[0].reason

    missing = [p for p in result.problems if p.file == "lookups/names20.csv"]
    assert len(missing) == 1 and missing[0].column == "CCG20CDH" and "missing column" in missing[0].reason
    absent = {p.file for p in result.problems if p.reason == "file not found"}
    assert "lookups/peers.csv" in absent and "lookups/sicbl.csv" in absent


def test_unknown_peer_code_is_recorded(tmp_path):
    cols = ["CCG16CD", "CCG16CDH", "CCG16NM"] + [f"similar_ccg_{i}" for i in range(1, 11)]
    lines = [
        ",".join(["E38000001", "02N", "NHS A CCG"] + ["09C"] * 9 + ["ZZZ"]),
        ",".join(["E38000002", "09C", "NHS B CCG"] + ["02N"] * 10),
    ]
    _write(tmp_path / "lookups/peers.csv", ",".join(cols) + "\n" + "\n".join(lines) + "\n")
    manifest = _manifest(tmp_path)
    result = lk.read_areas(ReadContext(entry=manifest[lk.HIERARCHY_ID], data_dir=tmp_path, manifest=manifest))
    peers = result.frames["peers"]
    assert len(peers) == 19
    bad = [p for p in result.problems if p.value == "ZZZ"]
    assert [(b.row, b.column) for b in bad] == [(2, "similar_ccg_10")]
    assert (result.frames["areas"][schema.GEOGRAPHY] == "ccg16").sum() == 2


def test_proper_case_prefers_a_known_spelling():
    known = pd.Series(["NHS Durham Dales, Easington and Sedgefield CCG"])
    names = pd.Series(["NHS DURHAM DALES, EASINGTON AND SEDGEFIELD CCG", "NHS VALE OF YORK CCG"])
    assert lk.proper_case(names, known).tolist() == [
        "NHS Durham Dales, Easington and Sedgefield CCG",
        "NHS Vale of York CCG",
    ]
