"""Trust-level indicator reader: attribution to CCG 2021 by catchment weights, renormalised; bad input."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

from data.model import schema as s
from data.model.manifest import SOURCES_DIR
from data.model.settings import get_settings
from data.model.validation import SourceError
from data.readers import ReadContext
from data.readers.trusts import WEIGHTS_ID, read_trust_indicator

SECTION8 = {e["id"]: e for e in tomllib.loads((SOURCES_DIR / "section8.toml").read_text())["source"]}
ENTRY = {
    "id": "cqc_inpatient_test",
    "path": "indicators/trust_survey/inpatient.csv",
    "format": "csv",
    "kind": "indicator",
    "geography": "trust",
    "vintage": "2023",
    "holds": "test",
    "publisher": "Care Quality Commission",
    "title": "Adult inpatient survey (test)",
    "licence": "OGL-3.0",
    "sha256": "",
    "reader": "trust_indicator",
    "params": {
        "indicator_id": "cqc_inpatient_overall",
        "name": "Adult inpatient survey: overall experience score",
        "short_name": "Inpatient survey: overall",
        "domain": "4",
        "unit": "score (0-10)",
        "definition": "Mean overall experience score (0-10).",
    },
}
WEIGHTS = (
    "trust_code,ccg21_code,ccg21_code_h,ccg21_name,catchment_population_2019,share_of_ccg_attributed,"
    "share_of_trust_catchment,ccg21_pop_mid2019\n"
    "RAA,E38000001,01A,CCG One,600,0.6,0.75,1000\n"
    "RBB,E38000001,01A,CCG One,300,0.3,0.5,1000\n"
    "RCC,E38000001,01A,CCG One,100,0.1,1.0,1000\n"
    "RAA,E38000002,02B,CCG Two,200,0.4,0.25,500\n"
    "RBB,E38000002,02B,CCG Two,300,0.6,0.5,500\n"
)


def run(root: Path, trust_csv: str | None, weights: str = WEIGHTS):
    manifest = {ENTRY["id"]: ENTRY, WEIGHTS_ID: SECTION8[WEIGHTS_ID]}
    (root / SECTION8[WEIGHTS_ID]["path"]).parent.mkdir(parents=True, exist_ok=True)
    (root / SECTION8[WEIGHTS_ID]["path"]).write_text(weights)
    if trust_csv is not None:
        (root / ENTRY["path"]).parent.mkdir(parents=True, exist_ok=True)
        (root / ENTRY["path"]).write_text(trust_csv)
    return read_trust_indicator(ReadContext(entry=ENTRY, data_dir=root, manifest=manifest))


def test_attribution_renormalised_over_trusts_with_a_value(tmp_path):
    result = run(
        tmp_path,
        "trust_code,period,value,count,denominator\n"
        "RAA,2023,8.0,400,500\n"
        "RBB,2023,6.0,,\n"  # count and denominator are optional
        "RZZ,2023,9.0,10,10\n"  # row 4: not in the catchment: reported, the rest loads
        "RAA,2022,7.0,,\n",
    )
    assert [(p.row, p.column, p.value) for p in result.problems] == [(4, "trust_code", "RZZ")]
    assert "not in the acute-trust catchment weights" in result.problems[0].reason
    v = result.values.set_index([s.GEOGRAPHY, s.AREA_CODE, s.PERIOD])
    # CCG One: RCC has no value, so 0.6 and 0.3 are renormalised to 2/3 and 1/3.
    assert v.loc[("ccg21", "E38000001", "2023"), s.VALUE] == pytest.approx((0.6 * 8 + 0.3 * 6) / 0.9)
    assert v.loc[("ccg21", "E38000002", "2023"), s.VALUE] == pytest.approx(0.4 * 8 + 0.6 * 6)
    assert v.loc[("ccg21", "E38000001", "2022"), s.VALUE] == pytest.approx(7.0)  # only RAA has 2022
    note = v.loc[("ccg21", "E38000001", "2023"), s.NOTE]
    assert note.startswith("Attributed from trusts: RAA 67%, RBB 33%") and "90% of the CCG" in note
    # England: trust values weighted by catchment population (RAA 800, RBB 600).
    assert v.loc[("england", s.ENGLAND_CODE, "2023"), s.VALUE] == pytest.approx((800 * 8 + 600 * 6) / 1400)
    assert v[s.LOWER95].isna().all()
    cat = result.catalogue[0]
    assert cat["ci_method"] == "none" and "attributed from trusts" in cat["definition"]
    trusts = result.frames["trust_indicators"]
    assert len(trusts) == 4 and trusts.set_index("trust_code").loc["RZZ", "in_catchment"] == False  # noqa: E712


def test_fingertips_shaped_export_is_accepted(tmp_path):
    result = run(
        tmp_path,
        "Indicator ID,Area Code,Area Name,Area Type,Time period,Value,Count,Denominator\n"
        "1,E92000001,England,England,2023,7.5,,\n"  # not a trust row: not read as one
        "1,RAA,Trust A,Acute Trust,2023,8.0,40,50\n"
        "1,RBB,Trust B,Acute Trust,2023,6.0,30,50\n",
    )
    assert result.problems == []
    ccg = result.values[result.values[s.GEOGRAPHY] == "ccg21"]
    assert len(ccg) == 2 and set(ccg[s.PERIOD]) == {"2023"}


def test_bad_rows_are_named_and_the_rest_loads(tmp_path):
    result = run(
        tmp_path,
        "trust_code,period,value,count,denominator\n"
        "RAA,2023,8.0,400,500\n"
        "RBB,2023,n/a,1,2\n"  # row 3: not a number
        "12345,2023,6.0,1,2\n"  # row 4: not a trust code
        "RBB,2022,6.0,1,0\n"  # row 5: zero denominator
        "RBB,2021,6.0,1,-2\n"  # row 6: negative denominator
        "RAA,2023,5.0,1,2\n",  # row 7: listed twice
    )
    got = {(p.row, p.column, p.value): p.reason for p in result.problems}
    assert got == {
        (3, "value", "n/a"): "not a number",
        (4, "trust_code", "12345"): "not an NHS trust ODS code",
        (5, "denominator", "0"): "denominator is zero or negative",
        (6, "denominator", "-2"): "denominator is zero or negative",
        (7, "trust_code", "RAA"): "trust and period listed twice (first kept)",
    }
    assert all(p.file == ENTRY["path"] for p in result.problems)
    ccg = result.values[result.values[s.GEOGRAPHY] == "ccg21"].set_index(s.AREA_CODE)
    assert ccg.loc["E38000001", s.VALUE] == pytest.approx(8.0)


def test_missing_file_and_renamed_column(tmp_path):
    with pytest.raises(SourceError, match="file not found"):
        run(tmp_path, None)
    result = run(tmp_path, "trust_code,period,mean\nRAA,2023,8\n")
    assert [(p.column, p.reason[:28]) for p in result.problems] == [("value", "missing column for the value")]
    assert result.values.empty


@pytest.mark.skipif(not (get_settings().data_dir / SECTION8[WEIGHTS_ID]["path"]).exists(), reason="no data")
def test_real_weights_cover_every_ccg():
    w = pd.read_csv(get_settings().data_dir / SECTION8[WEIGHTS_ID]["path"])
    assert w["ccg21_code"].nunique() == 106 and w["trust_code"].nunique() == 138
    assert w.groupby("ccg21_code")["share_of_ccg_attributed"].sum().between(0.999, 1.001).all()
