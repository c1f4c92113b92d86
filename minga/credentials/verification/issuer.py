"""Check 2, issuer: the issuer's DID resolves and the proof's key is one of its assertion
methods (this instance's did:web from the database, did:key offline, other hosts over HTTPS
with time and size limits)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from minga.identity import didkey
from minga.identity.didcore import DidError

from .. import dataintegrity
from ..problems import gettext_noop, problem
from .report import FAILED, PASSED, Failed, Report
from .structure import as_list


def resolve_did(did: str) -> dict[str, Any]:
    """The DID document of ``did`` (see :func:`minga.identity.resolution.resolve`)."""
    from minga.identity.resolution import resolve

    return resolve(did)


@functools.lru_cache(maxsize=1024)
def _ed25519_key(multibase: str) -> Ed25519PublicKey:
    """The public key a Multikey names (decoded and checked on the curve once per process)."""
    return Ed25519PublicKey.from_public_bytes(didkey.decode_multikey(multibase))


def _public_key_of(method: Mapping[str, Any]) -> Ed25519PublicKey:
    if method.get("type") not in ("Multikey", "Ed25519VerificationKey2020"):
        raise ValueError(f"keys of type {method.get('type')!r} are not supported")
    multibase = method.get("publicKeyMultibase")
    if not isinstance(multibase, str):
        return Ed25519PublicKey.from_public_bytes(didkey.decode_multikey(multibase))
    return _ed25519_key(multibase)


def _absolute(did: str, reference: object) -> object:
    return (
        did + reference if isinstance(reference, str) and reference.startswith("#") else reference
    )


def issuer_key(
    issuer: object, verification_method: object, *, resolve: Callable[[str], dict[str, Any]]
) -> Ed25519PublicKey:
    """The key behind ``verification_method``, checked to be an assertion method of ``issuer``."""
    if not isinstance(issuer, str) or not issuer.startswith("did:"):
        raise Failed(
            problem(
                "issuer-unresolved",
                gettext_noop(
                    "The issuer %(issuer)s is not a DID; only did:web and did:key issuers can be "
                    "verified."
                ),
                issuer=str(issuer)[:200],
            )
        )
    try:
        document = resolve(issuer)
    except DidError as error:
        raise Failed(
            problem(
                "issuer-unresolved",
                gettext_noop("The issuer %(issuer)s cannot be resolved (%(code)s): %(reason)s"),
                issuer=issuer[:200],
                code=error.code,
                reason=error.message[:300],
            )
        ) from None
    if not isinstance(verification_method, str) or not verification_method.startswith(issuer + "#"):
        raise Failed(
            problem(
                "INVALID_VERIFICATION_METHOD",
                gettext_noop(
                    "The proof was made with %(method)s, which is not a key of %(issuer)s."
                ),
                method=str(verification_method)[:200],
                issuer=issuer[:200],
            )
        )
    methods = {
        _absolute(issuer, m.get("id")): m
        for m in as_list(document.get("verificationMethod", []))
        if isinstance(m, Mapping)
    }
    assertion = set()
    for entry in as_list(document.get("assertionMethod", [])):
        if isinstance(entry, Mapping):
            methods.setdefault(_absolute(issuer, entry.get("id")), entry)
            entry = entry.get("id")
        assertion.add(_absolute(issuer, entry))
    method = methods.get(verification_method)
    if method is None or verification_method not in assertion:
        raise Failed(
            problem(
                "INVALID_VERIFICATION_METHOD",
                gettext_noop(
                    "%(method)s is not an assertion method in the DID document of %(issuer)s."
                ),
                method=verification_method[:200],
                issuer=issuer[:200],
            )
        )
    try:
        return _public_key_of(method)
    except (DidError, ValueError) as error:
        raise Failed(
            problem(
                "INVALID_VERIFICATION_METHOD",
                gettext_noop("The key %(method)s cannot be used: %(reason)s"),
                method=verification_method[:200],
                reason=str(error)[:200],
            )
        ) from None


def once_each(resolve: Callable[[str], dict[str, Any]]) -> Callable[[str], dict[str, Any]]:
    """``resolve``, remembering each DID's document (or error) for one verification only: the
    credential and its status lists name the same issuer, read once, and the next
    verification reads it again, so a key rotated or removed meanwhile is seen at once."""
    documents: dict[str, dict[str, Any]] = {}
    errors: dict[str, DidError] = {}

    def once(did: str) -> dict[str, Any]:
        if did in errors:
            raise errors[did]
        if did not in documents:
            try:
                documents[did] = resolve(did)
            except DidError as error:
                errors[did] = error
                raise
        return documents[did]

    return once


def issuer_check(
    report: Report,
    credential: Mapping[str, Any],
    issuer: Any,
    resolve: Callable[[str], dict[str, Any]],
) -> Ed25519PublicKey | None:
    try:
        _, proof = dataintegrity.split_proof(credential)
        public_key = issuer_key(issuer, proof.get("verificationMethod"), resolve=resolve)
    except dataintegrity.ProofError as error:
        report.add(
            "issuer", FAILED, gettext_noop("The issuer's key cannot be found."), [error.problem]
        )
        return None
    except Failed as error:
        report.add(
            "issuer", FAILED, gettext_noop("The issuer's key cannot be found."), error.problems
        )
        return None
    name = credential["issuer"].get("name") if isinstance(credential["issuer"], Mapping) else None
    report.add(
        "issuer",
        PASSED,
        gettext_noop("%(issuer)s resolved; the signing key is one of its assertion methods."),
        issuer=f"{name} ({issuer})" if isinstance(name, str) and name else issuer,
    )
    return public_key
