"""did:web: the DID <-> HTTPS URL mapping, DID documents, and a resolver for other hosts.

Pure module (no Django). A did:web names a DID document served over HTTPS by
the host in the DID: ``did:web:example.org`` lives at
``https://example.org/.well-known/did.json`` and
``did:web:example.org%3A8443:coops:kahawa`` at
``https://example.org:8443/coops/kahawa/did.json``. The method specification
forbids IP addresses (a DID is bound to a domain's TLS certificate) and asks for
the port's colon to be percent-encoded, so it cannot be read as a path
separator.

Resolving another host's DID is a network call made on behalf of whoever typed
the DID, so :class:`WebResolver` talks HTTPS only, follows redirects only to
HTTPS, bounds time and size, refuses hosts that resolve to private or loopback
addresses, and keeps a small time-limited cache so that verifying a batch of
credentials from one cooperative costs one request.
"""

from __future__ import annotations

import copy
import http.client
import ipaddress
import json
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from cachetools import TTLCache

from .didcore import (
    DID_CONTEXT,
    MULTIKEY_CONTEXT,
    DidError,
    InternalError,
    InvalidDid,
    InvalidDidDocument,
    MethodNotSupported,
    NotFound,
    parse_did,
)
from .didkey import encode_multikey

__all__ = [
    "PublishedKey",
    "WebResolver",
    "build_document",
    "did_for_host",
    "did_from_public_url",
    "did_to_url",
    "fetch_https",
    "url_to_did",
]

