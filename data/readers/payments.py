"""NHS payments to general practice per registered (and per weighted) patient, by CCG and year.

Each financial year is on the CCG (or Sub-ICB) set of its time; the April 2020 and 2021
sets and the 2022 Sub-ICB locations are keyed by E38 code, older sets by ODS code. Totals
and patient counts are kept as count and denominator so the model can sum them upward.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from data.model import schema as s
from data.model.validation import Problems
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import (
    catalogue_entry,
    conform_values,
    empty_values,
    financial_year_label,
    period_start,
)
from data.readers.prescribing import ccg17_codes, ccg18_codes, read_text_csv, tidy_name

log = logging.getLogger(__name__)

COLUMNS = [
    "financial_year",
    "ccg_ods_code",
    "ccg_name",
    "registered_patients",
    "weighted_patients",
    "total_nhs_payments_gbp",
]


def _areas(ctx: ReadContext, geography: str) -> pd.DataFrame:
    """ODS code -> (area_code, area_name) for one geography, from its lookup or boundary file."""

    def path(key: str) -> Path:
        return ctx.data_dir / ctx.params[key]

    if geography == "ccg17":
        names = ccg17_codes(path("ccg17_boundaries"), path("ccg_names"), path("ccg16_names"))
        return pd.DataFrame({"area_code": names.index, "area_name": names.to_numpy()}, index=names.index)
    if geography == "ccg18":
        names = ccg18_codes(path("ccg18_cartogram"))
        return pd.DataFrame({"area_code": names.index, "area_name": names.to_numpy()}, index=names.index)
    if geography == "ccg19":
        boundary = path("ccg19_boundaries")  # named, so that a broken file is named in the message
        features = json.loads(boundary.read_text(encoding="utf-8"))["features"]
        pairs = {f["properties"]["code"]: tidy_name(f["properties"]["name"]) for f in features}
        return pd.DataFrame({"area_code": list(pairs), "area_name": list(pairs.values())}, index=list(pairs))
    if geography in ("ccg20", "ccg21"):
        year = geography[-2:]
        table = pd.read_csv(path(f"{geography}_codes"), dtype=str)
        table = table.rename(columns={f"CCG{year}CD": "area_code", f"CCG{year}NM": "area_name"})
        return table.set_index(f"CCG{year}CDH")[["area_code", "area_name"]]
    if geography == "sicbl22":
        cols = ["sicbl22_code", "sicbl22_code_h", "sicbl22_name"]
        table = pd.read_csv(path("sicbl22_lookup"), usecols=cols, dtype=str).drop_duplicates()
        table = table.rename(columns={"sicbl22_code": "area_code", "sicbl22_name": "area_name"})
        return table.set_index("sicbl22_code_h")[["area_code", "area_name"]]
    raise ValueError(f"payments: no code list for geography {geography!r}")


@reader("payments")
def read_payments(ctx: ReadContext) -> ReadResult:
    """Payments per registered and per weighted patient (£), each year on its own CCG set."""
    problems = Problems(ctx.dataset, ctx.entry["path"])
    raw = read_text_csv(ctx.path())
    result = ReadResult(rows_read=len(raw), values=empty_values(), problems=problems.items)
    if problems.require_columns(raw, COLUMNS):
        return result
    vintages: dict[str, str] = ctx.params["vintages"]
    frame = raw.copy()
    frame["financial_year"] = frame["financial_year"].str.strip()
    frame["ccg_ods_code"] = frame["ccg_ods_code"].str.strip()
    frame = problems.reject_mask(
        frame, ~frame["financial_year"].isin(vintages), "financial_year", "year with no CCG set configured"
    )
    pieces = []
    for year, rows in frame.groupby("financial_year", sort=True):
        geography = vintages[year]
        areas = _areas(ctx, geography)
        rows = problems.reject_mask(
            rows,
            ~rows["ccg_ods_code"].isin(areas.index),
            "ccg_ods_code",
            f"not an ODS code of the {s.GEOGRAPHIES[geography]} set",
        )
        for col in ("registered_patients", "weighted_patients", "total_nhs_payments_gbp"):
            rows = problems.numeric(rows, col)
        rows = problems.reject_mask(
            rows, rows["total_nhs_payments_gbp"] < 0, "total_nhs_payments_gbp", "negative payments"
        )
        matched = areas.reindex(rows["ccg_ods_code"]).set_axis(rows.index)
        label = financial_year_label(year)
        for indicator_id, patients in (
            ("gp_payments_per_patient", "registered_patients"),
            ("gp_payments_per_weighted_patient", "weighted_patients"),
        ):
            part = problems.reject_mask(rows, rows[patients] <= 0, patients, "patients zero or negative")
            pieces.append(
                pd.DataFrame(
                    {
                        s.INDICATOR_ID: indicator_id,
                        s.AREA_CODE: matched.loc[part.index, "area_code"],
                        s.AREA_NAME: matched.loc[part.index, "area_name"],
                        s.GEOGRAPHY: geography,
                        s.PERIOD: label,
                        s.PERIOD_START: period_start(label),
                        s.SEX: "Persons",
                        s.VALUE: part["total_nhs_payments_gbp"] / part[patients],
                        s.COUNT: part["total_nhs_payments_gbp"],
                        s.DENOMINATOR: part[patients],
                    }
                )
            )
        result.notes.append(f"payments {label}: {len(rows)} of {len(areas)} {geography} areas")
    if pieces:
        result.values = conform_values(pd.concat(pieces, ignore_index=True))
    shared = dict(
        domain="context",
        unit="£",
        multiplier=1,
        polarity=s.POLARITY_NONE,
        statistic="ratio",
        ci_method="none",
        source=ctx.dataset,
        publisher="NHS Digital (NHS Payments to General Practice), summed from practice files",
        licence="OGL-3.0",
        caveats=(
            "A resource (context) measure, not an outcome. Practice payments include items that are not "
            "for core services (e.g. dispensing, premises, COVID-19 schemes in 2020-21 and 2021-22); "
            "practices with few patients can distort small CCGs. Each year uses the CCG set of its time "
            "(2017-18 April 2017 ... 2022-23 Sub-ICB locations). Count is total payments (£) and "
            "denominator the patients, so sums give the ratio for larger areas."
        ),
    )
    result.catalogue = [
        catalogue_entry(
            "gp_payments_per_patient",
            name="NHS payments to general practice per registered patient",
            short_name="GP payments per registered patient (£)",
            definition=(
                "Sum over the CCG's practices of 'Total NHS Payments to General Practice' divided by the "
                "sum of their registered patients, for the financial year."
            ),
            **shared,
        ),
        catalogue_entry(
            "gp_payments_per_weighted_patient",
            name="NHS payments to general practice per weighted patient",
            short_name="GP payments per weighted patient (£)",
            definition=(
                "Total NHS payments to the CCG's practices divided by their Carr-Hill weighted patients "
                "(the global-sum workload weighting), for the financial year."
            ),
            **shared,
        ),
    ]
    log.info("payments: %d rows", len(result.values))
    return result
