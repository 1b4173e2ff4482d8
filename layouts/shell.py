"""The page frame: header, navigation, notice line, shared controls and the pages."""

from __future__ import annotations

from dash import dcc, html

from data.model.core import Model
from layouts import ids
from layouts.controls import controls
from layouts.exports import pack_controls
from layouts.pages import pages
from selection import PAGE_TITLES, PAGES


def navigation() -> html.Nav:
    """The page links. Each carries the current query in its ``href`` (so a link copied or opened
    in a new tab keeps the selection), but the browser writes that attribute, not a callback:
    assets/nav.js keeps every link's ``href`` in step with the address bar and opens a page in
    place as ``dcc.Link`` would. Thirteen props written by the sync callback on every change cost
    dash-renderer a pass over every mounted component each (``python -m bench.devtools``)."""
    return html.Nav(
        id=ids.NAV,
        className="nav",
        children=[
            html.A(
                PAGE_TITLES[p],
                id=ids.nav_link(p),
                href=f"/{p}",
                className="nav-link",
                **{"data-follow-query": "1"},
            )
            for p in PAGES
        ],
    )


def shell(model: Model) -> html.Div:
    """The whole app layout (built once at start-up from the read-only model)."""
    return html.Div(
        className="app",
        children=[
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            dcc.Store(id=ids.STATE),
            *[dcc.Store(id=ids.page_state(p)) for p in PAGES],
            dcc.Store(id=ids.MAP_LAYER),
            dcc.Store(id=ids.SHELL_SHOWN),
            dcc.Store(id=ids.MOUNTED, data=[]),
            dcc.Store(id=ids.TABLE_PICK),
            html.A("Skip to the chart and controls", href=f"#{ids.CONTROLS}", className="skip-link"),
            html.Header(
                className="header",
                children=[
                    html.Div(
                        className="brand",
                        children=[
                            html.H1("CCG Outcomes Explorer"),
                            html.Span(
                                "How Clinical Commissioning Groups in England compare", className="tagline"
                            ),
                        ],
                    ),
                    navigation(),
                ],
            ),
            html.Div(id=ids.NOTICE, className="notice", role="status"),
            controls(model),
            # "Data from <period>" for views of data more than three years old (callbacks/catalogue.py).
            html.Div(id=ids.DATA_AGE, className="data-age", role="note", hidden=True),
            html.Section(id=ids.PEERS_PANEL, className="peers", hidden=True),
            html.Main(id=ids.PAGE, className="pages", children=pages(model)),
            html.Footer(
                className="footer",
                children=[
                    html.Span(
                        "Contains public sector information licensed under the Open Government Licence v3.0. "
                        "Contains OS data © Crown copyright and database right. "
                        "Statistics: Fingertips methods via PHStatsMethods. "
                    ),
                    dcc.Link(
                        "Glossary of terms and abbreviations", href="/glossary", className="footer-link"
                    ),
                    html.Div(
                        className="exports",
                        children=[html.Div(id=ids.EXPORT_LINKS, className="export-links"), pack_controls()],
                    ),
                ],
            ),
        ],
    )
