"""GP FFT reader: the real file against SOURCES.md 8a and an independent recomputation; bad input."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from data.model import schema as s
from data.model.manifest import SOURCES_DIR
from data.model.settings import get_settings
from data.model.validation import KEPT, SourceError
from data.readers import ReadContext
from data.readers.common import VALUE_COLUMNS
from data.readers.fft import INDICATOR_ID, PRACTICE_COLUMNS, RATE_ID, read_gp_fft

MANIFEST = {
    e["id"]: e
    for name in ("section8.toml", "indicators_a.toml")
    for e in tomllib.loads((SOURCES_DIR / name).read_text())["source"]
}
ENTRY = "fft_gp_practice_2026_02"
DATA = get_settings().data_dir
RAW = DATA / MANIFEST[ENTRY]["path"]
real = pytest.mark.skipif(not RAW.exists(), reason="shared data not available")
Z95 = 1.959963984540054
Z998 = 3.090232306167813


def ctx(data_dir: Path = DATA) -> ReadContext:
    return ReadContext(entry=MANIFEST[ENTRY], data_dir=data_dir, manifest=MANIFEST)


def wilson(count: float, n: float, z: float) -> tuple[float, float]:
    """Wilson score interval written out (Newcombe 1998), as %."""
    p = count / n
    centre, half = 2 * count + z**2, z * math.sqrt(z**2 + 4 * count * (1 - p))
    return 100 * (centre - half) / (2 * (n + z**2)), 100 * (centre + half) / (2 * (n + z**2))


@pytest.fixture(scope="module")
def result():
    return read_gp_fft(ctx())


@real
def test_england_reproduced_from_the_raw_file_without_a84009(result):
    raw = pd.read_csv(RAW).dropna()
    raw = raw[raw["gp_code"] != "A84009"]
    positive = (raw["fft_responses"] * raw["fft_pct_positive"] / 100).round()
    england = result.values[result.values[s.GEOGRAPHY] == "england"].iloc[0]
    assert england[s.COUNT] == positive.sum() == 891_367
    assert england[s.DENOMINATOR] == raw["fft_responses"].sum() == 965_758
    assert england[s.VALUE] == pytest.approx(92.2971, abs=1e-4)  # SOURCES.md 8a: 92.30% without A84009
    for z, lo, hi in ((Z95, s.LOWER95, s.UPPER95), (Z998, s.LOWER998, s.UPPER998)):
        want = wilson(england[s.COUNT], england[s.DENOMINATOR], z)
        assert england[lo] == pytest.approx(want[0], abs=1e-6)
        assert england[hi] == pytest.approx(want[1], abs=1e-6)


@real
def test_every_area_has_a_value_and_limits_match_wilson(result):
    v = result.values
    assert list(v.columns) == VALUE_COLUMNS and set(v[s.INDICATOR_ID]) == {INDICATOR_ID, RATE_ID}
    v = v[v[s.INDICATOR_ID] == INDICATOR_ID]
    assert v[s.GEOGRAPHY].value_counts().to_dict() == {
        "sicbl22": 106,
        "icb22": 42,
        "nhser22": 7,
        "england": 1,
    }
    assert v[s.VALUE].notna().all()
    for _, r in v.sample(20, random_state=0).iterrows():
        lo, hi = wilson(r[s.COUNT], r[s.DENOMINATOR], Z95)
        assert r[s.LOWER95] == pytest.approx(lo, abs=1e-6) and r[s.UPPER95] == pytest.approx(hi, abs=1e-6)
    sub = v[v[s.GEOGRAPHY] == "sicbl22"]
    eng = v[v[s.GEOGRAPHY] == "england"].iloc[0]
    # Sub-ICBs add up to England less the 3 practices not in the mapping (42 responses).
    assert eng[s.DENOMINATOR] - sub[s.DENOMINATOR].sum() == 42


@real
def test_a84009_rejected_by_the_list_size_rule_with_the_00l_effect_in_the_caveats(result):
    hits = [p for p in result.problems if p.value == "36300.0"]
    assert len(hits) == 1
    p = hits[0]
    assert (p.file, p.row, p.column) == (MANIFEST[ENTRY]["path"], 5435, "fft_responses")
    assert "exceed the practice's registered list (26,826" in p.reason
    caveats = result.catalogue[0]["caveats"]
    assert "England would be 92.36%; without it 92.30%" in caveats
    assert "00L moves from 94.24% with it to 94.82% without it" in caveats
    assert "should not be used to compare or rank providers" in caveats
    assert "self-selected" in result.catalogue[0]["definition"]
    unmapped = sorted(p.value for p in result.problems if "not in the QOF 2022/23 mapping" in p.reason)
    assert unmapped == ["F86679", "N81655", "Y08371"]
    # B86673: 2,803 responses in a month against a list of 3,279 (85%): flagged, kept.
    (b86673,) = [p for p in result.problems if p.value == "2803.0"]
    assert (b86673.row, b86673.column) == (6061, "fft_responses") and b86673.reason.startswith(KEPT)
    assert "85% of the practice's registered list (3,279" in b86673.reason
    assert len(result.problems) == 5


@real
def test_practice_frame(result):
    f = result.frames["practice_fft"]
    assert list(f.columns) == PRACTICE_COLUMNS and len(f) == 6186
    assert f["suppressed"].sum() == 1290 and (f["status"] == "included").sum() == 4892
    assert f["status"].str.startswith("not in the QOF").sum() == 3
    a = f.set_index("practice_code").loc["A84009"]
    assert a["status"].startswith("rejected: monthly responses") and pd.isna(a["responses"])
    h = f.set_index("practice_code").loc["H85003"]
    assert (h["responses"], h["positive"], h["sub_icb_ods"], h["pcn_code"]) == (251, 233, "36L", "U42154")
    lo, hi = wilson(233, 251, Z95)
    assert h["lower95"] == pytest.approx(lo, abs=1e-6) and h["upper95"] == pytest.approx(hi, abs=1e-6)


# --- bad input -------------------------------------------------------------------------------

MAPPING = (
    "PRACTICE_CODE,PRACTICE_NAME,PCN_ODS_CODE,PCN_NAME,SUB_ICB_ODS_CODE,SUB_ICB_ONS_CODE,SUB_ICB_NAME,"
    "ICB_ONS_CODE,ICB_NAME,REGION_ONS_CODE,REGION_NAME\n"
    "A00001,One,U00001,PCN 1,02P,E38000006,Barnsley,E54000061,ICB A,E40000012,NEY\n"
    "A00002,Two,U00001,PCN 1,02P,E38000006,Barnsley,E54000061,ICB A,E40000012,NEY\n"
    "A00003,Three,U00002,PCN 2,99E,E38000007,Basildon,E54000062,ICB B,E40000013,East\n"
)
PREVALENCE = "PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PRACTICE_LIST_SIZE\n" + "".join(
    f"A0000{i},AF,1,TOTAL,{size}\n" for i, size in ((1, 5000), (2, 100), (3, 8000))
)


def _write(root: Path, fft: str | None) -> None:
    files = {
        MANIFEST["qof_mapping_2223"]["path"]: MAPPING,
        MANIFEST["qof_prevalence_2223"]["path"]: PREVALENCE,
        MANIFEST[ENTRY]["path"]: fft,
    }
    for rel, text in files.items():
        if text is not None:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)


def test_bad_rows_are_named_and_the_rest_loads(tmp_path):
    _write(
        tmp_path,
        "gp_code,fft_responses,fft_pct_positive\n"
        "A00001,200.0,90.0\n"  # row 2: fine (180 positive)
        "A00002,150.0,80.0\n"  # row 3: responses above the list of 100
        "A00003,abc,80.0\n"  # row 4: not a number
        "Z99999,10.0,50.0\n"  # row 5: not in the mapping: England only
        "A00003,0.0,50.0\n"  # row 6: listed twice
        "A00004,-4,50.0\n"  # row 7: negative responses
        "A00005,7.0,33.3\n"  # row 8: 7 x 33.3% is not a whole number
        "A00006,,\n"  # row 9: no data (suppressed): kept in the practice frame, not a problem
        "A00007,12.0,\n",  # row 10: responses without a %
    )
    result = read_gp_fft(ctx(tmp_path))
    got = {(p.row, p.column, p.value): p.reason for p in result.problems}
    path = MANIFEST[ENTRY]["path"]
    assert all(p.file == path for p in result.problems)
    assert got[(3, "fft_responses", "150.0")].startswith("monthly responses (150) exceed")
    assert got[(4, "fft_responses", "abc")] == "not a number"
    assert "not in the QOF 2022/23 mapping" in got[(5, "gp_code", "Z99999")]
    assert got[(6, "gp_code", "A00003")].startswith("practice listed twice")
    assert got[(7, "fft_responses", "-4")] == "denominator is zero or negative"
    assert "is not a whole number" in got[(8, "fft_pct_positive", "33.3")]
    assert got[(10, "fft_pct_positive", None)].startswith("missing value")
    assert len(result.problems) == 7
    v = result.values[result.values[s.INDICATOR_ID] == INDICATOR_ID].set_index(s.GEOGRAPHY)
    assert (v.loc["sicbl22", s.COUNT], v.loc["sicbl22", s.DENOMINATOR]) == (180, 200)
    assert (v.loc["england", s.COUNT], v.loc["england", s.DENOMINATOR]) == (185, 210)
    frame = result.frames["practice_fft"].set_index("practice_code")
    assert len(frame) == 9 and bool(frame.loc["A00006", "suppressed"])
    assert frame.loc["A00002", "status"].startswith("rejected: monthly responses")


def test_missing_file_and_renamed_column_are_clear(tmp_path):
    _write(tmp_path, None)
    with pytest.raises(SourceError, match="file not found"):
        read_gp_fft(ctx(tmp_path))
    _write(tmp_path, "practice,fft_responses,fft_pct_positive\nA00001,10,50\n")
    result = read_gp_fft(ctx(tmp_path))  # named in the problems, not a crash: the model's other sources load
    assert [(p.file, p.column) for p in result.problems] == [(MANIFEST[ENTRY]["path"], "gp_code")]
    assert result.problems[0].reason.startswith("missing column (columns present: practice,")
    assert result.values.empty and result.rows_read == 1
