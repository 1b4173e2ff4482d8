"""The current NHS geography: sub-ICB locations (April 2023), ICBs (April 2023) and NHS England
regions (January 2024), with the names people use now, the lineage from CCG 2021 and Sub-ICB
2022 in people, and the demographics the similar-area peers are found on.

Sources (SOURCES.md section 9): the sub-ICB 2024 -> ICB 2024 lookup (SICBL23 = SICBL24 and
ICB23 = ICB24 codes, 106 and 42), the LSOA 2021 -> sub-ICB 2024 lookup, the region 2024
boundary file's codes and names, ONS mid-2022 populations by sub-ICB 2023 ("Mid-2022 ICB 2023"
sheet, which also gives each ICB's 2023 region), the LSOA 2011 lookups of April 2021 (CCG) and
July 2022 (sub-ICB) and ONS mid-2019 LSOA populations.

Frames:

* ``areas``: sicbl23, icb23 and nhser24 rows. A sub-ICB location's name is its official name
  with the former CCG's name beside it ("NHS Cornwall and the Isles of Scilly ICB – 11N (formerly
  NHS Kernow CCG)"); ``short_name`` is a place and the ODS code ("Barnsley (02P)") for tight
  spaces, never cut mid-word (curated in the manifest where the place is long).
* ``lineage_lsoa``: CCG 2021 -> sub-ICB 2023 and Sub-ICB 2022 -> sub-ICB 2023, each piece's
  people (ONS mid-2019, summed over whole LSOAs: exact, no overlay), its share of the old area
  and of the new one, and the LSOAs behind every piece that is not a whole area.
* ``area_demographics``: population, age, deprivation, rurality and the ethnicity proxy of each
  sub-ICB 2023 and ICB 2023 area (the variables of data.model.peers), one row per area.

LSOA 2011 -> sub-ICB 2023: the July 2022 lookup, with the LSOAs whose 2011 code still exists in
the 2021 lookup taken from it where their sub-ICB changed (Chichester 001A-D moved from Surrey
Heartlands 92A to West Sussex 70F by April 2023; E38000246/E38000248 became E38000264/E38000265).
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd

from data.model import schema
from data.model.validation import Problems
from data.readers import ReadContext, ReadResult, reader
from data.readers.lookups import (
    CCG21_NAMES_ID,
    LSOA_LOOKUP_ID,
    SICBL22_ID,
    check_codes,
    check_names,
    read_csv_checked,
)

log = logging.getLogger(__name__)

LSOA21_ID = "lookup_lsoa21_sicbl24_icb24"
REGIONS_ID = "boundary_nhser24"
POPULATION_ID = "demog_pop_health_geographies_sya_2021_2022"
LSOA_POPULATION_ID = "lsoa11_population_mid2019"
IMD_ID = "demog_imd2019_lsoa11"
RUC_ID = "demog_ruc11_lsoa11"
ORIGIN_ID = "demog_ccg21_non_white_british_origin"
POPULATION_SHEET = "Mid-2022 ICB 2023"
POPULATION_HEADER_ROW = 3
DASH = "\u2013"
ELLIPSIS = "\u2026"
MAX_SHORT = 22  # characters of a short label's place part (the ODS code follows in brackets)
MAX_CURATED = 30  # a place written by hand in the manifest (whole words, no ellipsis)
PEOPLE_SOURCE = (
    "ONS mid-2019 LSOA populations, whole LSOAs (LSOA 2011 lookups April 2021 / July 2022 / April 2024)"
)


# --- names ------------------------------------------------------------------------------------------


def place(name: str) -> str:
    """The place in an NHS body's name: "NHS Kernow CCG" -> "Kernow"."""
    text = re.sub(r"^NHS\s+", "", str(name).strip())
    text = re.sub(r"\s+(CCG|ICB|Integrated Care Board)$", "", text)
    return re.sub(r"\s+-\s+[0-9A-Z]{3,5}$", "", text)


def cut_words(text: str, limit: int = MAX_SHORT) -> str:
    """``text`` in at most ``limit`` characters, cut only between words (ending with an ellipsis)."""
    if len(text) <= limit:
        return text
    out = ""
    for word in text.split():
        longer = f"{out} {word}".strip()
        if len(longer) + 1 > limit:
            break
        out = longer
    out = re.sub(r"[\s,]+(and|of|the|&|upon|on)$", "", out.rstrip(", "))
    return (out or text.split()[0]) + ELLIPSIS


