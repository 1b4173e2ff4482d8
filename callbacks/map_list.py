"""The map's areas as a list beside it: select or deselect each with the keyboard.

The list is rebuilt from the selection (same rows, same order, so the focused button stays
where it was); a button's click rewrites the URL's ``areas`` in the browser (one delegated
listener in assets/a11y.js reads the button's ``data-code``), and the URL sync callback then
re-parses the selection with the URL's rules, as for a click on the map. The buttons carry no
Dash ids: 106 pattern-matching ids made dash-renderer re-resolve its callback graph on every
change (about 1.4 s of browser CPU for one indicator change, measured with the DevTools
profiler), and no callback needs to hear them. What the list holds: ``views.map.area_list``, sent
with the rest of the map page in the map's answer (``callbacks.pages.update_map``).
"""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, clientside_callback

from layouts import ids

clientside_callback(
    ClientsideFunction(namespace="a11y", function_name="renderAreaList"),
    Output(ids.MAP_AREA_TABLE, "title"),  # never changed: the function draws the table itself
    Input(ids.MAP_AREA_ROWS, "data"),
)
