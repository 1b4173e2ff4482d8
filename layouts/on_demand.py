"""AG Grid's script only where a grid is shown.

dash-ag-grid's main script (1.3 MB, 0.36 MB gzip) would otherwise be in every page's
``<script>`` list, though only the table page shows a grid. ``defer_grid_script`` marks it
``dynamic`` (Dash still serves it, fingerprinted and cached, but leaves it out of the index)
and names its URL in a ``<meta>`` tag; ``assets/ag-grid-on-demand.js`` stands in for the
``dash_ag_grid`` namespace and loads the real script the first time a grid is rendered (or
a callback waits on one), then renders the real grid in its place.
"""

from __future__ import annotations

import logging
import os

import dash_ag_grid
from dash import Dash
from dash.fingerprint import build_fingerprint

log = logging.getLogger(__name__)

GRID_SCRIPT = "dash_ag_grid.min.js"
META_NAME = "ccg-ag-grid-script"  # read by assets/ag-grid-on-demand.js


def grid_script_url(app: Dash) -> str:
    """The fingerprinted URL Dash serves AG Grid's main script at (as its index would link it)."""
    path = os.path.join(os.path.dirname(dash_ag_grid.__file__), GRID_SCRIPT)
    fingerprint = build_fingerprint(GRID_SCRIPT, dash_ag_grid.__version__, int(os.stat(path).st_mtime))
    return f"{app.config.requests_pathname_prefix}_dash-component-suites/dash_ag_grid/{fingerprint}"


def defer_grid_script(app: Dash) -> str | None:
    """Keep AG Grid's main script out of every page and let the page load it on demand.

    Call before the app's first request (Dash registers the served paths then). Returns the
    script's URL, or None if this dash-ag-grid no longer ships the script under that name: then
    it stays in every page, as before, and a warning says so.
    """
    resources = [r for r in dash_ag_grid._js_dist if r.get("relative_package_path") == GRID_SCRIPT]
    if not resources:
        log.warning(
            "dash-ag-grid %s has no %s: its script stays on every page", dash_ag_grid.__version__, GRID_SCRIPT
        )
        return None
    for resource in resources:
        resource["dynamic"] = True  # served at its URL, not listed in the index
    url = grid_script_url(app)
    if not any(tag.get("name") == META_NAME for tag in app.config.meta_tags):
        app.config.meta_tags.append({"name": META_NAME, "content": url})
    return url
