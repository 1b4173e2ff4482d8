"""Recording rows that could not be used, so that nothing is dropped silently.

Every reader reports each rejected row as a ``Problem`` naming the file, the row
(1-based, counting the header as row 1 as a spreadsheet would), the column and
the value. Problems are logged when recorded and listed by ``python -m data
inventory``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

# Reason prefix of a problem whose row was KEPT: an oddity in a source that publishes it
# as it is (e.g. a QOF register above its practice's list size). Listed with the problems,
# not counted as a rejection, and the row stays in every total.
KEPT = "source anomaly, row kept"


def is_kept(reason: str) -> bool:
    """True for a problem that flags a kept row rather than a rejected one."""
    return reason.startswith(KEPT)


@dataclass(frozen=True)
class Problem:
    dataset: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str

    def message(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        if self.value is not None:
            where += f", value {self.value!r}"
        return f"{where}: {self.reason}"


@dataclass
class Problems:
    """Collects problems for one dataset and logs each one as a warning."""

    dataset: str
    file: str
    items: list[Problem] = field(default_factory=list)

    def add(self, reason: str, *, row: int | None = None, column: str | None = None, value=None) -> None:
        shown = None if value is None else str(value)
        problem = Problem(self.dataset, self.file, row, column, shown, reason)
        self.items.append(problem)
        log.warning("%s: %s", self.dataset, problem.message())

    def reject_mask(self, frame: pd.DataFrame, mask: pd.Series, column: str, reason: str) -> pd.DataFrame:
        """Record every row where ``mask`` is true and return the frame without them.

        The frame's index must be the 0-based position of the row in the file's
        data rows (as ``pd.read_csv`` gives), so that the reported row is right.
        """
        mask = mask.fillna(False).astype(bool)
        for idx in frame.index[mask.to_numpy()]:
            self.add(reason, row=file_row(idx), column=column, value=frame.at[idx, column])
        return frame.loc[~mask.to_numpy()]

    def flag_mask(self, frame: pd.DataFrame, mask: pd.Series, column: str, reason: str) -> pd.DataFrame:
        """Record every row where ``mask`` is true as a source anomaly, KEEPING the rows.

        For values a source publishes as they are (so published totals include them):
        the reason is prefixed with ``KEPT`` and the frame is returned whole.
        """
        mask = mask.fillna(False).astype(bool)
        for idx in frame.index[mask.to_numpy()]:
            self.add(f"{KEPT}: {reason}", row=file_row(idx), column=column, value=frame.at[idx, column])
        return frame

    def numeric(self, frame: pd.DataFrame, column: str, *, required: bool = True) -> pd.DataFrame:
        """Coerce ``column`` to float; reject rows whose value is not a number.

        Blank cells are kept as NaN unless ``required``; then they are rejected too.
        Thousands separators ("1,234") are accepted.
        """
        raw = frame[column]
        cleaned = raw.astype("string").str.replace(",", "", regex=False).str.strip()
        as_num = pd.to_numeric(cleaned, errors="coerce")
        blank = raw.isna() | (cleaned == "")
        bad = as_num.isna() & ~blank
        frame = frame.copy()
        frame[column] = as_num.astype(float)
        frame = self.reject_mask_with_values(frame, bad, column, raw, "not a number")
        if required:
            frame = self.reject_mask_with_values(frame, blank.loc[frame.index], column, raw, "missing value")
        return frame

    def reject_mask_with_values(
        self, frame: pd.DataFrame, mask: pd.Series, column: str, raw: pd.Series, reason: str
    ) -> pd.DataFrame:
        mask = mask.reindex(frame.index).fillna(False).astype(bool)
        for idx in frame.index[mask.to_numpy()]:
            self.add(reason, row=file_row(idx), column=column, value=raw.get(idx))
        return frame.loc[~mask.to_numpy()]

    def require_columns(self, frame: pd.DataFrame, columns: list[str]) -> list[str]:
        """Return the columns that are missing (recording one problem per column)."""
        missing = [c for c in columns if c not in frame.columns]
        for c in missing:
            self.add(f"missing column (columns present: {', '.join(map(str, frame.columns))})", column=c)
        return missing


def file_row(index) -> int | None:
    """Spreadsheet-style row number of a data row at 0-based position ``index``."""
    if isinstance(index, (int, np.integer)):
        return int(index) + 2
    return None


class SourceError(RuntimeError):
    """A whole source could not be read (missing file, missing key column)."""


def read_error(exc: BaseException) -> tuple[str, int | None, str | None]:
    """A broken file's exception as (one-line reason, row, column): what a person can act on.

    Truncated or garbled CSV and JSON name the line; a spreadsheet that is not a workbook,
    text that is not UTF-8 and a missing column say so in words. No traceback.
    """
    import json
    import re
    import zipfile

    if exc.__cause__ is not None:  # e.g. a BoundaryReadError wrapping the parser's own message
        return read_error(exc.__cause__)
    text = " ".join(str(exc).split())
    row: int | None = None
    column: str | None = None
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})", exc.lineno, None
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})", None, None
    if isinstance(exc, zipfile.BadZipFile):
        return "not an Excel workbook (the file is not a valid XLSX/zip archive)", None, None
    if isinstance(exc, pd.errors.EmptyDataError):
        return "empty file (no header row)", None, None
    if isinstance(exc, KeyError):
        column = str(exc.args[0]) if exc.args else None
        return f"missing column {column!r}", None, column
    found = re.search(r"\bline (\d+)", text)
    if found:
        row = int(found.group(1))
    if isinstance(exc, pd.errors.ParserError):
        return f"malformed CSV ({text[:200]})", row, None
    return (text[:300] or type(exc).__name__), row, column


def truncated_csv(path) -> str | None:
    """Why a CSV looks cut short (no final line break; fewer fields than its header on the last
    line), naming the line; None when it does not. Checked only for files whose checksum differs
    from the manifest, so a source published without a final line break is not flagged."""
    import csv

    raw = open(path, "rb").read()  # noqa: SIM115 - small helper, closed by garbage collection
    if not raw or raw.endswith(b"\n"):
        return None
    try:
        lines = raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        return None  # not text at all: the reader says so
    if len(lines) < 2:
        return None
    header, last = next(csv.reader([lines[0]])), next(csv.reader([lines[-1]]), [])
    if len(lines) > 1 and len(last) < len(header):
        return (
            f"file ends mid-row at line {len(lines)} ({len(last)} of {len(header)} fields): "
            "truncated, so the rows after it are missing"
        )
    return (
        f"file ends without a line break at line {len(lines)}: it may be truncated (that row may be "
        "cut short and the rows after it missing)"
    )
