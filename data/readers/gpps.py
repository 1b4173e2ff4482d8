"""GP Patient Survey 2026, national results (NHS England / Ipsos): a national reference table.

Read as published (CRLF) into ``model.frames["gpps_national"]`` with columns question, response,
national_pct, national_n; no area values, so no indicator. The file carries no question wording:
``frames["gpps_questions"]`` holds the wording of the questions the app quotes (manifest params),
with where it comes from.
"""

from __future__ import annotations

import logging

import pandas as pd

from data.model.validation import Problems, SourceError
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import normalise_header

log = logging.getLogger(__name__)

COLUMNS = ["question", "response", "national_pct", "national_n"]
QUESTION_COLUMNS = ["question", "text", "positive_responses", "source"]


def read_gpps_file(path, problems: Problems) -> tuple[pd.DataFrame | None, int]:
    """Checked rows in file order; bad rows are Problems (file, row, column, value).

    None (and a Problem per missing column) when a key column is missing.
    """
    if not path.exists():
        raise SourceError(f"{path.name}: file not found at {path}")
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    raw.columns = [normalise_header(c) for c in raw.columns]
    raw = raw.replace({"": None})
    if problems.require_columns(raw, COLUMNS):
        return None, len(raw)
    frame = raw[COLUMNS].copy()
    frame["question"] = frame["question"].str.strip()
    frame["response"] = frame["response"].str.strip()
    bad_q = ~frame["question"].str.fullmatch(r"Q\d{1,3}").fillna(False).astype(bool)
    frame = problems.reject_mask(frame, bad_q, "question", "not a question number (Qn)")
    frame = problems.reject_mask(frame, frame["response"].isna(), "response", "missing value")
    frame = problems.numeric(frame, "national_pct")
    frame = problems.numeric(frame, "national_n")
    frame = problems.reject_mask(
        frame, (frame["national_pct"] < 0) | (frame["national_pct"] > 100), "national_pct", "% outside 0-100"
    )
    frame = problems.reject_mask(frame, frame["national_n"] < 0, "national_n", "count is negative")
    frame = problems.reject_mask(
        frame, frame["national_n"] % 1 != 0, "national_n", "count is not a whole number"
    )
    dup = frame.duplicated(["question", "response"], keep="first")
    frame = problems.reject_mask(frame, dup, "response", "question and response listed twice")
    frame["national_n"] = frame["national_n"].astype("int64")
    return frame.reset_index(drop=True), len(raw)


@reader("gpps_national")
def read_gpps_national(ctx: ReadContext) -> ReadResult:
    """The national GPPS 2026 table, as published, and the wording of the quoted questions."""
    problems = Problems(ctx.dataset, ctx.entry["path"])
    table, rows_read = read_gpps_file(ctx.path(), problems)
    if table is None:
        return ReadResult(rows_read=rows_read, problems=problems.items)
    quoted = ctx.params.get("questions", [])
    questions = pd.DataFrame(
        [
            {
                "question": q["question"],
                "text": q["text"],
                "positive_responses": q.get("positive", ""),
                "source": q.get("source", ""),
            }
            for q in quoted
        ],
        columns=QUESTION_COLUMNS,
    )
    missing = sorted(set(questions["question"]) - set(table["question"]))
    for q in missing:
        problems.add("quoted question not in the file", column="question", value=q)
    result = ReadResult(rows_read=rows_read, problems=problems.items)
    result.frames["gpps_national"] = table
    result.frames["gpps_questions"] = questions
    result.notes.append(
        f"{ctx.dataset}: {len(table)} rows, {table['question'].nunique()} questions, national only (no areas); "
        f"wording held for {', '.join(questions['question']) or 'no questions'}"
    )
    log.info("gpps_national: %d rows", len(table))
    return result