_LABEL_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_PORT_RE = re.compile(r"[0-9]{1,5}")
_PORT_SEPARATOR_RE = re.compile(r"%3[Aa]")
_SEGMENT_RE = re.compile(r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+")


@dataclass(frozen=True)
class _Location:
    host: str
    port: int | None
    path: tuple[str, ...]


def _check_host(host: str) -> str:
    """Validate a DNS host name (RFC 1035/1123 letters, digits, hyphens) that is not an IP."""
    if not host or len(host) > 253:
        raise InvalidDid("A did:web host must be a domain name of 1 to 253 characters.")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise InvalidDid("A did:web must name a domain, not an IP address.")
    labels = host.rstrip(".").split(".")
    if not all(_LABEL_RE.fullmatch(label) for label in labels):
        raise InvalidDid(f"{host!r} is not a valid domain name.")
    if labels[-1].isdigit():
        # "127.1" and friends are IP addresses to most resolvers.
        raise InvalidDid("A did:web must name a domain, not an IP address.")
    return host.lower()


def _check_port(port: str | int) -> int:
    if isinstance(port, str) and not _PORT_RE.fullmatch(port):
        raise InvalidDid(f"{port!r} is not a port number.")
    number = int(port)
    if not 1 <= number <= 65535:
        raise InvalidDid(f"{number} is not a port number.")
    return number


def _check_segment(segment: str) -> str:
    if not _SEGMENT_RE.fullmatch(segment):
        raise InvalidDid(f"{segment!r} is not a valid did:web path segment.")
    decoded = unquote(segment)
    if decoded in {".", ".."} or "/" in decoded or "\\" in decoded:
        raise InvalidDid(f"{segment!r} would escape its place in the URL path.")
    return segment


def _parse(did: object) -> _Location:
    method, msi = parse_did(did)
    if method != "web":
        raise MethodNotSupported(f"did:{method} is not did:web.")
    authority, *segments = msi.split(":")
    host, *port = _PORT_SEPARATOR_RE.split(authority, maxsplit=1)
    if "%" in host:
        raise InvalidDid("Only the port separator (%3A) may be percent-encoded in a did:web host.")
    return _Location(
        host=_check_host(host),
        port=_check_port(port[0]) if port else None,
        path=tuple(_check_segment(segment) for segment in segments),
    )


def did_to_url(did: object) -> str:
    """The HTTPS URL of a did:web's DID document (did:web "Read", steps 1 to 5)."""
    location = _parse(did)
    authority = location.host if location.port is None else f"{location.host}:{location.port}"
    path = "/".join(location.path) if location.path else ".well-known"
    return f"https://{authority}/{path}/did.json"


def did_for_host(host: str, port: int | None = None, path: Sequence[str] = ()) -> str:
    """Build a did:web from its parts, percent-encoding the port separator."""
    authority = _check_host(host)
    if port is not None:
        authority += f"%3A{_check_port(port)}"
    return ":".join(["did:web", authority, *(_check_segment(s) for s in path)])


def url_to_did(url: str) -> str:
    """The did:web whose document lives at an HTTPS URL ending in ``/did.json``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise InvalidDid(f"{url!r} is not a URL.") from None
    if parts.scheme != "https":
        raise InvalidDid("A did:web document is served over HTTPS only.")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidDid("A did:web document URL has no query, fragment or user name.")
    try:
        port = parts.port
    except ValueError:
        raise InvalidDid(f"{url!r} has an invalid port.") from None
    if not parts.path.endswith("/did.json"):
        raise InvalidDid("A did:web document URL ends in /did.json.")
    segments = parts.path.removesuffix("/did.json").strip("/").split("/")
    if segments == [".well-known"] or segments == [""]:
        segments = []
    if port == 443:
        port = None
    return did_for_host(parts.hostname or "", port, segments)


def did_from_public_url(public_url: str, *path: str) -> str:
    """The did:web of a page under this instance's public URL (port kept unless default).

    Development instances run on ``http://localhost:8000``: their DIDs are
    well formed (``did:web:localhost%3A8000``) and resolve from the database,
    even though no other host could fetch them over HTTPS.
    """
    parts = urlsplit(public_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"{public_url!r} is not an http(s) URL with a host.")
    if parts.path not in {"", "/"}:
        raise ValueError("The public URL must be the root of a host (did:web needs /.well-known).")
    port = parts.port
    if port == {"http": 80, "https": 443}[parts.scheme]:
        port = None
    return did_for_host(parts.hostname, port, path)


@dataclass(frozen=True)
class PublishedKey:
    """A public key to publish in a DID document; inactive keys were rotated out."""

    public_key: bytes
    is_active: bool = True


def build_document(
    did: str,
    keys: Iterable[PublishedKey],
    *,
    services: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A DID document with one Multikey verification method per key.

    Active keys sign and authenticate. Rotated keys stay as verification methods
    *and* in ``assertionMethod``: a verifier checks that the key behind an old
    credential or checkpoint is an assertion method of its issuer, and rotating a
    key must not void everything it signed. They leave ``authentication`` and
    ``capabilityInvocation``, so nobody can act as the cooperative with them.
    A key that must stop verifying (a compromise) is removed, not rotated.
    The fragment is the Multikey itself: stable, unique, and self-describing.
    """
    _parse(did)
    methods: list[dict[str, Any]] = []
    assertion: list[str] = []
    active: list[str] = []
    for key in keys:
        multikey = encode_multikey(key.public_key)
        method_id = f"{did}#{multikey}"
        methods.append(
            {
                "id": method_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multikey,
            }
        )
        assertion.append(method_id)
        if key.is_active:
            active.append(method_id)
    document: dict[str, Any] = {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "authentication": active,
        "assertionMethod": assertion,
        "capabilityInvocation": active,
    }
    if services:
        document["service"] = [dict(service) for service in services]
    return document


class _HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but never from HTTPS down to plain HTTP (or anything else)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme != "https":
            raise InternalError(f"Refusing a redirect away from HTTPS to {newurl!r}.")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_https(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    context: ssl.SSLContext | None = None,
) -> bytes:
    """GET an HTTPS URL, returning at most ``max_bytes`` of body or raising a DidError."""
    if urlsplit(url).scheme != "https":
        raise InvalidDid("A did:web document is fetched over HTTPS only.")
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=context or ssl.create_default_context()),
        _HttpsOnlyRedirects(),
    )
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, headers={"Accept": "application/did+json, application/json", "User-Agent": "Minga"}
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            body = response.read(max_bytes + 1)
            missing = getattr(response, "length", None)
            if len(body) <= max_bytes and missing:
                raise InternalError(f"{url} closed the connection before the end of the document.")
    except urllib.error.HTTPError as exc:
        if exc.code in {404, 410}:
            raise NotFound(f"{url} answered HTTP {exc.code}.") from None
        raise InternalError(f"{url} answered HTTP {exc.code}.") from None
    except DidError:
        raise
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InternalError(f"Could not fetch {url}: {reason}.") from None
    if len(body) > max_bytes:
        raise InvalidDidDocument(f"The DID document at {url} is larger than {max_bytes} bytes.")
    return body


