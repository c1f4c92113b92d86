"""Who is asking: the client's address, read through the reverse proxies we trust.

Behind the reverse proxy production runs, every request comes from the proxy's address: a
throttle counting per address then counted everyone together (20 failed sign-ins from one
person locked out another typing the right password), and the callback allow-list saw only the
proxy. `X-Forwarded-For` is what a proxy adds, but anyone can send the header: it is read only
when the connection itself comes from a proxy in `MINGA_TRUSTED_PROXIES` (addresses or
networks). Read from the right, each hop added by a trusted proxy is stepped over; the first
address that is not a trusted proxy is the client. A request that did not come through a
trusted proxy is its own client, whatever its headers say.

(django-ipware judges the header by the proxy addresses it contains, not by the peer the
connection comes from, so a client reaching the server directly could forge the chain: this
small function is the rule we need, and nothing else.)
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in configured)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.MINGA_TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    """The client's IP address as text ("" when none can be told)."""
    peer = request.META.get("REMOTE_ADDR", "")
    if not _trusted(peer):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a garbled chain: stop at what we know
        if not _trusted(hop):
            return hop
    return hops[0] if hops else peer
