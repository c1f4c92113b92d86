"""The TLS settings of every HTTPS request Minga makes to another host.

Pure module (no Django), so that `minga log monitor`, which runs without any configuration,
shares it. Other hosts are reached for did:web documents, status lists, witness cosignatures
and key hand-overs, log monitoring and the SMS provider's API; all of them verify the server's
certificate against one set of certificate authorities: the system's store by default, or the
PEM file named by MINGA_TLS_CA_BUNDLE (a federation whose instances carry certificates from
its own authority names that authority there). The file replaces the system's store, as
curl's ``--cacert`` does: to trust both, concatenate them into one file.
"""

from __future__ import annotations

import functools
import ipaddress
import ssl
from collections.abc import Iterable

__all__ = ["CA_BUNDLE_VARIABLE", "client_context", "parse_networks"]

CA_BUNDLE_VARIABLE = "MINGA_TLS_CA_BUNDLE"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def client_context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """A client context that checks certificates and host names against ``ca_bundle``
    (a PEM file of CA certificates), or the system's store when it is empty.

    One context per bundle and process: loading a bundle parses every certificate in it.
    Raises OSError or ssl.SSLError when the file cannot be read as PEM certificates.
    """
    if not ca_bundle:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=ca_bundle)


def parse_networks(items: Iterable[str]) -> tuple[Network, ...]:
    """Networks in CIDR notation (``10.231.0.0/24``, ``fd00::/8``); ValueError on a bad one."""
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items)
