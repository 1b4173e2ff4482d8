"""Answering a search from the place index the build made (``data.model.places``).

``search_places`` ranks the index's rows for what a user typed; ``resolve_code`` turns an old
CCG code or name into its CCG 2021 successor; nothing here reads a file at request time.
"""

from __future__ import annotations

import difflib

import pandas as pd


def search_places(index: pd.DataFrame, text: str, limit: int = 12) -> pd.DataFrame:
    """Rows of the index that match ``text`` best first; closest names if nothing matches.

    Exact codes first, then names starting with the text, then names containing it.
    When nothing matches, the closest names (difflib) come back with ``kind`` set to
    ``suggestion``; an empty frame means nothing is even close.
    """
    needle = " ".join(str(text or "").lower().split())
    if not needle or index.empty:
        return index.iloc[0:0]
    terms = index["term"].str.lower()
    codes = index["codes"].str.lower().str.split()
    exact_code = codes.map(lambda cs: needle in cs)
    starts = terms.str.startswith(needle) | terms.str.startswith("nhs " + needle)
    contains = terms.str.contains(needle, regex=False)
    rank = pd.Series(9, index=index.index)
    rank[contains] = 3
    rank[starts] = 2
    rank[exact_code] = 1
    kind_order = index["kind"].map({"ccg21": 0, "place": 1, "old_ccg": 2})
    hits = index.assign(_r=rank, _k=kind_order, _s=-index["share"].fillna(0))
    hits = hits[hits["_r"] < 9].sort_values(["_r", "_k", "term", "_s"])
    if len(hits):
        return hits.drop(columns=["_r", "_k", "_s"]).head(limit).reset_index(drop=True)
    return closest(index, needle, limit=min(limit, 5))


def closest(index: pd.DataFrame, text: str, limit: int = 5) -> pd.DataFrame:
    """The index rows whose names are closest to ``text`` (kind ``suggestion``)."""
    terms = index["term"].drop_duplicates()
    lowered = {t.lower(): t for t in terms}
    near = difflib.get_close_matches(text.lower(), list(lowered), n=limit, cutoff=0.6)
    if not near:
        return index.iloc[0:0]
    picked = index[index["term"].isin([lowered[n] for n in near])].copy()
    picked["_o"] = picked["term"].map({lowered[n]: i for i, n in enumerate(near)})
    picked = picked.sort_values(["_o", "share"], ascending=[True, False]).drop_duplicates("term")
    return picked.drop(columns="_o").assign(kind="suggestion").reset_index(drop=True)


def resolve_code(index: pd.DataFrame, token: str) -> tuple[str | None, str]:
    """An old CCG code (or exact old name) -> (CCG 2021 code, notice); (None, "") if not one.

    An old CCG split between successors resolves to the one holding most of it.
    """
    needle = token.strip().lower()
    if not needle or index.empty:
        return None, ""
    old = index[index["kind"] == "old_ccg"]
    hit = old[
        old["codes"].str.lower().str.split().map(lambda cs: needle in cs)
        | (old["term"].str.lower() == needle)
    ]
    if hit.empty:
        return None, ""
    best = hit.sort_values("share", ascending=False).iloc[0]
    return str(best["ccg21_code"]), str(best["notice"])


def suggestion_text(index: pd.DataFrame, token: str, limit: int = 3) -> str:
    """'closest names: A, B' for an unknown token, or '' when nothing is close."""
    near = closest(index, token, limit=limit)
    if near.empty:
        return ""
    return "closest names: " + ", ".join(near["term"].tolist())
