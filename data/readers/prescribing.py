"""OpenPrescribing prescribing-quality measures by CCG: statin intensity and trimethoprim share.

Both are proportions of prescription items with numerator and denominator, so Wilson
limits are computed here. Also offers the OpenPrescribing CCG code lists (April 2017 and
April 2018 sets) that other readers use to check ODS codes.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pandas as pd

from data.methods.formatting import published_name
from data.model import schema as s
from data.model.validation import Problems, SourceError
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import (
    catalogue_entry,
    conform_values,
    empty_values,
    financial_year_label,
    period_start,
    reject_bad_denominators,
    with_statistics,
)

log = logging.getLogger(__name__)

PUBLISHER = "EBM DataLab (OpenPrescribing), from NHS Business Services Authority prescribing data"
LICENCE = "OGL-3.0 (data); source repository has no licence file"


def read_text_csv(path: Path, missing: tuple[str, ...] = ("",)) -> pd.DataFrame:
    """Read a CSV with every column as text (so bad numbers can be reported), BOM-safe.

    Only cells in ``missing`` (by default, empty ones) are missing: other markers such as
    "n/a" stay text and are reported as not a number.
    """
    if not path.exists():
        raise SourceError(f"missing file: {path}")
    return pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False, na_values=list(missing))


def tidy_name(name: str) -> str:
    """Turn an upper-case CCG name ("NHS NORTH DURHAM CCG") into "NHS North Durham CCG"."""
    text = str(name).strip()
    if text != text.upper():
        return text
    text = text.title()
    text = re.sub(r"\bNhs\b", "NHS", text)
    text = re.sub(r"\bCcg\b", "CCG", text)
    text = re.sub(r"\bIcb\b", "ICB", text)
    return published_name(text)


def ccg17_codes(geojson: Path, names_csv: Path, proper_names_csv: Path | None = None) -> pd.Series:
    """ODS code -> name of the 207 April 2017 CCGs (OpenPrescribing polygons, joined by name).

    The 2017 boundary file has names only; its 2 null-geometry features are CCGs formed
    in 2018 and are left out. Names come from ``proper_names_csv`` (the CCG16 peers file,
    mixed case) where the code is there, else from the upper-case name list, tidied.
    """
    features = json.loads(geojson.read_text(encoding="utf-8"))["features"]
    names = {f["properties"]["name"].strip().upper() for f in features if f.get("geometry")}
    ods = pd.read_csv(names_csv, dtype=str)
    ods = ods[ods["name"].str.strip().str.upper().isin(names)]
    out = pd.Series(ods["name"].map(tidy_name).to_numpy(), index=ods["code"].to_numpy(), name="name")
    if proper_names_csv is not None:
        peers = pd.read_csv(proper_names_csv, dtype=str).set_index("CCG16CDH")["CCG16NM"]
        out = peers.reindex(out.index).fillna(out).rename("name")
    return out.sort_index()


def ccg18_codes(cartogram: Path) -> pd.Series:
    """ODS code -> name of the 195 April 2018 CCGs (OpenPrescribing cartogram)."""
    features = json.loads(cartogram.read_text(encoding="utf-8"))["features"]
    pairs = {f["properties"]["ccg"]: f["properties"]["name"] for f in features}
    return pd.Series(pairs, name="name").sort_index()


def _param_path(ctx: ReadContext, key: str) -> Path:
    return ctx.data_dir / ctx.params[key]


def _parse_months(frame: pd.DataFrame, column: str, problems: Problems) -> pd.DataFrame:
    """Add PERIOD ("YYYY-MM") and PERIOD_START from a date column; reject unreadable dates."""
    starts = frame[column].map(lambda v: period_start(v, kind="month") if isinstance(v, str) else pd.NaT)
    frame = frame.assign(**{s.PERIOD_START: pd.to_datetime(starts)})
    frame = problems.reject_mask(frame, frame[s.PERIOD_START].isna(), column, "not a month (YYYY-MM-DD)")
    return frame.assign(**{s.PERIOD: frame[s.PERIOD_START].dt.strftime("%Y-%m")})


@reader("statin_intensity")
def read_statin_intensity(ctx: ReadContext) -> ReadResult:
    """Low/medium-intensity statin items as % of all statin items, by CCG (April 2018 set), monthly."""
    path = ctx.path()
    problems = Problems(ctx.dataset, ctx.entry["path"])
    raw = read_text_csv(path)
    result = ReadResult(rows_read=len(raw), values=empty_values(), problems=problems.items)
    if problems.require_columns(raw, ["pct_id", "month", "numerator", "denominator"]):
        return result
    codes = ccg18_codes(_param_path(ctx, "ccg18_cartogram"))
    frame = raw.copy()
    frame["pct_id"] = frame["pct_id"].str.strip()
    frame = problems.reject_mask(
        frame, ~frame["pct_id"].isin(codes.index), "pct_id", "not an April 2018 CCG ODS code"
    )
    frame = _parse_months(frame, "month", problems)
    frame = problems.numeric(frame, "numerator")
    frame = problems.numeric(frame, "denominator")
    frame = reject_bad_denominators(
        frame, problems, count="numerator", denominator="denominator", proportion=True
    )
    values = pd.DataFrame(
        {
            s.INDICATOR_ID: "op_statin_intensity",
            s.AREA_CODE: frame["pct_id"],
            s.AREA_NAME: frame["pct_id"].map(codes),
            s.GEOGRAPHY: "ccg18",
            s.PERIOD: frame[s.PERIOD],
            s.PERIOD_START: frame[s.PERIOD_START],
            s.SEX: "Persons",
            s.COUNT: frame["numerator"],
            s.DENOMINATOR: frame["denominator"],
        }
    )
    values = with_statistics(values, "proportion", 100)
    early = values[s.PERIOD_START] < pd.Timestamp("2018-04-01")
    values[s.NOTE] = ""
    values.loc[early, s.NOTE] = "month before April 2018, shown on the April 2018 CCG set as published"
    result.values = conform_values(values)
    result.catalogue = [
        catalogue_entry(
            "op_statin_intensity",
            name="Low and medium intensity statins as a percentage of all statin items",
            short_name="Low/medium-intensity statins (%)",
            domain="1",
            unit="%",
            multiplier=100,
            polarity=s.POLARITY_LOW_GOOD,
            statistic="proportion",
            ci_method="Wilson",
            source=ctx.dataset,
            publisher=PUBLISHER,
            licence=LICENCE,
            definition=(
                "OpenPrescribing measure 'statinintensity': items of low and medium intensity statins "
                "divided by items of all statins, per CCG and month, times 100. NICE lipid "
                "modification guidance recommends high-intensity statins, so lower is better."
            ),
            caveats=(
                "A prescribing-quality (process) measure, not an outcome; grouped under Domain 1 because "
                "it concerns prevention of cardiovascular death. Jan-Mar 2018 are shown on the April 2018 "
                "CCG set (OpenPrescribing attributes practices to their current CCG)."
            ),
        )
    ]
    log.info("statin_intensity: %d rows, %d CCGs", len(result.values), result.values[s.AREA_CODE].nunique())
    return result


def _fold_predecessors(
    frame: pd.DataFrame, predecessors: dict[str, str], count_cols: list[str]
) -> tuple[pd.DataFrame, list[str]]:
    """Add rows of predecessor codes to their successor's row for the same month.

    Returns the folded frame (with a ``folded`` column naming the predecessor codes) and notes.
    """
    frame = frame.assign(successor=frame["pct"].map(lambda c: predecessors.get(c, c)))
    frame["folded"] = frame["pct"].where(frame["pct"] != frame["successor"], "")
    notes = []
    for code, rows in frame[frame["folded"] != ""].groupby("pct"):
        notes.append(
            f"{len(rows)} monthly rows of predecessor code {code} ({int(rows[count_cols[-1]].sum())} items) "
            f"added to {predecessors[code]}"
        )
    grouped = frame.groupby(["successor", s.PERIOD, s.PERIOD_START], as_index=False).agg(
        **{c: (c, "sum") for c in count_cols},
        folded=("folded", lambda v: ", ".join(sorted({x for x in v if x}))),
    )
    return grouped.rename(columns={"successor": "pct"}), notes


def _financial_years(monthly: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Sum numerator and denominator over April-March; keep only CCG-years with all 12 months."""
    start = monthly[s.PERIOD_START]
    fy = start.dt.year - (start.dt.month < 4).astype(int)
    grouped = monthly.assign(fy=fy).groupby(["pct", "fy"], as_index=False)
    years = grouped.agg(
        count=("count", "sum"),
        denominator=("denominator", "sum"),
        months=(s.PERIOD, "nunique"),
        folded=("folded", lambda v: ", ".join(sorted({c for x in v if x for c in x.split(", ")}))),
    )
    partial = int((years["months"] < 12).sum())
    years = years[years["months"] == 12]
    years[s.PERIOD] = years["fy"].map(lambda y: financial_year_label(f"{y}/{(y + 1) % 100:02d}"))
    years[s.PERIOD_START] = pd.to_datetime(years["fy"].astype(str) + "-04-01")
    return years, partial


