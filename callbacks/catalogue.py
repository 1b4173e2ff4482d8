"""Catalogue callbacks: the /indicators page and the data-age notice every view carries
(what they say: ``views.catalogue``; the catalogue's entries: ``layouts.catalogue``)."""

from __future__ import annotations

from datetime import date

from dash import Input, Output, callback
from dash.exceptions import PreventUpdate

from layouts import ids
from layouts.catalogue import catalogue_outputs
from layouts.content import render
from views.catalogue import catalogue_page, data_age_outputs


@callback(
    Output(ids.CATALOGUE_COUNT, "children"),
    Output(ids.CATALOGUE_LIST, "children"),
    Output(ids.CATALOGUE_DETAIL, "children"),
    Output(ids.CATALOGUE_SEARCH_BOX, "hidden"),
    Input(ids.URL, "pathname"),
    Input(ids.CATALOGUE_SEARCH, "value"),
)
def update_catalogue(pathname, text):
    if not (pathname or "").strip("/").startswith("indicators"):
        raise PreventUpdate
    today = date.today()
    return catalogue_outputs(catalogue_page(pathname, text, today), today)


def data_age_part(state: dict) -> tuple:
    """The data-age line: its items and whether it is hidden (part of ``callbacks.shell``)."""
    return render(data_age_outputs(state))
