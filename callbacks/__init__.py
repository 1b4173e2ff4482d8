"""Callbacks: thin glue between the controls, the model and the figure builders.

``register_all`` configures the shared cache and imports each callback module
once (they register themselves with ``dash.callback``).
"""

from __future__ import annotations

import importlib
import logging

from dash import Dash

from callbacks.exports import register_export_routes
from callbacks.routes import register_routes
from data.model.settings import Settings
from views.cache import init_cache

log = logging.getLogger(__name__)
MODULES = (
    "sync",
    "pages",
    "table",
    "exports",
    "catalogue",
    "places",
    "summaries",
    "map_list",
)


def register_all(app: Dash, settings: Settings) -> None:
    init_cache(app.server, settings)
    register_routes(app.server)
    register_export_routes(app.server)
    for name in MODULES:
        importlib.import_module(f"callbacks.{name}")