def short_place(name: str, limit: int = MAX_SHORT) -> str:
    """A place name for tight spaces: "and" as "&", never cut mid-word."""
    return cut_words(re.sub(r"\s+and\s+", " & ", place(name)), limit)


def icb_name(official: str) -> str:
    """ "NHS South Yorkshire Integrated Care Board" -> "NHS South Yorkshire ICB" (the name in use)."""
    return re.sub(r"\s+Integrated Care Board$", " ICB", str(official).strip())


def subicb_label(official: str, former: str) -> str:
    """ "NHS Cornwall and the Isles of Scilly ICB - 11N" + "NHS Kernow CCG" ->
    "NHS Cornwall and the Isles of Scilly ICB – 11N (formerly NHS Kernow CCG)"."""
    name = re.sub(r"\s+-\s+", f" {DASH} ", str(official).strip())
    return f"{name} (formerly {former})" if former else name


def _normal(name: str) -> str:
    return re.sub(r"[^a-z]", "", str(name).lower().replace("&", "and"))


# --- the reader -------------------------------------------------------------------------------------


@reader("nhs_geography_2023")
def read_nhs_geography_2023(ctx: ReadContext) -> ReadResult:
    """Areas, LSOA lineage and demographics of the April 2023 sub-ICB / ICB and 2024 region sets."""
    result = ReadResult()
    problem_sets: list[Problems] = []

    def problems_for(path: Path) -> Problems:
        rel = str(path.relative_to(ctx.data_dir)) if path.is_relative_to(ctx.data_dir) else str(path)
        problems = Problems(ctx.dataset, rel)
        problem_sets.append(problems)
        return problems

    def load(entry_id: str | None, columns: list[str]) -> tuple[pd.DataFrame | None, Problems]:
        path = ctx.path(entry_id)
        problems = problems_for(path)
        frame = read_csv_checked(path, problems, columns)
        if frame is not None:
            result.rows_read += len(frame)
        return frame, problems

    def finish() -> ReadResult:
        for problems in problem_sets:
            result.problems.extend(problems.items)
        return result

    cols = ["sicbl24_code", "sicbl24_code_nhs", "sicbl24_name", "icb24_code", "icb24_code_nhs", "icb24_name"]
    subs, p = load(None, cols)
    ccg21, p21 = load(CCG21_NAMES_ID, ["CCG21CD", "CCG21CDH", "CCG21NM"])
    if subs is None or ccg21 is None:
        return finish()
    for col, kind in (("sicbl24_code", "E38"), ("sicbl24_code_nhs", "ods_ccg"), ("icb24_code", "E54")):
        subs = check_codes(subs, p, col, kind)
    subs = check_names(check_codes(subs, p, "icb24_code_nhs", "ods_icb"), p, "sicbl24_name")
    subs = p.reject_mask(subs, subs["sicbl24_code"].duplicated(), "sicbl24_code", "sub-ICB listed twice")
    former = ccg21.set_index("CCG21CDH")["CCG21NM"]
    no_ccg = ~subs["sicbl24_code_nhs"].isin(former.index)
    for code in subs.loc[no_ccg, "sicbl24_code_nhs"]:
        p.add(
            "sub-ICB ODS code is no CCG 2021 ODS code: no former name", column="sicbl24_code_nhs", value=code
        )

    regions = _regions_2024(ctx, problems_for(ctx.path(REGIONS_ID)))
    population = _population(ctx, problems_for(ctx.path(POPULATION_ID)), result)
    icb_region = _icb_regions(population, regions, problem_sets[-1])
    result.frames["areas"] = _area_rows(ctx, subs, former, regions, icb_region, p)

    lsoa = _lsoa_sicbl23(ctx, load, subs)
    if lsoa is not None:
        result.frames["lineage_lsoa"] = lsoa_lineage(lsoa)
        result.frames["area_demographics"] = _demographics(ctx, load, lsoa, population, subs, problems_for)
        moved = lsoa[lsoa["sicbl22_ods"] != lsoa["sicbl23_ods"]]
        result.notes.append(
            f"LSOA 2011 -> sub-ICB 2023: {len(lsoa):,} LSOAs; {len(moved)} moved sub-ICB between July 2022 and "
            f"April 2023 ({int(moved['people'].sum()):,} people, mid-2019): "
            + ", ".join(
                f"{a} -> {b}" for a, b in sorted(set(zip(moved["sicbl22_ods"], moved["sicbl23_ods"])))
            )
        )
    counts = result.frames["areas"].groupby(schema.GEOGRAPHY).size()
    result.notes.append("areas: " + ", ".join(f"{g} {n}" for g, n in counts.items()))
    return finish()


