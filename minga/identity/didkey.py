"""did:key for Ed25519, and the Multikey encoding it is built on.

Pure module (no Django). A did:key *is* its public key: ``did:key:`` followed by
the multibase base58btc (``z``) encoding of the multicodec ``ed25519-pub``
(0xed, varint ``ed 01``) header and the 32 raw key bytes. Resolving one needs no
network, which is why members without a web host of their own (and verifiers
without a connection) can rely on it.

The DID document derivation follows the did:key method specification: one
signature verification method (used for authentication, assertion and
capabilities) and, unless disabled, an X25519 key agreement key derived from the
Ed25519 key by the birational map of RFC 7748, so that the same identifier can
receive encrypted messages. Four verification method formats are offered, the
default being ``Multikey``; the older ``Ed25519VerificationKey2018`` exists to
match published documents and needs ``enable_experimental_public_key_types``.

Every failure raises a :class:`~minga.identity.didcore.DidError` carrying the
spec's error name; nothing else escapes, whatever the input.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import base58

from .didcore import (
    DID_CONTEXT,
    MULTIKEY_CONTEXT,
    DidError,
    InvalidDid,
    InvalidDidUrl,
    InvalidPublicKey,
    InvalidPublicKeyLength,
    InvalidPublicKeyType,
    MethodNotSupported,
    NotFound,
    UnsupportedPublicKeyType,
    parse_did,
    parse_did_url,
)

__all__ = [
    "ED25519_PUB",
    "PUBLIC_KEY_FORMATS",
    "X25519_PUB",
    "decode_multibase",
    "decode_multikey",
    "dereference",
    "did_key_from_public_key",
    "ed25519_to_x25519_public_key",
    "encode_multibase",
    "encode_multikey",
    "public_key_from_did_key",
    "resolve",
    "verification_method_id",
]

ED25519_PUB = 0xED
X25519_PUB = 0xEC
_KEY_LENGTHS = {ED25519_PUB: 32, X25519_PUB: 32}

# "z" + base58btc of 34 bytes is at most 48 characters; anything much longer is
# refused before the (quadratic) base58 decoder sees it.
_MAX_MULTIBASE_LENGTH = 128
_BASE58BTC_RE = re.compile(r"z[1-9A-HJ-NP-Za-km-z]+")

ED25519_2018_CONTEXT = "https://w3id.org/security/suites/ed25519-2018/v1"
X25519_2019_CONTEXT = "https://w3id.org/security/suites/x25519-2019/v1"
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
X25519_2020_CONTEXT = "https://w3id.org/security/suites/x25519-2020/v1"
JWS_2020_CONTEXT = "https://w3id.org/security/suites/jws-2020/v1"

# format -> (contexts for the signing key, contexts for the key agreement key,
#            signing key type, key agreement key type, experimental?)
PUBLIC_KEY_FORMATS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str, str, bool]] = {
    "Multikey": ((MULTIKEY_CONTEXT,), (), "Multikey", "Multikey", False),
    "Ed25519VerificationKey2020": (
        (ED25519_2020_CONTEXT,),
        (X25519_2020_CONTEXT,),
        "Ed25519VerificationKey2020",
        "X25519KeyAgreementKey2020",
        False,
    ),
    "JsonWebKey2020": ((JWS_2020_CONTEXT,), (), "JsonWebKey2020", "JsonWebKey2020", False),
    "Ed25519VerificationKey2018": (
        (ED25519_2018_CONTEXT,),
        (X25519_2019_CONTEXT,),
        "Ed25519VerificationKey2018",
        "X25519KeyAgreementKey2019",
        True,
    ),
}

# Formats whose documents list the key agreement key among the verification
# methods (as in the did:key test vectors) instead of embedding it.
_REFERENCED_AGREEMENT = frozenset({"Ed25519VerificationKey2018", "JsonWebKey2020"})

# Curve25519 constants (RFC 8032 section 5.1, RFC 7748 section 4.1).
_P = 2**255 - 19
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def encode_multibase(data: bytes) -> str:
    """Multibase base58btc: ``z`` followed by the base58 (bitcoin alphabet) text."""
    return "z" + base58.b58encode(data).decode("ascii")


def decode_multibase(value: object, *, error: type[DidError] = InvalidPublicKey) -> bytes:
    """Decode a multibase base58btc string; any other base raises ``error``."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise error("Only multibase base58btc values (starting with 'z') are supported.")
    if len(value) > _MAX_MULTIBASE_LENGTH:
        raise InvalidPublicKeyLength(
            f"A {len(value)}-character multibase value is longer than any supported key."
        )
    if not _BASE58BTC_RE.fullmatch(value):
        raise error(f"{value!r} is not valid base58btc.")
    return base58.b58decode(value[1:])


