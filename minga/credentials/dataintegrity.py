"""W3C Data Integrity proofs with Ed25519: the eddsa-rdfc-2022 and eddsa-jcs-2022 cryptosuites.

Pure module (no Django). Both suites sign ``SHA-256(canonical proof
configuration) || SHA-256(canonical document)`` with Ed25519 and write the
64-byte signature as ``z`` + base58btc in ``proofValue``. They differ in what
"canonical" means: RDFC-1.0 N-Quads of the JSON-LD (eddsa-rdfc-2022, the suite
Open Badges 3.0 certifies; see :mod:`.jsonld` for its limits), or RFC 8785 JSON
(eddsa-jcs-2022, no JSON-LD processing at all).

Every failure raises :class:`ProofError` carrying a :class:`~.problems.Problem`
whose type is the one the Data Integrity specification names
(``PROOF_VERIFICATION_ERROR``, ``MALFORMED_PROOF_ERROR``...), so callers can
report it without parsing messages. Nothing else escapes, whatever the input.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Mapping
from typing import Any

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from minga.core.jcs import canonical_json

from . import jsonld
from .problems import Problem, gettext_noop, problem

__all__ = [
    "CRYPTOSUITES",
    "ProofError",
    "canonical_document",
    "canonical_proof_config",
    "decode_proof_value",
    "hash_data",
    "proof_config",
    "sign",
    "verify",
]

RDFC = "eddsa-rdfc-2022"
JCS = "eddsa-jcs-2022"
CRYPTOSUITES = (RDFC, JCS)
PROOF_TYPE = "DataIntegrityProof"

# "z" + base58btc of 64 bytes is 86 to 88 characters.
_PROOF_VALUE_RE = re.compile(r"z[1-9A-HJ-NP-Za-km-z]{80,90}")
# XML Schema dateTimeStamp as the VC data model writes it (a zone is required).
_DATETIME_RE = re.compile(
    r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)


class ProofError(Exception):
    """A proof could not be created or does not verify; ``problem`` says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _fail(name: str, template: str, **params: Any) -> ProofError:
    return ProofError(problem(name, template, **params))


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(value: object) -> datetime.datetime | None:
    """An aware datetime from an XML Schema dateTimeStamp string; None if it is not one."""
    if not isinstance(value, str) or not _DATETIME_RE.fullmatch(value):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def proof_config(
    document: Mapping[str, Any],
    *,
    verification_method: str,
    created: str | None,
    cryptosuite: str,
    proof_purpose: str,
) -> dict[str, Any]:
    """The proof options a new proof signs: everything in the proof but its value."""
    config: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": cryptosuite,
        "created": created or _now(),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def canonical_document(
    document: Mapping[str, Any], cryptosuite: str, *, loader: jsonld.Loader | None = None
) -> bytes:
    """The canonical bytes of an unsecured document under ``cryptosuite``."""
    return _canonical(document, cryptosuite, loader, "document")


def canonical_proof_config(
    config: Mapping[str, Any], cryptosuite: str, *, loader: jsonld.Loader | None = None
) -> bytes:
    """The canonical bytes of a proof configuration under ``cryptosuite``."""
    if cryptosuite == RDFC and loader is None:
        known = proof_config_nquads(config)
        if known is not None:
            return known
    return _canonical(config, cryptosuite, loader, "proof configuration")


# The proof configurations this instance signs and verifies all have one shape, whose RDFC-1.0
# form is five statements about one blank node. They are written here directly; anything else
# (another member, context, purpose, or a value that would need escaping) goes through pyld.
# tests/test_dataintegrity_fastpath.py checks byte for byte that both agree.
_FAST_CONTEXTS = (
    ("https://www.w3.org/ns/credentials/v2",),
    ("https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"),
    (
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ),
)
_FAST_KEYS = frozenset(
    ("@context", "type", "cryptosuite", "created", "verificationMethod", "proofPurpose")
)
_FAST_METHOD_RE = re.compile(r"did:[a-z0-9]+:[A-Za-z0-9._%:-]+#[A-Za-z0-9._-]+")
_SEC = "https://w3id.org/security#"


