"""Tests of the generic Fingertips export reader on the smoking (91547) export and bad inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from data.model import schema as s
from data.model.manifest import load_manifest
from data.model.settings import get_settings
from data.model.validation import SourceError
from data.readers import ReadContext
from data.readers.fingertips import check_fingertips_cis, clean_area_code, read_fingertips_csv

DATA = get_settings().data_dir
MANIFEST = load_manifest()
needs_data = pytest.mark.skipif(not (DATA / "indicators").exists(), reason="real data not present")


@pytest.fixture(scope="module")
def smoking():
    entry = MANIFEST["fingertips_smoking_91547"]
    return read_fingertips_csv(ReadContext(entry=entry, data_dir=DATA, manifest=MANIFEST))


@needs_data
def test_smoking_areas_per_geography_and_period(smoking):
    v = smoking.values
    counts = v.groupby([s.GEOGRAPHY, s.PERIOD])[s.AREA_CODE].nunique().to_dict()
    assert counts[("ccg20", "2019/20")] == 135 and counts[("ccg20", "2020/21")] == 135
    assert counts[("sicbl22", "2019/20")] == 92 and counts[("sicbl22", "2022/23")] == 106
    assert counts[("icb22", "2021/22")] == 42 and counts[("icb22", "2022/23")] == 42
    assert counts[("nhser22", "2022/23")] == 7
    assert sum(n for (g, _), n in counts.items() if g == "england") == 10  # 2013/14..2022/23
    assert not any(g == "icb22" and p < "2021/22" for g, p in counts)  # shadow ICS rows skipped
    assert len(v) == 569
    assert v[s.AREA_CODE].str.match(r"E\d{8}$").all()  # the "n" prefix is gone
    assert set(v[s.INDICATOR_ID]) == {"ft_91547"} and set(v[s.SEX]) == {"Persons"}


@needs_data
def test_smoking_published_values_kept_and_limits(smoking):
    v = smoking.values
    raw = pd.read_csv(DATA / MANIFEST["fingertips_smoking_91547"]["path"])
    eng = v[(v[s.GEOGRAPHY] == "england") & (v[s.PERIOD] == "2022/23")].iloc[0]
    raw_eng = raw[(raw["Area Type"] == "England") & (raw["Time period"] == "2022/23")].iloc[0]
    assert eng[s.VALUE] == raw_eng["Value"] and eng[s.LOWER998] == raw_eng["Lower CI 99.8 limit"]
    assert round(eng[s.VALUE], 2) == 14.71
    assert (
        v[[s.VALUE, s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998, s.COUNT, s.DENOMINATOR]].notna().all().all()
    )
    assert (v[s.LOWER998] <= v[s.LOWER95]).all() and (v[s.UPPER95] <= v[s.UPPER998]).all()
    check = check_fingertips_cis(v)
    assert check["checked_95"] == 569 and check["match_95"] == 569
    assert any("match_998" in n for n in smoking.notes)
    (entry,) = smoking.catalogue
    assert entry["name"] == "Smoking prevalence in adults (15+) - current smokers (QOF)"
    assert entry["polarity"] == s.POLARITY_LOW_GOOD and entry["domain"] == "context"


@needs_data
def test_smoking_skips_are_counted_not_silent(smoking):
    text = " ".join(smoking.notes)
    assert "16962 rows of area types outside the model" in text
    assert "80 category breakdown rows" in text
    assert "15 rows before their area type's from_period" in text
    # The repeated England 2015/16 row is the only problem.
    assert [p.reason for p in smoking.problems] == ["duplicate row for the same area, period and sex"]
    # Every row read is accounted for: kept + skipped types + breakdowns + early ICB rows + problems.
    assert smoking.rows_read == len(smoking.values) + 16962 + 80 + 15 + len(smoking.problems) == 17627


def test_clean_area_code():
    codes = pd.Series(["nE38000006", "E92000001", "nE54000027", "n123"])
    assert clean_area_code(codes).tolist() == ["E38000006", "E92000001", "E54000027", "n123"]


HEADER = (
    "Indicator ID,Indicator Name,Area Code,Area Name,Area Type,Sex,Category Type,Time period,Value,"
    "Lower CI 95.0 limit,Upper CI 95.0 limit,Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note"
)


def synthetic(tmp_path, rows: list[str], header: str = HEADER):
    (tmp_path / "ft.csv").write_text("\n".join([header, *rows]) + "\n")
    entry = {
        "id": "ft",
        "path": "ft.csv",
        "params": {"area_types": {"CCG": "ccg20", "England": "england"}, "polarity": s.POLARITY_LOW_GOOD},
    }
    return ReadContext(entry=entry, data_dir=tmp_path, manifest={"ft": entry})


def test_synthetic_bad_rows(tmp_path):
    rows = [
        "1,Ind,E92000001,England,England,Persons,,2020/21,10,9.9,10.1,,,100,1000,",
        "1,Ind,E38000001,A,CCG,Persons,,2020/21,x,,,,,,,",  # non-numeric value
        "1,Ind,E38000002,B,CCG,Persons,,2020/21,10,,,,,5,0,",  # zero denominator
        "1,Ind,E38000003,C,CCG,Persons,,2020/21,10,,,,,50,10,",  # count above denominator
        "1,Ind,BAD,D,CCG,Persons,,2020/21,10,,,,,1,10,",  # unknown code
        "1,Ind,E38000005,E,CCG,Male,,2020/21,10,,,,,1,10,",  # other sex: counted in notes
        "1,Ind,E06000001,F,UA,Persons,,2020/21,10,,,,,1,10,",  # other area type: counted in notes
        "1,Ind,E38000006,G,CCG,Persons,,2020/21,20,,,,,2,10,note here",
    ]
    result = read_fingertips_csv(synthetic(tmp_path, rows))
    assert sorted((p.row, p.reason) for p in result.problems) == [
        (3, "not a number"),
        (4, "denominator is zero or negative"),
        (5, "count above denominator for a proportion"),
        (6, "unknown area code for geography ccg20"),
    ]
    v = result.values.set_index(s.AREA_CODE)
    assert list(v.index) == ["E92000001", "E38000006"]
    assert v.loc["E38000006", s.LOWER998] > 0 and "note here" in v.loc["E38000006", s.NOTE]
    assert v.loc["E92000001", s.LOWER95] == 9.9  # published limit kept
    text = " ".join(result.notes)
    assert "UA 1" in text and "sexes other than" in text
    assert result.catalogue[0][s.INDICATOR_ID] == "ft_1"


def test_synthetic_missing_key_column(tmp_path):
    header = "Indicator ID,Area Code,Area Type,Time period"
    with pytest.raises(SourceError):
        read_fingertips_csv(synthetic(tmp_path, ["1,E92000001,England,2020/21"], header))