def _encode_varint(number: int) -> bytes:
    out = bytearray()
    while True:
        byte = number & 0x7F
        number >>= 7
        if number:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _decode_varint(data: bytes, *, error: type[DidError]) -> tuple[int, int]:
    """Read an unsigned varint (multiformats: at most 9 bytes, minimally encoded)."""
    number = 0
    for index, byte in enumerate(data[:9]):
        number |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if byte == 0 and index > 0:
                raise error("The multicodec header is not minimally encoded.")
            return number, index + 1
    raise error("The multicodec header is truncated or too long.")


def encode_multikey(public_key: bytes, *, codec: int = ED25519_PUB) -> str:
    """Multikey ``publicKeyMultibase`` text for a raw Ed25519 (or X25519) public key."""
    expected = _KEY_LENGTHS.get(codec)
    if expected is None:
        raise UnsupportedPublicKeyType(f"Multicodec 0x{codec:x} is not supported.")
    if len(public_key) != expected:
        raise InvalidPublicKeyLength(
            f"A key of multicodec 0x{codec:x} has {expected} bytes, not {len(public_key)}."
        )
    return encode_multibase(_encode_varint(codec) + bytes(public_key))


def _decode_key(value: object, *, codec: int, error: type[DidError]) -> bytes:
    data = decode_multibase(value, error=error)
    found, header_length = _decode_varint(data, error=error)
    if found != codec:
        raise UnsupportedPublicKeyType(
            f"Multicodec 0x{found:x} is not supported here (expected 0x{codec:x})."
        )
    raw = data[header_length:]
    if len(raw) != _KEY_LENGTHS[codec]:
        raise InvalidPublicKeyLength(
            f"A key of multicodec 0x{codec:x} has {_KEY_LENGTHS[codec]} bytes, not {len(raw)}."
        )
    if codec == ED25519_PUB:
        _ed25519_y(raw)
    return raw


def decode_multikey(value: object, *, codec: int = ED25519_PUB) -> bytes:
    """Raw public key bytes from a Multikey value, checked against ``codec``.

    Ed25519 keys are also checked to be a point on the curve, so a document
    cannot publish bytes that no signature could ever verify against.
    """
    return _decode_key(value, codec=codec, error=InvalidPublicKey)


def _ed25519_y(public_key: bytes) -> int:
    """The y coordinate of an encoded Ed25519 point, after checking it decodes (RFC 8032)."""
    encoded = int.from_bytes(public_key, "little")
    sign = encoded >> 255
    y = encoded & ((1 << 255) - 1)
    if y >= _P:
        raise InvalidPublicKey("The Ed25519 key is not canonically encoded.")
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        raise InvalidPublicKey("The Ed25519 key is not a point on the curve.")
    if x == 0 and sign:
        raise InvalidPublicKey("The Ed25519 key is not canonically encoded.")
    return y


def ed25519_to_x25519_public_key(public_key: bytes) -> bytes:
    """The X25519 public key birationally equivalent to an Ed25519 one: u = (1 + y) / (1 - y).

    The identity point (y = 1) has no X25519 counterpart and is refused.
    """
    if len(public_key) != 32:
        raise InvalidPublicKeyLength(f"An Ed25519 key has 32 bytes, not {len(public_key)}.")
    y = _ed25519_y(public_key)
    if y == 1:
        raise InvalidPublicKey("The Ed25519 identity point has no key agreement key.")
    u = (1 + y) * pow(1 - y, _P - 2, _P) % _P
    return u.to_bytes(32, "little")


def did_key_from_public_key(public_key: bytes) -> str:
    """The did:key for a raw 32-byte Ed25519 public key."""
    multikey = encode_multikey(public_key)
    _ed25519_y(bytes(public_key))  # refuse bytes that are not a point on the curve
    return "did:key:" + multikey


def _split_did_key(did: object) -> tuple[str, str]:
    """Check a did:key's syntax and return (did, multibase value)."""
    method, msi = parse_did(did)
    if method != "key":
        raise MethodNotSupported(f"did:{method} is not did:key.")
    parts = msi.split(":")
    if len(parts) == 2:
        version, multibase_value = parts
        if not version.isdigit() or int(version) < 1:
            raise InvalidDid(f"The did:key version {version!r} is not a positive integer.")
    elif len(parts) == 1:
        multibase_value = parts[0]
    else:
        raise InvalidDid("A did:key has the form did:key[:version]:<multibase value>.")
    if not multibase_value.startswith("z"):
        raise InvalidDid("The did:key multibase value must start with 'z' (base58btc).")
    assert isinstance(did, str)
    return did, multibase_value


