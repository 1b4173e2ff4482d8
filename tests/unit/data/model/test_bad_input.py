"""Bad input in real source files: a clear message naming file, row, column and value;
the rest of the model still loads; nothing is dropped without being counted."""

import shutil

import pandas as pd
import pytest

from data.model import schema as s

STATIN = "indicators/prescribing_openprescribing/ccg_statin_intensity_measure.csv"
OAPS = "indicators/mental_health_ccg21/oaps.processed.csv"
CMHS = "indicators/mental_health_ccg21/cmhs.processed.csv"


@pytest.fixture(scope="module")
def broken_model(tmp_path_factory):
    from data.model.settings import get_settings
    from data.model.store import get_model

    root = tmp_path_factory.mktemp("broken")
    data_dir = root / "data"
    shutil.copytree(get_settings().data_dir, data_dir)
    for p in data_dir.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    (data_dir / CMHS).unlink()  # a missing file
    oaps = (
        (data_dir / OAPS).read_text().replace("Inappropriate OAPs active at period end", "OAPs (renamed)", 1)
    )
    (data_dir / OAPS).write_text(oaps)  # a renamed column
    statin = pd.read_csv(data_dir / STATIN, dtype=str)
    statin.loc[4, "numerator"] = "n/a"  # not a number (file row 6)
    statin.loc[5, "denominator"] = "0"  # zero denominator (file row 7)
    statin.loc[6, "numerator"] = str(int(statin.loc[6, "denominator"]) + 5)  # count above denominator (row 8)
    statin.loc[7, "pct_id"] = "ZZZ"  # a code of no known vintage (row 9)
    statin.to_csv(data_dir / STATIN, index=False)
    mp = pytest.MonkeyPatch()
    mp.setenv("OUTCOMES_DATA_DIR", str(data_dir))
    mp.setenv("OUTCOMES_CACHE_DIR", str(root / "cache"))
    try:
        yield get_model(rebuild=True)
    finally:
        mp.undo()


def problems_for(model, path):
    return model.problems[model.problems["file"] == path]


def test_missing_file_is_reported_and_the_rest_loads(broken_model):
    inv = broken_model.inventory.set_index("path")
    assert inv.at[CMHS, "file_status"] == "missing"
    assert not problems_for(broken_model, CMHS).empty
    ind = broken_model.indicators
    assert not ind[s.INDICATOR_ID].str.startswith("mh_cmhs").any()
    hyp = ind[(ind[s.INDICATOR_ID] == "qof_hyp") & (ind[s.GEOGRAPHY] == "ccg21")]
    assert len(hyp) == 106


def test_renamed_column_names_the_column(broken_model):
    rows = problems_for(broken_model, OAPS)
    assert rows["reason"].str.contains("missing column").any()
    assert "Inappropriate OAPs active at period end" in set(rows["column"])
    assert "mh_oaps_rate" not in set(broken_model.indicators[s.INDICATOR_ID])


@pytest.mark.parametrize(
    ("row", "column", "value", "reason"),
    [
        (6, "numerator", "n/a", "not a number"),
        (7, "denominator", "0", "denominator"),
        (8, "numerator", None, "above"),
        (9, "pct_id", "ZZZ", ""),
    ],
)
def test_bad_rows_are_named(broken_model, row, column, value, reason):
    rows = problems_for(broken_model, STATIN)
    hit = rows[(rows["row"] == row)]
    assert len(hit) == 1, rows.to_string()
    problem = hit.iloc[0]
    assert problem["column"] == column
    if value is not None:
        assert problem["value"] in (value, f"{float(value):.1f}" if value[0].isdigit() else value)
    assert reason in problem["reason"]


def test_rejected_rows_are_counted_not_silently_dropped(broken_model):
    inv = broken_model.inventory.set_index("path")
    assert inv.at[STATIN, "rows_rejected"] == 4
    ind = broken_model.indicators
    statin = ind[(ind[s.INDICATOR_ID] == "op_statin_intensity") & (ind[s.GEOGRAPHY] == "ccg18")]
    assert len(statin) == 2145 - 4
    assert inv.at[STATIN, "file_status"] == "checksum differs"


def test_patient_experience_without_its_mental_health_survey_file(broken_model):
    """A Domain 4 source whose file is missing is one clear line in "what is missing"; the other
    sources and the summary still work."""
    from data.queries.experience import SOURCE_CMH21, SOURCE_FFT, SOURCE_IP22, experience

    view = experience(broken_model, "E38000089")  # NHS Kernow CCG
    cmh = view.missing[view.missing["source"] == SOURCE_CMH21]
    assert len(cmh) == 1
    assert CMHS in cmh["why"].iloc[0] and "(missing)" in cmh["why"].iloc[0]
    leans = view.leans.set_index("source")
    assert leans.at[SOURCE_CMH21, "lean"] == "no value" and "not read" in leans.at[SOURCE_CMH21, "detail"]
    assert leans.at[SOURCE_FFT, "lean"] == "below" and leans.at[SOURCE_IP22, "n"] == 11
    assert view.headline.startswith("Sources disagree against England")
