"""DID Core syntax and the error names of DID resolution.

Pure module (no Django), shared by the did:key and did:web code. Resolution
problems are raised as :class:`DidError` subclasses whose ``code`` is the error
name that the DID resolution and did:key specifications define
(``invalidDid``, ``notFound``...), so a caller can hand that name to another
resolver, print it from the command line, or put it in resolution metadata
without a translation table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "DID_CONTEXT",
    "MAX_DID_LENGTH",
    "MULTIKEY_CONTEXT",
    "DidError",
    "DidUrl",
    "InternalError",
    "InvalidDid",
    "InvalidDidDocument",
    "InvalidDidUrl",
    "InvalidPublicKey",
    "InvalidPublicKeyLength",
    "InvalidPublicKeyType",
    "MethodNotSupported",
    "NotFound",
    "RepresentationNotSupported",
    "UnsupportedPublicKeyType",
    "parse_did",
    "parse_did_url",
]

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"

# No DID we produce or accept comes near this; the cap keeps hostile input from
# reaching the quadratic base58 decoder or the network layer.
MAX_DID_LENGTH = 2048


class DidError(ValueError):
    """A DID could not be resolved or dereferenced; ``code`` is the spec's error name."""

    code = "internalError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class InvalidDid(DidError):
    """The input does not conform to DID syntax or to the method's own rules."""

    code = "invalidDid"


class InvalidDidUrl(DidError):
    """The DID URL does not conform to DID URL syntax."""

    code = "invalidDidUrl"


class MethodNotSupported(DidError):
    """The DID method is not one this resolver knows."""

    code = "methodNotSupported"


class NotFound(DidError):
    """The DID document (or the fragment asked for) does not exist."""

    code = "notFound"


class InvalidPublicKey(DidError):
    """The key bytes have the right length but are not a usable key (not on the curve)."""

    code = "invalidPublicKey"


class InvalidPublicKeyLength(DidError):
    """The raw key is not as long as its multicodec type says."""

    code = "invalidPublicKeyLength"


class InvalidPublicKeyType(DidError):
    """The verification method type is known but not allowed without experimental types."""

    code = "invalidPublicKeyType"


class UnsupportedPublicKeyType(DidError):
    """The key type (multicodec or verification method format) is not implemented here."""

    code = "unsupportedPublicKeyType"


class RepresentationNotSupported(DidError):
    """The representation asked for (or served by a remote host) is not JSON."""

    code = "representationNotSupported"


class InvalidDidDocument(DidError):
    """A fetched DID document is malformed or describes a different DID."""

    code = "invalidDidDocument"


class InternalError(DidError):
    """Resolution failed for a reason outside the DID itself (network, timeout, server)."""

    code = "internalError"


# DID Core, section 3.1: did = "did:" method-name ":" method-specific-id
# method-name = 1*method-char ; method-char = %x61-7A / DIGIT
# method-specific-id = *( *idchar ":" ) 1*idchar
# idchar = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded
_IDCHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
_DID_RE = re.compile(rf"did:(?P<method>[a-z0-9]+):(?P<msi>(?:{_IDCHAR}*:)*{_IDCHAR}+)")
# RFC 3986 pchar, and query / fragment characters.
_PCHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"
_PATH_RE = re.compile(rf"(?:/{_PCHAR}*)*")
_QUERY_RE = re.compile(rf"(?:{_PCHAR}|[/?])*")


def parse_did(did: object) -> tuple[str, str]:
    """Split a DID into (method, method-specific id), raising InvalidDid if it is not one.

    A DID URL (with a path, query or fragment) is not a DID: resolution takes
    DIDs only, dereferencing takes DID URLs (see :func:`parse_did_url`).
    """
    if not isinstance(did, str):
        raise InvalidDid("A DID must be a string.")
    if len(did) > MAX_DID_LENGTH:
        raise InvalidDid(f"A DID longer than {MAX_DID_LENGTH} characters is not accepted.")
    match = _DID_RE.fullmatch(did)
    if match is None:
        raise InvalidDid(f"{did!r} is not a DID (did:<method>:<method-specific-id>).")
    return match["method"], match["msi"]


@dataclass(frozen=True)
class DidUrl:
    """A parsed DID URL: the DID plus optional path, query and fragment."""

    did: str
    method: str
    method_specific_id: str
    path: str = ""
    query: str | None = None
    fragment: str | None = None

    def __str__(self) -> str:
        text = self.did + self.path
        if self.query is not None:
            text += "?" + self.query
        if self.fragment is not None:
            text += "#" + self.fragment
        return text


def parse_did_url(did_url: object) -> DidUrl:
    """Parse a DID URL, raising InvalidDidUrl when its syntax is wrong.

    A bare DID is a valid DID URL too (with no path, query or fragment).
    """
    if not isinstance(did_url, str):
        raise InvalidDidUrl("A DID URL must be a string.")
    if len(did_url) > MAX_DID_LENGTH:
        raise InvalidDidUrl(f"A DID URL longer than {MAX_DID_LENGTH} characters is not accepted.")
    rest, hash_sign, fragment = did_url.partition("#")
    rest, question_mark, query = rest.partition("?")
    slash = rest.find("/")
    did, path = (rest, "") if slash < 0 else (rest[:slash], rest[slash:])
    try:
        method, msi = parse_did(did)
    except InvalidDid as exc:
        raise InvalidDidUrl(exc.message) from None
    if not _PATH_RE.fullmatch(path):
        raise InvalidDidUrl(f"The path of {did_url!r} is not a valid URL path.")
    if question_mark and not _QUERY_RE.fullmatch(query):
        raise InvalidDidUrl(f"The query of {did_url!r} is not a valid URL query.")
    if hash_sign and not _QUERY_RE.fullmatch(fragment):
        raise InvalidDidUrl(f"The fragment of {did_url!r} is not a valid URL fragment.")
    return DidUrl(
        did=did,
        method=method,
        method_specific_id=msi,
        path=path,
        query=query if question_mark else None,
        fragment=fragment if hash_sign else None,
    )
