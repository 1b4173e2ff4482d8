"""Export routes under /export/ and the footer's download links and board-pack callback.

``GET /export/<page>.<png|svg|pdf|csv|xlsx>?<page query>[&size=slide|a4|screen]`` and
``GET /export/pack.<pdf|pptx>?areas=...&benchmark=...&ci=...`` return files with stable
names. Every query is validated through ``selection.parse_query``: anything it would
have to change is a 400 with its notice; unknown pages and formats are 404. Nothing in
the query is used as a path.
"""

from __future__ import annotations

import logging
import re

from dash import Input, Output, State, callback, dcc
from dash.exceptions import PreventUpdate
from flask import Flask, Response, request

from data.model import schema as s
from data.model.settings import get_settings
from data.model.store import load_model
from data.queries.rows import AREA_GEOGRAPHIES
from layouts import ids
from layouts.exports import footer_links
from reports import files
from reports.decorate import DEFAULT_SIZE, SIZES
from reports.pack import build_pack, data_date
from reports.render import (
    EXPORT_GATE,
    EXPORT_RATE,
    Busy,
    RenderError,
    get_renderer,
    stable_file,
)
from selection import (
    MAX_AREAS,
    QUERY_ORDER,
    QueryError,
    known_area_codes,
    parse_query,
    parse_selection,
    view_link,
)
from selection import query_params as read_query
from views.exports import BEYOND_EXPORTS, EXPORT_PAGES, part_labels
from views.provenance import ExportRefused

log = logging.getLogger(__name__)

PACK_FORMATS = ("pdf", "pptx")
MIMETYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "csv": "text/csv",  # Flask adds "; charset=utf-8" itself
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
PACK_KEYS = ("areas", "benchmark", "ci", "peers")
RENDERED = (".png", ".svg", ".pdf", ".pptx")  # exports that start Chromium: rate-limited and capped


def data_stamp() -> str:
    """The data version as a PDF date (the latest period start in the model): fixed for a build."""
    return data_date(load_model()).strftime("%Y%m%d%H%M%S")


