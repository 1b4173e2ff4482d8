"""Serving the API's endpoints over HTTP: validation, JSON or CSV, pages, caching, gzip, CORS.

Every answer is computed by the endpoint's pure function (``api.answers``); this module only
checks the request (unknown, repeated or overlong parameters are a 400 naming them), applies the
per-client rate limit, and writes the answer: JSON (``{"data", "meta", "links"}``) or CSV,
streamed in chunks (gzip when the client accepts it), with an ``ETag`` and ``Last-Modified``
from the data version so that clients can cache, and ``Access-Control-Allow-Origin: *`` (public
data, no cookies, GET only).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import zlib
from collections.abc import Iterator
from datetime import UTC
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from flask import Flask, Response, request

from api.page import STYLE, api_page
from api.spec import MAX_LIMIT, PREFIX, Answer, ApiError, Endpoint, allowed_query, openapi_document
from callbacks.clients import client_id
from callbacks.limits import Busy, ClientLimit
from data.model.settings import get_settings
from data.model.store import load_model
from reports.pack import data_date

log = logging.getLogger(__name__)

MAX_VALUE = 500  # characters in one parameter value
CHUNK_ROWS = 2000
API_RATE = ClientLimit(  # per client as the trusted proxy reports it, shared by every worker
    "API",
    per_minute=float(os.environ.get("OUTCOMES_API_PER_MINUTE", "600")),
    burst=int(os.environ.get("OUTCOMES_API_BURST", "120")),
)
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Link, Retry-After",
}


def error_response(status: int, message: str, parameter: str | None = None, **headers: str) -> Response:
    body = json.dumps({"error": {"status": status, "message": message, "parameter": parameter}})
    response = Response(body + "\n", status=status, mimetype="application/json")
    response.headers.update({**CORS, **headers})
    return response


def read_query(endpoint: Endpoint) -> dict[str, str]:
    """The query's parameters, each once and known to ``endpoint``; else ApiError(400)."""
    allowed = allowed_query(endpoint)
    out: dict[str, str] = {}
    for key in request.args:
        values = request.args.getlist(key)
        if key not in allowed:
            raise ApiError(
                400, f"Unknown parameter {key!r}; this endpoint takes: {', '.join(sorted(allowed))}.", key
            )
        if len(values) > 1:
            raise ApiError(400, f"Parameter {key!r} given more than once.", key)
        if len(values[0]) > MAX_VALUE:
            raise ApiError(400, f"Parameter {key!r} is longer than {MAX_VALUE} characters.", key)
        if any(0xD800 <= ord(ch) <= 0xDFFF or ord(ch) < 0x20 for ch in values[0]):
            raise ApiError(400, f"Parameter {key!r} holds a control or surrogate character.", key)
        out[key] = values[0]
    return out


def page_bounds(query: dict[str, str]) -> tuple[int, int | None]:
    """(offset, limit) from the query; limit None means every row from the offset."""
    bounds: dict[str, int | None] = {"offset": 0, "limit": None}
    for key in bounds:
        raw = query.get(key)
        if raw is None:
            continue
        if not raw.isdigit():
            raise ApiError(400, f"{key}={raw!r}: a whole number, please.", key)
        bounds[key] = int(raw)
    limit = bounds["limit"]
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, f"limit={limit}: from 1 to {MAX_LIMIT}.", "limit")
    return int(bounds["offset"] or 0), limit


def wants_csv(query: dict[str, str]) -> bool:
    fmt = query.get("format")
    if fmt is not None and fmt not in ("json", "csv"):
        raise ApiError(400, f"format={fmt!r}: use json or csv.", "format")
    if fmt:
        return fmt == "csv"
    best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
    return (
        best == "text/csv"
        and request.accept_mimetypes["text/csv"] > request.accept_mimetypes["application/json"]
    )


def _url(path: str, query: dict[str, str], **changes: Any) -> str:
    merged = {**query, **{k: str(v) for k, v in changes.items()}}
    return path + ("?" + urlencode(merged) if merged else "")


def _json_rows(frame: pd.DataFrame) -> Iterator[str]:
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = frame.iloc[start : start + CHUNK_ROWS].to_json(orient="records", force_ascii=False)
        yield ("," if start else "") + chunk[1:-1]


