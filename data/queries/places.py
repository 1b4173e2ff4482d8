"""Answering a search from the place index the build made (``data.model.places``).

``search_places`` ranks the index's rows for what a user typed; ``resolve_code`` turns an old
CCG code or name into its CCG 2021 successor; nothing here reads a file at request time.
"""

from __future__ import annotations

import difflib
import re

import pandas as pd

from data.model import schema as s
from data.model.places import TARGET_COLUMN

# How close a misspelling must be to be offered (difflib's ratio, on names without "NHS", "CCG",
# "ICB" or an ODS suffix): 0.75 offers "Cornwall" for "Cornwal", "Barnsley" for "Barnsly" and
# "NHS Kernow CCG" for "kernw", and nothing for a town the index does not hold ("Truro" once
# offered Thurrock at 0.62, "Newquay" Newham).
CLOSE_CUTOFF = 0.75
KIND_WORDS = {  # what each kind of row is called, in the order a sentence names them
    "ccg21": "CCG",
    "sicbl22": "sub-ICB location",
    "sicbl23": "sub-ICB location",
    "sicbl24": "sub-ICB location",
    "icb22": "ICB",
    "icb23": "ICB",
    "place": "local authority",
    "old_ccg": "former CCG",
}


def search_places(
    index: pd.DataFrame, text: str, limit: int = 12, geography: str = s.HOME_GEOGRAPHY
) -> pd.DataFrame:
    """Rows of the index that match ``text`` best first; closest names if nothing matches.

    Exact codes first, then names starting with the text, then names containing it. Only
    rows that lead to an area of ``geography`` (data.model.places.TARGET_COLUMN) are searched.
    When nothing matches, the closest names (difflib) come back with ``kind`` set to
    ``suggestion``; an empty frame means nothing is even close.
    """
    needle = " ".join(str(text or "").lower().split())
    if not needle or index.empty:
        return index.iloc[0:0]
    target = TARGET_COLUMN.get(geography, "ccg21_code")
    here = pd.Series(True, index=index.index)
    if target in index:  # rows that lead to an area of the geography, and every area's own row
        here = index[target].fillna("").astype(str) != ""
        keep = here | index["kind"].isin(list(AREA_KINDS))
        index, here = index[keep], here[keep]
    terms = index["term"].str.lower()
    codes = index["codes"].str.lower().str.split()
    exact_code = codes.map(lambda cs: needle in cs)
    starts = terms.str.startswith(needle) | terms.str.startswith("nhs " + needle)
    contains = terms.str.contains(needle, regex=False)
    rank = pd.Series(9.0, index=index.index)
    rank[contains] = 3
    rank[starts] = 2
    rank[terms == needle] = 1.5  # the name exactly: "Cornwall" the district before "NHS Cornwall and ... ICB"
    rank[exact_code] = 1
    # The area itself first: on the CCG map its CCG 2021 row, on the sub-ICB or ICB map its current one.
    own = {s.HOME_GEOGRAPHY: "ccg21", s.SUBICB_GEOGRAPHY: "sicbl23", s.ICB_GEOGRAPHY: "icb23"}.get(geography)
    order = {"ccg21": 1, "sicbl23": 1, "icb23": 1, "place": 2, "old_ccg": 3}
    kind_order = index["kind"].map(order).fillna(4).where(index["kind"] != own, 0)
    kind_order = kind_order.where(here, 5)  # another geography's area (an ICB on the CCG map): last
    hits = index.assign(_r=rank, _k=kind_order, _s=-index["share"].fillna(0))
    hits = hits[hits["_r"] < 9].sort_values(["_r", "_k", "term", "_s"])
    # One row per area among the areas' own rows (a CCG 2021 and its sub-ICB location are one area).
    areas_rows = hits["kind"].isin(["ccg21", "sicbl23", "icb23"])
    if target in hits:
        hits = hits[~areas_rows | ~hits[target].duplicated()]
    if len(hits):
        return hits.drop(columns=["_r", "_k", "_s"]).head(limit).reset_index(drop=True)
    return closest(index, needle, limit=min(limit, 5))


# The index's rows that are areas themselves (kind -> the geography the area is of).
AREA_KINDS = {"ccg21": s.HOME_GEOGRAPHY, "sicbl23": s.SUBICB_GEOGRAPHY, "icb23": s.ICB_GEOGRAPHY}


