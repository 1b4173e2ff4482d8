"""The one search box: the Areas box searches the place index (``data.queries.places``) as the user
types: CCG and sub-ICB location names and codes (old and new), local authorities and former CCGs,
each leading to an area of the map's geography; a misspelling offers the closest names; a name the
index does not hold says so."""

from __future__ import annotations

from data.model import schema as s
from data.model.places import TARGET_COLUMN
from data.model.store import load_model
from data.queries.places import not_found_text, search_places

KIND_NOTE = {
    "ccg21": "",
    "sicbl23": "sub-ICB location",
    "icb23": "ICB",
    "place": "local authority",
    "old_ccg": "former CCG",
    "suggestion": "closest name",
}
MIN_CHARS = 2  # one letter matches too much to be useful


def _area_label(model, code: str, geography: str) -> str:
    rows = model.areas[(model.areas[s.AREA_CODE] == code) & (model.areas[s.GEOGRAPHY] == geography)]
    if rows.empty:
        return code
    name, ods = rows[s.AREA_NAME].iloc[0], rows["ods_code"].fillna("").iloc[0]
    return f"{name} ({ods or code})"


def area_search_options(
    text: str | None, state: dict, selected: list[str] | None = None
) -> list[dict] | None:
    """The Areas box's options for what is typed: one per area of the selection's geography, best
    match first, each saying why it matched ("NHS Kernow CCG (11N) · Cornwall, local authority");
    the selected areas kept; a disabled option saying so when nothing matches. None when fewer than
    ``MIN_CHARS`` are typed (the box keeps its options)."""
    text = " ".join(str(text or "").split())
    if len(text) < MIN_CHARS:
        return None
    model = load_model()
    geography = state.get("geography") or s.HOME_GEOGRAPHY
    index = model.frames.get("places")
    kept = [{"label": _area_label(model, c, geography), "value": c, "search": text} for c in selected or []]
    if index is None or geography not in TARGET_COLUMN:
        return kept or None
    hits = search_places(index, text, geography=geography)
    target = TARGET_COLUMN[geography]
    options: dict[str, dict] = {o["value"]: o for o in kept}
    for hit in hits.itertuples(index=False):
        code = str(getattr(hit, target) or "")
        if not code or code in options:
            continue
        label = _area_label(model, code, geography)
        why = KIND_NOTE.get(str(hit.kind), "")
        matched = str(hit.term)
        if why and matched.lower() not in label.lower():
            label += f" · {matched}, {why}"
        elif why == "closest name":
            label += " · closest name"
        options[code] = {"label": label, "value": code, "search": text}
    if len(options) == len(kept):
        message = not_found_text(index, text)
        options["__none__"] = {"label": message, "value": "__none__", "search": text, "disabled": True}
    return list(options.values())
