"""GP Patient Survey 2026 national table: read as published (CRLF), the quoted question, bad input."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from data.model.manifest import SOURCES_DIR
from data.model.settings import get_settings
from data.model.validation import SourceError
from data.readers import ReadContext
from data.readers.gpps import COLUMNS, read_gpps_national

MANIFEST = {e["id"]: e for e in tomllib.loads((SOURCES_DIR / "section8.toml").read_text())["source"]}
ENTRY = "gpps_national_2026"
DATA = get_settings().data_dir
RAW = DATA / MANIFEST[ENTRY]["path"]
real = pytest.mark.skipif(not RAW.exists(), reason="shared data not available")


def ctx(data_dir: Path = DATA) -> ReadContext:
    return ReadContext(entry=MANIFEST[ENTRY], data_dir=data_dir, manifest=MANIFEST)


@real
def test_real_table_as_published():
    assert b"\r\n" in RAW.read_bytes()[:200]  # published with CRLF line endings
    result = read_gpps_national(ctx())
    table = result.frames["gpps_national"]
    assert result.problems == [] and result.values is None and result.catalogue == []
    assert list(table.columns) == COLUMNS and len(table) == 298 and table["question"].nunique() == 71
    first = table.iloc[0]
    assert (first["question"], first["response"], first["national_pct"], first["national_n"]) == (
        "Q1",
        "Easy",
        57.0,
        277548,
    )
    assert not table["response"].str.endswith("\r").any()
    q32 = result.frames["gpps_questions"].set_index("question").loc["Q32"]
    assert q32["text"] == "Overall, how would you describe your experience of your GP practice?"
    good = table[(table["question"] == "Q32") & (table["response"] == q32["positive_responses"])]
    assert good["national_pct"].tolist() == [77.0]


def _write(root: Path, text: str | None) -> None:
    if text is not None:
        (root / MANIFEST[ENTRY]["path"]).parent.mkdir(parents=True, exist_ok=True)
        (root / MANIFEST[ENTRY]["path"]).write_bytes(text.replace("\n", "\r\n").encode())


def test_bad_rows_are_named_and_the_rest_loads(tmp_path):
    _write(
        tmp_path,
        "question,response,national_pct,national_n\n"
        "Q32,Good,77.0,500\n"  # row 2: fine
        "Q32,Poor,n/a,100\n"  # row 3: not a number
        "Question 5,Yes,50,10\n"  # row 4: not a question number
        "Q6,Yes,150,10\n"  # row 5: % above 100
        "Q7,Yes,50,-3\n",  # row 6: negative count
    )
    result = read_gpps_national(ctx(tmp_path))
    got = {(p.row, p.column, p.value): p.reason for p in result.problems}
    assert got == {
        (3, "national_pct", "n/a"): "not a number",
        (4, "question", "Question 5"): "not a question number (Qn)",
        (5, "national_pct", "150.0"): "% outside 0-100",
        (6, "national_n", "-3.0"): "count is negative",
    }
    assert result.frames["gpps_national"]["question"].tolist() == ["Q32"]


def test_missing_file_renamed_column_and_unquoted_question(tmp_path):
    with pytest.raises(SourceError, match="file not found"):
        read_gpps_national(ctx(tmp_path))
    _write(tmp_path, "question,answer,national_pct,national_n\nQ1,Easy,50,1\n")
    renamed = read_gpps_national(ctx(tmp_path))
    assert [(p.column, p.reason[:14]) for p in renamed.problems] == [("response", "missing column")]
    assert "gpps_national" not in renamed.frames
    _write(tmp_path, "question,response,national_pct,national_n\nQ1,Easy,50,1\n")
    result = read_gpps_national(ctx(tmp_path))
    assert [(p.column, p.value, p.reason) for p in result.problems] == [
        ("question", "Q32", "quoted question not in the file")
    ]