def json_body(answer: Answer, links: dict[str, str | None]) -> Iterator[str]:
    if answer.rows is None:
        yield json.dumps({"data": answer.item, "meta": answer.meta}, default=str)
        return
    yield '{"data":['
    yield from _json_rows(answer.rows)
    yield '],"meta":' + json.dumps(answer.meta, default=str) + ',"links":' + json.dumps(links) + "}"


def csv_body(frame: pd.DataFrame) -> Iterator[str]:
    for start in range(0, max(len(frame), 1), CHUNK_ROWS):
        yield frame.iloc[start : start + CHUNK_ROWS].to_csv(
            index=False, header=start == 0, lineterminator="\n"
        )


def gzipped(chunks: Iterator[str]) -> Iterator[bytes]:
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: a gzip stream
    for chunk in chunks:
        data = packer.compress(chunk.encode("utf-8"))
        if data:
            yield data
    yield packer.flush()


def etag_for(fingerprint: str) -> str:
    key = f"{fingerprint}|{request.path}|{sorted(request.args.items(multi=True))}|{request.accept_mimetypes}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def respond(endpoint: Endpoint, path_args: dict[str, str]) -> Response:
    try:
        API_RATE.take(client_id())
    except Busy as exc:
        return error_response(exc.status, str(exc), None, **{"Retry-After": str(exc.retry_after)})
    try:
        query = read_query(endpoint)
        csv = wants_csv(query) and endpoint.listing
        model = load_model()
        etag = etag_for(model.fingerprint)
        modified = format_datetime(data_date(model).replace(tzinfo=UTC), usegmt=True)
        cache = {
            "ETag": etag,
            "Last-Modified": modified,
            "Cache-Control": "public, max-age=3600",
            "Vary": "Accept, Accept-Encoding",
        }
        if request.if_none_match.contains(etag):
            response = Response(status=304)
            response.headers.update({**CORS, **cache})
            return response
        offset, limit = page_bounds(query)
        answer = endpoint.answer(model, path_args, query)
    except ApiError as exc:
        return error_response(exc.status, str(exc), exc.parameter)
    links: dict[str, str | None] = {"self": _url(request.path, query), "next": None}
    if answer.rows is not None:
        total = len(answer.rows)
        end = total if limit is None else min(total, offset + limit)
        answer = Answer(
            rows=answer.rows.iloc[offset:end],
            meta={**answer.meta, "total": total, "offset": offset, "limit": limit},
            item=None,
        )
        if end < total:
            links["next"] = _url(request.path, query, offset=end, limit=limit)
    body = csv_body(answer.rows) if csv and answer.rows is not None else json_body(answer, links)
    mimetype = "text/csv" if csv else "application/json"
    headers = {**CORS, **cache}
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        headers["Content-Encoding"] = "gzip"
        response = Response(gzipped(body), mimetype=mimetype, direct_passthrough=True)
    else:
        response = Response((c.encode("utf-8") for c in body), mimetype=mimetype, direct_passthrough=True)
    response.headers.update(headers)
    if links["next"]:
        response.headers["Link"] = f'<{links["next"]}>; rel="next"'
    return response


def register(server: Flask, endpoints: tuple[Endpoint, ...]) -> None:
    for endpoint in endpoints:

        def view(_endpoint: Endpoint = endpoint, **path_args: str) -> Response:
            if request.method == "OPTIONS":
                response = Response(status=204)
                response.headers.update(CORS)
                return response
            return respond(_endpoint, path_args)

        server.add_url_rule(
            endpoint.flask_rule, f"api_{endpoint.operation}", view, methods=["GET", "OPTIONS"]
        )

    @server.route(f"{PREFIX}/openapi.json")
    def openapi() -> Response:
        # No server URL in the document: its paths are valid wherever the app is served.
        response = Response(json.dumps(openapi_document(endpoints), indent=1), mimetype="application/json")
        response.headers.update(CORS)
        return response

    @server.route("/api")
    def docs() -> Response:
        return Response(api_page(endpoints, get_settings().public_url), mimetype="text/html")

    @server.route(f"{PREFIX}/api.css")
    def docs_style() -> Response:
        response = Response(STYLE, mimetype="text/css")
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    @server.route(f"{PREFIX}/<path:rest>", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    def unknown(rest: str) -> Response:
        if request.method != "GET":
            return error_response(405, "The API is read-only: GET only.")
        return error_response(404, f"No API path /{rest}: see {PREFIX}/openapi.json or /api.")
