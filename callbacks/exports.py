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
from urllib.parse import quote

from dash import Input, Output, State, callback, dcc
from dash.exceptions import PreventUpdate
from flask import Flask, Response, current_app, request

import callbacks.render_pool as render_pool
from callbacks.clients import client_id
from callbacks.guard import recovering_response
from callbacks.limits import Busy, busy_response, export_limits
from data.model import schema as s
from data.model.recovery import ModelRecovering
from data.model.settings import get_settings
from data.model.store import load_model
from data.queries.rows import AREA_GEOGRAPHIES
from layouts import ids
from layouts.exports import footer_links
from reports import files
from reports.decorate import DEFAULT_SIZE, SIZES
from reports.pack import build_pack, data_date
from reports.render import RenderError, get_renderer, stable_file
from selection import (
    MAX_AREAS,
    PACK_KEYS,
    QUERY_ORDER,
    QueryError,
    known_area_codes,
    pack_href,
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
RENDERED = (".png", ".svg", ".pdf", ".pptx")  # exports that start Chromium: the render pool, rate-limited


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


def validate_export(name: str, raw_query: bytes) -> None:
    """Everything about a rendered export's request that can be checked without drawing it
    (name, format, every parameter, the selection, a part's number): ``BadExport`` (400/404)
    before it spends a rate token or waits for a render."""
    if name.startswith("pack."):
        split_name(name, {"pack": PACK_FORMATS})
        pack_request(raw_query)
        return
    page, fmt = split_name(name, EXPORT_PAGES)
    query, params = query_params(raw_query, QUERY_ORDER + ("size", "part"))
    chart_size(params)
    state = checked_state(query, page)
    raw = params.get("part")
    if raw is not None and (not raw.isdigit() or int(raw) < 1):
        raise BadExport(400, f"part={raw!r}: give a part number (1, 2, ...).")
    if page in BEYOND_EXPORTS:
        labels = part_labels(load_model(), state, page)
        if isinstance(labels, str):
            raise BadExport(400, labels)
        if fmt == "pdf" and raw is not None:
            raise BadExport(400, "A PDF holds every chart of the page (one page each): leave out part=.")
        charts = [(i, label) for i, (label, chart) in enumerate(labels, start=1) if chart]
        if raw is not None and int(raw) not in dict(charts):
            listing = ", ".join(f"{i} ({label})" for i, label in charts)
            raise BadExport(400, f"part={raw!r}: this page's charts are part {listing}.")


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
        """The export; one that renders is validated first, then taken within the limits to the
        render pool (never rendered on this thread; refused at once when the pool is full)."""
        if not name.endswith(RENDERED):
            return stable(name, produce(name))
        try:
            validate_export(name, request.query_string)
        except BadExport as exc:
            return _error(exc)
        limits, client = export_limits(), client_id()
        try:
            limits.take(client)
        except Busy as exc:
            log.warning("export %s refused (%s): %s", name, exc.status, exc)
            return busy_response(exc)
        try:
            result = render_pool.get_pool(server).run(render_pool.Job(name, request.query_string))
        except Busy as exc:
            limits.give_back(client)  # not made: coming back when told costs nothing
            log.warning("export %s refused (%s): %s", name, exc.status, exc)
            return busy_response(exc)
        response = Response(result.body, status=result.status, mimetype=result.mimetype)
        response.headers.update(dict(result.headers))
        return response

    def run_job(job: render_pool.Job) -> render_pool.Result:
        """Produce a rendered export (on the render pool's thread, in the render service under
        gunicorn), as the route would have."""
        with server.test_request_context(
            "/export/" + quote(job.name), query_string=job.query.decode("latin-1")
        ):
            try:
                response = stable(job.name, produce(job.name))
            except ModelRecovering as exc:
                response = recovering_response(exc)
            kept = ("Content-Disposition", "Cache-Control", "Retry-After")
            headers = tuple((k, v) for k, v in response.headers.items() if k in kept)
            return render_pool.Result(response.status_code, response.mimetype, response.get_data(), headers)

    render_pool.set_runner(server, run_job)

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
            return busy_response(Busy("The image could not be rendered.", retry_after=10))


# --- footer: links and the board pack ---------------------------------------------


def links_for(state: dict, query: str | None = None):
    """The footer's download links for the selection (a page of numbered parts says which parts)."""
    page = state.get("page", "map")
    parts = part_labels(load_model(), state, page) if page in BEYOND_EXPORTS else None
    return footer_links(state, parts, query)


def export_links_part(state: dict) -> tuple:
    """The footer's download links (part of ``callbacks.shell``)."""
    if state.get("page") not in EXPORT_PAGES:
        return ([],)  # the indicator catalogue has nothing to export as a view
    return (links_for(state),)


def export_links_kept(state: dict) -> tuple:
    """The footer's links without the selection's query (which the browser keeps up to date in the
    links it has): the shell sends the footer again only when these differ."""
    if state.get("page") not in EXPORT_PAGES:
        return ([],)
    return (links_for(state, query=""),)


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
    """The footer's pack button: the same pack, limits and render pool as /export/pack.pdf.

    The request is checked here (the URL's rules: known areas, at most six); the pack itself is
    built by the render pool (the render service under gunicorn), never on this thread's worker.
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
    query = pack_href(state, "pdf").partition("?")[2].encode()  # what /export/pack.pdf is asked
    limits, client = export_limits(), client_id()
    try:
        pack_request(query)
        limits.take(client)
    except BadExport as exc:
        return None, str(exc)
    except Busy as exc:
        log.warning("board pack (button) refused (%s): %s", exc.status, exc)
        return None, f"{exc} Press the button again in about {exc.retry_after} s."
    try:
        result = render_pool.get_pool(current_app._get_current_object()).run(
            render_pool.Job("pack.pdf", query)
        )
    except Busy as exc:
        limits.give_back(client)
        log.warning("board pack (button) refused (%s): %s", exc.status, exc)
        return None, f"{exc} Press the button again in about {exc.retry_after} s."
    if result.status != 200:
        log.error("board pack (button) failed: %s", result.body[:200])
        return None, result.body.decode("utf-8", "replace").strip() or "The board pack could not be made."
    name = pack_name(state["areas"], "pdf")
    return dcc.send_bytes(result.body, name), f"Board pack ready: {name}"
