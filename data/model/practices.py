"""GP practice rows kept at build for the practice drill-down: QOF 2022/23 prevalence and points.

The QOF reader sums practices into areas and keeps no practice rows, so the practice
values are read here once, with the same rules: registers with a non-positive list size
or a negative count are left out (counted in the log), each register keeps its usual list
type (age group), and QOF points are the achievement score over the practice maximum (635).
FFT practice rows are the data engineer's ``frames["practice_fft"]`` (publisher's
suppression of 1-4 responses kept there).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd

from data.model import schema as s

log = logging.getLogger(__name__)

PREVALENCE_FILE = "indicators/qof_prevalence_2022_23/PREVALENCE_2223.csv"
POINTS_FILE = "indicators/qof_points_practice_ccg/qof_points_practice_2022-23.csv"
PERIOD = "2022/23"
COLUMNS = ["practice_code", s.INDICATOR_ID, s.PERIOD, s.COUNT, s.DENOMINATOR]


def prevalence_rows(path: Path) -> pd.DataFrame:
    """Practice x register: register size (count) over the list size for its age group."""
    prev = pd.read_csv(path, dtype={"PRACTICE_CODE": str, "GROUP_CODE": str, "PATIENT_LIST_TYPE": str})
    for col in ("REGISTER", "PRACTICE_LIST_SIZE"):
        prev[col] = pd.to_numeric(prev[col], errors="coerce")
    bad = prev["REGISTER"].isna() | prev["PRACTICE_LIST_SIZE"].isna() | (prev["PRACTICE_LIST_SIZE"] <= 0)
    bad |= prev["REGISTER"] < 0
    usual = prev.groupby("GROUP_CODE")["PATIENT_LIST_TYPE"].agg(lambda x: x.mode().iat[0])
    odd = prev["PATIENT_LIST_TYPE"] != prev["GROUP_CODE"].map(usual)
    if (bad | odd).any():
        log.info(
            "practice prevalence: %d of %d rows left out (bad numbers or list type)",
            (bad | odd).sum(),
            len(prev),
        )
    prev = prev[~(bad | odd)]
    return pd.DataFrame(
        {
            "practice_code": prev["PRACTICE_CODE"].str.strip(),
            s.INDICATOR_ID: "qof_" + prev["GROUP_CODE"].str.strip().str.lower(),
            s.PERIOD: PERIOD,
            s.COUNT: prev["REGISTER"].astype(float),
            s.DENOMINATOR: prev["PRACTICE_LIST_SIZE"].astype(float),
        }
    )


def points_rows(path: Path) -> pd.DataFrame:
    """Practice QOF achievement: score (count) over the practice maximum (denominator)."""
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    frame.columns = [" ".join(str(c).split()) for c in frame.columns]
    practice = next(c for c in frame.columns if c.lower() == "practice code")
    score = next(c for c in frame.columns if c.lower().startswith("achievement score"))
    maximum = float(re.search(r"(\d{3})", score).group(1))
    points = pd.to_numeric(frame[score], errors="coerce")
    bad = points.isna()
    if bad.any():
        log.info("practice QOF points: %d practices without a score (':') left out", bad.sum())
    return pd.DataFrame(
        {
            "practice_code": frame.loc[~bad, practice].str.strip(),
            s.INDICATOR_ID: "qof_points",
            s.PERIOD: PERIOD,
            s.COUNT: points[~bad].astype(float),
            s.DENOMINATOR: maximum,
        }
    )


def build_practice_values(data_dir: Path) -> pd.DataFrame:
    parts = []
    for rel, reader in ((PREVALENCE_FILE, prevalence_rows), (POINTS_FILE, points_rows)):
        path = data_dir / rel
        if not path.is_file():
            log.error("practice drill-down: %s not found", rel)
            continue
        try:
            parts.append(reader(path))
        except (ValueError, KeyError, StopIteration, AttributeError) as exc:
            log.error("practice drill-down: %s could not be read: %s", rel, exc)
    return pd.concat(parts, ignore_index=True)[COLUMNS] if parts else pd.DataFrame(columns=COLUMNS)
