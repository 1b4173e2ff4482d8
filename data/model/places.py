"""Finding an area: places, old CCGs, sub-ICB locations and ICBs that resolve to the app's areas.

The index is a frame made once at model build (``build_place_index``) with one row per
thing a user may type and the area it leads to in each geography the app is used on: the
CCG 2021 area (``ccg21_code``), the sub-ICB location 2023 (``sicbl23_code``, through the
lineage in people: the one holding most of the CCG 2021 area) and the ICB 2023 (``icb23_code``):

* ``ccg21``: the CCG 2021 areas themselves (name, E38 code, ODS code);
* ``sicbl23``: the sub-ICB locations (April 2023) by their current name ("NHS South Yorkshire ICB
  – 02P (formerly NHS Barnsley CCG)"), found by it, by the former CCG's name and by every code
  they had: the 2023 and 2022 E38 codes, the CCG 2021 E38 code and the ODS code;
* ``icb23``: the ICBs (name, E54 codes of 2022 and 2023, Q code), which lead nowhere on the
  CCG and sub-ICB maps (``ccg21_code`` and ``sicbl23_code`` are empty);
* ``place``: local authority districts (April 2021) and every CCG 2021 area that covers
  part of them, with the share of the district's LSOAs in that CCG ("Cornwall -> NHS
  Kernow CCG"), from the ONS LSOA -> CCG -> LAD lookup;
* ``old_ccg``: CCGs of the 2013-2020 sets, through the model's boundary lineage to their
  CCG 2021 successors, with the share of the old area in each successor.

``data.queries.places`` answers a query from the index (no file read at request time).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from data.model import schema as s

log = logging.getLogger(__name__)

LSOA_LOOKUP = "lookups/lsoa11_ccg21_lad21_apr2021.csv"
LAD_LOOKUP = "lookups/ccg21_lad21.csv"
OLD_VINTAGES = {
    "ccg13": "2013",
    "ccg16": "2015/16",
    "ccg17": "2017",
    "ccg18": "2018",
    "ccg19": "2019",
    "ccg20": "2020",
}
INDEX_COLUMNS = [
    "kind",
    "term",
    "codes",
    "label",
    "vintage",
    "ccg21_code",
    "ccg21_name",
    "share",
    "notice",
    "sicbl23_code",
    "icb23_code",
]
# The column of the index that gives the area a row leads to, per geography.
TARGET_COLUMN = {
    s.HOME_GEOGRAPHY: "ccg21_code",
    s.SUBICB_GEOGRAPHY: "sicbl23_code",
    s.ICB_GEOGRAPHY: "icb23_code",
}
ARROW = "\u2192"


def _district_pairs(data_dir: Path) -> pd.DataFrame:
    """LAD21 -> CCG21 pairs with the share of the district's LSOAs in each CCG."""
    lsoa_path = data_dir / LSOA_LOOKUP
    if lsoa_path.is_file():
        lsoa = pd.read_csv(
            lsoa_path, encoding="utf-8-sig", usecols=["LSOA11CD", "CCG21CD", "LAD21CD", "LAD21NM"], dtype=str
        )
        bad = lsoa[["CCG21CD", "LAD21CD", "LAD21NM"]].isna().any(axis=1)
        if bad.any():
            log.warning(
                "%s: %d rows without a CCG or district left out of the place index", LSOA_LOOKUP, bad.sum()
            )
        lsoa = lsoa[~bad]
        pairs = lsoa.groupby(["LAD21CD", "LAD21NM", "CCG21CD"]).size().rename("n").reset_index()
        pairs["share"] = pairs["n"] / pairs.groupby("LAD21CD")["n"].transform("sum")
        return pairs.drop(columns="n")
    lad_path = data_dir / LAD_LOOKUP
    if not lad_path.is_file():
        log.error("no district lookup (%s or %s): places cannot be searched", LSOA_LOOKUP, LAD_LOOKUP)
        return pd.DataFrame(columns=["LAD21CD", "LAD21NM", "CCG21CD", "share"])
    pairs = pd.read_csv(lad_path, dtype=str)[["LAD21CD", "LAD21NM", "CCG21CD"]].dropna()
    pairs["share"] = float("nan")
    return pairs


def _plain(name: str) -> str:
    return " ".join(name.lower().replace("&", "and").replace("ccg", "").replace("nhs", "").split())