def proof_config_nquads(config: Mapping[str, Any]) -> bytes | None:
    """The canonical N-Quads of an eddsa-rdfc-2022 proof configuration of the usual shape,
    byte for byte what RDFC-1.0 gives; None for any other (canonicalise it in full)."""
    if config.keys() != _FAST_KEYS:
        return None
    contexts = config["@context"]
    if not isinstance(contexts, list) or tuple(contexts) not in _FAST_CONTEXTS:
        return None
    suite, created = config["cryptosuite"], config["created"]
    method = config["verificationMethod"]
    if (
        config["type"] != PROOF_TYPE
        or suite not in CRYPTOSUITES
        or config["proofPurpose"] != "assertionMethod"
        or not isinstance(created, str)
        or not _DATETIME_RE.fullmatch(created)
        or not isinstance(method, str)
        or not _FAST_METHOD_RE.fullmatch(method)
    ):
        return None
    lines = [
        f'_:c14n0 <http://purl.org/dc/terms/created> "{created}"'
        "^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n",
        f"_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{_SEC}{PROOF_TYPE}> .\n",
        f'_:c14n0 <{_SEC}cryptosuite> "{suite}"^^<{_SEC}cryptosuiteString> .\n',
        f"_:c14n0 <{_SEC}proofPurpose> <{_SEC}assertionMethod> .\n",
        f"_:c14n0 <{_SEC}verificationMethod> <{method}> .\n",
    ]
    return "".join(sorted(lines)).encode("ascii")


def _canonical(
    value: Mapping[str, Any], cryptosuite: str, loader: jsonld.Loader | None, what: str
) -> bytes:
    if cryptosuite == JCS:
        try:
            return canonical_json(dict(value))
        except (rfc8785.CanonicalizationError, TypeError, ValueError, RecursionError) as error:
            raise _fail(
                "PROOF_TRANSFORMATION_ERROR",
                gettext_noop("The %(what)s cannot be written as canonical JSON: %(reason)s"),
                what=what,
                reason=str(error)[:200],
            ) from None
    try:
        return jsonld.canonize(value, loader=loader).encode("utf-8")
    except jsonld.CanonicalizationError as error:
        if error.unknown_context is not None:
            raise _fail(
                "unknown-context",
                gettext_noop(
                    "The %(what)s uses the JSON-LD context %(url)s, which this verifier does "
                    "not know; contexts are never fetched from the network."
                ),
                what=what,
                url=str(error.unknown_context)[:200],
            ) from None
        raise _fail(
            "PROOF_TRANSFORMATION_ERROR",
            gettext_noop("The %(what)s cannot be canonicalised: %(reason)s"),
            what=what,
            reason=str(error),
        ) from None


def hash_data(canonical_config: bytes, canonical_doc: bytes) -> bytes:
    """SHA-256(proof configuration) || SHA-256(document): the 64 bytes that are signed."""
    return hashlib.sha256(canonical_config).digest() + hashlib.sha256(canonical_doc).digest()


def encode_proof_value(signature: bytes) -> str:
    return "z" + base58.b58encode(signature).decode("ascii")


def decode_proof_value(value: object) -> bytes:
    """The 64-byte signature in a ``proofValue``; a MALFORMED_PROOF_ERROR otherwise."""
    if not isinstance(value, str) or not _PROOF_VALUE_RE.fullmatch(value):
        raise _fail(
            "MALFORMED_PROOF_ERROR",
            gettext_noop("The proofValue is not a multibase base58btc (z...) signature."),
        )
    signature = base58.b58decode(value[1:])
    if len(signature) != 64:
        raise _fail(
            "MALFORMED_PROOF_ERROR",
            gettext_noop("The proofValue holds %(length)s bytes; an Ed25519 signature has 64."),
            length=len(signature),
        )
    return signature


