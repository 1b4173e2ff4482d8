"""Tests of the HEEC inequality panel reader: name matching, fractions, synthetic bad rows."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from data.model import schema as s
from data.model.manifest import SOURCES_DIR
from data.model.settings import get_settings
from data.readers import ReadContext
from data.readers.heec import INEQUALITY_COLUMNS, normalise_icb_name, read_heec_panel

MANIFEST = {e["id"]: e for e in tomllib.loads((SOURCES_DIR / "indicators_b.toml").read_text())["source"]}
DATA = get_settings().data_dir
real = pytest.mark.skipif(not DATA.exists(), reason="shared data not available")


def ctx(data_dir: Path = DATA) -> ReadContext:
    return ReadContext(entry=MANIFEST["heec_icb_panel"], data_dir=data_dir, manifest=MANIFEST)


@pytest.fixture(scope="module")
def result():
    return read_heec_panel(ctx())


def test_normalise_icb_name():
    assert normalise_icb_name(
        "NHS Cornwall and The Isles Of Scilly Integrated Care Board"
    ) == normalise_icb_name("Cornwall and the Isles of Scilly")
    assert normalise_icb_name("NHS Frimley ICB") == "frimley"


@real
def test_real_shape_and_matching(result):
    assert result.values.empty and result.catalogue == [] and result.problems == []
    long = result.frames["inequalities"]
    assert list(long.columns) == INEQUALITY_COLUMNS
    assert result.rows_read == 9803 and len(long) == 9803 * 4 - 499
    assert long.loc[long["icb22_code"] != s.ENGLAND_CODE, "icb22_code"].nunique() == 42
    assert long["icb22_code"].str.match(r"^E(54|92)").all()
    assert "HEEC: 44 ICB name variants matched to 42 icb22 codes" in result.notes
    assert set(long["quintile"]) == {"1 (least deprived)", "2", "3", "4-5 (most deprived)"}
    cat = result.frames["inequality_catalogue"]
    assert len(cat) == 47 and set(cat["indicator"]) == set(long["indicator"])


@real
def test_real_values(result):
    long = result.frames["inequalities"]
    bc = long[(long["icb_name"].str.contains("Black Country")) & (long["year"] == 2024)]
    qof = bc[bc["indicator"] == "% QOF points achieved"].set_index("quintile")["value"]
    assert qof["1 (least deprived)"] == pytest.approx(74.528346455)
    overall = bc[bc["indicator"] == "overall_pct"].set_index("quintile")
    assert overall.loc["1 (least deprived)", "value"] == pytest.approx(75.43617655)  # fraction -> %
    assert overall["england_avg"].iloc[0] == pytest.approx(76.6146257)
    smoking = bc[bc["indicator"].str.startswith("Smoking")].set_index("quintile")["value"]
    assert smoking["4-5 (most deprived)"] > smoking["1 (least deprived)"]


def test_synthetic_bad_rows(tmp_path):
    lookup = tmp_path / MANIFEST["heec_icb_panel"]["params"]["icb22_lookup"]
    lookup.parent.mkdir(parents=True, exist_ok=True)
    lookup.write_text("icb22_code,icb22_name\nE54000008,NHS Cheshire and Merseyside Integrated Care Board\n")
    path = tmp_path / MANIFEST["heec_icb_panel"]["path"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '"Year","Indicator","ICB.NAME","quin_1","quin_2","quin_3","quin_4_5","avg"\n'
        "2020,overall_pct,Cheshire and Merseyside,0.8,0.7,,0.6,0.75\n"
        "2020,overall_pct,England,0.9,0.8,0.7,0.6,0.75\n"
        "2020,overall_pct,Atlantis,0.8,0.7,0.6,0.5,0.75\n"  # unknown ICB
        "2020,overall_pct,Cheshire and Merseyside,high,0.7,0.6,0.5,0.75\n"  # not a number
        "twenty,overall_pct,Cheshire and Merseyside,0.8,0.7,0.6,0.5,0.75\n"  # bad year
    )
    result = read_heec_panel(ctx(tmp_path))
    assert sorted(p.reason for p in result.problems) == [
        "ICB name matches no icb22 name",
        "not a number",
        "not a number",
    ]
    long = result.frames["inequalities"]
    assert len(long) == 3 + 4  # the empty quin_3 cell is left out and counted in the notes
    cm = long[long["icb22_code"] == "E54000008"].set_index("quintile")["value"]
    assert cm.to_dict() == pytest.approx({"1 (least deprived)": 80.0, "2": 70.0, "4-5 (most deprived)": 60.0})
    assert any("1 empty quintile cells" in n for n in result.notes)
