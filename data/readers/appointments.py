"""GP appointments by CCG and month: did-not-attend rate and share of face-to-face appointments.

The source covers only 49 of the 106 April 2021 CCGs (no northern CCGs), so every row
and catalogue entry says so.
"""

from __future__ import annotations

import logging

import pandas as pd

from data.model import schema as s
from data.model.validation import Problems
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import catalogue_entry, conform_values, empty_values, period_start, with_statistics
from data.readers.prescribing import read_text_csv

log = logging.getLogger(__name__)

STATUSES = ("Attended", "DNA", "Unknown")
MODES = ("Face-to-Face", "Telephone", "Video/Online", "Home Visit", "Unknown")
COLUMNS = ["month", "ccg_ons_code", "appt_status", "appt_mode", "count_of_appointments"]
ALL_CCG21 = 106


def _ccg21_names(ctx: ReadContext) -> pd.Series:
    codes = pd.read_csv(ctx.data_dir / ctx.params["ccg21_codes"], dtype=str)
    return codes.set_index("CCG21CD")["CCG21NM"]


def _validate(raw: pd.DataFrame, names: pd.Series, problems: Problems) -> pd.DataFrame:
    """Reject rows with an unknown CCG, month, status or mode, or a bad appointment count."""
    frame = raw.copy()
    frame["ccg_ons_code"] = frame["ccg_ons_code"].str.strip()
    frame = problems.reject_mask(
        frame, ~frame["ccg_ons_code"].isin(names.index), "ccg_ons_code", "not an April 2021 CCG code"
    )
    starts = frame["month"].map(lambda v: period_start(v, kind="month") if isinstance(v, str) else pd.NaT)
    frame[s.PERIOD_START] = pd.to_datetime(starts)
    frame = problems.reject_mask(frame, frame[s.PERIOD_START].isna(), "month", "not a month (YYYY-MM)")
    frame = problems.reject_mask(
        frame, ~frame["appt_status"].isin(STATUSES), "appt_status", "unknown appointment status"
    )
    frame = problems.reject_mask(
        frame, ~frame["appt_mode"].isin(MODES), "appt_mode", "unknown appointment mode"
    )
    frame = problems.numeric(frame, "count_of_appointments")
    return problems.reject_mask(
        frame, frame["count_of_appointments"] < 0, "count_of_appointments", "negative appointment count"
    )


@reader("gp_appointments")
def read_gp_appointments(ctx: ReadContext) -> ReadResult:
    """DNA rate (DNA / (attended + DNA)) and % face-to-face (of appointments of known mode)."""
    problems = Problems(ctx.dataset, ctx.entry["path"])
    raw = read_text_csv(ctx.path())
    result = ReadResult(rows_read=len(raw), values=empty_values(), problems=problems.items)
    if problems.require_columns(raw, COLUMNS):
        return result
    names = _ccg21_names(ctx)
    frame = _validate(raw, names, problems)
    n = frame["count_of_appointments"]
    frame = frame.assign(
        dna=n.where(frame["appt_status"] == "DNA", 0.0),
        known_status=n.where(frame["appt_status"].isin(["Attended", "DNA"]), 0.0),
        f2f=n.where(frame["appt_mode"] == "Face-to-Face", 0.0),
        known_mode=n.where(frame["appt_mode"] != "Unknown", 0.0),
    )
    cells = frame.groupby(["ccg_ons_code", s.PERIOD_START], as_index=False)[
        ["dna", "known_status", "f2f", "known_mode"]
    ].sum()
    n_areas = cells["ccg_ons_code"].nunique()
    coverage = (
        f"PARTIAL COVERAGE: {n_areas} of {ALL_CCG21} CCGs (April 2021 set); no CCGs in the North of England"
    )
    pieces = []
    for indicator_id, count, denominator in (
        ("gp_appt_dna_rate", "dna", "known_status"),
        ("gp_appt_face_to_face", "f2f", "known_mode"),
    ):
        empty = cells[denominator] <= 0
        for _, row in cells[empty].iterrows():
            problems.add(
                f"{indicator_id}: no appointments in the denominator for this CCG and month",
                column=denominator,
                value=f"{row['ccg_ons_code']} {row[s.PERIOD_START]:%Y-%m}",
            )
        part = cells[~empty]
        pieces.append(
            pd.DataFrame(
                {
                    s.INDICATOR_ID: indicator_id,
                    s.AREA_CODE: part["ccg_ons_code"],
                    s.AREA_NAME: part["ccg_ons_code"].map(names),
                    s.GEOGRAPHY: "ccg21",
                    s.PERIOD: part[s.PERIOD_START].dt.strftime("%Y-%m"),
                    s.PERIOD_START: part[s.PERIOD_START],
                    s.SEX: "Persons",
                    s.COUNT: part[count],
                    s.DENOMINATOR: part[denominator],
                    s.NOTE: coverage,
                }
            )
        )
    result.values = conform_values(with_statistics(pd.concat(pieces, ignore_index=True), "proportion", 100))
    result.notes.append(coverage)
    shared = dict(
        unit="%",
        multiplier=100,
        statistic="proportion",
        ci_method="Wilson",
        source=ctx.dataset,
        publisher="NHS Digital",
        licence="OGL-3.0",
    )
    caveats = (
        f"{coverage}: the source snapshot lacked the regional files for the North, so England, region "
        "and STP figures built from these rows are not representative. Every month, including those "
        "before April 2021, carries April 2021 CCG codes in the source. Counts are summed over HCP type "
        "and time from booking. Appointment data are experimental statistics from practice systems."
    )
    result.catalogue = [
        catalogue_entry(
            "gp_appt_dna_rate",
            name="GP appointments not attended (DNA) as a percentage of attended and DNA appointments",
            short_name="GP appointments not attended (%)",
            domain="context",
            polarity=s.POLARITY_LOW_GOOD,
            definition=(
                "Appointments with status DNA divided by appointments with status Attended or DNA "
                "(status Unknown left out), all HCP types and modes, times 100."
            ),
            caveats=caveats,
            **shared,
        ),
        catalogue_entry(
            "gp_appt_face_to_face",
            name="GP appointments that were face-to-face, as a percentage of appointments of known mode",
            short_name="Face-to-face GP appointments (%)",
            domain="context",
            polarity=s.POLARITY_NONE,
            definition=(
                "Appointments of mode Face-to-Face divided by all appointments whose mode is known "
                "(Face-to-Face, Telephone, Video/Online, Home Visit), any status, times 100. Home "
                "visits are in the denominator only."
            ),
            caveats=caveats,
            **shared,
        ),
    ]
    log.info("gp_appointments: %d rows, %d CCGs", len(result.values), n_areas)
    return result