def sign(
    document: dict[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str | None = None,
    cryptosuite: str = RDFC,
    proof_purpose: str = "assertionMethod",
    loader: jsonld.Loader | None = None,
) -> dict[str, Any]:
    """A copy of ``document`` with a Data Integrity ``proof`` added.

    ``created`` defaults to now (UTC, whole seconds). The document must not have
    a proof already (proof sets are not produced here).
    """
    if cryptosuite not in CRYPTOSUITES:
        raise _fail(
            "PROOF_GENERATION_ERROR",
            gettext_noop("The cryptosuite %(suite)s is not supported."),
            suite=str(cryptosuite)[:100],
        )
    if "proof" in document:
        raise _fail("PROOF_GENERATION_ERROR", gettext_noop("The document already has a proof."))
    if created is not None and parse_datetime(created) is None:
        raise _fail(
            "PROOF_GENERATION_ERROR",
            gettext_noop("created must be a date and time with a zone, e.g. 2026-01-31T12:00:00Z."),
        )
    config = proof_config(
        document,
        verification_method=verification_method,
        created=created,
        cryptosuite=cryptosuite,
        proof_purpose=proof_purpose,
    )
    data = hash_data(
        canonical_proof_config(config, cryptosuite, loader=loader),
        canonical_document(document, cryptosuite, loader=loader),
    )
    proof = dict(config)
    if cryptosuite == RDFC:
        # The rdfc suite signs the context with the proof but does not repeat it there.
        proof.pop("@context", None)
    proof["proofValue"] = encode_proof_value(private_key.sign(data))
    return {**document, "proof": proof}


def split_proof(document: object) -> tuple[dict[str, Any], dict[str, Any]]:
    """(unsecured document, proof) of a secured document; a ProofError without a usable proof."""
    if not isinstance(document, Mapping):
        raise _fail("MALFORMED_PROOF_ERROR", gettext_noop("The credential is not a JSON object."))
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise _fail(
                "MALFORMED_PROOF_ERROR",
                gettext_noop("The credential has %(count)s proofs; exactly one is verified here."),
                count=len(proof),
            )
        proof = proof[0]
    if proof is None:
        raise _fail("MALFORMED_PROOF_ERROR", gettext_noop("The credential has no proof."))
    if not isinstance(proof, Mapping):
        raise _fail("MALFORMED_PROOF_ERROR", gettext_noop("The proof is not a JSON object."))
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    return unsecured, dict(proof)


def check_proof_shape(proof: Mapping[str, Any]) -> str:
    """Check the proof's required members; return its cryptosuite."""
    if proof.get("type") != PROOF_TYPE:
        raise _fail(
            "MALFORMED_PROOF_ERROR",
            gettext_noop("The proof's type must be DataIntegrityProof."),
        )
    suite = proof.get("cryptosuite")
    if suite not in CRYPTOSUITES:
        raise _fail(
            "MALFORMED_PROOF_ERROR",
            gettext_noop(
                "The cryptosuite %(suite)s is not supported "
                "(eddsa-rdfc-2022 and eddsa-jcs-2022 are)."
            ),
            suite=str(suite)[:100],
        )
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not method:
        raise _fail(
            "MALFORMED_PROOF_ERROR",
            gettext_noop("The proof does not name its verificationMethod."),
        )
    if not isinstance(proof.get("proofPurpose"), str):
        raise _fail(
            "MALFORMED_PROOF_ERROR",
            gettext_noop("The proof does not name its proofPurpose."),
        )
    if "created" in proof and parse_datetime(proof["created"]) is None:
        raise _fail(
            "MALFORMED_PROOF_ERROR",
            gettext_noop("The proof's created value is not a date and time with a zone."),
        )
    return str(suite)


def verify(
    document: Mapping[str, Any],
    *,
    public_key: Ed25519PublicKey,
    expected_proof_purpose: str = "assertionMethod",
    loader: jsonld.Loader | None = None,
) -> None:
    """Check the Data Integrity proof of ``document`` against ``public_key``; raise ProofError.

    The caller is responsible for the key being the one the proof's
    ``verificationMethod`` names and for it belonging to the issuer.
    """
    unsecured, proof = split_proof(document)
    suite = check_proof_shape(proof)
    if proof["proofPurpose"] != expected_proof_purpose:
        raise _fail(
            "MISMATCHED_PROOF_PURPOSE_ERROR",
            gettext_noop("The proof's purpose is %(found)s, not %(expected)s."),
            found=str(proof["proofPurpose"])[:100],
            expected=expected_proof_purpose,
        )
    signature = decode_proof_value(proof.get("proofValue"))
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    if "@context" in options:
        # The proof's context must be a prefix of the document's; it is the one signed.
        wanted = options["@context"]
        wanted = wanted if isinstance(wanted, list) else [wanted]
        have = unsecured.get("@context")
        have = have if isinstance(have, list) else [have]
        if have[: len(wanted)] != wanted:
            raise _fail(
                "PROOF_VERIFICATION_ERROR",
                gettext_noop("The proof's @context does not start the document's @context."),
            )
        unsecured["@context"] = options["@context"]
    elif "@context" in unsecured:
        options["@context"] = unsecured["@context"]
    data = hash_data(
        canonical_proof_config(options, suite, loader=loader),
        canonical_document(unsecured, suite, loader=loader),
    )
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        raise _fail(
            "PROOF_VERIFICATION_ERROR",
            gettext_noop(
                "The signature does not match the credential: it was changed after signing, "
                "or signed with another key."
            ),
        ) from None