def build_place_index(data_dir: Path, areas: pd.DataFrame, lineage: pd.DataFrame) -> pd.DataFrame:
    """Every searchable name or code and the CCG 2021 area(s) it leads to (made at build)."""
    ccg21 = areas[areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY]
    names21 = ccg21.set_index(s.AREA_CODE)[s.AREA_NAME].astype(str)
    ods21 = ccg21.set_index(s.AREA_CODE)["ods_code"].fillna("").astype(str)
    rows: list[dict] = []
    for code, name in names21.items():
        rows.append(
            {
                "kind": "ccg21",
                "term": name,
                "codes": f"{code} {ods21.get(code, '')}".strip(),
                "label": f"{name} ({ods21.get(code) or code})",
                "vintage": "2021",
                "ccg21_code": code,
                "ccg21_name": name,
                "share": 1.0,
                "notice": "",
            }
        )

    pairs = _district_pairs(data_dir)
    unknown = ~pairs["CCG21CD"].isin(names21.index)
    if unknown.any():
        log.warning("place index: %d district pairs name a CCG not in the model (left out)", unknown.sum())
    pairs = pairs[~unknown].sort_values(["LAD21NM", "share"], ascending=[True, False])
    for lad_code, lad_name, ccg, share in zip(
        pairs["LAD21CD"], pairs["LAD21NM"], pairs["CCG21CD"], pairs["share"]
    ):
        part = "" if pd.isna(share) or share >= 0.995 else f" ({share:.0%} of the district)"
        rows.append(
            {
                "kind": "place",
                "term": lad_name,
                "codes": lad_code,
                "label": f"{lad_name} {ARROW} {names21[ccg]}{part}",
                "vintage": "2021",
                "ccg21_code": ccg,
                "ccg21_name": names21[ccg],
                "share": share,
                "notice": "",
            }
        )

    old_links = lineage[lineage["to_geography"] == s.HOME_GEOGRAPHY] if "to_geography" in lineage else lineage
    rows += _old_ccg_rows(areas, old_links, names21, ods21)
    index = pd.DataFrame(rows, columns=INDEX_COLUMNS)
    index["share"] = index["share"].astype(float)
    index = _with_current_codes(index, areas, lineage)
    index = pd.concat([index, _current_rows(areas, lineage)], ignore_index=True)
    index = index.fillna({c: "" for c in ("sicbl23_code", "icb23_code", "ccg21_code", "ccg21_name")})
    log.info(
        "place index: %d rows (%s)",
        len(index),
        ", ".join(f"{k} {n}" for k, n in index["kind"].value_counts().items()),
    )
    return index.reset_index(drop=True)


def _old_ccg_rows(
    areas: pd.DataFrame, lineage: pd.DataFrame, names21: pd.Series, ods21: pd.Series
) -> list[dict]:
    """Old CCGs (earliest vintage each) and their CCG 2021 successors, from the lineage."""
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()
    current_codes = {c.lower() for c in names21.index} | {o.lower() for o in ods21 if o}
    for geography, year in OLD_VINTAGES.items():
        old = areas[areas[s.GEOGRAPHY] == geography]
        links = lineage[lineage["from_geography"] == geography]
        if old.empty or links.empty:
            continue
        merged = old.merge(links, left_on=s.AREA_CODE, right_on="from_code", how="inner")
        missing = len(set(old[s.AREA_CODE]) - set(links["from_code"]))
        if missing:
            log.info("place index: %d %s areas have no lineage to CCG 2021", missing, geography)
        for r in merged.itertuples(index=False):
            code = str(getattr(r, s.AREA_CODE))
            name = str(getattr(r, s.AREA_NAME))
            to = str(r.to_code)
            if to not in names21.index:
                continue
            ods = str(r.ods_code) if pd.notna(r.ods_code) else ""
            gss = str(r.gss_code) if pd.notna(r.gss_code) else ""
            key = (ods or code, to)
            if key in seen:
                continue
            seen.add(key)
            successor = names21[to]
            same = _plain(name) == _plain(successor)
            if same and code.lower() in current_codes:
                continue  # unchanged CCG: found as itself
            display = (
                name if name.upper() != name else name.title().replace("Nhs", "NHS").replace("Ccg", "CCG")
            )
            share = float(r.share)
            if not display.endswith("CCG"):
                display += " CCG"
            part = "" if share >= 0.995 else f" (about {share:.0%} of it)"
            verb = "is now" if share >= 0.995 else "is now partly"
            notice = f"{display} ({year}) {verb} part of {successor}{part}."
            if same:
                notice = f"{display} ({year}) continues as {successor}."
            rows.append(
                {
                    "kind": "old_ccg",
                    "term": display,
                    "codes": " ".join(dict.fromkeys(c for c in (code, ods, gss) if c)),
                    "label": f"{display} ({year}) {ARROW} {successor}{part}",
                    "vintage": year,
                    "ccg21_code": to,
                    "ccg21_name": successor,
                    "share": share,
                    "notice": notice,
                }
            )
    return rows


