"""Each page's own copy of the selection, written in the browser only while the page is shown.

Every page lives in one layout (hidden pages stay mounted, so their state survives navigation).
If each page's callbacks took ``ids.STATE`` as input, one change would post a request for
every page, shown or not (31 requests for one indicator change on the map). Instead
``ids.STATE`` is copied into ``ids.page_state(page)`` for the page shown only
(``dash_clientside.scope.pageState`` in assets/scope.js: no request), and a page's callbacks
take that copy as input. Opening a page writes its copy, so it is brought up to date then.
The callback guard re-parses these copies with the URL's rules, like ``ids.STATE``.
"""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, clientside_callback

from layouts import ids
from selection import PAGES

clientside_callback(
    ClientsideFunction(namespace="scope", function_name="pageState"),
    *[Output(ids.page_state(p), "data") for p in PAGES],
    Input(ids.STATE, "data"),
)
