"""Area lookups: codes and names of every geography, the CCG21/Sub-ICB hierarchy, practices,
similar-10 peers and an ICB name matcher, so that every other reader can join on codes.

Code sets per vintage (decided from the data, see SOURCES.md):

* ccg21, stp21, nhser21: ``lookups/ccg21_stp21_nhser21.csv`` (checked against ``ccg21_codes_names.csv``).
* ccg20: ``lookups/ccg20_codes_names.csv``.
* ccg17/ccg18/ccg19: the OpenPrescribing boundary files, because those are the polygons the indicators
  of those years are mapped on (ccg19 ``code``; ccg18 cartogram ``ccg``; ccg17 polygon names joined to
  ``ccg_ods_names_2013_2019.csv``, null geometries dropped). E38 codes from the QOF points by-CCG file
  where it has that year (ccg18 194/195, ccg19 191/191); E38 codes are *not* inferred across vintages
  because several CCGs kept their ODS code but got a new E38 code when their boundary changed.
* ccg16: ``lookups/ccg16_rightcare_similar10_peers.csv``; ccg15: ``lookups/pct_to_ccg13_lookup.csv``, which
  is really the 2015 set (209 codes with 13T and the 2015 E38 codes of 09G/09N).
* ccg13 (211, with 13P): the CCG rows of the obesity admissions file, the only 2013-set CCG list with
  E38 codes (the PCT lookup lacks 00F/00G/00H).
* sicbl22, icb22: ``lookups/lsoa11_sicbl22_icb22_lad22_jul2022.csv``; nhser22 and practices: the QOF
  2022-23 geography mapping.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pandas as pd

from data.methods.formatting import published_name
from data.model import schema
from data.model.validation import Problems, read_error
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import EXTERNAL_FILES

log = logging.getLogger(__name__)

# Manifest entry ids of the lookups files (data/sources/lookups.toml).
HIERARCHY_ID = "lookup_ccg21_stp21_nhser21"
CCG21_NAMES_ID = "lookup_ccg21_codes_names"
CCG20_NAMES_ID = "lookup_ccg20_codes_names"
ODS_NAMES_ID = "lookup_ccg_ods_names_2013_2019"
PCT_CCG_ID = "lookup_pct_to_ccg13"
PEERS_ID = "lookup_ccg16_similar10_peers"
SICBL22_ID = "lookup_lsoa11_sicbl22_icb22_lad22"
HEEC_ICB_ID = "lookup_ccg_ods_2019_2021_to_icb_heec"


# Code formats by kind.
CODE_PATTERNS: dict[str, str] = {
    "E38": r"E38\d{6}",
    "E54": r"E54\d{6}",
    "E40": r"E40\d{6}",
    "E92": r"E92\d{6}",
    "ods_ccg_old": r"[0-9A-Z]{3}",  # CCG ODS codes 2013-2019
    "ods_ccg": r"[0-9A-Z]{3}(?:[0-9A-Z]{2})?",  # 2020 on: some merged CCGs have 5 characters
    "ods_icb": r"Q[0-9A-Z]{2}",
    "ods_region": r"Y\d{2}",
    "practice": r"[A-Z]\d{5}",
    "pcn": r"U\d{5}|U",  # "U" = "Unallocated": practices outside any PCN, as published
}

AREA_FRAME_COLUMNS = [*schema.AREA_COLUMNS, "gss_code"]


# --- shared helpers (also used by data.readers.demographics) -------------------------------------


def external_path(ctx: ReadContext, key: str) -> Path:
    """Path of a file owned by another manifest, from ``params`` (key) or the default relative path."""
    rel = ctx.params.get(key, EXTERNAL_FILES.get(key))
    if rel is None:
        raise KeyError(f"no path configured for {key!r}")
    if not any(entry.get("path") == rel for entry in ctx.manifest.values()):
        log.info("%s: %s is not in the manifest; reading it by path", ctx.dataset, rel)
    return ctx.data_dir / rel


def read_csv_checked(
    path: Path, problems: Problems, columns: list[str], *, required: bool = True
) -> pd.DataFrame | None:
    """Read a CSV as strings (BOM stripped, header whitespace collapsed, cells stripped).

    Returns None, with a problem recorded, if the file is absent or lacks one of ``columns``.
    The index is the 0-based data row, as ``Problems.reject_mask`` expects.
    """
    if not path.exists():
        if required:
            problems.add("file not found")
        else:
            log.info("%s: optional file %s not found", problems.dataset, path)
        return None
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:  # truncated or garbled
        reason, row, _ = read_error(exc)
        problems.add(f"could not be read: {reason}", row=row)
        return None
    frame.columns = [" ".join(str(c).split()) for c in frame.columns]
    if problems.require_columns(frame, columns):
        return None
    return frame.apply(lambda col: col.str.strip())


def check_codes(frame: pd.DataFrame, problems: Problems, column: str, kind: str) -> pd.DataFrame:
    """Reject (recording a problem for) rows whose ``column`` is not a code of ``kind``."""
    ok = frame[column].fillna("").str.fullmatch(CODE_PATTERNS[kind])
    return problems.reject_mask(frame, ~ok, column, f"not a valid {kind} code")


def check_names(frame: pd.DataFrame, problems: Problems, column: str) -> pd.DataFrame:
    """Reject rows with an empty name."""
    return problems.reject_mask(frame, frame[column].fillna("").str.strip() == "", column, "missing name")


def normalise_icb_names(names: pd.Series) -> pd.Series:
    """Lower-case ICB names without "NHS", "ICB", "Integrated Care Board" and extra spaces (HEEC join)."""
    out = names.astype("string").str.lower()
    out = out.str.replace(r"\b(?:integrated care board|nhs|icb)\b", " ", regex=True)
    return out.str.replace(r"[\s\u00a0]+", " ", regex=True).str.strip()


def proper_case(names: pd.Series, known: pd.Series) -> pd.Series:
    """Replace upper-case CCG names by a known mixed-case spelling, else a title case with NHS/CCG kept."""
    key = known.str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    lookup = dict(zip(key, known, strict=True))
    titled = (
        names.str.title()
        .str.replace(r"\bNhs\b", "NHS", regex=True)
        .str.replace(r"\bCcg\b", "CCG", regex=True)
        .map(published_name)  # "'S" at the end too, and And/Of/The/On/Upon inside a name
    )
    found = names.str.upper().str.replace(r"[^A-Z0-9]", "", regex=True).map(lookup)
    return found.fillna(titled)


def _area_rows(geography: str, frame: pd.DataFrame, **columns: Any) -> pd.DataFrame:
    """AREA_FRAME_COLUMNS rows for ``geography``; ``columns`` maps an area column to a column name or value."""
    out = pd.DataFrame(index=frame.index)
    for col in AREA_FRAME_COLUMNS:
        spec = columns.get(col, "")
        out[col] = frame[spec] if isinstance(spec, str) and spec in frame.columns else spec
    out[schema.GEOGRAPHY] = geography
    return out.fillna("").astype(str)


def _geojson_properties(path: Path, problems: Problems, columns: list[str]) -> pd.DataFrame | None:
    """Feature properties of a GeoJSON file (plus ``has_geometry``), without reading geometries."""
    if not path.exists():
        problems.add("file not found")
        return None
    try:
        with path.open(encoding="utf-8") as fh:
            features = json.load(fh)["features"]
    except (ValueError, UnicodeDecodeError, KeyError, TypeError) as exc:  # truncated or not GeoJSON
        reason, row, _ = read_error(exc)
        problems.add(f"could not be read: {reason}", row=row)
        return None
    frame = pd.DataFrame([f.get("properties") or {} for f in features])
    if problems.require_columns(frame, columns):
        return None
    frame = frame[columns].fillna("").astype(str).apply(lambda col: col.str.strip())
    frame["has_geometry"] = [f.get("geometry") is not None for f in features]
    # Feature n is "row" n + 1 in messages (file_row adds 2 to a 0-based index).
    frame.index = frame.index - 1
    return frame


# --- the reader ------------------------------------------------------------------------------------


@reader("areas")
def read_areas(ctx: ReadContext) -> ReadResult:
    """Build the areas, hierarchy, practices, peers and icb_names frames from the lookup files."""
    result = ReadResult()
    all_problems: list[Problems] = []

    def problems_for(path: Path) -> Problems:
        p = Problems(
            ctx.dataset,
            str(path.relative_to(ctx.data_dir)) if path.is_relative_to(ctx.data_dir) else str(path),
        )
        all_problems.append(p)
        return p

    def load(path: Path, columns: list[str], *, required: bool = True) -> pd.DataFrame | None:
        frame = read_csv_checked(path, problems_for(path), columns, required=required)
        if frame is not None:
            result.rows_read += len(frame)
        return frame

    areas: list[pd.DataFrame] = []

    # 2021 hierarchy: ccg21 -> stp21 -> nhser21.
    path = ctx.path(HIERARCHY_ID)
    cols = ["CCG21CD", "CCG21CDH", "CCG21NM", "STP21CD", "STP21NM", "NHSER21CD", "NHSER21NM"]
    h21 = load(path, cols)
    if h21 is not None:
        p = all_problems[-1]
        for col, kind in [
            ("CCG21CD", "E38"),
            ("CCG21CDH", "ods_ccg"),
            ("STP21CD", "E54"),
            ("NHSER21CD", "E40"),
        ]:
            h21 = check_codes(h21, p, col, kind)
        for col in ["CCG21NM", "STP21NM", "NHSER21NM"]:
            h21 = check_names(h21, p, col)
        ref = load(ctx.path(CCG21_NAMES_ID), ["CCG21CD", "CCG21CDH", "CCG21NM"])
        if ref is not None:
            _check_against_names(h21, ref, all_problems[-1])
        areas.append(
            _area_rows(
                "ccg21",
                h21,
                area_code="CCG21CD",
                ods_code="CCG21CDH",
                area_name="CCG21NM",
                parent_code="STP21CD",
                region_code="NHSER21CD",
                region_name="NHSER21NM",
                gss_code="CCG21CD",
            )
        )
        stp = h21.drop_duplicates("STP21CD")
        areas.append(
            _area_rows(
                "stp21",
                stp,
                area_code="STP21CD",
                area_name="STP21NM",
                region_code="NHSER21CD",
                region_name="NHSER21NM",
                gss_code="STP21CD",
            )
        )
        reg = h21.drop_duplicates("NHSER21CD")
        areas.append(
            _area_rows("nhser21", reg, area_code="NHSER21CD", area_name="NHSER21NM", gss_code="NHSER21CD")
        )

    # 2022: sicbl22 -> icb22 from the ONS LSOA lookup; regions and practices from the QOF mapping.
    path = ctx.path(SICBL22_ID)
    cols = ["sicbl22_code", "sicbl22_code_h", "sicbl22_name", "icb22_code", "icb22_code_h", "icb22_name"]
    s22 = load(path, cols)
    if s22 is not None:
        p = all_problems[-1]
        s22 = s22[cols].drop_duplicates()
        for col, kind in [("sicbl22_code", "E38"), ("sicbl22_code_h", "ods_ccg"), ("icb22_code", "E54")]:
            s22 = check_codes(s22, p, col, kind)
        s22 = check_codes(s22, p, "icb22_code_h", "ods_icb")
        s22 = check_names(check_names(s22, p, "sicbl22_name"), p, "icb22_name")
        dup = s22["sicbl22_code"].duplicated(keep="first")
        s22 = p.reject_mask(s22, dup, "sicbl22_code", "Sub-ICB location with a second name or parent")

    mapping = _read_qof_mapping(ctx, load, all_problems)
    if s22 is not None:
        region_by_icb = (
            mapping.drop_duplicates("ICB_ONS_CODE").set_index("ICB_ONS_CODE")[
                ["REGION_ONS_CODE", "REGION_NAME"]
            ]
            if mapping is not None
            else pd.DataFrame(columns=["REGION_ONS_CODE", "REGION_NAME"])
        )
        s22 = s22.join(region_by_icb, on="icb22_code")
        areas.append(
            _area_rows(
                "sicbl22",
                s22,
                area_code="sicbl22_code",
                ods_code="sicbl22_code_h",
                area_name="sicbl22_name",
                parent_code="icb22_code",
                region_code="REGION_ONS_CODE",
                region_name="REGION_NAME",
                gss_code="sicbl22_code",
            )
        )
        icb = s22.drop_duplicates("icb22_code")
        areas.append(
            _area_rows(
                "icb22",
                icb,
                area_code="icb22_code",
                ods_code="icb22_code_h",
                area_name="icb22_name",
                region_code="REGION_ONS_CODE",
                region_name="REGION_NAME",
                gss_code="icb22_code",
            )
        )
    if mapping is not None:
        reg22 = mapping.drop_duplicates("REGION_ONS_CODE")
        areas.append(
            _area_rows(
                "nhser22",
                reg22,
                area_code="REGION_ONS_CODE",
                ods_code="REGION_ODS_CODE",
                area_name="REGION_NAME",
                gss_code="REGION_ONS_CODE",
            )
        )
        result.frames["practices"] = _practices(mapping)

    # Older CCG sets.
    known_names = _known_names(areas)
    region_by_ods = _region_by_ccg_ods(ctx, load, h21, s22)
    ccg20 = load(ctx.path(CCG20_NAMES_ID), ["CCG20CD", "CCG20CDH", "CCG20NM"])
    if ccg20 is not None:
        p = all_problems[-1]
        ccg20 = check_codes(check_codes(ccg20, p, "CCG20CD", "E38"), p, "CCG20CDH", "ods_ccg")
        ccg20 = check_names(ccg20, p, "CCG20NM").join(region_by_ods, on="CCG20CDH")
        areas.append(
            _area_rows(
                "ccg20",
                ccg20,
                area_code="CCG20CD",
                ods_code="CCG20CDH",
                area_name="CCG20NM",
                region_code="region_code",
                region_name="region_name",
                gss_code="CCG20CD",
            )
        )
        known_names = pd.concat([known_names, ccg20["CCG20NM"]])

    peers_raw = load(
        ctx.path(PEERS_ID), ["CCG16CD", "CCG16CDH", "CCG16NM"] + [f"similar_ccg_{i}" for i in range(1, 11)]
    )
    if peers_raw is not None:
        p = all_problems[-1]
        c16 = check_codes(check_codes(peers_raw, p, "CCG16CDH", "ods_ccg_old"), p, "CCG16CD", "E38")
        c16 = check_names(c16, p, "CCG16NM")
        areas.append(
            _area_rows(
                "ccg16",
                c16,
                area_code="CCG16CDH",
                ods_code="CCG16CDH",
                area_name="CCG16NM",
                gss_code="CCG16CD",
            )
        )
        known_names = pd.concat([known_names, c16["CCG16NM"]])
        result.frames["peers"] = _peers(c16, p)

    pct = load(ctx.path(PCT_CCG_ID), ["ccg13_ods_code", "ccg13_name", "ccg13_ons_code"])
    if pct is not None:
        p = all_problems[-1]
        c15 = pct.drop_duplicates("ccg13_ods_code")  # 99P has two spellings: the first is kept
        c15 = check_codes(check_codes(c15, p, "ccg13_ods_code", "ods_ccg_old"), p, "ccg13_ons_code", "E38")
        c15 = check_names(c15, p, "ccg13_name")
        areas.append(
            _area_rows(
                "ccg15",
                c15,
                area_code="ccg13_ods_code",
                ods_code="ccg13_ods_code",
                area_name="ccg13_name",
                gss_code="ccg13_ons_code",
            )
        )
        known_names = pd.concat([known_names, c15["ccg13_name"]])

    areas.extend(_ccg17_to_19(ctx, load, problems_for, known_names, region_by_ods))
    ccg13 = _ccg13(ctx, load, all_problems)
    if ccg13 is not None:
        areas.append(ccg13)

    areas.append(
        pd.DataFrame(
            [
                dict.fromkeys(AREA_FRAME_COLUMNS, "")
                | {
                    schema.GEOGRAPHY: "england",
                    schema.AREA_CODE: schema.ENGLAND_CODE,
                    schema.AREA_NAME: schema.ENGLAND_NAME,
                    "gss_code": schema.ENGLAND_CODE,
                }
            ]
        )
    )
    result.frames["areas"] = pd.concat(areas, ignore_index=True)[AREA_FRAME_COLUMNS]

    if h21 is not None and s22 is not None:
        result.frames["hierarchy"] = _hierarchy(h21, s22)
    result.frames["icb_names"] = _icb_names(s22, mapping, ctx, load)

    counts = result.frames["areas"].groupby(schema.GEOGRAPHY).size()
    result.notes.append("areas per geography: " + ", ".join(f"{g} {n}" for g, n in counts.items()))
    for p in all_problems:
        result.problems.extend(p.items)
    return result


# --- pieces ----------------------------------------------------------------------------------------


def _check_against_names(h21: pd.DataFrame, ref: pd.DataFrame, problems: Problems) -> None:
    """Record a problem for each row of ccg21_codes_names.csv whose code or ODS code the hierarchy lacks."""
    ods = ref["CCG21CD"].map(h21.set_index("CCG21CD")["CCG21CDH"])
    problems.reject_mask(ref, ods.isna(), "CCG21CD", "CCG21 code not in the hierarchy file")
    problems.reject_mask(
        ref, ods.notna() & (ods != ref["CCG21CDH"]), "CCG21CDH", "ODS code differs from the hierarchy file"
    )


def _read_qof_mapping(ctx: ReadContext, load, all_problems: list[Problems]) -> pd.DataFrame | None:
    cols = [
        "REGION_ODS_CODE",
        "REGION_ONS_CODE",
        "REGION_NAME",
        "ICB_ODS_CODE",
        "ICB_ONS_CODE",
        "ICB_NAME",
        "SUB_ICB_ODS_CODE",
        "SUB_ICB_ONS_CODE",
        "SUB_ICB_NAME",
        "PCN_ODS_CODE",
        "PCN_NAME",
        "PRACTICE_CODE",
        "PRACTICE_NAME",
    ]
    mapping = load(external_path(ctx, "qof_mapping"), cols)
    if mapping is None:
        return None
    p = all_problems[-1]
    checks = [
        ("PRACTICE_CODE", "practice"),
        ("PCN_ODS_CODE", "pcn"),
        ("SUB_ICB_ODS_CODE", "ods_ccg"),
        ("SUB_ICB_ONS_CODE", "E38"),
        ("ICB_ODS_CODE", "ods_icb"),
        ("ICB_ONS_CODE", "E54"),
        ("REGION_ODS_CODE", "ods_region"),
        ("REGION_ONS_CODE", "E40"),
    ]
    for col, kind in checks:
        mapping = check_codes(mapping, p, col, kind)
    for col in ["PRACTICE_NAME", "SUB_ICB_NAME", "ICB_NAME", "REGION_NAME"]:
        mapping = check_names(mapping, p, col)
    dup = mapping["PRACTICE_CODE"].duplicated(keep="first")
    return p.reject_mask(mapping, dup, "PRACTICE_CODE", "practice listed twice")


def _practices(mapping: pd.DataFrame) -> pd.DataFrame:
    renames = {
        "PRACTICE_CODE": "practice_code",
        "PRACTICE_NAME": "practice_name",
        "PCN_ODS_CODE": "pcn_code",
        "PCN_NAME": "pcn_name",
        "SUB_ICB_ODS_CODE": "sicbl22_ods",
        "SUB_ICB_ONS_CODE": "sicbl22_code",
        "SUB_ICB_NAME": "sicbl22_name",
        "ICB_ODS_CODE": "icb22_ods",
        "ICB_ONS_CODE": "icb22_code",
        "ICB_NAME": "icb22_name",
        "REGION_ODS_CODE": "nhser22_ods",
        "REGION_ONS_CODE": "nhser22_code",
        "REGION_NAME": "nhser22_name",
    }
    return mapping[list(renames)].rename(columns=renames).reset_index(drop=True)


def _known_names(areas: list[pd.DataFrame]) -> pd.Series:
    names = [a[schema.AREA_NAME] for a in areas if len(a) and a[schema.GEOGRAPHY].iloc[0] == "ccg21"]
    return pd.concat(names) if names else pd.Series(dtype=str)


def _region_by_ccg_ods(
    ctx: ReadContext, load, h21: pd.DataFrame | None, s22: pd.DataFrame | None
) -> pd.DataFrame:
    """NHS region (2021 set) of each 2019-2021 CCG ODS code, through its successor ICB (HEEC lookup).

    ICB22 -> region21 comes from the ODS bridge (CCG21 ODS = Sub-ICB ODS); ambiguous ICBs are left out.
    """
    empty = pd.DataFrame(columns=["region_code", "region_name"])
    if h21 is None or s22 is None:
        return empty
    heec = load(ctx.path(HEEC_ICB_ID), ["CCG Code", "ICB Code"])
    if heec is None:
        return empty
    bridge = h21.merge(s22, left_on="CCG21CDH", right_on="sicbl22_code_h")
    icb_region = bridge[["icb22_code_h", "NHSER21CD", "NHSER21NM"]].drop_duplicates()
    icb_region = icb_region[~icb_region["icb22_code_h"].duplicated(keep=False)].set_index("icb22_code_h")
    heec = heec.drop_duplicates("CCG Code")
    via_icb = heec.join(icb_region, on="ICB Code").dropna(subset=["NHSER21CD"]).set_index("CCG Code")
    direct = h21.set_index("CCG21CDH")[["NHSER21CD", "NHSER21NM"]]  # a CCG21 code itself: its own region
    out = pd.concat([direct, via_icb.loc[~via_icb.index.isin(direct.index), ["NHSER21CD", "NHSER21NM"]]])
    return out.set_axis(["region_code", "region_name"], axis=1)


def _ccg17_to_19(
    ctx: ReadContext, load, problems_for, known_names: pd.Series, region_by_ods: pd.DataFrame
) -> list[pd.DataFrame]:
    """CCG sets of April 2017, 2018 and 2019 from the OpenPrescribing boundary files."""
    out: list[pd.DataFrame] = []
    gss = _gss_from_qof_points(ctx, load)

    path = external_path(ctx, "ccg19_boundaries")
    p19 = problems_for(path)
    c19 = _geojson_properties(path, p19, ["code", "name"])
    if c19 is not None:
        c19 = check_codes(c19, p19, "code", "ods_ccg_old")
        c19 = c19.join(region_by_ods, on="code")
        c19["name"] = proper_case(c19["name"], known_names)
        c19["gss"] = c19["code"].map(gss.get("ccg19", {}))
        out.append(
            _area_rows(
                "ccg19",
                c19,
                area_code="code",
                ods_code="code",
                area_name="name",
                region_code="region_code",
                region_name="region_name",
                gss_code="gss",
            )
        )

    path = external_path(ctx, "ccg18_cartogram")
    p18 = problems_for(path)
    c18 = _geojson_properties(path, p18, ["ccg", "name"])
    if c18 is not None:
        c18 = check_codes(c18, p18, "ccg", "ods_ccg_old")
        c18["name"] = proper_case(c18["name"], known_names)
        c18["gss"] = c18["ccg"].map(gss.get("ccg18", {}))
        out.append(
            _area_rows("ccg18", c18, area_code="ccg", ods_code="ccg", area_name="name", gss_code="gss")
        )
        known_names = pd.concat([known_names, c18["name"]])

    path = external_path(ctx, "ccg17_boundaries")
    p17 = problems_for(path)
    c17 = _geojson_properties(path, p17, ["name"])
    names = load(ctx.path(ODS_NAMES_ID), ["code", "name"])
    if c17 is not None and names is not None:
        c17 = c17[c17["has_geometry"]]  # 2 features are CCGs formed in 2018, without polygons
        by_name = names.drop_duplicates("name").set_index(names["name"].str.upper().drop_duplicates())["code"]
        c17 = c17.assign(code=c17["name"].str.upper().map(by_name))
        c17 = p17.reject_mask(c17, c17["code"].isna(), "name", "name not in ccg_ods_names_2013_2019.csv")
        c17 = c17.assign(name=proper_case(c17["name"], known_names))
        out.append(_area_rows("ccg17", c17, area_code="code", ods_code="code", area_name="name"))
    return out


def _gss_from_qof_points(ctx: ReadContext, load) -> dict[str, dict[str, str]]:
    """ODS -> E38 maps for ccg18 and ccg19 from the QOF points by-CCG file (optional)."""
    frame = load(
        external_path(ctx, "qof_points_ccg"), ["qof_year", "ccg_ods_code", "ccg_ons_code"], required=False
    )
    if frame is None:
        return {}
    frame = frame[frame["ccg_ons_code"].str.fullmatch(CODE_PATTERNS["E38"])]
    out = {}
    for geography, year in [("ccg18", "2017-18"), ("ccg19", "2018-19")]:
        year_rows = frame[frame["qof_year"] == year]
        out[geography] = dict(zip(year_rows["ccg_ods_code"], year_rows["ccg_ons_code"], strict=True))
    return out


def _ccg13(ctx: ReadContext, load, all_problems: list[Problems]) -> pd.DataFrame | None:
    """The 211 CCGs of April 2013 (13P whole, 00F/00G/00H separate) from the obesity admissions file."""
    frame = load(external_path(ctx, "obesity_ccg13"), ["area_type", "area_code", "ods_code", "area_name"])
    if frame is None:
        return None
    p = all_problems[-1]
    frame = frame[frame["area_type"] == "CCG"].drop_duplicates(["area_code", "ods_code"])
    frame = check_codes(check_codes(frame, p, "ods_code", "ods_ccg_old"), p, "area_code", "E38")
    frame = check_names(frame, p, "area_name")
    frame = p.reject_mask(frame, frame["ods_code"].duplicated(keep="first"), "ods_code", "CCG listed twice")
    return _area_rows(
        "ccg13", frame, area_code="ods_code", ods_code="ods_code", area_name="area_name", gss_code="area_code"
    )


def _peers(c16: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """Similar-10 peers in long form; peer codes outside the 2016 set are recorded and left out."""
    cols = [f"similar_ccg_{i}" for i in range(1, 11)]
    wide = c16[["CCG16CDH", *cols]].copy()
    wide["row"] = wide.index
    long = wide.melt(id_vars=["CCG16CDH", "row"], value_vars=cols, var_name="rank", value_name="peer_code")
    long["rank"] = long["rank"].str.removeprefix("similar_ccg_").astype(int)
    long = long.sort_values(["row", "rank"])
    bad = ~long["peer_code"].isin(set(c16["CCG16CDH"]))
    for row, rank, value in long.loc[bad, ["row", "rank", "peer_code"]].itertuples(index=False):
        problems.add(
            "peer code not in the 2016 CCG set", row=int(row) + 2, column=f"similar_ccg_{rank}", value=value
        )
    long = long[~bad]
    return long.rename(columns={"CCG16CDH": "ccg16_code"})[["ccg16_code", "peer_code", "rank"]].reset_index(
        drop=True
    )


def _hierarchy(h21: pd.DataFrame, s22: pd.DataFrame) -> pd.DataFrame:
    """One row per CCG21: its STP and region, and the Sub-ICB location, ICB and region of July 2022."""
    left = h21.rename(
        columns={
            "CCG21CD": "ccg21_code",
            "CCG21CDH": "ods_code",
            "CCG21NM": "ccg21_name",
            "STP21CD": "stp21_code",
            "STP21NM": "stp21_name",
            "NHSER21CD": "nhser21_code",
            "NHSER21NM": "nhser21_name",
        }
    )
    right = s22.rename(
        columns={
            "sicbl22_code_h": "ods_code",
            "icb22_code_h": "icb22_ods",
            "REGION_ONS_CODE": "nhser22_code",
            "REGION_NAME": "nhser22_name",
        }
    )
    out = left.merge(right, on="ods_code", how="outer", validate="one_to_one")
    out["redrawn"] = (
        out["ccg21_code"].notna() & out["sicbl22_code"].notna() & (out["ccg21_code"] != out["sicbl22_code"])
    )
    cols = [
        "ccg21_code",
        "ods_code",
        "ccg21_name",
        "stp21_code",
        "stp21_name",
        "nhser21_code",
        "nhser21_name",
        "sicbl22_code",
        "sicbl22_name",
        "icb22_code",
        "icb22_ods",
        "icb22_name",
        "nhser22_code",
        "nhser22_name",
        "redrawn",
    ]
    return out[cols].sort_values("ccg21_code").reset_index(drop=True)


def _icb_names(
    s22: pd.DataFrame | None, mapping: pd.DataFrame | None, ctx: ReadContext, load
) -> pd.DataFrame:
    """Normalised ICB name -> icb22 code, from every spelling in the ONS, QOF and HEEC lookups."""
    parts = []
    if s22 is not None:
        parts.append(s22[["icb22_name", "icb22_code"]].set_axis(["name", "icb22_code"], axis=1))
    if mapping is not None:
        parts.append(mapping[["ICB_NAME", "ICB_ONS_CODE"]].set_axis(["name", "icb22_code"], axis=1))
    heec = load(ctx.path(HEEC_ICB_ID), ["ICB Code", "ICB NAME"])
    if heec is not None and s22 is not None:
        by_ods = s22.drop_duplicates("icb22_code_h").set_index("icb22_code_h")["icb22_code"]
        parts.append(
            pd.DataFrame({"name": heec["ICB NAME"], "icb22_code": heec["ICB Code"].map(by_ods)}).dropna()
        )
    if not parts:
        return pd.DataFrame(columns=["normalised_name", "icb22_code", "icb22_name"])
    names = pd.concat(parts, ignore_index=True)
    names["normalised_name"] = normalise_icb_names(names["name"])
    canonical = names.drop_duplicates("icb22_code").set_index("icb22_code")["name"]
    out = names.drop_duplicates(["normalised_name", "icb22_code"])
    clash = out["normalised_name"].duplicated(keep=False)
    if clash.any():
        log.warning(
            "%s: ICB names mapping to two codes: %s", ctx.dataset, sorted(out.loc[clash, "normalised_name"])
        )
        out = out[~clash]
    out = out.assign(icb22_name=out["icb22_code"].map(canonical))
    return (
        out[["normalised_name", "icb22_code", "icb22_name"]]
        .sort_values("normalised_name")
        .reset_index(drop=True)
    )


# --- mid-2019 LSOA populations summed to CCG 2021 (the weights for apportioning split areas) -------

LSOA_LOOKUP_ID = "lookup_lsoa11_ccg21_lad21"


@reader("lsoa_population")
def read_lsoa_population(ctx: ReadContext) -> ReadResult:
    """CCG 2021 populations (mid-2019) from LSOA populations and the LSOA -> CCG 2021 lookup.

    Frames ``ccg21_population_2019``: area_code, population, n_lsoa; ``lsoa11_people``: lsoa11_code,
    ccg21_code, lad_code, people (the lineage's evidence of residents). An LSOA without a
    population or without a CCG is recorded as a problem (and counted in the notes).
    """
    result = ReadResult()
    path = ctx.path()
    problems = Problems(ctx.dataset, path.name)
    pop = read_csv_checked(path, problems, ["lsoa11_code", "population_mid2019"])
    lookup_id = ctx.params.get("lsoa_lookup", LSOA_LOOKUP_ID)
    lookup_path = ctx.path(lookup_id)
    lookup_problems = Problems(ctx.dataset, lookup_path.name)
    lookup = read_csv_checked(lookup_path, lookup_problems, ["LSOA11CD", "CCG21CD", "LAD21CD"])
    result.problems = problems.items + lookup_problems.items
    if pop is None or lookup is None:
        return result
    result.rows_read = len(pop)
    pop = problems.numeric(pop, "population_mid2019")
    pop = problems.reject_mask(
        pop, pop["population_mid2019"] < 0, "population_mid2019", "negative population"
    )
    joined = lookup.merge(pop, left_on="LSOA11CD", right_on="lsoa11_code", how="outer", indicator=True)
    no_ccg = joined[joined["_merge"] == "right_only"]
    no_pop = joined[joined["_merge"] == "left_only"]
    for code in no_ccg["lsoa11_code"]:
        problems.add("LSOA has a population but no CCG 2021 in the lookup", column="lsoa11_code", value=code)
    for code in no_pop["LSOA11CD"]:
        lookup_problems.add("LSOA has no mid-2019 population", column="LSOA11CD", value=code)
    both = joined[joined["_merge"] == "both"]
    frame = (
        both.groupby("CCG21CD")
        .agg(population=("population_mid2019", "sum"), n_lsoa=("LSOA11CD", "size"))
        .reset_index()
        .rename(columns={"CCG21CD": "area_code"})
    )
    result.frames["ccg21_population_2019"] = frame
    # Every LSOA's CCG 2021, district and people: the evidence that a lineage piece holds residents
    # (geo.lineage.district_evidence); used at build, not kept in the model.
    result.frames["lsoa11_people"] = both.rename(
        columns={"CCG21CD": "ccg21_code", "LAD21CD": "lad_code", "population_mid2019": "people"}
    )[["lsoa11_code", "ccg21_code", "lad_code", "people"]].reset_index(drop=True)
    result.problems = problems.items + lookup_problems.items
    result.notes.append(
        f"{ctx.dataset}: {len(both):,} LSOAs ({both['population_mid2019'].sum():,.0f} people) summed to "
        f"{len(frame)} CCG 2021 areas; {len(no_ccg)} without a CCG, {len(no_pop)} without a population"
    )
    return result