def _with_current_codes(index: pd.DataFrame, areas: pd.DataFrame, lineage: pd.DataFrame) -> pd.DataFrame:
    """Each row's sub-ICB location 2023 (the one holding most of its CCG 2021 area's people) and ICB."""
    if "to_geography" not in lineage:
        return index
    links = lineage[(lineage["to_geography"] == s.SUBICB_GEOGRAPHY) & (lineage["from_geography"] == "ccg21")]
    main = (
        links.sort_values("share", ascending=False)
        .drop_duplicates("from_code")
        .set_index("from_code")["to_code"]
    )
    sub = areas[areas[s.GEOGRAPHY] == s.SUBICB_GEOGRAPHY].drop_duplicates(s.AREA_CODE)
    parent = sub.set_index(s.AREA_CODE)["parent_code"]
    out = index.copy()
    out["sicbl23_code"] = out["ccg21_code"].map(main)
    out["icb23_code"] = out["sicbl23_code"].map(parent)
    return out


def _current_rows(areas: pd.DataFrame, lineage: pd.DataFrame) -> pd.DataFrame:
    """Sub-ICB locations 2023 (by name, former CCG name and every code) and ICBs 2023."""
    a = areas.drop_duplicates([s.GEOGRAPHY, s.AREA_CODE])
    sub = a[a[s.GEOGRAPHY] == s.SUBICB_GEOGRAPHY]
    icb = a[a[s.GEOGRAPHY] == s.ICB_GEOGRAPHY]
    if sub.empty:
        return pd.DataFrame(columns=INDEX_COLUMNS)
    by_ods = {
        g: a[a[s.GEOGRAPHY] == g].drop_duplicates("ods_code").set_index("ods_code")[s.AREA_CODE]
        for g in ("ccg21", "sicbl22", "icb22")
    }
    names21 = a[a[s.GEOGRAPHY] == "ccg21"].set_index(s.AREA_CODE)[s.AREA_NAME]
    rows: list[dict] = []
    for r in sub.itertuples(index=False):
        code, ods, name = getattr(r, s.AREA_CODE), str(r.ods_code), getattr(r, s.AREA_NAME)
        ccg21 = by_ods["ccg21"].get(ods, "")
        codes = " ".join(dict.fromkeys(c for c in (code, ods, ccg21, by_ods["sicbl22"].get(ods, "")) if c))
        official = name.split(" (formerly ")[0]
        common = {
            "kind": "sicbl23",
            "codes": codes,
            "label": name,
            "vintage": "2023",
            "ccg21_code": ccg21,
            "ccg21_name": names21.get(ccg21, ""),
            "share": 1.0,
            "sicbl23_code": code,
            "icb23_code": r.parent_code,
        }
        rows.append({**common, "term": official, "notice": ""})
        former = str(r.former_name or "")
        if former:
            rows.append(
                {
                    **common,
                    "term": former,
                    "label": f"{former} {ARROW} {name}",
                    "notice": f"{former} is now the sub-ICB location {official}.",
                }
            )
    for r in icb.itertuples(index=False):
        code, ods, name = getattr(r, s.AREA_CODE), str(r.ods_code), getattr(r, s.AREA_NAME)
        codes = " ".join(dict.fromkeys(c for c in (code, ods, by_ods["icb22"].get(ods, "")) if c))
        rows.append(
            {
                "kind": "icb23",
                "term": name,
                "codes": codes,
                "label": f"{name} ({ods})",
                "vintage": "2023",
                "ccg21_code": "",
                "ccg21_name": "",
                "share": 1.0,
                "notice": "",
                "sicbl23_code": "",
                "icb23_code": code,
            }
        )
    return pd.DataFrame(rows, columns=INDEX_COLUMNS)
