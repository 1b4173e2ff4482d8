"""Reader for NHS England's Primary Care Dementia Data, monthly January 2024 to January 2025.

Two indicators: the estimated dementia diagnosis rate 65+ (published value and 95% CI, which
come from the prevalence model, so they are kept, not recomputed) and the share of people on
the dementia register prescribed an antipsychotic (Wilson limits from the counts).
Data published since 2023 sit on the current geography: sub-ICB and ICB rows keep their
published April 2023/2024 codes (sicbl23 / icb23; checked against the sub-ICB 2024 -> ICB 2024
lookup by ODS code), and region rows are keyed by the 2024 region codes (nhser24): the file
switches East of England and North West from their 2022 codes (E40000007 / E40000010) to the 2024
ones (E40000013 / E40000014) in June 2024, for the same member areas, so one series per region
takes the code it is published under last, and the earlier rows say so.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from data.model import schema as s
from data.model.validation import Problems, SourceError
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import (
    catalogue_entry,
    conform_values,
    normalise_header,
    numeric_columns,
    period_start,
    reject_bad_codes,
    reject_bad_denominators,
    with_statistics,
)

log = logging.getLogger(__name__)

DDR_ID = "dementia_ddr_65plus"
ANTIPSYCHOTIC_ID = "dementia_antipsychotic"
ORG_TYPES = {"National": "england", "Region": "nhser24", "ICB": "icb23", "SUB_ICB_LOC": "sicbl23"}
KEY_COLUMNS = ["period", "org_type", "ods_code", "ons_code", "name"]
PUBLISHER = "NHS England, Primary Care Dementia Data"


def _read(path, problems: Problems, columns: list[str]) -> pd.DataFrame:
    if not path.exists():
        raise SourceError(f"{path.name}: file not found at {path}")
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    frame.columns = [normalise_header(c) for c in frame.columns]
    frame = frame.replace({"": None})
    if problems.require_columns(frame, KEY_COLUMNS + columns):
        raise SourceError(f"{path.name}: key columns missing")
    return frame


def ods_lookup(lookup: pd.DataFrame, *published: pd.DataFrame) -> dict[str, dict[str, tuple[str, str]]]:
    """ODS code -> (ONS code, name) for sub-ICB locations and ICBs (the 2024 lookup: April 2023 codes)
    and regions (the code each region is published under in the latest month of ``published``)."""
    pairs = {
        "sicbl23": ("sicbl24_code_nhs", "sicbl24_code", "sicbl24_name"),
        "icb23": ("icb24_code_nhs", "icb24_code", "icb24_name"),
    }
    out = {}
    for geography, (ods, ons, name) in pairs.items():
        rows = lookup[[ods, ons, name]].drop_duplicates(ods)
        out[geography] = {r[0]: (r[1], r[2]) for r in rows.itertuples(index=False)}
    regions = pd.concat([p[p["org_type"] == "Region"] for p in published], ignore_index=True)
    latest = regions.sort_values("period").drop_duplicates("ods_code", keep="last")
    out["nhser24"] = {
        str(o).strip(): (str(c).strip(), str(n).strip())
        for o, c, n in zip(latest["ods_code"], latest["ons_code"], latest["name"])
    }
    return out


def key_areas(
    frame: pd.DataFrame, problems: Problems, lookup: dict[str, dict[str, tuple[str, str]]]
) -> pd.DataFrame:
    """Add geography, area_code (by ODS code), area_name and a note where the code is not the one published."""
    known = frame["org_type"].isin(list(ORG_TYPES))
    frame = problems.reject_mask(frame, ~known, "org_type", "unknown organisation type")
    frame = frame.copy()
    frame[s.GEOGRAPHY] = frame["org_type"].map(ORG_TYPES)
    ods = frame["ods_code"].str.strip()
    code = pd.Series(pd.NA, index=frame.index, dtype="string")
    name = frame["name"].str.strip()
    for geography, table in lookup.items():
        rows = frame[s.GEOGRAPHY] == geography
        code[rows] = ods[rows].map(lambda o, t=table: t.get(o, (None, None))[0])
        mapped_name = ods[rows].map(lambda o, t=table: t.get(o, (None, None))[1])
        name[rows] = mapped_name.fillna(name[rows])
    england = frame[s.GEOGRAPHY] == "england"
    code[england] = s.ENGLAND_CODE
    name[england] = s.ENGLAND_NAME
    frame[s.AREA_CODE] = code
    frame[s.AREA_NAME] = name
    frame = problems.reject_mask(frame, frame[s.AREA_CODE].isna(), "ods_code", "ODS code not in the lookup")
    recoded = (frame[s.GEOGRAPHY] != "england") & (frame["ons_code"].str.strip() != frame[s.AREA_CODE])
    frame[s.NOTE] = np.where(
        recoded,
        "published under code "
        + frame["ons_code"].str.strip()
        + " (the same area's earlier code; ODS code "
        + frame["ods_code"].str.strip()
        + ")",
        "",
    )
    parts = [reject_bad_codes(p, problems, s.AREA_CODE, g) for g, p in frame.groupby(s.GEOGRAPHY, sort=False)]
    return pd.concat(parts).sort_index() if parts else frame


@reader("dementia")
def read_dementia(ctx: ReadContext) -> ReadResult:
    """Monthly DDR 65+ (published CI) and antipsychotic share (Wilson) at Sub-ICB, ICB, region, England."""
    lookup_id = ctx.params.get("lookup", "lookup_sicbl24_icb24")
    anti_id = ctx.params.get("antipsychotic", "dementia_antipsychotic_monthly")
    map_path = ctx.path(lookup_id)
    areas = pd.read_csv(map_path, dtype=str, encoding="utf-8-sig")
    notes = []

    ddr_path = ctx.path()
    ddr_problems = Problems(ctx.dataset, ddr_path.name)
    ddr_cols = ["dementia_register_65plus", "dementia_estimate_65plus", "ddr_65plus_pct"]
    ddr = _read(ddr_path, ddr_problems, ddr_cols)
    rows_read = len(ddr)
    ci_cols = [c for c in ("ddr_lower_ci95", "ddr_upper_ci95") if c in ddr.columns]
    if len(ci_cols) < 2:
        ddr_problems.add("published 95% limits missing; left empty", column="ddr_lower_ci95/ddr_upper_ci95")
    ddr = numeric_columns(ddr, ddr_problems, ddr_cols)
    ddr = numeric_columns(ddr, ddr_problems, ci_cols, required=False)
    ddr = reject_bad_denominators(
        ddr,
        ddr_problems,
        count="dementia_register_65plus",
        denominator="dementia_estimate_65plus",
        proportion=False,
    )
    anti_path = ctx.path(anti_id)
    anti_problems = Problems(ctx.dataset, anti_path.name)
    anti = _read(anti_path, anti_problems, ["dementia_register", "antipsychotic_rx"])
    lookup = ods_lookup(areas, ddr, anti)
    ddr = key_areas(ddr, ddr_problems, lookup)
    ddr = ddr.rename(
        columns={
            "dementia_register_65plus": s.COUNT,
            "dementia_estimate_65plus": s.DENOMINATOR,
            "ddr_65plus_pct": s.VALUE,
            "ddr_lower_ci95": s.LOWER95,
            "ddr_upper_ci95": s.UPPER95,
        }
    )
    over = ddr[s.COUNT] > ddr[s.DENOMINATOR]
    ddr.loc[over, s.NOTE] = (ddr.loc[over, s.NOTE] + "; register exceeds the estimate").str.lstrip("; ")
    ddr[s.INDICATOR_ID] = DDR_ID

    rows_read += len(anti)
    anti = numeric_columns(anti, anti_problems, ["dementia_register", "antipsychotic_rx"])
    anti = reject_bad_denominators(
        anti, anti_problems, count="antipsychotic_rx", denominator="dementia_register", proportion=True
    )
    anti = key_areas(anti, anti_problems, lookup)
    anti = anti.rename(columns={"antipsychotic_rx": s.COUNT, "dementia_register": s.DENOMINATOR})
    anti = with_statistics(anti, "proportion", 100)
    anti[s.INDICATOR_ID] = ANTIPSYCHOTIC_ID

    values = pd.concat([ddr, anti], ignore_index=True)
    values[s.PERIOD] = values["period"].str.strip()
    starts = {p: period_start(p, kind="month") for p in values[s.PERIOD].unique()}
    values[s.PERIOD_START] = values[s.PERIOD].map(starts)
    values[s.SEX] = "Persons"
    out = conform_values(values)
    recoded = out.loc[out[s.NOTE].str.contains("published under code"), s.AREA_CODE].unique()
    notes.append(
        f"{ctx.dataset}: areas keyed by their latest code (earlier months published under an earlier code): "
        f"{', '.join(sorted(recoded))}; rows per "
        "indicator and geography: "
        + ", ".join(f"{i} {g} {n}" for (i, g), n in out.groupby([s.INDICATOR_ID, s.GEOGRAPHY]).size().items())
    )
    catalogue = [
        catalogue_entry(
            DDR_ID,
            name="Estimated dementia diagnosis rate (aged 65 and over)",
            short_name="Dementia diagnosis rate 65+",
            domain="2",
            unit="%",
            multiplier=100,
            polarity=s.POLARITY_HIGH_GOOD,
            statistic="ratio",
            ci_method="published",
            source=ctx.dataset,
            publisher=PUBLISHER,
            licence=ctx.entry.get("licence", "OGL-3.0"),
            definition=(
                "People aged 65+ on GP dementia registers as a percentage of the number estimated to have "
                "dementia (CFAS II prevalence applied to the registered population), monthly."
            ),
            caveats=(
                "The 95% interval reflects the uncertainty of the prevalence model, not sampling of the "
                "register, so it is wide (about ±6 points); it is published, not recomputed, and no 99.8% "
                "interval is published. The national ambition is 66.7%. Published for sub-ICB locations, ICBs "
                "and regions of April 2023 / 2024 (the codes of 70F West Sussex and 92A Surrey Heartlands, and "
                "of their ICBs, changed in April 2023 when 4 Chichester LSOAs moved between them); the East of "
                "England and North West regions change code in June 2024 for the same areas and are kept as "
                "one series under the 2024 code. Shown on CCG 2021 areas by ODS code. The data post-date CCGs."
            ),
        ),
        catalogue_entry(
            ANTIPSYCHOTIC_ID,
            name="Antipsychotic prescribing for people with a dementia diagnosis (all ages)",
            short_name="Antipsychotic prescribing in dementia",
            domain="2",
            unit="%",
            multiplier=100,
            polarity=s.POLARITY_LOW_GOOD,
            statistic="proportion",
            ci_method="Wilson",
            source=ctx.dataset,
            publisher=PUBLISHER,
            licence=ctx.entry.get("licence", "OGL-3.0"),
            definition=(
                "Patients on the dementia register prescribed an antipsychotic in the previous 6 weeks, as a "
                "percentage of all patients on the dementia register, monthly."
            ),
            caveats=(
                "Includes prescribing appropriate for psychosis; the source splits with and without a "
                "psychosis diagnosis. Lower is better as a marker of avoiding inappropriate sedation."
            ),
        ),
    ]
    return ReadResult(
        rows_read=rows_read,
        values=out,
        catalogue=catalogue,
        problems=ddr_problems.items + anti_problems.items,
        notes=notes,
    )
