"""Catalogue callbacks: the /indicators page and the data-age notice every view carries
(what they say: ``views.catalogue``; the catalogue's entries: ``layouts.catalogue``).

The list is drawn by the browser (assets/catalogue.js) from its entries, sent once: a store
keeps the digest of the entries the browser holds, so coming back to the page sends nothing
new. Typing in the search box sends only the ids that match (and the count line); the browser
hides the other entries rather than drawing the list again.
"""

from __future__ import annotations

from datetime import date

from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, no_update
from dash.exceptions import PreventUpdate

from callbacks.shown import digest
from layouts import ids
from layouts.catalogue import catalogue_entries, catalogue_outputs
from layouts.content import render
from selection import catalogue_id
from views.catalogue import catalogue_matches, catalogue_page, data_age_outputs


def on_catalogue(pathname: str | None) -> bool:
    return (pathname or "").strip("/").startswith("indicators")


@callback(
    Output(ids.CATALOGUE_ENTRIES, "data"),
    Output(ids.CATALOGUE_ENTRIES_SHOWN, "data"),
    Output(ids.CATALOGUE_DETAIL, "children"),
    Output(ids.CATALOGUE_LIST, "hidden"),
    Output(ids.CATALOGUE_SEARCH_BOX, "hidden"),
    Input(ids.URL, "pathname"),
    State(ids.CATALOGUE_ENTRIES_SHOWN, "data"),
)
def update_catalogue(pathname, shown):
    if not on_catalogue(pathname):
        raise PreventUpdate
    today = date.today()
    page = catalogue_page(pathname)
    detail, list_hidden, box_hidden = catalogue_outputs(page, today)
    if list_hidden:  # one indicator's page: the list the browser holds stays, hidden
        return no_update, no_update, detail, True, box_hidden
    entries = catalogue_entries(page.rows, today, page.extras, page.domain_notes)
    key = digest((entries,))
    if key == shown:
        return no_update, no_update, detail, False, box_hidden
    return entries, key, detail, False, box_hidden


@callback(
    Output(ids.CATALOGUE_MATCHES, "data"),
    Output(ids.CATALOGUE_COUNT, "children"),
    Input(ids.CATALOGUE_SEARCH, "value"),
    Input(ids.URL, "pathname"),
)
def search_catalogue(text, pathname):
    """The ids the search box matches, and the count line (the list page only)."""
    if not on_catalogue(pathname) or catalogue_id(pathname) is not None:
        raise PreventUpdate
    matched, count = catalogue_matches(text if isinstance(text, str) else "", date.today())
    return {"ids": matched}, count


clientside_callback(
    ClientsideFunction(namespace="catalogue", function_name="draw"),
    Output(ids.CATALOGUE_LIST, "title"),  # never changed: the function draws the list itself
    Input(ids.CATALOGUE_ENTRIES, "data"),
    Input(ids.CATALOGUE_MATCHES, "data"),
)


def data_age_part(state: dict) -> tuple:
    """The data-age line: its items and whether it is hidden (part of ``callbacks.shell``)."""
    return render(data_age_outputs(state))