@reader("trimethoprim")
def read_trimethoprim(ctx: ReadContext) -> ReadResult:
    """Trimethoprim as % of trimethoprim + nitrofurantoin items, by CCG (April 2017 set).

    Gives financial-year sums (main indicator, full years only) and the monthly series.
    """
    path = ctx.path()
    problems = Problems(ctx.dataset, ctx.entry["path"])
    raw = read_text_csv(path)
    result = ReadResult(rows_read=len(raw), values=empty_values(), problems=problems.items)
    needed = ["period", "pct", "trimethoprim_items", "nitrofurantoin_items", "all_items"]
    if problems.require_columns(raw, needed):
        return result
    codes = ccg17_codes(
        _param_path(ctx, "ccg17_boundaries"),
        _param_path(ctx, "ccg_names"),
        _param_path(ctx, "ccg16_names"),
    )
    predecessors: dict[str, str] = dict(ctx.params.get("predecessors", {}))
    frame = raw.copy()
    frame["pct"] = frame["pct"].str.strip()
    known = frame["pct"].isin(codes.index) | frame["pct"].isin(predecessors)
    frame = problems.reject_mask(
        frame, ~known, "pct", "not an April 2017 CCG ODS code nor a listed predecessor code"
    )
    frame = _parse_months(frame, "period", problems)
    for col in ("trimethoprim_items", "nitrofurantoin_items", "all_items"):
        frame = problems.numeric(frame, col)
    frame = problems.reject_mask(
        frame,
        (frame["trimethoprim_items"] + frame["nitrofurantoin_items"] - frame["all_items"]).abs() > 0.5,
        "all_items",
        "all_items is not trimethoprim_items + nitrofurantoin_items",
    )
    frame = reject_bad_denominators(
        frame, problems, count="trimethoprim_items", denominator="all_items", proportion=True
    )
    frame = frame.rename(columns={"trimethoprim_items": "count", "all_items": "denominator"})
    monthly, notes = _fold_predecessors(frame, predecessors, ["count", "denominator"])
    years, partial = _financial_years(monthly)
    result.notes.extend(notes)
    result.notes.append(
        f"{partial} CCG-financial-years with fewer than 12 months left out of the yearly indicator "
        "(they stay in the monthly one)"
    )
    pieces = []
    for indicator_id, part in (("op_trimethoprim_fy", years), ("op_trimethoprim_monthly", monthly)):
        note = part["folded"].map(
            lambda c: f"includes items of practices still coded to predecessor CCG {c}" if c else ""
        )
        pieces.append(
            pd.DataFrame(
                {
                    s.INDICATOR_ID: indicator_id,
                    s.AREA_CODE: part["pct"],
                    s.AREA_NAME: part["pct"].map(codes),
                    s.GEOGRAPHY: "ccg17",
                    s.PERIOD: part[s.PERIOD],
                    s.PERIOD_START: part[s.PERIOD_START],
                    s.SEX: "Persons",
                    s.COUNT: part["count"],
                    s.DENOMINATOR: part["denominator"],
                    s.NOTE: note,
                }
            )
        )
    values = with_statistics(pd.concat(pieces, ignore_index=True), "proportion", 100)
    result.values = conform_values(values)
    definition = (
        "Trimethoprim items divided by trimethoprim plus nitrofurantoin items (the source's all_items, "
        "which equals that sum in every row), times 100. Both treat uncomplicated urinary tract "
        "infection; rising E. coli resistance to trimethoprim makes nitrofurantoin the preferred first "
        "line, so lower is better."
    )
    caveats = (
        "Antimicrobial-stewardship (process) measure, grouped under Domain 5 (safety). Every month, "
        "2011 onwards, is on the April 2017 CCG set: OpenPrescribing attributes each practice's items to "
        "its 2017 CCG, so years before 2017 are re-based, not as published then. Items of practices that "
        "closed before a merger kept a predecessor code (00F, 00W, 01N); they are added to the successor "
        "(13T Newcastle Gateshead, 14L Manchester) and the row says so."
    )
    common = dict(
        domain="5",
        unit="%",
        multiplier=100,
        polarity=s.POLARITY_LOW_GOOD,
        statistic="proportion",
        ci_method="Wilson",
        source=ctx.dataset,
        publisher=PUBLISHER,
        licence=LICENCE,
        definition=definition,
    )
    result.catalogue = [
        catalogue_entry(
            "op_trimethoprim_fy",
            name="Trimethoprim as a percentage of trimethoprim and nitrofurantoin items (financial year)",
            short_name="Trimethoprim share, UTI (%, yearly)",
            caveats=caveats + " Financial years are shown only when all 12 months are present.",
            **common,
        ),
        catalogue_entry(
            "op_trimethoprim_monthly",
            name="Trimethoprim as a percentage of trimethoprim and nitrofurantoin items (monthly)",
            short_name="Trimethoprim share, UTI (%, monthly)",
            caveats=caveats,
            **common,
        ),
    ]
    log.info(
        "trimethoprim: %d yearly and %d monthly rows",
        (result.values[s.INDICATOR_ID] == "op_trimethoprim_fy").sum(),
        (result.values[s.INDICATOR_ID] == "op_trimethoprim_monthly").sum(),
    )
    return result