class BadExport(ValueError):
    """A request the exports cannot answer: ``status`` (400/404) and a short message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


# --- validation ----------------------------------------------------------------


def split_name(name: str, allowed: dict[str, tuple[str, ...]]) -> tuple[str, str]:
    """'map.png' -> ('map', 'png'), checked against fixed allow-lists (404 otherwise)."""
    page, dot, fmt = name.rpartition(".")
    if not dot or page not in allowed:
        raise BadExport(404, f"No export called {name!r}: pages are {', '.join(allowed)}.")
    if fmt not in allowed[page]:
        raise BadExport(404, f"The {page} page exports as {', '.join(allowed[page])}, not {fmt!r}.")
    return page, fmt


def query_params(raw: bytes, allowed_keys: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """The query string (decoded) and its single-valued parameters (``selection.query_params``); 400 if not."""
    try:
        return read_query(raw, allowed_keys)
    except QueryError as exc:
        raise BadExport(400, str(exc)) from None


def export_notice(notice: str) -> str:
    """A parse_query notice without its fallback ('...: showing X.'): an export never substitutes."""
    text = re.sub(r"(:\s*(showing|using|kept)\b.*$)|(\s*\(ignored\)\.?$)", "", notice).rstrip(".")
    return text + "."


def checked_state(query: str, page: str) -> dict:
    """The selection for an export; any notice parse_query raises (unknown code...) is a 400."""
    model = load_model()
    state, notices = parse_query(model, query)
    if notices:
        raise BadExport(400, " ".join(export_notice(n) for n in notices))
    if page == "spine" and not state["areas"]:
        raise BadExport(400, "The spine chart needs at least one area: add areas=<code>.")
    if page == "funnel":
        from data.queries.funnel import funnel_statistic
        from data.queries.rows import Selection

        stat, reason = funnel_statistic(
            model, Selection(state["indicator"], state["period"], state["geography"], state["sex"])
        )
        if stat is None:
            raise BadExport(400, reason)
    state["page"] = page
    return state


def chart_size(params: dict[str, str]):
    name = params.get("size", DEFAULT_SIZE)
    if name not in SIZES:
        raise BadExport(400, f"Unknown size {name!r}: use {', '.join(SIZES)}.")
    return name


def link_root() -> str:
    """Where exported links point: OUTCOMES_PUBLIC_URL, else relative ("/page?query").

    Never the request's Host header nor a loopback address: a board paper outlives the
    machine that printed it.
    """
    return get_settings().public_url


# --- producing files -------------------------------------------------------------


def export_file(page: str, fmt: str, raw_query: bytes, root: str) -> tuple[bytes, str]:
    """(file bytes, file name) for one view export: the request checked, the file made by ``reports.files``."""
    query, params = query_params(raw_query, QUERY_ORDER + ("size", "part"))
    chart_size(params)
    state = checked_state(query, page)
    try:
        return files.export_file(
            load_model(), state, page, fmt, params, view_link(root, page, state), get_renderer
        )
    except ExportRefused as exc:
        raise BadExport(400, str(exc)) from None


def pack_request(raw_query: bytes) -> tuple[list[str], str, str, str]:
    """Areas, benchmark, CI and peer set of a pack request (areas required, known, of an area
    geography, at most ``MAX_AREAS``: the same rules as the footer's pack button)."""
    query, params = query_params(raw_query, PACK_KEYS)
    if not params.get("areas", "").strip():
        raise BadExport(400, "A board pack needs areas=<code>[,<code>...].")
    model = load_model()
    tokens = [t.strip() for t in params["areas"].split(",") if t.strip()]
    if len(tokens) > MAX_AREAS:
        raise BadExport(400, f"At most {MAX_AREAS} areas in one board pack.")
    state = checked_state(query, "pack")
    lookup = known_area_codes(model)
    areas = model.areas[model.areas[s.AREA_CODE].isin(state["areas"])]
    not_areas = sorted(
        set(state["areas"]) - set(areas.loc[areas[s.GEOGRAPHY].isin(AREA_GEOGRAPHIES), s.AREA_CODE])
    )
    if not_areas or any(t.lower() not in lookup for t in tokens):
        raise BadExport(400, f"Not a CCG or similar area: {', '.join(not_areas)}.")
    return state["areas"], state["benchmark"], state["ci"], state["peers"]


def pack_name(areas: list[str], fmt: str) -> str:
    return f"ccg-outcomes_board-pack_{'-'.join(areas[:3])}.{fmt}"


def _attachment(body: bytes, name: str, fmt: str) -> Response:
    response = Response(body, mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-cache"
    return response


def _error(exc: BadExport) -> Response:
    return Response(str(exc) + "\n", status=exc.status, mimetype="text/plain")


def register_export_routes(server: Flask) -> None:
    """GET /export/<page>.<fmt> and /export/pack.<fmt> (see the module docstring)."""

    @server.route("/export/<name>")
    def export(name: str) -> Response:
        """The export, within the per-client rate and the concurrency cap if it renders."""
        if not name.endswith(RENDERED):
            return stable(name, produce(name))
        try:
            EXPORT_RATE.take(request.remote_addr or "?")
            with EXPORT_GATE.slot():
                response = produce(name)
        except Busy as exc:
            log.warning("export %s refused (%s): %s", name, exc.status, exc)
            response = Response(str(exc) + "\n", status=exc.status, mimetype="text/plain")
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        return stable(name, response)

    def stable(name: str, response: Response) -> Response:
        """Embedded dates set to the data version's (PDF, xlsx, pptx): the same bytes from any worker."""
        fmt = name.rpartition(".")[2]
        if response.status_code == 200 and fmt in ("pdf", "xlsx", "pptx"):
            response.set_data(stable_file(response.get_data(), fmt, data_date(load_model())))
        return response

    def produce(name: str) -> Response:
        try:
            if name.startswith("pack."):
                _, fmt = split_name(name, {"pack": PACK_FORMATS})
                areas, benchmark, ci, peers = pack_request(request.query_string)
                body = build_pack(
                    load_model(),
                    areas,
                    fmt,
                    benchmark=benchmark,
                    ci=ci,
                    peers=peers,
                    link_root=link_root(),
                    renderer=get_renderer(),
                )
                return _attachment(body, pack_name(areas, fmt), fmt)
            page, fmt = split_name(name, EXPORT_PAGES)
            body, file_name = export_file(page, fmt, request.query_string, link_root())
            return _attachment(body, file_name, fmt)
        except BadExport as exc:
            return _error(exc)
        except RenderError as exc:
            log.error("export %s failed: %s", name, exc)
            return Response(
                "The image could not be rendered; try again shortly.\n", status=503, mimetype="text/plain"
            )


# --- footer: links and the board pack ---------------------------------------------


def links_for(state: dict):
    """The footer's download links for the selection (a page of numbered parts says which parts)."""
    page = state.get("page", "map")
    parts = part_labels(load_model(), state, page) if page in BEYOND_EXPORTS else None
    return footer_links(state, parts)


@callback(Output(ids.EXPORT_LINKS, "children"), Input(ids.STATE, "data"))
def update_export_links(state):
    if not state:
        raise PreventUpdate
    if state.get("page") not in EXPORT_PAGES:
        return []  # the indicator catalogue has nothing to export as a view
    return links_for(state)


def pack_status(state: dict | None) -> str | None:
    """Why the pack cannot be built for this selection, or None."""
    if not state or not state.get("areas"):
        return "Choose a CCG first (click the map or search), then build its board pack."
    return None


@callback(
    Output(ids.PACK_DOWNLOAD, "data"),
    Output(ids.PACK_STATUS, "children"),
    Input(ids.PACK_BUTTON, "n_clicks"),
    State(ids.STATE, "data"),
    running=[
        (Output(ids.PACK_BUTTON, "disabled"), True, False),
        (Output(ids.PACK_PROGRESS, "hidden"), False, True),
        (Output(ids.PACK_PROGRESS, "value"), None, "0"),  # no value: the bar shows work going on
    ],
    prevent_initial_call=True,
)
def build_board_pack(n_clicks, state):
    """The footer's pack button: the same pack, limits, renderer and caps as /export/pack.pdf.

    It runs in the web worker like the direct route (a pack takes a few seconds): the worker's
    warm Chromium, its concurrency gate and the machine-wide render slots, the per-client rate;
    no Chromium of its own, no separate job process.
    """
    if not n_clicks:
        raise PreventUpdate
    problem = pack_status(state)
    if problem:
        return None, problem
    if len(state.get("areas") or []) > MAX_AREAS:
        return None, f"At most {MAX_AREAS} areas in one board pack: remove some and try again."
    model = load_model()
    state, _ = parse_selection(model, state)  # the URL's rules: known areas only
    if not state["areas"]:
        return None, "None of the selected areas is known: choose a CCG and try again."
    try:
        EXPORT_RATE.take(request.remote_addr or "?")
        with EXPORT_GATE.slot():
            body = build_pack(
                model,
                state["areas"],
                "pdf",
                benchmark=state["benchmark"],
                ci=state["ci"],
                peers=state.get("peers"),
                link_root=link_root(),
                renderer=get_renderer(),
            )
    except Busy as exc:
        log.warning("board pack (button) refused (%s): %s", exc.status, exc)
        return None, f"{exc} (retry in about {exc.retry_after} s)"
    except RenderError as exc:
        log.error("board pack (button) failed: %s", exc)
        return None, "The board pack could not be rendered; try again shortly."
    name = pack_name(state["areas"], "pdf")
    body = stable_file(body, "pdf", data_date(model))
    return dcc.send_bytes(body, name), f"Board pack ready: {name}"
