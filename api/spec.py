"""The API's endpoints declared once: the routes, their validation and the OpenAPI document.

Each ``Endpoint`` names its path, parameters (with an example each), what a row holds and the
pure function that answers it. ``api.http`` registers a Flask route per endpoint from these
declarations and ``openapi_document`` describes the same declarations, so the document cannot
drift from the routes: a test calls every path the document declares with its examples.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

API_VERSION = "1.0.0"
PREFIX = "/api/v1"
MAX_LIMIT = 5000


@dataclass(frozen=True)
class Param:
    """One parameter: in the path or the query, with its JSON schema and an example value."""

    name: str
    description: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})
    example: str | None = None
    where: str = "query"  # "query" | "path"
    required: bool = False


@dataclass(frozen=True)
class Answer:
    """What an endpoint answers: ``rows`` (a list endpoint) or ``item`` (one object), and ``meta``
    (what was selected and compared with, the data version): both go into the JSON body."""

    rows: pd.DataFrame | None = None  # a list endpoint's rows, in their column order
    item: dict[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)


class ApiError(ValueError):
    """A request the API cannot answer: ``status`` (400/404) and a message naming what is wrong."""

    def __init__(self, status: int, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.parameter = parameter


@dataclass(frozen=True)
class Endpoint:
    path: str  # OpenAPI form, e.g. "/api/v1/indicators/{id}/data"
    operation: str  # operationId
    summary: str
    description: str
    answer: Callable[..., Answer]  # answer(model, path_args: dict, query: dict[str, str]) -> Answer
    params: tuple[Param, ...] = ()
    row: dict[str, dict[str, Any]] = field(default_factory=dict)  # column -> JSON schema (+ description)
    listing: bool = True  # rows, paginated, offered as CSV too
    tags: tuple[str, ...] = ()

    @property
    def flask_rule(self) -> str:
        rule = self.path
        for p in self.params:
            if p.where == "path":
                rule = rule.replace("{" + p.name + "}", f"<{p.name}>")
        return rule

    def example_url(self) -> str:
        """The path with every parameter's example filled in (what the docs and the test call)."""
        url = self.path
        query = []
        for p in self.params:
            if p.example is None:
                continue
            if p.where == "path":
                url = url.replace("{" + p.name + "}", p.example)
            else:
                query.append(f"{p.name}={p.example}")
        return url + ("?" + "&".join(query) if query else "")


COMMON_PARAMS = (
    Param(
        "format",
        "`json` (default) or `csv`; `Accept: text/csv` also asks for CSV.",
        {"type": "string", "enum": ["json", "csv"]},
    ),
)
LIST_PARAMS = (
    Param(
        "limit",
        f"Rows per page (1 to {MAX_LIMIT}); without it every row, streamed.",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    ),
    Param(
        "offset",
        "Rows to skip (default 0); `links.next` gives the next page.",
        {"type": "integer", "minimum": 0},
    ),
)
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer"},
                "message": {"type": "string"},
                "parameter": {"type": ["string", "null"]},
            },
            "required": ["status", "message"],
        }
    },
    "required": ["error"],
}


def allowed_query(endpoint: Endpoint) -> set[str]:
    """The query parameters an endpoint accepts (its own, the format, pagination for lists)."""
    own = {p.name for p in endpoint.params if p.where == "query"}
    common = {p.name for p in COMMON_PARAMS}
    paged = {p.name for p in LIST_PARAMS} if endpoint.listing else set()
    return own | common | paged


def _parameter(p: Param) -> dict[str, Any]:
    out: dict[str, Any] = {"name": p.name, "in": p.where, "description": p.description, "schema": p.schema}
    if p.where == "path" or p.required:
        out["required"] = True
    if p.example is not None:
        out["example"] = p.example
    return out


def _responses(endpoint: Endpoint) -> dict[str, Any]:
    row = {"type": "object", "properties": endpoint.row} if endpoint.row else {"type": "object"}
    if endpoint.listing:
        body = {
            "type": "object",
            "properties": {
                "data": {"type": "array", "items": row},
                "meta": {"type": "object"},
                "links": {
                    "type": "object",
                    "properties": {"self": {"type": "string"}, "next": {"type": ["string", "null"]}},
                },
            },
            "required": ["data", "meta", "links"],
        }
        content = {
            "application/json": {"schema": body},
            "text/csv": {"schema": {"type": "string"}},
        }
    else:
        content = {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"data": row, "meta": {"type": "object"}},
                    "required": ["data", "meta"],
                }
            }
        }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {
        "200": {"description": "OK", "content": content},
        "304": {"description": "Not modified (the ETag matched)"},
        "400": {"description": "A parameter is unknown or invalid (the error names it)", "content": error},
        "404": {"description": "No such indicator or area", "content": error},
        "429": {"description": "Too many requests from this client (see Retry-After)", "content": error},
    }


def openapi_document(endpoints: tuple[Endpoint, ...], server_url: str = "") -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``endpoints``."""
    paths: dict[str, Any] = {}
    for ep in endpoints:
        params = [*ep.params, *COMMON_PARAMS, *(LIST_PARAMS if ep.listing else ())]
        paths[ep.path] = {
            "get": {
                "operationId": ep.operation,
                "summary": ep.summary,
                "description": ep.description,
                "tags": list(ep.tags),
                "parameters": [_parameter(p) for p in params],
                "responses": _responses(ep),
            }
        }
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "CCG Outcomes Explorer data API",
            "version": API_VERSION,
            "description": (
                "Read-only, public data: every statistic the app's pages show (values with their "
                "confidence limits, the comparator named as it really is and its value, the category, "
                "the recent trend, the quintile and the data's notes). JSON by default, CSV with "
                "format=csv. Data: Open Government Licence v3.0."
            ),
            "license": {
                "name": "Open Government Licence v3.0 (data); GPL-3.0-or-later (code)",
                "identifier": "OGL-UK-3.0",
            },
        },
        "paths": paths,
        "components": {"schemas": {"Error": ERROR_SCHEMA}},
    }
    if server_url:
        doc["servers"] = [{"url": server_url}]
    return doc
