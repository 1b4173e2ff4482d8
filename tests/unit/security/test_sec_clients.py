"""The client's address: read from X-Forwarded-For only when a trusted proxy sent it."""

from __future__ import annotations

import logging

import pytest
from flask import Flask, request

from callbacks.clients import ProxySettingError, TrustedProxyFix, proxy_count, trusted_networks


@pytest.fixture
def app():
    server = Flask("clients")

    @server.route("/who")
    def who():
        return f"{request.remote_addr} {request.scheme} {request.headers.get('X-Forwarded-For', '-')}"

    server.wsgi_app = TrustedProxyFix(server.wsgi_app, 1, trusted_networks("127.0.0.1, ::1, 10.1.0.0/16"))
    return server


def ask(app, peer: str, forwarded: str | None = None, proto: str | None = None) -> list[str]:
    headers = {}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    if proto:
        headers["X-Forwarded-Proto"] = proto
    response = app.test_client().get("/who", headers=headers, environ_base={"REMOTE_ADDR": peer})
    return response.get_data(as_text=True).split()


def test_a_trusted_proxy_names_the_client(app):
    assert ask(app, "127.0.0.1", "198.51.100.7", "https")[:2] == ["198.51.100.7", "https"]
    assert ask(app, "10.1.4.2", "198.51.100.8")[0] == "198.51.100.8"  # a trusted network
    assert ask(app, "::1", "2001:db8::5")[0] == "2001:db8::5"


def test_only_the_last_hop_is_believed(app):
    """nginx appends the address it saw; what the client wrote before it is not believed."""
    assert ask(app, "127.0.0.1", "6.6.6.6, 198.51.100.7")[0] == "198.51.100.7"


def test_anyone_else_is_counted_at_their_own_address(app, caplog):
    """Reaching gunicorn directly and rotating X-Forwarded-For does not make a new client."""
    caplog.set_level(logging.WARNING)
    seen = {ask(app, "192.0.2.50", f"203.0.113.{i}", "https")[0] for i in range(20)}
    assert seen == {"192.0.2.50"}
    answer = ask(app, "192.0.2.50", "203.0.113.1", "https")
    assert answer[1] == "http" and answer[2] == "-"  # the forwarded headers are gone
    warned = [r for r in caplog.records if "not a trusted proxy" in r.getMessage()]
    assert len(warned) == 1  # once per peer


def test_settings_are_checked():
    assert proxy_count("1") == 1 and proxy_count("") == 0
    with pytest.raises(ProxySettingError):
        proxy_count("nginx")
    with pytest.raises(ProxySettingError):
        trusted_networks("127.0.0.1, localhost")
