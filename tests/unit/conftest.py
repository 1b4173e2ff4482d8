"""Fixtures for the view and callback tests: the real app (for its Flask cache) and selections from URLs."""

from __future__ import annotations

import pytest

from selection import parse_query


@pytest.fixture(scope="session")
def dash_app():
    import app as app_module  # builds the app and registers every callback once

    return app_module.app


@pytest.fixture(scope="session")
def drawn_layouts(dash_app, model) -> list:
    """Every tree of components the browser can be sent: the first layout, then the content of each
    page drawn the first time it is shown (``layouts.pages.LAZY_PAGES``)."""
    from layouts.pages import LAZY_PAGES, page_content

    return [dash_app.layout, *[page_content(model, p) for p in LAZY_PAGES]]


@pytest.fixture()
def app_ctx(dash_app):
    """A Flask request context, so the memoised (flask-caching) helpers work."""
    with dash_app.server.test_request_context():
        yield dash_app


@pytest.fixture()
def state_for(model):
    """``state_for("?indicator=...", page="map")``: the selection a URL gives, as the store holds it."""

    def make(query: str = "", page: str = "map") -> dict:
        state, notices = parse_query(model, query)
        assert notices == [], notices
        return {**state, "page": page}

    return make
