"""Find an area: the search box's results, as links that make the CCG 2021 area the focus."""

from __future__ import annotations

from data.model import schema as s
from data.model.store import load_model
from data.queries.places import place_target, search_places
from data.queries.rows import indicator_geographies
from selection import page_href
from views.content import Link, P, el

KIND_NOTE = {
    "ccg21": "CCG 2021",
    "sicbl23": "sub-ICB location",
    "icb23": "ICB",
    "place": "local authority",
    "old_ccg": "former CCG",
    "suggestion": "",
}


def place_href(state: dict, code: str, geography: str = s.HOME_GEOGRAPHY) -> str:
    """The link that makes ``code`` (an area of ``geography``) the focus on the current page, on
    that geography where the indicator has it."""
    areas = [code] + [a for a in state.get("areas") or [] if a != code]
    changes: dict = {"areas": areas}
    if geography in indicator_geographies(load_model(), state["indicator"]):
        changes["geography"] = geography
    return page_href(state.get("page") or "map", state, **changes)


def place_results(text: str | None, state: dict) -> list:
    """What the results box shows for a search (links, a notice, or closest names)."""
    text = (text or "").strip()
    if not text:
        return []
    index = load_model().frames.get("places")
    if index is None:
        return [P("Place search is not available (no place index in the model).")]
    geography = state.get("geography") or s.HOME_GEOGRAPHY
    hits = search_places(index, text, geography=geography)
    if hits.empty:
        return [P(f"Nothing found for '{text}', and no name is close. Try a town, district or CCG name.")]
    items = [
        el(
            "Li",
            [
                Link(str(r.label), href=place_href(state, *place_target(r, geography))),
                el("Span", KIND_NOTE.get(str(r.kind), ""), "kind"),
            ]
            + ([el("Div", str(r.notice), "hint")] if r.notice else []),
        )
        for r in hits.itertuples(index=False)
    ]
    if (hits["kind"] == "suggestion").all():
        return [P(f"No area, place or former CCG called '{text}'. Closest names:"), el("Ul", items)]
    return [el("Ul", items)]
