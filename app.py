"""CCG Outcomes Explorer: the Dash app (``app``) and its Flask server (``server``).

Serve with ``python app.py --port 8050`` (127.0.0.1) or ``gunicorn app:server``.
"""

from __future__ import annotations

import argparse
import logging
import os

from dash import Dash

from api import register_api
from callbacks import register_all
from callbacks.compression import install_static_compression
from callbacks.guard import install_callback_guard
from callbacks.security import install_security
from data.model.settings import get_settings
from data.model.store import load_model
from figures.common import TEMPLATE
from figures.plain import template
from layouts.on_demand import defer_grid_script
from layouts.shell import shell

logging.basicConfig(
    level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
)
log = logging.getLogger("app")


def tune_memory() -> None:
    """Allocators for a forked server with threads (each gunicorn worker, the render service):
    Arrow on the system allocator (its default, mimalloc, keeps a heap per thread, which a
    worker's threads grow apart), and glibc's malloc limited to ``MALLOC_ARENA_MAX`` arenas
    (default 2; glibc otherwise makes one per thread, up to 8 per core). Together about 100 MB
    less per worker after a soak (README, "Performance"). Set in the process gunicorn forks from."""
    import pyarrow as pa

    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        pa.set_memory_pool(pa.system_memory_pool())
    try:
        import ctypes

        m_arena_max = -8  # glibc's mallopt parameter number
        ctypes.CDLL("libc.so.6").mallopt(m_arena_max, int(os.environ.get("MALLOC_ARENA_MAX", "2")))
    except (OSError, AttributeError, ValueError):  # not glibc: its own defaults
        pass


TRIM_EVERY_S = 15.0


def trim_memory_now_and_then(server) -> None:
    """Hand memory freed by finished requests back to the system (glibc's ``malloc_trim``),
    at most every ``TRIM_EVERY_S`` seconds and only after requests, from a thread of each
    process that serves (started on its first request, so after gunicorn's fork): about 30 MB
    per worker after a soak (README, "Performance")."""
    import ctypes
    import threading
    import time

    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    state = {"pid": None, "served": 0}
    lock = threading.Lock()

    def trimmer() -> None:
        while True:
            time.sleep(TRIM_EVERY_S)
            with lock:
                served, state["served"] = state["served"], 0
            if served:
                trim(0)

    @server.after_request
    def count(response):
        with lock:
            state["served"] += 1
            if state["pid"] != os.getpid():  # the first request of this process
                state["pid"] = os.getpid()
                threading.Thread(target=trimmer, name="malloc-trim", daemon=True).start()
        return response


def create_app() -> Dash:
    """Build the app around the process's read-only model."""
    model = load_model()
    # plotly's template for every chart, expanded once here (about 0.3 s): under gunicorn's preload,
    # in the master before the workers fork, not in each worker's first chart request
    template(TEMPLATE)
    dash_app = Dash(
        __name__,
        title="CCG Outcomes Explorer",
        update_title=None,
        # The table's grid is created when its page is first shown, so not every id is in the
        # initial layout (tests check every id is declared in layouts/ids.py and placed once).
        suppress_callback_exceptions=True,
        serve_locally=True,
        compress=True,  # gzip/brotli responses (flask-compress): plotly.js is most of the first load
    )
    dash_app.index_string = dash_app.index_string.replace("<html>", '<html lang="en">', 1)
    dash_app.layout = shell(model)
    defer_grid_script(dash_app)  # AG Grid's script loads only where a grid is shown
    register_all(dash_app, get_settings())
    register_api(dash_app.server)  # /api/v1 and the /api page
    install_security(dash_app)
    install_static_compression(dash_app.server)  # scripts, styles, boundaries: once, hard
    install_callback_guard(dash_app)
    trim_memory_now_and_then(dash_app.server)
    # Dash copies the registered callbacks into app.callback_map on the first request, after it
    # has set its "done" flag, so under threaded workers a concurrent first request could find the
    # map empty (and the guard would answer 400). Do that setup once, now, before any request.
    with dash_app.server.test_request_context("/"):
        dash_app._setup_server()
    return dash_app


tune_memory()
app = create_app()
server = app.server


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the CCG Outcomes Explorer on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--debug", action="store_true", help="Dash debug mode (off unless asked)")
    args = parser.parse_args()
    log.info("serving on http://%s:%d", args.host, args.port)
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
