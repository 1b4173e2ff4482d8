"""Who is asking: the client's address as the trusted reverse proxy reports it.

Behind nginx the TCP peer is nginx, and the client's address is in ``X-Forwarded-For``. That
header is only as trustworthy as whoever sent it: anyone who reaches gunicorn directly can
write any address there (and rotate it to evade a per-client limit). So the forwarded
headers are read only when

- ``OUTCOMES_PROXY_COUNT`` is set (the number of proxies in front, 1 for one nginx), and
- the TCP peer is one of ``OUTCOMES_TRUSTED_PROXIES`` (addresses or networks, comma-separated;
  default ``127.0.0.1, ::1``: nginx on the same host).

A request from any other peer is taken at its TCP address, its ``X-Forwarded-*`` headers
removed, with one warning per peer (bounded). gunicorn should still be reachable only from
the proxy (``BIND=127.0.0.1:8050``, the default); this is the app's own second line.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
from collections.abc import Callable, Iterable

from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)

DEFAULT_TRUSTED = "127.0.0.1, ::1"
FORWARDED = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ProxySettingError(ValueError):
    """OUTCOMES_PROXY_COUNT or OUTCOMES_TRUSTED_PROXIES cannot be read."""


def proxy_count(raw: str | None = None) -> int:
    raw = os.environ.get("OUTCOMES_PROXY_COUNT", "0") if raw is None else raw
    try:
        count = int(raw.strip() or 0)
    except ValueError:
        raise ProxySettingError(
            f"OUTCOMES_PROXY_COUNT={raw!r}: give a whole number (1 behind one nginx)"
        ) from None
    if not 0 <= count <= 5:
        raise ProxySettingError(f"OUTCOMES_PROXY_COUNT={raw!r}: between 0 and 5")
    return count


def trusted_networks(raw: str | None = None) -> tuple[Network, ...]:
    raw = os.environ.get("OUTCOMES_TRUSTED_PROXIES", DEFAULT_TRUSTED) if raw is None else raw
    out = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            out.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ProxySettingError(
                f"OUTCOMES_TRUSTED_PROXIES: {item!r} is not an address or network (e.g. 127.0.0.1, 10.0.0.0/8)"
            ) from None
    return tuple(out)


def is_trusted(peer: str | None, networks: Iterable[Network]) -> bool:
    try:
        address = ipaddress.ip_address((peer or "").split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in net for net in networks)


class TrustedProxyFix:
    """``ProxyFix`` applied only to requests whose TCP peer is a trusted proxy; any other
    request loses its forwarded headers (and is counted at its own address)."""

    WARN_PEERS = 100  # distinct untrusted peers warned about, then silence (bounded memory)

    def __init__(self, app: Callable, hops: int, networks: tuple[Network, ...]) -> None:
        self.app = app
        self.fixed = ProxyFix(app, x_for=hops, x_proto=hops)
        self.networks = networks
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable):
        peer = environ.get("REMOTE_ADDR")
        if is_trusted(peer, self.networks):
            return self.fixed(environ, start_response)
        forwarded = [h for h in FORWARDED if h in environ]
        if forwarded:
            for header in forwarded:
                del environ[header]
            self._warn(str(peer))
        return self.app(environ, start_response)

    def _warn(self, peer: str) -> None:
        with self._lock:
            if peer in self._warned or len(self._warned) >= self.WARN_PEERS:
                return
            self._warned.add(peer)
        log.warning(
            "forwarded headers from %s ignored: not a trusted proxy (OUTCOMES_TRUSTED_PROXIES); "
            "gunicorn should be reachable only from the proxy",
            peer,
        )


def behind_proxies(wsgi_app: Callable) -> Callable:
    """``wsgi_app`` reading the client's address from the trusted proxy (unchanged without one)."""
    hops = proxy_count()
    if hops == 0:
        return wsgi_app
    networks = trusted_networks()
    log.info("behind %d proxy hop(s); trusted proxies: %s", hops, ", ".join(map(str, networks)))
    return TrustedProxyFix(wsgi_app, hops, networks)


def client_id() -> str:
    """The client of the current request, as the limits count it (its address)."""
    from flask import request

    return request.remote_addr or "?"
