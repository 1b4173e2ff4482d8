"""Headers on every response, and a helpful 404 instead of the app shell for unknown paths."""

from __future__ import annotations

import re

import pytest

from callbacks.security import is_page_path
from selection import PAGES

PATHS = [
    "/",
    "/map",
    "/spine?areas=E38000089",
    "/_dash-layout",
    "/_dash-dependencies",
    "/foo",
    "/export/x.png",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_the_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert not re.search(r"https?:", csp), "no remote sources"
    assert "'unsafe-eval'" not in csp
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'sha256-" in script_src
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


def test_inline_scripts_match_the_hashes(client, dash_app):
    """Every executable inline script of the page is allowed by one of the CSP's hashes."""
    import base64
    import hashlib

    response = client.get("/")
    page = re.sub(r"<!--.*?-->", "", response.get_data(as_text=True), flags=re.S)  # IE-only comments
    allowed = set(re.findall(r"'sha256-([^']+)'", response.headers["Content-Security-Policy"]))
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", page, re.S)
    executable = [body for attrs, body in scripts if "application/json" not in attrs and body.strip()]
    assert executable
    for body in executable:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert digest in allowed, body[:80]


@pytest.mark.parametrize(
    "path",
    ["/foo", "/export/..%2F..%2Fetc%2Fpasswd.png", "/map/x/y", "/%2e%2e/%2e%2e/etc/passwd", "/mapx", "/.env"],
)
def test_unknown_paths_are_404_with_links(client, path):
    response = client.get(path)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Page not found" in body and "_dash-config" not in body
    for page in PAGES:
        assert f'href="/{page}"' in body


@pytest.mark.parametrize("page", PAGES)
def test_every_page_is_served(client, page):
    response = client.get(f"/{page}")
    assert response.status_code == 200
    assert "_dash-config" in response.get_data(as_text=True)


def test_known_paths_come_from_the_page_list():
    assert all(is_page_path(f"/{p}") and is_page_path(f"/{p}/some_id-1") for p in PAGES)
    assert not is_page_path("/nothing")
    assert not is_page_path(f"/{PAGES[0]}/a/b")
    assert not is_page_path(f"/{PAGES[0]}/<script>")


def test_no_version_banner(client):
    assert "Server" not in client.get("/").headers or "/" not in client.get("/").headers["Server"]
