"""Broken (not only missing) source files: a truncated CSV, a CSV with the wrong columns, a
spreadsheet of garbage bytes, a CSV of garbage bytes and a truncated GeoJSON boundary file in
a copy of the data directory. Each gives one problem and one log line naming the file (and
the row or column where known), no traceback, and the model and the app serve the rest."""

from __future__ import annotations

import json
import logging
import os
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import requests

from data.model import schema as s
from data.model.validation import read_error, truncated_csv
from selection import parse_query
from tests.serving import app_server
from tests.unit.security.conftest import view_body

TRUNCATED_CSV = "indicators/prescribing_openprescribing/ccg_trimethoprim_vs_nitrofurantoin.csv"
WRONG_COLUMNS = "indicators/gp_appointments_ccg_monthly_partial.csv"
GARBAGE_XLSX = "indicators/obesity_admissions_ccg13/nhsd_obesity_physical_activity_diet_2015_tables.xlsx"
GARBAGE_CSV = "indicators/mental_health_ccg21/cmhs.processed.csv"
TRUNCATED_GEOJSON = "boundaries/ccg19_apr2019_openprescribing.geojson"


# --- the words for a broken file ----------------------------------------------------------


def test_read_error_names_the_line_of_broken_json():
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads('{"features": [\n{"a": 1},\n{"b": ')
    reason, row, column = read_error(caught.value)
    assert reason.startswith("not valid JSON") and "line 3" in reason and row == 3 and column is None


def test_read_error_words_for_garbage_bytes_wrong_columns_and_not_a_workbook(tmp_path):
    with pytest.raises(UnicodeDecodeError) as caught:
        b"ab\x98cd".decode("utf-8")
    assert read_error(caught.value)[0] == "not UTF-8 text (byte 0x98 at offset 2)"
    with pytest.raises(KeyError) as caught:
        pd.DataFrame({"a": [1]})["month"]
    assert read_error(caught.value) == ("missing column 'month'", None, "month")
    (tmp_path / "x.xlsx").write_bytes(b"\x00garbage" * 100)
    with pytest.raises(zipfile.BadZipFile) as caught:
        zipfile.ZipFile(tmp_path / "x.xlsx")
    assert read_error(caught.value)[0].startswith("not an Excel workbook")
    (tmp_path / "rows.csv").write_text("a,b\n1,2\n3,4,5,6\n")
    with pytest.raises(pd.errors.ParserError) as caught:
        pd.read_csv(tmp_path / "rows.csv")
    reason, row, _ = read_error(caught.value)
    assert reason.startswith("malformed CSV") and "line 3" in reason and row == 3


def test_truncated_csv_is_recognised_and_a_whole_one_is_not(tmp_path):
    whole = tmp_path / "whole.csv"
    whole.write_text("a,b,c\n1,2,3\n4,5,6\n")
    assert truncated_csv(whole) is None
    (tmp_path / "mid_row.csv").write_text("a,b,c\n1,2,3\n4,5")
    assert truncated_csv(tmp_path / "mid_row.csv") == (
        "file ends mid-row at line 3 (2 of 3 fields): truncated, so the rows after it are missing"
    )
    (tmp_path / "mid_value.csv").write_text("a,b,c\n1,2,3\n4,5,6")
    assert "ends without a line break at line 3" in truncated_csv(tmp_path / "mid_value.csv")


# --- a build and a start-up with broken files (slow) ------------------------------------------


