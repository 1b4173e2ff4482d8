"""Tests of the chronic ACSC reader (ISR and inequality gradient) on the real file and bad inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from data.model import schema as s
from data.model.manifest import load_manifest
from data.model.settings import get_settings
from data.model.validation import SourceError
from data.readers import ReadContext
from data.readers.acsc import AGI_ID, ISR_ID, LOW_QUALITY, read_acsc

DATA = get_settings().data_dir
MANIFEST = load_manifest()
needs_data = pytest.mark.skipif(not (DATA / "indicators").exists(), reason="real data not present")


@pytest.fixture(scope="module")
def acsc():
    entry = MANIFEST["acsc_chronic_ccg16"]
    return read_acsc(ReadContext(entry=entry, data_dir=DATA, manifest=MANIFEST))


@needs_data
def test_isr_rows(acsc):
    v = acsc.values
    isr = v[v[s.INDICATOR_ID] == ISR_ID]
    assert (isr[s.GEOGRAPHY] == "ccg16").sum() == 209 and (isr[s.GEOGRAPHY] == "england").sum() == 1
    assert set(v[s.PERIOD]) == {"c. 2014/15-2015/16"}
    eng = isr[isr[s.GEOGRAPHY] == "england"].iloc[0]
    assert round(eng[s.VALUE], 2) == 792.16
    assert isr[[s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998, s.COUNT, s.DENOMINATOR]].notna().all().all()
    assert (isr[s.LOWER998] < isr[s.LOWER95]).all() and (isr[s.UPPER95] < isr[s.UPPER998]).all()
    raw = pd.read_csv(DATA / MANIFEST["acsc_chronic_ccg16"]["path"]).set_index("ccg16_ods_code")
    ours = isr[isr[s.GEOGRAPHY] == "ccg16"].set_index(s.AREA_CODE)
    assert (ours[s.VALUE] == raw.loc[ours.index, "isr_per_100k"]).all()  # published values kept
    assert (ours[s.LOWER95] == raw.loc[ours.index, "isr_lower_ci95"]).all()
    assert acsc.problems == []
    expected = acsc.frames["acsc_expected"].set_index(s.AREA_CODE)
    assert len(expected) == 209 and expected["expected"].sum() == pytest.approx(
        raw["expected_admissions"].sum()
    )


@needs_data
def test_flags_and_agi(acsc):
    v = acsc.values
    flagged = v[v[s.NOTE].str.startswith("implausibly")]
    assert sorted(set(flagged[s.AREA_CODE])) == sorted(LOW_QUALITY)
    assert len(flagged) == 10
    agi = v[v[s.INDICATOR_ID] == AGI_ID]
    assert len(agi) == 209 and agi[[s.LOWER998, s.UPPER998]].notna().all().all()
    assert (agi[s.LOWER998] < agi[s.LOWER95]).all()
    polarity = {c[s.INDICATOR_ID]: c["polarity"] for c in acsc.catalogue}
    assert polarity == {ISR_ID: s.POLARITY_LOW_GOOD, AGI_ID: s.POLARITY_NONE}


HEADER = (
    "ccg16_ods_code,ccg16_name,registered_population,observed_admissions,expected_admissions,"
    "england_crude_rate_per_100k,isr_per_100k,isr_lower_ci95,isr_upper_ci95,agi_per_100k,agi_lower_ci95,agi_upper_ci95"
)


def synthetic(tmp_path, rows, header=HEADER):
    (tmp_path / "a.csv").write_text("\n".join([header, *rows]) + "\n")
    entry = {"id": "a", "path": "a.csv"}
    return ReadContext(entry=entry, data_dir=tmp_path, manifest={"a": entry})


def test_synthetic_bad_rows(tmp_path):
    rows = [
        "00C,A,100000,800,800,800,800,745.3,858.1,1000,800,1200",
        "00D,B,100000,x,800,800,800,745.3,858.1,1000,800,1200",  # non-numeric count
        "00E,C,100000,800,0,800,800,745.3,858.1,1000,800,1200",  # zero expected
        "E38,D,100000,800,800,800,800,745.3,858.1,1000,800,1200",  # unknown code
        "00F,E,0,800,800,800,800,745.3,858.1,1000,800,1200",  # zero population
    ]
    result = read_acsc(synthetic(tmp_path, rows))
    assert sorted(p.row for p in result.problems) == [3, 4, 5, 6]
    v = result.values
    assert sorted(set(v[s.AREA_CODE])) == ["00C", "E92000001"]
    row = v[(v[s.AREA_CODE] == "00C") & (v[s.INDICATOR_ID] == ISR_ID)].iloc[0]
    assert row[s.VALUE] == 800 and row[s.LOWER95] == 745.3 and row[s.LOWER998] < 745.3


def test_missing_key_column(tmp_path):
    with pytest.raises(SourceError):
        read_acsc(synthetic(tmp_path, ["00C,A"], header="ccg16_ods_code,ccg16_name"))