def _check_public_host(
    host: str, allowed: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network] = ()
) -> None:
    """Refuse hosts whose addresses are private, loopback or link-local, unless in ``allowed``.

    A resolver that fetches whatever DID it is handed is an open door into the
    network it runs in; this closes it for the common case (the name could still
    change between this look-up and the connection, which TLS then has to
    catch). ``allowed`` names the private networks where trusted peers live (the
    instances of a federation linked over a private network).
    """
    try:
        infos = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise NotFound(f"{host} does not resolve: {exc}.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global and not any(address in network for network in allowed):
            raise InternalError(f"{host} resolves to a non-public address; not fetched.")


class WebResolver:
    """Resolve did:web DIDs of other hosts over HTTPS, with a timeout and a small cache.

    ``fetch`` (url, timeout, max_bytes) -> bytes is injectable so tests and
    callers with their own HTTP client need no network; successful results are
    cached for ``cache_ttl`` seconds, at most ``cache_size`` of them.
    """

    def __init__(
        self,
        *,
        timeout: float = 5.0,
        cache_ttl: float = 300.0,
        cache_size: int = 128,
        max_bytes: int = 256 * 1024,
        fetch: Callable[..., bytes] | None = None,
        check_host: Callable[[str], None] | None = _check_public_host,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self.cache_ttl = cache_ttl
        self.cache_size = cache_size
        self.max_bytes = max_bytes
        self._fetch = fetch or fetch_https
        self._check_host = check_host
        # Least recently used out first once full; each document forgotten `cache_ttl` after
        # it was fetched. The lock: cachetools' caches are not safe across threads.
        self._cache: TTLCache[str, dict[str, Any]] = TTLCache(cache_size, cache_ttl, timer=clock)
        self._lock = threading.Lock()

    def resolve(self, did: str) -> dict[str, Any]:
        """The DID document of ``did``, from the cache or from its host."""
        url = did_to_url(did)
        with self._lock:
            cached = self._cache.get(did)
        if cached is not None:
            return copy.deepcopy(cached)
        if self._check_host is not None:
            self._check_host(_parse(did).host)
        body = self._fetch(url, timeout=self.timeout, max_bytes=self.max_bytes)
        document = parse_document(did, body)
        with self._lock:
            self._cache[did] = document
        return copy.deepcopy(document)

    def fetch(self, did: str, url: str, *, max_bytes: int | None = None) -> bytes:
        """GET ``url`` on ``did``'s host with this resolver's checks and limits (no cache):
        the did:webvh log and witness file beside a did:web document."""
        if self._check_host is not None:
            self._check_host(_parse(did).host)
        return self._fetch(url, timeout=self.timeout, max_bytes=max_bytes or self.max_bytes)

    def clear(self) -> None:
        """Forget every cached document."""
        with self._lock:
            self._cache.clear()


def parse_document(did: str, body: bytes) -> dict[str, Any]:
    """Parse a fetched DID document and check that it describes ``did``."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise InvalidDidDocument(f"The DID document of {did} is not JSON.") from None
    if not isinstance(document, dict):
        raise InvalidDidDocument(f"The DID document of {did} is not a JSON object.")
    if document.get("id") != did:
        raise InvalidDidDocument(f"The document served for {did} describes {document.get('id')!r}.")
    return document
