"""Area names and codes from side tables: joins by name, proper-case spellings, readable titles.

Older boundary files carry upper-case names only (or no code at all), so codes are
attached by name and names are re-spelt from lookups that have the official casing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyogrio

_KEEP_UPPER = {"NHS", "CCG", "ICB", "STP", "II"}
_SMALL_WORDS = {"and", "of", "on", "upon", "the", "in", "with", "under", "by", "le", "de"}
_WORD = re.compile(r"[A-Za-z']+")


def read_table(data_dir: Path, rel_path: str, columns: list[str]) -> pd.DataFrame:
    """Read the given columns of a CSV or the attribute table of a vector file, all as strings."""
    path = data_dir / rel_path
    if not path.is_file():
        raise FileNotFoundError(f"lookup named in the boundaries manifest not found: {path}")
    if path.suffix.lower() == ".csv":
        frame = pd.read_csv(path, usecols=columns, dtype=str, encoding="utf-8-sig")
    else:
        frame = pyogrio.read_dataframe(path, columns=columns, read_geometry=False)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{path} lacks column(s) {missing}")
    return frame[columns].astype("string").apply(lambda s: s.str.strip())


def name_key(names: pd.Series) -> pd.Series:
    """Normalise names for matching: upper case, '&' as AND, single spaces."""
    return (
        names.astype("string")
        .str.upper()
        .str.replace("&", " AND ", regex=False)
        .str.replace(r"\s+", " ", regex=True)
        .str.strip()
    )


def tidy_name(name: str) -> str:
    """Turn an all-upper-case name into a readable one ('NHS STOCKTON-ON-TEES CCG' -> 'NHS Stockton-on-Tees CCG')."""
    if not isinstance(name, str) or not name.isupper():
        return name

    def fix(match: re.Match) -> str:
        word = match.group(0)
        if word in _KEEP_UPPER:
            return word
        if word.lower() in _SMALL_WORDS and match.start() > 0:
            return word.lower()
        return word[0] + word[1:].lower()

    return _WORD.sub(fix, name)


def proper_names(
    codes: pd.Series, names: pd.Series, lookups: list[pd.DataFrame], *, prefer_lookup: bool = False
) -> tuple[pd.Series, dict[str, int]]:
    """Fill missing names by code from lookups (code, name columns, in priority order) and re-spell them.

    A lookup's spelling replaces the source name when they match ignoring case; with
    ``prefer_lookup`` the first lookup name for the code wins outright. Upper-case names
    left over are tidied. Returns the names and counts of what was done.
    """
    names = names.astype("string").str.strip().replace("", pd.NA)
    stats = {"filled": 0, "respelt": 0, "tidied": 0, "from_lookup": 0}
    candidates = [
        lk.dropna().drop_duplicates(subset=lk.columns[0]).set_index(lk.columns[0])[lk.columns[1]]
        for lk in lookups
    ]
    by_code = pd.concat([c.reindex(codes.to_numpy()) for c in candidates], axis=1) if candidates else None
    if by_code is not None:
        by_code.index = names.index
        first = by_code.bfill(axis=1).iloc[:, 0].astype("string")
        if prefer_lookup:
            use = first.notna() & (first != names).fillna(True)
            stats["from_lookup"] = int(use.sum())
            names = names.mask(use, first)
        missing = names.isna() & first.notna()
        stats["filled"] = int(missing.sum())
        names = names.mask(missing, first)
        keys = name_key(names)
        for col in by_code.columns:
            cand = by_code[col].astype("string")
            same = (
                (name_key(cand) == keys).fillna(False)
                & ~cand.str.isupper().fillna(True)
                & names.str.isupper()
            )
            stats["respelt"] += int(same.sum())
            names = names.mask(same, cand)
    upper = names.str.isupper().fillna(False)
    stats["tidied"] = int(upper.sum())
    names = names.mask(upper, names[upper].map(tidy_name))
    return names, stats


def codes_by_name(names: pd.Series, lookup: pd.DataFrame) -> pd.Series:
    """Attach codes to a name-only file by matching normalised names against a (code, name) lookup."""
    code_col, name_col = lookup.columns[:2]
    table = lookup.dropna().assign(_key=name_key(lookup[name_col])).drop_duplicates(["_key", code_col])
    table = table[~table.duplicated("_key", keep=False)]  # a name shared by two codes matches neither
    return name_key(names).map(table.set_index("_key")[code_col]).astype("string")
