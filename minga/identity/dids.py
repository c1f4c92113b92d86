"""The DIDs of this instance, derived from MINGA_PUBLIC_URL (settings only, no queries)."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from . import didweb

if TYPE_CHECKING:
    from minga.coops.models import Cooperative


def public_url() -> str:
    """MINGA_PUBLIC_URL, with a loopback IP read as ``localhost``.

    did:web forbids IP addresses, and the development default is
    ``http://127.0.0.1:8000``; ``localhost`` names the same machine.
    """
    parts = urlsplit(settings.MINGA_PUBLIC_URL)
    try:
        is_loopback = ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        is_loopback = False
    if not is_loopback:
        return settings.MINGA_PUBLIC_URL
    netloc = "localhost" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def platform_did() -> str:
    """``did:web:<host>`` of this instance (port percent-encoded)."""
    return didweb.did_from_public_url(public_url())


def coop_did(coop: Cooperative | str) -> str:
    """``did:web:<host>:coops:<slug>`` of a cooperative (or of a slug)."""
    slug = coop if isinstance(coop, str) else coop.slug
    return didweb.did_from_public_url(public_url(), "coops", slug)


def local_path(did: str) -> list[str] | None:
    """The path segments of a did:web of this instance, or None when it names another host.

    Host names compare without case; the platform's own DID has no segments.
    """
    own = platform_did().lower()
    lowered = did.lower()
    if lowered == own:
        return []
    if lowered.startswith(own + ":"):
        return did[len(own) + 1 :].split(":")
    return None