def _break(data: Path, source: Path) -> None:
    def replace(rel: str, content: bytes) -> None:
        (data / rel).unlink()  # a symlink to the real file: the real file is untouched
        (data / rel).write_bytes(content)

    csv = (source / TRUNCATED_CSV).read_bytes()
    replace(TRUNCATED_CSV, csv[: len(csv) // 2 + 7])
    header, rest = (source / WRONG_COLUMNS).read_bytes().split(b"\n", 1)
    replace(WRONG_COLUMNS, b"foo,bar,baz\n" + rest)
    replace(GARBAGE_XLSX, bytes(range(256)) * 20)
    replace(GARBAGE_CSV, b"\x98\x87\xff" * 1000)
    geo = (source / TRUNCATED_GEOJSON).read_bytes()
    replace(TRUNCATED_GEOJSON, geo[: len(geo) // 3])


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """The model built from a copy of the data with five broken files, and the env that serves it."""
    from data.model.settings import get_settings
    from data.model.store import get_model

    tmp = tmp_path_factory.mktemp("broken")
    source = get_settings().data_dir
    data = tmp / "data"
    shutil.copytree(source, data, copy_function=os.symlink)
    _break(data, source)
    env = {"OUTCOMES_DATA_DIR": str(data), "OUTCOMES_CACHE_DIR": str(tmp / "cache")}
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(level=logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        try:
            model = get_model()  # builds, and saves the model where the app below will find it
        finally:
            root.removeHandler(handler)
            root.setLevel(old_level)
    return model, env, records


@pytest.mark.slow
def test_each_broken_file_is_one_problem_naming_the_file(broken):
    model, _, records = broken
    problems = model.problems
    by_file = problems.groupby("file")["reason"].apply(list).to_dict()
    assert any("ends without a line break at line" in r for r in by_file[TRUNCATED_CSV])
    wrong = problems[
        (problems["file"] == WRONG_COLUMNS) & problems["reason"].str.startswith("missing column")
    ]
    assert set(wrong["column"]) >= {"month", "count_of_appointments"}
    xlsx = problems[problems["reason"].str.contains(GARBAGE_XLSX.split("/")[-1], regex=False)]
    assert len(xlsx) == 1 and "could not be read" in xlsx["reason"].iloc[0]
    checksum = "sha256 differs from the manifest; read anyway"
    assert [r for r in by_file[GARBAGE_CSV] if r != checksum] == [
        "could not be read: not UTF-8 text (byte 0x98 at offset 0)"
    ]
    geo = problems[(problems["file"] == TRUNCATED_GEOJSON) & (problems["reason"] != checksum)]
    assert len(geo) >= 2 and (geo["row"].dropna() > 0).all()  # the boundary layer and the readers using it
    assert geo["reason"].str.startswith("could not be read").all()
    # one line each in the log, no traceback above debug level
    assert [r.getMessage() for r in records if r.exc_info and r.levelno > logging.DEBUG] == []
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    for path in (GARBAGE_CSV, TRUNCATED_GEOJSON, TRUNCATED_CSV):
        assert any(path in message and "\n" not in message for message in errors), path


@pytest.mark.slow
def test_the_model_keeps_everything_else(broken, model):
    broken_model, _, _ = broken
    assert "ccg19" not in broken_model.geojson and "ccg21" in broken_model.geojson
    inventory = broken_model.inventory
    status = inventory.set_index("path")["file_status"]
    assert status[TRUNCATED_GEOJSON] == "unreadable"
    # every indicator of the intact build survives except those read from the broken files
    lost = set(model.catalogue.index) - set(broken_model.catalogue.index)
    lost_sources = set(model.catalogue.loc[sorted(lost), "source"].astype(str))
    assert lost and lost_sources <= {"gp_appointments", "mh_cmhs", "gp_payments"}, lost_sources
    assert {"qof_hyp", "dementia_ddr_65plus", "gp_fft_positive"} <= set(broken_model.catalogue.index)
    ccg21 = broken_model.areas[broken_model.areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY]
    assert len(ccg21) == 106


@pytest.mark.slow
def test_the_app_serves_the_rest_and_the_map_says_why(broken, tmp_path, model):
    _, env, _ = broken
    with app_server(env=env, log_path=tmp_path / "app.log", timeout_s=300) as url:
        state, _ = parse_query(model, "?indicator=qof_hyp&areas=E38000089")
        body = view_body({**state, "page": "compare"})
        response = requests.post(url + "/_dash-update-component", json=body, timeout=60)
        assert response.status_code == 200 and "NHS Kernow CCG" in response.text
        assert requests.get(url + "/map?geography=ccg19", timeout=30).status_code == 200
    assert "Traceback" not in (tmp_path / "app.log").read_text()
