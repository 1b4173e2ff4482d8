"""Finding an area: places and old CCGs that resolve to the CCG 2021 areas.

The index is a frame made once at model build (``build_place_index``) with one row per
thing a user may type and the CCG 2021 area it leads to:

* ``ccg21``: the CCG 2021 areas themselves (name, E38 code, ODS code);
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
]
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

    rows += _old_ccg_rows(areas, lineage, names21, ods21)
    index = pd.DataFrame(rows, columns=INDEX_COLUMNS)
    index["share"] = index["share"].astype(float)
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