def _regions_2024(ctx: ReadContext, problems: Problems) -> pd.DataFrame:
    """NHS England regions (January 2024): code and name, from the boundary file's properties."""
    path = ctx.path(REGIONS_ID)
    try:
        with path.open(encoding="utf-8") as fh:
            features = json.load(fh)["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        problems.add(f"could not be read: {exc}")
        return pd.DataFrame(columns=["code", "name"])
    frame = pd.DataFrame([f.get("properties") or {} for f in features])
    if problems.require_columns(frame, ["NHSER24CD", "NHSER24NM"]):
        return pd.DataFrame(columns=["code", "name"])
    frame = frame.rename(columns={"NHSER24CD": "code", "NHSER24NM": "name"})[["code", "name"]].astype(str)
    frame.index = frame.index - 1  # feature n is "row" n + 1 in messages
    return check_codes(frame, problems, "code", "E40")


def _population(ctx: ReadContext, problems: Problems, result: ReadResult) -> pd.DataFrame:
    """ONS mid-2022 population by sub-ICB 2023 (with its ICB and 2023 region), total and by age."""
    sheet = ctx.params.get("population_sheet", POPULATION_SHEET)
    ages = range(91)
    female, male = [f"F{a}" for a in ages], [f"M{a}" for a in ages]
    keys = ["SICBL 2023 Code", "ICB 2023 Code", "NHSER 2023 Code", "NSHER 2023 Name"]
    try:
        raw = pd.read_excel(ctx.path(POPULATION_ID), sheet_name=sheet, header=POPULATION_HEADER_ROW)
    except (OSError, ValueError) as exc:
        problems.add(f"cannot read sheet {sheet!r}: {exc}")
        return pd.DataFrame()
    result.rows_read += len(raw)
    raw.columns = [str(c).strip() for c in raw.columns]
    raw.index = raw.index + POPULATION_HEADER_ROW
    if problems.require_columns(raw, [*keys, "Total", *female, *male]):
        return pd.DataFrame()
    raw = raw.assign(**{k: raw[k].astype(str).str.strip() for k in keys})
    raw = check_codes(raw, problems, "SICBL 2023 Code", "E38")
    for col in ["Total", *female, *male]:
        raw = problems.numeric(raw, col)
    by_age = raw[female].to_numpy() + raw[male].to_numpy()
    out = pd.DataFrame(
        {
            "area_code": raw["SICBL 2023 Code"].to_numpy(),
            "icb23_code": raw["ICB 2023 Code"].to_numpy(),
            "region23_code": raw["NHSER 2023 Code"].to_numpy(),
            "region23_name": raw["NSHER 2023 Name"].to_numpy(),
            "population": raw["Total"].to_numpy(dtype=float),
            "pop_0_17": by_age[:, :18].sum(axis=1),
            "pop_65plus": by_age[:, 65:].sum(axis=1),
        }
    )
    return out


def _icb_regions(population: pd.DataFrame, regions: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """ICB 2023 -> region 2024 (code, name): the ONS sheet's 2023 region, matched to 2024 by name (two
    regions were re-coded in 2024 with the same members: East of England and North West)."""
    if population.empty or regions.empty:
        return pd.DataFrame(columns=["region_code", "region_name"])
    by_name = regions.assign(key=regions["name"].map(_normal)).set_index("key")
    icb = population.drop_duplicates("icb23_code").set_index("icb23_code")
    key = icb["region23_name"].map(_normal)
    unmatched = ~key.isin(by_name.index)
    for name in sorted(set(icb.loc[unmatched, "region23_name"])):
        problems.add("2023 region name matches no 2024 region", column="NSHER 2023 Name", value=name)
    known = key[~unmatched]
    return pd.DataFrame(
        {"region_code": known.map(by_name["code"]), "region_name": known.map(by_name["name"])},
        index=known.index,
    )


def _area_rows(
    ctx: ReadContext,
    subs: pd.DataFrame,
    former: pd.Series,
    regions: pd.DataFrame,
    icb_region: pd.DataFrame,
    problems: Problems,
) -> pd.DataFrame:
    """sicbl23, icb23 and nhser24 rows of the areas frame (schema.AREA_COLUMNS + gss_code)."""
    curated = {str(k): str(v) for k, v in ctx.params.get("short_names", {}).items()}
    curated_icb = {str(k): str(v) for k, v in ctx.params.get("icb_short_names", {}).items()}
    for label in [*curated.values(), *curated_icb.values()]:
        if ELLIPSIS in label or len(label) > MAX_CURATED:
            raise ValueError(
                f"{ctx.dataset}: curated short name {label!r} is cut or longer than {MAX_CURATED}"
            )
    n_sub = subs.groupby("icb24_code")["sicbl24_code"].transform("size")
    ods = subs["sicbl24_code_nhs"]
    former_name = ods.map(former).fillna("")
    # The place a person recognises: the ICB's where it has one sub-ICB location, else the former CCG's.
    base = np.where(
        n_sub == 1, subs["icb24_name"], former_name.where(former_name != "", subs["sicbl24_name"])
    )
    places = [curated.get(o) or short_place(b) for o, b in zip(ods, base)]
    region = subs["icb24_code"].map(icb_region["region_code"]).fillna("")
    region_name = subs["icb24_code"].map(icb_region["region_name"]).fillna("")
    sub_rows = pd.DataFrame(
        {
            schema.GEOGRAPHY: schema.SUBICB_GEOGRAPHY,
            schema.AREA_CODE: subs["sicbl24_code"],
            "ods_code": ods,
            schema.AREA_NAME: [subicb_label(n, f) for n, f in zip(subs["sicbl24_name"], former_name)],
            "parent_code": subs["icb24_code"],
            "region_code": region,
            "region_name": region_name,
            "short_name": [f"{pl} ({o})" for pl, o in zip(places, ods)],
            "former_name": former_name,
            "gss_code": subs["sicbl24_code"],
        }
    )
    icbs = subs.drop_duplicates("icb24_code")
    icb_rows = pd.DataFrame(
        {
            schema.GEOGRAPHY: schema.ICB_GEOGRAPHY,
            schema.AREA_CODE: icbs["icb24_code"],
            "ods_code": icbs["icb24_code_nhs"],
            schema.AREA_NAME: icbs["icb24_name"].map(icb_name),
            "parent_code": "",
            "region_code": icbs["icb24_code"].map(icb_region["region_code"]).fillna(""),
            "region_name": icbs["icb24_code"].map(icb_region["region_name"]).fillna(""),
            "short_name": [
                curated_icb.get(o) or short_place(n)
                for o, n in zip(icbs["icb24_code_nhs"], icbs["icb24_name"])
            ],
            "former_name": "",
            "gss_code": icbs["icb24_code"],
        }
    )
    no_region = icb_rows[icb_rows["region_code"] == ""]
    for code in no_region[schema.AREA_CODE]:
        problems.add("ICB has no 2024 region (not in the ONS mid-2022 sheet)", value=code)
    region_rows = pd.DataFrame(
        {
            schema.GEOGRAPHY: schema.CURRENT_REGION_GEOGRAPHY,
            schema.AREA_CODE: regions["code"],
            "ods_code": "",
            schema.AREA_NAME: regions["name"],
            "parent_code": "",
            "region_code": "",
            "region_name": "",
            "short_name": regions["name"],
            "former_name": "",
            "gss_code": regions["code"],
        }
    )
    out = pd.concat([sub_rows, icb_rows, region_rows], ignore_index=True)
    cut = out[out["short_name"].str.contains(ELLIPSIS)]
    if len(cut):
        log.info(
            "%s: %d short names end in an ellipsis: %s", ctx.dataset, len(cut), cut["short_name"].tolist()
        )
    return out.fillna("").astype(str)


def _lsoa_sicbl23(ctx: ReadContext, load, subs: pd.DataFrame) -> pd.DataFrame | None:
    """One row per LSOA 2011: its CCG 2021, Sub-ICB 2022 and sub-ICB 2023 (codes, ODS) and people."""
    l21, p21 = load(LSOA_LOOKUP_ID, ["LSOA11CD", "LSOA11NM", "CCG21CD"])
    l22, p22 = load(SICBL22_ID, ["lsoa11_code", "sicbl22_code", "sicbl22_code_h"])
    l24, p24 = load(LSOA21_ID, ["lsoa21_code", "sicbl24_code_nhs"])
    pop, pp = load(LSOA_POPULATION_ID, ["lsoa11_code", "population_mid2019"])
    if l21 is None or l22 is None or l24 is None or pop is None:
        return None
    l21 = l21[["LSOA11CD", "LSOA11NM", "CCG21CD"]]
    l22 = l22[["lsoa11_code", "sicbl22_code", "sicbl22_code_h"]]
    pop = pp.numeric(pop, "population_mid2019")
    frame = l21.merge(l22, left_on="LSOA11CD", right_on="lsoa11_code", how="outer", indicator=True)
    for code in frame.loc[frame["_merge"] != "both", "LSOA11CD"].fillna(frame["lsoa11_code"]):
        p22.add("LSOA 2011 in only one of the April 2021 and July 2022 lookups", value=code)
    frame = frame[frame["_merge"] == "both"].drop(columns="_merge")
    now = l24.drop_duplicates("lsoa21_code").set_index("lsoa21_code")["sicbl24_code_nhs"]
    frame["sicbl22_ods"] = frame["sicbl22_code_h"]
    frame["sicbl23_ods"] = frame["LSOA11CD"].map(now).fillna(frame["sicbl22_code_h"])
    code23 = subs.set_index("sicbl24_code_nhs")["sicbl24_code"]
    frame["sicbl23_code"] = frame["sicbl23_ods"].map(code23)
    missing = frame["sicbl23_code"].isna()
    for ods in sorted(set(frame.loc[missing, "sicbl23_ods"])):
        p24.add("sub-ICB ODS code of an LSOA is not in the sub-ICB 2024 lookup", value=ods)
    frame = frame[~missing]
    people = pop.set_index("lsoa11_code")["population_mid2019"]
    frame["people"] = frame["LSOA11CD"].map(people)
    no_people = frame["people"].isna()
    for code in frame.loc[no_people, "LSOA11CD"]:
        pp.add("LSOA of the lookups has no mid-2019 population (counted as 0)", value=code)
    frame["people"] = frame["people"].fillna(0.0)
    return frame.rename(columns={"LSOA11CD": "lsoa11_code_", "LSOA11NM": "lsoa11_name"})[
        [
            "lsoa11_code_",
            "lsoa11_name",
            "CCG21CD",
            "sicbl22_code",
            "sicbl22_ods",
            "sicbl23_code",
            "sicbl23_ods",
            "people",
        ]
    ].rename(columns={"lsoa11_code_": "lsoa11_code", "CCG21CD": "ccg21_code"})


def lsoa_lineage(lsoa: pd.DataFrame) -> pd.DataFrame:
    """CCG 2021 -> sub-ICB 2023 and Sub-ICB 2022 -> sub-ICB 2023 pieces in people (whole LSOAs)."""
    frames = []
    for from_geography, from_col in (("ccg21", "ccg21_code"), ("sicbl22", "sicbl22_code")):
        pieces = (
            lsoa.groupby([from_col, "sicbl23_code"])
            .agg(population=("people", "sum"), n=("lsoa11_code", "size"))
            .reset_index()
            .rename(columns={from_col: "from_code", "sicbl23_code": "to_code"})
        )
        pieces["share"] = pieces["population"] / pieces.groupby("from_code")["population"].transform("sum")
        pieces["share_of_to"] = pieces["population"] / pieces.groupby("to_code")["population"].transform(
            "sum"
        )
        whole = pieces.groupby("from_code")["to_code"].transform("size") == 1
        pieces["method"] = np.where(whole, "merged", "apportioned")
        evidence = []
        for code_from, code_to, is_whole in zip(pieces["from_code"], pieces["to_code"], whole):
            if is_whole:
                evidence.append("")
                continue
            hit = lsoa[(lsoa[from_col] == code_from) & (lsoa["sicbl23_code"] == code_to)]
            names = ", ".join(hit["lsoa11_name"].head(6))
            more = f" and {len(hit) - 6} more" if len(hit) > 6 else ""
            evidence.append(f"{len(hit)} LSOAs ({int(hit['people'].sum()):,} people): {names}{more}")
        pieces["evidence"] = evidence
        pieces["from_geography"] = from_geography
        frames.append(pieces)
    out = pd.concat(frames, ignore_index=True)
    out["to_geography"] = schema.SUBICB_GEOGRAPHY
    out["weight"] = "population (ONS mid-2019, whole LSOAs)"
    out["people_source"] = PEOPLE_SOURCE
    return out[schema.LINEAGE_COLUMNS].sort_values(
        ["from_geography", "from_code", "share"], ascending=[True, True, False]
    )


def _demographics(
    ctx: ReadContext, load, lsoa: pd.DataFrame, population: pd.DataFrame, subs: pd.DataFrame, problems_for
) -> pd.DataFrame:
    """The peers' variables for every sub-ICB 2023 and ICB 2023 area (data.model.peers.VARIABLES)."""
    icb_of = subs.set_index("sicbl24_code")["icb24_code"]
    base = lsoa.assign(icb23_code=lsoa["sicbl23_code"].map(icb_of))
    imd = _imd(ctx, problems_for(ctx.path(IMD_ID)))
    ruc, _ = load(RUC_ID, ["lsoa11_code", "ruc"])
    origin, po = load(ORIGIN_ID, ["CCG21CD", "Population Total", "NWB"])
    rows = []
    for geography, col in ((schema.SUBICB_GEOGRAPHY, "sicbl23_code"), (schema.ICB_GEOGRAPHY, "icb23_code")):
        out = pd.DataFrame(index=pd.Index(sorted(base[col].dropna().unique()), name=schema.AREA_CODE))
        if not population.empty:
            key = "area_code" if geography == schema.SUBICB_GEOGRAPHY else "icb23_code"
            pop = population.groupby(key)[["population", "pop_0_17", "pop_65plus"]].sum()
            out = out.join(pop)
            out["pct_under18"] = 100 * out["pop_0_17"] / out["population"]
            out["pct_65plus"] = 100 * out["pop_65plus"] / out["population"]
        if imd is not None:
            joined = base.merge(imd, on="lsoa11_code", how="inner")
            grouped = joined.groupby(col)
            out["imd19_mean_rank"] = grouped["rank"].mean()
            out["imd19_pct_lsoa_most_deprived_quintile"] = 100 * grouped["decile"].apply(
                lambda d: (d <= 2).mean()
            )
        if ruc is not None:
            joined = base.merge(ruc, on="lsoa11_code", how="inner")
            out["pct_lsoa_rural"] = 100 * (joined["ruc"] == "Rural").groupby(joined[col]).mean()
        if origin is not None:
            origin = po.numeric(po.numeric(origin, "Population Total"), "NWB")
            # CCG 2021 counts moved with each CCG's people (whole LSOAs) into the new areas.
            people = base.groupby(["ccg21_code", col])["people"].sum().reset_index()
            people["share"] = people["people"] / people.groupby("ccg21_code")["people"].transform("sum")
            moved = people.merge(origin, left_on="ccg21_code", right_on="CCG21CD")
            sums = (moved[["Population Total", "NWB"]].mul(moved["share"], axis=0)).groupby(moved[col]).sum()
            out["pct_non_white_british"] = 100 * sums["NWB"] / sums["Population Total"]
        rows.append(out.reset_index().assign(**{schema.GEOGRAPHY: geography}))
    frame = pd.concat(rows, ignore_index=True)
    return frame.drop(columns=[c for c in ("pop_0_17", "pop_65plus") if c in frame.columns])


def _imd(ctx: ReadContext, problems: Problems) -> pd.DataFrame | None:
    lsoa_col = "LSOA code (2011)"
    rank, decile = "Index of Multiple Deprivation (IMD) Rank", "Index of Multiple Deprivation (IMD) Decile"
    try:
        imd = pd.read_excel(ctx.path(IMD_ID), sheet_name=ctx.params.get("imd_sheet", "IMD2019"))
    except (OSError, ValueError) as exc:
        problems.add(f"cannot read the IMD sheet: {exc}")
        return None
    if problems.require_columns(imd, [lsoa_col, rank, decile]):
        return None
    imd = problems.numeric(problems.numeric(imd, rank), decile)
    return imd.rename(columns={lsoa_col: "lsoa11_code", rank: "rank", decile: "decile"})[
        ["lsoa11_code", "rank", "decile"]
    ]
