"""Resolve any supported DID: did:key offline, this instance's did:web from the database,
other hosts' did:web over HTTPS.

One shared :class:`~minga.identity.didweb.WebResolver` per process, so its cache
serves every caller (the ``did`` command, credential verification...).
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings

from . import didkey, didweb
from .didcore import MethodNotSupported, parse_did
from .dids import local_path
from .queries import local_document


@functools.cache
def _remote(timeout: int, cache_seconds: int) -> didweb.WebResolver:
    return didweb.WebResolver(timeout=timeout, cache_ttl=cache_seconds)


def remote_resolver() -> didweb.WebResolver:
    """The process-wide resolver for other hosts, configured from settings."""
    return _remote(settings.MINGA_DID_RESOLVE_TIMEOUT, settings.MINGA_DID_CACHE_SECONDS)


def resolve(did: str) -> dict[str, Any]:
    """The DID document of ``did``; a DidError (with the spec's error name) otherwise."""
    method, _ = parse_did(did)
    if method == "key":
        return didkey.resolve(did)
    if method == "web":
        didweb.did_to_url(did)  # syntax first: a bad DID never reaches the database
        if local_path(did) is not None:
            return local_document(did)
        return remote_resolver().resolve(did)
    raise MethodNotSupported(f"did:{method} is not supported (did:key and did:web are).")
