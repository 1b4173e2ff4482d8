"""Fixtures for the export tests: a Flask server with the export routes, and files rendered once."""

from __future__ import annotations

import pytest
from export_helpers import needs_chromium, pdf_pages, pdf_text  # noqa: F401  (re-exported)
from flask import Flask


@pytest.fixture(scope="session")
def export_client():
    """The export routes on a test server; the per-client rate limit lifted (these tests render
    dozens of files from one address; tests/unit/security checks the limit itself)."""
    from callbacks.exports import register_export_routes
    from callbacks.limits import Bucket, ExportLimits, MemoryStore, set_export_limits
    from data.model.settings import get_settings
    from views.cache import init_cache

    server = Flask("export-tests")
    init_cache(server, get_settings())
    register_export_routes(server)
    unlimited = Bucket(rate=1e6, burst=1e6)
    set_export_limits(ExportLimits(MemoryStore(), unlimited, unlimited))
    yield server.test_client()
    set_export_limits(None)


@pytest.fixture(scope="session")
def rendered(export_client) -> dict:
    """A handful of real exports, fetched once per session: {key: (status, headers, bytes)}."""
    urls = {
        "map_png": "/export/map.png?indicator=qof_hyp&areas=E38000014",
        "compare_svg": "/export/compare.svg?indicator=qof_hyp&areas=E38000014",
        "map_pdf": "/export/map.pdf?indicator=qof_hyp&areas=E38000014&size=a4",
        "spine_pdf": "/export/spine.pdf?areas=E38000014",
        "trends_png_screen": "/export/trends.png?indicator=dementia_ddr_65plus&areas=E38000014&size=screen",
        "map_csv": "/export/map.csv?indicator=qof_hyp&benchmark=region",
        "spine_xlsx": "/export/spine.xlsx?areas=E38000014",
        "compare_xlsx": "/export/compare.xlsx?indicator=qof_hyp&areas=E38000014",
    }
    out = {}
    for key, url in urls.items():
        response = export_client.get(url)
        out[key] = (response.status_code, dict(response.headers), response.data)
    return out
