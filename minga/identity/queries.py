"""Reads: DID documents of this instance, built from the keys table."""

from __future__ import annotations

from typing import Any

from minga.coops.models import Cooperative

from . import didkey, didweb
from .didcore import NotFound
from .dids import coop_did, local_path, platform_did
from .keys import ensure_platform_key
from .models import Key


def _published(keys: list[Key]) -> list[didweb.PublishedKey]:
    return [
        didweb.PublishedKey(didkey.decode_multikey(k.public_key_multibase), k.is_active)
        for k in keys
    ]


def platform_document() -> dict[str, Any]:
    """The platform's DID document: every platform key, rotated ones included."""
    ensure_platform_key()
    keys = list(Key.objects.filter(coop__isnull=True))
    return didweb.build_document(platform_did(), _published(keys))


def coop_document(coop: Cooperative) -> dict[str, Any]:
    """A cooperative's DID document: every key it ever had, rotated ones included."""
    return didweb.build_document(coop_did(coop), _published(list(coop.keys.all())))


def local_document(did: str) -> dict[str, Any]:
    """The DID document of one of this instance's DIDs, from the database."""
    path = local_path(did)
    if path == []:
        return platform_document()
    if path is not None and len(path) == 2 and path[0] == "coops":
        coop = Cooperative.objects.filter(slug=path[1]).first()
        if coop is not None:
            return coop_document(coop)
    raise NotFound(f"{did} is not a DID of this instance.")