def place_target(row: object, geography: str = s.HOME_GEOGRAPHY) -> tuple[str, str]:
    """(area code, geography) a search result leads to: an ICB or sub-ICB location row to that area
    on its own geography; a CCG 2021 row, a place or a former CCG to the area holding it in
    ``geography`` (the view's: CCG 2021, sub-ICB 2023 or ICB 2023), else in CCG 2021."""
    kind = str(getattr(row, "kind", ""))
    if kind in ("sicbl23", "icb23"):
        geo = AREA_KINDS[kind]
        return str(getattr(row, TARGET_COLUMN[geo])), geo
    column = TARGET_COLUMN.get(geography)
    code = getattr(row, column, "") if column else ""
    if isinstance(code, str) and code:
        return code, geography
    return str(row.ccg21_code), s.HOME_GEOGRAPHY


def plain_name(text: str) -> str:
    """A name as people type it: lower case, "&" as "and", without "NHS", "CCG", "ICB",
    "Integrated Care Board", "Sub-ICB Location" or a trailing ODS code (" - 11N")."""
    name = str(text).lower().replace("&", " and ")
    name = re.sub(r"\s-\s[0-9a-z]{3,5}$", "", name)
    name = re.sub(r"\b(nhs|ccg|icb|integrated care board|sub-icb location)\b", " ", name)
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", name).split())


def closest(index: pd.DataFrame, text: str, limit: int = 5) -> pd.DataFrame:
    """The index rows whose names are closest to ``text`` (kind ``suggestion``), compared without
    "NHS", "CCG" and the like (``plain_name``) at ``CLOSE_CUTOFF``; empty when nothing is close."""
    terms = index["term"].drop_duplicates()
    plain: dict[str, str] = {}
    for term in terms:
        plain.setdefault(plain_name(term), term)
    plain.pop("", None)
    near = difflib.get_close_matches(plain_name(text), list(plain), n=limit, cutoff=CLOSE_CUTOFF)
    if not near:
        return index.iloc[0:0]
    picked = index[index["term"].isin([plain[n] for n in near])].copy()
    picked["_o"] = picked["term"].map({plain[n]: i for i, n in enumerate(near)})
    picked = picked.sort_values(["_o", "share"], ascending=[True, False]).drop_duplicates("term")
    return picked.drop(columns="_o").assign(kind="suggestion").reset_index(drop=True)


def resolve_code(
    index: pd.DataFrame, token: str, geography: str = s.HOME_GEOGRAPHY
) -> tuple[str | None, str]:
    """An old CCG code (or exact old name) -> (its area in ``geography``, notice); (None, "") if not one.

    An old CCG split between successors resolves to the one holding most of it. On the sub-ICB
    and ICB geographies a CCG 2021 code or name resolves too (to the area holding most of it).
    """
    needle = token.strip().lower()
    if not needle or index.empty:
        return None, ""
    target = TARGET_COLUMN.get(geography, "ccg21_code")
    kinds = ["old_ccg"] if geography == s.HOME_GEOGRAPHY else ["old_ccg", "ccg21", "sicbl23"]
    old = index[index["kind"].isin(kinds)]
    if target in old:
        old = old[old[target].fillna("").astype(str) != ""]
    hit = old[
        old["codes"].str.lower().str.split().map(lambda cs: needle in cs)
        | (old["term"].str.lower() == needle)
    ]
    if hit.empty:
        return None, ""
    best = hit.sort_values("share", ascending=False).iloc[0]
    return str(best[target if target in best else "ccg21_code"]), str(best["notice"])


def not_found_text(index: pd.DataFrame, text: str) -> str:
    """What to say when a search finds nothing, naming what the index does hold:
    "No CCG, local authority or former CCG is called 'Truro'. Towns are not in the index: try the
    council (e.g. Cornwall)." """
    kinds = [k for k in dict.fromkeys(index["kind"]) if k != "suggestion"] if not index.empty else []
    order = list(dict.fromkeys(KIND_WORDS.values()))
    words = sorted(
        dict.fromkeys(KIND_WORDS.get(k, k) for k in kinds),
        key=lambda w: (w not in order, order.index(w) if w in order else 0),
    )
    words = words or ["area"]
    what = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    text = " ".join(str(text).split())
    message = f"No {what} is called '{text}'."
    if "place" in kinds:
        message += " Towns and villages are not in the index: try the council (e.g. Cornwall for Truro)."
    return message


def suggestion_text(index: pd.DataFrame, token: str, limit: int = 3) -> str:
    """'closest names: A, B' for an unknown token, or '' when nothing is close."""
    near = closest(index, token, limit=limit)
    if near.empty:
        return ""
    return "closest names: " + ", ".join(near["term"].tolist())
