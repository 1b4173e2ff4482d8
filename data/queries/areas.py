"""Areas by (geography, code): names, the geography a bare code means, and what areas are called.

Codes repeat across geographies: an ICB 2023 code is the STP 2021 and ICB 2022 code of the same
place (E54000036 is "Cornwall and the Isles of Scilly Health and Social Care Partnership" as an
STP, "NHS Cornwall and the Isles of Scilly ICB" as an ICB), a sub-ICB location 2023 code is the
CCG 2021 code of the 98 unchanged areas (E38000089: "NHS Kernow CCG" in 2021, "NHS Cornwall and
the Isles of Scilly ICB – 11N (formerly NHS Kernow CCG)" since 2023), and a region code is the same
in several region sets. So a name is looked up by geography and code, never by code alone; where a
caller has only a code (a board pack's ``areas=``), ``geography_of`` says which geography it means:
the view's own where the code is one of its areas, else the first in ``CODE_PREFERENCE`` (the
current and home geographies before the older vintages, STPs last).
"""

from __future__ import annotations

from collections.abc import Iterable

from data.model import schema as s
from data.model.core import Model

# The geography a code means when nothing else says (a bare code in a pack or a link): CCG 2021
# first (the app's home geography), then the current NHS geography, the July 2022 sets, the older
# CCG vintages newest first, regions, STPs last (an E54 code read alone is an ICB, not an STP).
CODE_PREFERENCE: tuple[str, ...] = (
    s.HOME_GEOGRAPHY,
    s.SUBICB_GEOGRAPHY,
    s.ICB_GEOGRAPHY,
    "sicbl22",
    "icb22",
    "ccg20",
    "ccg19",
    "ccg18",
    "ccg17",
    "ccg16",
    "ccg15",
    "ccg13",
    s.CURRENT_REGION_GEOGRAPHY,
    "nhser22",
    "nhser21",
    "stp21",
    "england",
)

# What one area of a geography is called, and many (words people use; "sub-ICB location" is NHS
# England's name for the former CCGs' areas inside an ICB).
AREA_WORDS: dict[str, tuple[str, str]] = {
    **{g: ("CCG", "CCGs") for g in ("ccg13", "ccg15", "ccg16", "ccg17", "ccg18", "ccg19", "ccg20", "ccg21")},
    "sicbl22": ("sub-ICB location", "sub-ICB locations"),
    "sicbl23": ("sub-ICB location", "sub-ICB locations"),
    "icb22": ("ICB", "ICBs"),
    "icb23": ("ICB", "ICBs"),
    "stp21": ("STP", "STPs"),
    "nhser21": ("NHS region", "NHS regions"),
    "nhser22": ("NHS region", "NHS regions"),
    "nhser24": ("NHS region", "NHS regions"),
    "england": ("country", "countries"),
}


def area_word(geography: str, n: int = 1) -> str:
    """'CCG' / 'CCGs', 'ICB' / 'ICBs', 'sub-ICB location' / 'sub-ICB locations' ('area' otherwise)."""
    one, many = AREA_WORDS.get(geography, ("area", "areas"))
    return one if n == 1 else many


_INDEX: dict[str, dict[str, dict[str, str]]] = {}


def _index(model: Model) -> dict[str, dict[str, str]]:
    """code -> {geography: name}, made once per model (it is read-only)."""
    found = _INDEX.get(model.fingerprint)
    if found is None:
        found = {}
        areas = model.areas
        for geography, code, name in zip(
            areas[s.GEOGRAPHY].tolist(), areas[s.AREA_CODE].tolist(), areas[s.AREA_NAME].tolist(), strict=True
        ):
            found.setdefault(str(code), {}).setdefault(str(geography), str(name))
        _INDEX.clear()  # one model per process; a rebuilt one replaces it
        _INDEX[model.fingerprint] = found
    return found


def geographies_of(model: Model, code: str) -> list[str]:
    """Every geography ``code`` is an area of, in ``CODE_PREFERENCE`` order."""
    have = _index(model).get(str(code), {})
    order = {g: i for i, g in enumerate(CODE_PREFERENCE)}
    return sorted(have, key=lambda g: order.get(g, len(order)))


def geography_of(model: Model, code: str, prefer: str | None = None) -> str | None:
    """The geography ``code`` means: ``prefer`` (a view's geography) where the code is one of its
    areas, else the first of ``CODE_PREFERENCE`` it is an area of; None for an unknown code."""
    have = geographies_of(model, code)
    if not have:
        return None
    return prefer if prefer in have else have[0]


def area_name(model: Model, code: str, geography: str | None = None) -> str:
    """The name of area ``code`` of ``geography`` (of ``geography_of`` the code where it is not one
    of that geography's areas); the code itself for an unknown code."""
    names = _index(model).get(str(code))
    if not names:
        return str(code)
    if geography in names:
        return names[geography]
    return names[geography_of(model, code) or next(iter(names))]


def area_names(model: Model, codes: Iterable[str], geography: str | None = None) -> dict[str, str]:
    """Each code's name (``area_name``), for the view's ``geography``."""
    return {str(c): area_name(model, str(c), geography) for c in codes}


def focus_geography(model: Model, areas: list[str] | tuple[str, ...], geography: str | None) -> str | None:
    """The geography of a selection's focus (first) area: the selection's own where the focus is
    one of its areas, else the geography its code means (``geography_of``); None without areas."""
    if not areas:
        return None
    return geography_of(model, areas[0], geography)
