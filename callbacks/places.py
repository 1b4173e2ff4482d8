"""Find an area: the search box's results, as links that make the CCG 2021 area the focus."""

from __future__ import annotations

from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from data.model import schema as s
from data.model.store import load_model
from data.queries.places import search_places
from data.queries.rows import indicator_geographies
from layouts import ids
from selection import to_query

KIND_NOTE = {"ccg21": "CCG 2021", "place": "local authority", "old_ccg": "former CCG", "suggestion": ""}


def place_href(state: dict, code: str) -> str:
    """The link that makes ``code`` (a CCG 2021 area) the focus on the current page."""
    model = load_model()
    areas = [code] + [a for a in state.get("areas") or [] if a != code]
    wanted = dict(state, areas=areas)
    if s.HOME_GEOGRAPHY in indicator_geographies(model, state["indicator"]):
        wanted["geography"] = s.HOME_GEOGRAPHY
    return f"/{state.get('page') or 'map'}{to_query(wanted)}"


def place_results(text: str | None, state: dict) -> list:
    """What the results box shows for a search (links, a notice, or closest names)."""
    text = (text or "").strip()
    if not text:
        return []
    index = load_model().frames.get("places")
    if index is None:
        return [html.P("Place search is not available (no place index in the model).")]
    hits = search_places(index, text)
    if hits.empty:
        return [
            html.P(f"Nothing found for '{text}', and no name is close. Try a town, district or CCG name.")
        ]
    items = [
        html.Li(
            [
                dcc.Link(str(r.label), href=place_href(state, str(r.ccg21_code))),
                html.Span(KIND_NOTE.get(str(r.kind), ""), className="kind"),
            ]
            + ([html.Div(str(r.notice), className="hint")] if r.notice else [])
        )
        for r in hits.itertuples(index=False)
    ]
    if (hits["kind"] == "suggestion").all():
        return [html.P(f"No area, place or former CCG called '{text}'. Closest names:"), html.Ul(items)]
    return [html.Ul(items)]


@callback(Output(ids.PLACE_RESULTS, "children"), Input(ids.PLACE_SEARCH, "value"), Input(ids.STATE, "data"))
def update_place_results(text, state):
    if not state:
        raise PreventUpdate
    return place_results(text, state)
