"""Bad input in the section 8 files, through a whole model build: named, counted, the rest loads."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from data.model import schema as s

FFT = "indicators/gp_fft_practice_2026_02/fft_gp_feb26.csv"
GPPS = "indicators/gpps_national_2026/gpps_national_2026.csv"
MORT = "indicators/avoidable_mortality_ccg_2010_2019/Annual_Mortality_and_Control_Variables_ccg.csv"


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    from data.model.settings import get_settings
    from data.model.store import get_model

    root = tmp_path_factory.mktemp("broken8")
    data_dir = root / "data"
    shutil.copytree(get_settings().data_dir, data_dir)
    for p in data_dir.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    (data_dir / GPPS).unlink()  # a missing file
    fft = (data_dir / FFT).read_text().replace("fft_pct_positive", "pct_positive", 1)
    (data_dir / FFT).write_text(fft)  # a renamed column
    mort = pd.read_csv(data_dir / MORT, dtype=str, keep_default_na=False)
    first = mort.index[(mort["ccg19cd"] == "E38000001") & (mort["year"] == "2016")][0]
    mort.loc[first, "Treatable_Mortality_Rate"] = "n/a"  # not a number
    second = mort.index[(mort["ccg19cd"] == "E38000001") & (mort["year"] == "2015")][0]
    mort.loc[second, "ccg19cd"] = "E38999999"  # a code of no CCG set
    mort.to_csv(data_dir / MORT, index=False)
    mp = pytest.MonkeyPatch()
    mp.setenv("OUTCOMES_DATA_DIR", str(data_dir))
    mp.setenv("OUTCOMES_CACHE_DIR", str(root / "cache"))
    try:
        yield get_model(rebuild=True), int(first) + 2, int(second) + 2
    finally:
        mp.undo()


def test_missing_and_renamed_files_are_named_and_the_rest_loads(broken):
    model, _, _ = broken
    inv = model.inventory.set_index("path")
    assert inv.at[GPPS, "file_status"] == "missing" and "gpps_national" not in model.frames
    fft = model.problems[model.problems["file"] == FFT]
    assert "fft_pct_positive" in set(fft["column"]) and fft["reason"].str.contains("missing column").any()
    ids = set(model.indicators[s.INDICATOR_ID])
    assert "gp_fft_positive" not in ids and {"mort_treatable_u75", "qof_hyp"} <= ids


def test_bad_mortality_rows_are_named_and_nothing_else_is_lost(broken):
    model, bad_value_row, bad_code_row = broken
    rows = model.problems[model.problems["file"] == MORT].set_index("row")
    assert (
        rows.at[bad_value_row, "column"] == "Treatable_Mortality_Rate"
        and rows.at[bad_value_row, "value"] == "n/a"
    )
    assert rows.at[bad_code_row, "column"] == "ccg19cd" and rows.at[bad_code_row, "value"] == "E38999999"
    assert "lookup for 2015" in rows.at[bad_code_row, "reason"]
    t = model.indicators.query("indicator_id == 'mort_treatable_u75' and geography == 'ccg19'")
    per_year = t.groupby(s.PERIOD)[s.AREA_CODE].nunique()
    assert per_year["2016"] == per_year["2015"] == 190 and per_year["2014"] == 191
    # The preventable rate of the row with a bad treatable value still loads.
    p = model.indicators.query(
        "indicator_id == 'mort_preventable_u75' and geography == 'ccg19' and period == '2016'"
    )
    assert "02N" in set(p[s.AREA_CODE])
