"""Resolve any supported DID: did:key offline, this instance's did:web from the database,
other hosts' did:web over HTTPS.

One shared :class:`~minga.identity.didweb.WebResolver` per process, so its cache
serves every caller (the ``did`` command, credential verification...).
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings

from minga.core.tls import Network, client_context

from . import didkey, didweb
from .didcore import (
    DidError,
    InvalidDid,
    InvalidDidDocument,
    MethodNotSupported,
    NotFound,
    parse_did,
)
from .dids import local_path
from .queries import local_document


@functools.cache
def _remote(
    timeout: int, cache_seconds: int, ca_bundle: str, networks: tuple[Network, ...]
) -> didweb.WebResolver:
    return didweb.WebResolver(
        timeout=timeout,
        cache_ttl=cache_seconds,
        fetch=functools.partial(didweb.fetch_https, context=client_context(ca_bundle)),
        check_host=functools.partial(didweb._check_public_host, allowed=networks),
    )


def remote_resolver() -> didweb.WebResolver:
    """The process-wide resolver for other hosts, configured from settings: the time and cache
    limits, the certificate authorities trusted (MINGA_TLS_CA_BUNDLE) and the private networks
    where the federation's instances may live (MINGA_FEDERATION_NETWORKS)."""
    return _remote(
        settings.MINGA_DID_RESOLVE_TIMEOUT,
        settings.MINGA_DID_CACHE_SECONDS,
        settings.MINGA_TLS_CA_BUNDLE,
        tuple(settings.MINGA_FEDERATION_NETWORKS),
    )


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
    if method == "webvh":
        return _resolve_webvh(did)
    raise MethodNotSupported(f"did:{method} is not supported (did:key, did:web and did:webvh are).")


LOG_MAX_BYTES = 4 * 1024 * 1024


def _resolve_webvh(did: str) -> dict[str, Any]:
    """This instance's did:webvh from its rows; another host's from its ``did.jsonl`` (and
    ``did-witness.json``) over HTTPS, every entry verified by the did-webvh resolver."""
    from . import didlogs, webvh

    try:
        _, web = webvh.webvh_to_web(did)
        base = didweb.did_to_url(web).removesuffix("did.json")
    except (ValueError, DidError) as error:
        raise InvalidDid(str(error)) from None
    if local_path(web) is not None:
        document = didlogs.local_webvh_document(did)
        if document is None:
            raise NotFound(f"{did} is not a DID of this instance.")
        return document
    fetcher = remote_resolver()
    lines = fetcher.fetch(web, base + "did.jsonl", max_bytes=LOG_MAX_BYTES).decode()
    try:
        witness: str | None = fetcher.fetch(web, base + "did-witness.json").decode()
    except NotFound:
        witness = None
    try:
        document, _ = webvh.resolve_log(did, lines.splitlines(), witness)
    except webvh.LogError as error:
        raise InvalidDidDocument(f"The did:webvh log of {did} does not verify: {error}") from None
    return document