def public_key_from_did_key(did: object) -> bytes:
    """The raw Ed25519 public key a did:key stands for."""
    _, multibase_value = _split_did_key(did)
    return _decode_key(multibase_value, codec=ED25519_PUB, error=InvalidDid)


def verification_method_id(did: str) -> str:
    """The DID URL of a did:key's signing key (the fragment repeats the key)."""
    _, multibase_value = _split_did_key(did)
    return f"{did}#{multibase_value}"


def _method(
    did: str, fragment: str, vm_type: str, public_key: bytes, codec: int, public_key_format: str
) -> dict[str, Any]:
    method: dict[str, Any] = {"id": f"{did}#{fragment}", "type": vm_type, "controller": did}
    if public_key_format == "JsonWebKey2020":
        curve = "Ed25519" if codec == ED25519_PUB else "X25519"
        x = base64.urlsafe_b64encode(public_key).rstrip(b"=").decode("ascii")
        method["publicKeyJwk"] = {"crv": curve, "kty": "OKP", "x": x}
    elif public_key_format == "Ed25519VerificationKey2018":
        method["publicKeyBase58"] = base58.b58encode(public_key).decode("ascii")
    else:
        method["publicKeyMultibase"] = encode_multikey(public_key, codec=codec)
    return method


def resolve(
    did: object,
    *,
    public_key_format: str = "Multikey",
    enable_experimental_public_key_types: bool = False,
    enable_encryption_key_derivation: bool = True,
) -> dict[str, Any]:
    """The DID document of a did:key, derived offline (did:key "Read" operation).

    ``public_key_format`` picks the verification method type; the 2018 format is
    one of the experimental types the spec only allows on request.
    """
    did, multibase_value = _split_did_key(did)
    if public_key_format not in PUBLIC_KEY_FORMATS:
        raise UnsupportedPublicKeyType(f"Public key format {public_key_format!r} is not known.")
    sign_contexts, agree_contexts, sign_type, agree_type, experimental = PUBLIC_KEY_FORMATS[
        public_key_format
    ]
    if experimental and not enable_experimental_public_key_types:
        raise InvalidPublicKeyType(
            f"{public_key_format} is an experimental public key type; enable it explicitly."
        )
    public_key = _decode_key(multibase_value, codec=ED25519_PUB, error=InvalidDid)
    signing = _method(did, multibase_value, sign_type, public_key, ED25519_PUB, public_key_format)
    contexts = [DID_CONTEXT, *sign_contexts]
    document: dict[str, Any] = {
        "@context": contexts,
        "id": did,
        "verificationMethod": [signing],
        "authentication": [signing["id"]],
        "assertionMethod": [signing["id"]],
        "capabilityInvocation": [signing["id"]],
        "capabilityDelegation": [signing["id"]],
    }
    if enable_encryption_key_derivation:
        x25519 = ed25519_to_x25519_public_key(public_key)
        fragment = encode_multikey(x25519, codec=X25519_PUB)
        agreement = _method(did, fragment, agree_type, x25519, X25519_PUB, public_key_format)
        contexts.extend(c for c in agree_contexts if c not in contexts)
        if public_key_format in _REFERENCED_AGREEMENT:
            # These published documents list the agreement key among the
            # verification methods and refer to it by id.
            document["verificationMethod"].append(agreement)
            document["keyAgreement"] = [agreement["id"]]
        else:
            document["keyAgreement"] = [agreement]
    return document


def dereference(did_url: object, **options: Any) -> dict[str, Any]:
    """Dereference a did:key DID URL: the document, or the verification method its fragment names.

    did:key has no resources at paths or queries, so those are ``notFound``.
    """
    parsed = parse_did_url(did_url)
    if parsed.method != "key":
        raise MethodNotSupported(f"did:{parsed.method} is not did:key.")
    try:
        document = resolve(parsed.did, **options)
    except InvalidDid as exc:
        raise InvalidDidUrl(exc.message) from None
    if parsed.path or parsed.query is not None:
        raise NotFound("A did:key has no resources at a path or query.")
    if parsed.fragment is None:
        return document
    wanted = f"{parsed.did}#{parsed.fragment}"
    for method in _embedded_methods(document):
        if method["id"] == wanted:
            return method
    raise NotFound(f"{wanted} is not a verification method of {parsed.did}.")


def _embedded_methods(document: dict[str, Any]) -> list[dict[str, Any]]:
    methods = list(document.get("verificationMethod", []))
    methods.extend(m for m in document.get("keyAgreement", []) if isinstance(m, dict))
    return methods
