"""did:webvh 1.0 (DIF): DID logs with a verifiable history, built and checked with `did-webvh`.

No Django here. Minga keeps one log per cooperative and one for the platform; each entry of
``did.jsonl`` is made by the package's :class:`~did_webvh.core.state.DocumentState` (hash
chain, SCID, version times) and signed by :class:`Ed25519Signer` with an ``eddsa-jcs-2022``
Data Integrity proof. Minga uses one key per cooperative for both roles: the active signing
key is the log's only ``updateKeys`` entry and the document's assertion key, and each entry
commits to the next key (``nextKeyHashes``, pre-rotation). Because a committed key must be
revealed by the next update, every update of the log moves the cooperative to its next key.

Reading goes through the package's own resolver (:func:`resolve_log`), the same code any
outside verifier runs.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from did_webvh.const import SCID_PLACEHOLDER
from did_webvh.core import proof as _proof_module
from did_webvh.core import state as _state_module
from did_webvh.core.file_utils import AsyncTextGenerator, AsyncTextReadError, read_str
from did_webvh.core.hash_utils import HashInfo
from did_webvh.core.problem_details import ProblemDetails
from did_webvh.core.proof import di_jcs_sign, di_jcs_verify, resolve_did_key
from did_webvh.core.resolver import (
    DidResolver,
    HistoryResolver,
    HistoryVerifier,
    ResolutionError,
)
from did_webvh.core.state import DocumentState, InvalidDocumentState
from did_webvh.core.types import SigningKey

from minga.core.jcs import canonical_json

from . import didkey, didweb

__all__ = [
    "Ed25519Signer",
    "LogError",
    "PublishedKey",
    "build_document",
    "genesis",
    "key_did",
    "next_entry",
    "next_key_hash",
    "resolve_log",
    "web_to_webvh",
    "witness_proof",
]

PublishedKey = didweb.PublishedKey


# --- fast path (budget: a 100-version log resolves in under 100 ms, bench/didwebvh.py) ---------
# The package canonicalises every entry twice (entry hash, proof input) with the pure-Python
# `jsoncanon`, which takes most of a resolution. Both it and `minga.core.jcs` write RFC 8785;
# the package's modules are pointed at the faster one. It also parses every entry hash with
# `multiformats`' run-time type checks; SHA-256 multihashes are recognised directly.
# test_webvh.py fails loudly if these attributes go away or the results ever differ.
_JCS = SimpleNamespace(canonicalize=canonical_json)
_state_module.jsoncanon = _JCS
_proof_module.jsoncanon = _JCS


def _identify_hash(mhash: str) -> HashInfo:
    """`HashInfo.identify_hash` for the one hash did:webvh 1.0 uses (SHA-256, multihash 0x12
    0x20), without the package's typed multihash parsing; anything else goes to the original."""
    raw = base58.b58decode(mhash)
    if len(raw) == 34 and raw[:2] == b"\x12\x20":
        return _SHA256
    return _original_identify_hash(mhash)


_SHA256 = HashInfo.from_name("sha2-256")
_original_identify_hash = HashInfo.identify_hash
HashInfo.identify_hash = staticmethod(_identify_hash)
# --- end of the fast path -----------------------------------------------------------------------


class LogError(ValueError):
    """A did:webvh log or witness file that does not verify."""


class Ed25519Signer(SigningKey):
    """A `cryptography` Ed25519 key in the package's signing interface."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private = private_key
        self._public = private_key.public_key().public_bytes_raw()
        self._multikey = didkey.encode_multikey(self._public)

    @property
    def kid(self) -> str:
        return f"did:key:{self._multikey}#{self._multikey}"

    @property
    def algorithm(self) -> str:
        return "ed25519"

    @property
    def multicodec_name(self) -> str:
        return "ed25519-pub"

    @property
    def public_key_bytes(self) -> bytes:
        return self._public

    def sign_message(self, message: bytes) -> bytes:
        return self._private.sign(message)

    def verify_signature(self, message: bytes, signature: bytes) -> bytes:
        try:
            Ed25519PublicKey.from_public_bytes(self._public).verify(signature, message)
        except InvalidSignature:
            raise ValueError("invalid signature") from None
        return message


def key_did(multikey: str) -> str:
    """``did:key:z6Mk…``: how did:webvh names update keys and witnesses."""
    return f"did:key:{multikey}"


def webvh_to_web(did: str) -> tuple[str, str]:
    """(SCID, parallel did:web) of a ``did:webvh:<scid>:<host>[:path]``; ValueError otherwise."""
    parts = did.split(":")
    if len(parts) < 4 or parts[:2] != ["did", "webvh"] or not parts[2] or not parts[3]:
        raise ValueError(f"{did[:100]} is not a did:webvh DID")
    return parts[2], "did:web:" + ":".join(parts[3:])


def web_to_webvh(web_did: str, scid: str) -> str:
    """``did:web:<host>[:path]`` -> ``did:webvh:<scid>:<host>[:path]`` (its parallel did:web)."""
    return "did:webvh:" + scid + ":" + web_did.removeprefix("did:web:")


def build_document(
    web_did: str, scid: str, keys: Iterable[PublishedKey], *, withdrawn: Sequence[bytes] = ()
) -> dict[str, Any]:
    """The did:webvh DID document: the did:web document's keys under the did:webvh id, each
    naming the other in ``alsoKnownAs``. Keys in ``withdrawn`` (declared compromised) are
    listed as verification methods of the history but no longer as assertion methods."""
    document = didweb.build_document(web_did, list(keys))
    text = json.dumps(document).replace(f'"{web_did}', f'"{web_to_webvh(web_did, scid)}')
    document = json.loads(text)
    dropped = {f"#{didkey.encode_multikey(raw)}" for raw in withdrawn}
    document["assertionMethod"] = [
        method
        for method in document["assertionMethod"]
        if method[method.index("#") :] not in dropped
    ]
    document["alsoKnownAs"] = [web_did]
    return document


def next_key_hash(multikey: str) -> str:
    """The pre-rotation commitment to a key: multihash SHA-256 of the Multikey, base58btc."""
    from did_webvh.core.hash_utils import DEFAULT_HASH, HashInfo

    return HashInfo.from_name(DEFAULT_HASH).formatted_hash(multikey.encode("utf-8"))


def _witness_param(threshold: int, witnesses: Sequence[str]) -> dict[str, Any]:
    if not witnesses:
        return {}
    return {"threshold": threshold, "witnesses": [{"id": w} for w in witnesses]}


@dataclass(frozen=True)
class Entry:
    """A new log line and what Minga keeps about it."""

    version_number: int
    version_id: str
    line: str
    scid: str


def genesis(
    *,
    web_did: str,
    keys: Iterable[PublishedKey],
    signer: Ed25519PrivateKey,
    next_key: str,
    witnesses: Sequence[str] = (),
    threshold: int = 0,
    at: datetime | None = None,
) -> Entry:
    """The first entry: SCID derived from it, ``updateKeys`` the active key, the next committed."""
    signing = Ed25519Signer(signer)
    placeholder = build_document(web_did, SCID_PLACEHOLDER, keys)
    params: dict[str, Any] = {
        "updateKeys": [didkey.encode_multikey(signing.public_key_bytes)],
        "nextKeyHashes": [next_key_hash(next_key)],
        "portable": False,
    }
    if witnesses:
        params["witness"] = _witness_param(threshold, witnesses)
    state = DocumentState.initial(params=params, document=placeholder, timestamp=at)
    state.sign(signing, timestamp=at)
    return Entry(state.version_number, state.version_id, state.history_json(), state.scid)


def load_state(lines: Sequence[str]) -> DocumentState:
    """The state after the last of ``lines`` (trusted: Minga's own rows, not re-verified)."""
    state = None
    for line in lines:
        state = DocumentState.load_history_json(line, state)
    if state is None:
        raise LogError("empty log")
    return state


def next_entry(
    previous: DocumentState,
    *,
    web_did: str,
    keys: Iterable[PublishedKey],
    withdrawn: Sequence[bytes] = (),
    signer: Ed25519PrivateKey,
    next_key: str,
    witnesses: Sequence[str] | None = None,
    threshold: int = 0,
    at: datetime | None = None,
) -> Entry:
    """The entry after ``previous``, signed by ``signer``: the key ``previous`` committed to.

    Raises LogError when ``signer`` is not that key, so pre-rotation cannot be skipped.
    """
    signing = Ed25519Signer(signer)
    revealed = didkey.encode_multikey(signing.public_key_bytes)
    committed = previous.next_key_hashes or []
    if committed and next_key_hash(revealed) not in committed:
        raise LogError(f"{revealed} is not the key the previous entry committed to")
    params: dict[str, Any] = {
        "updateKeys": [revealed],
        "nextKeyHashes": [next_key_hash(next_key)],
    }
    if witnesses is not None and (_witness_param(threshold, witnesses) != (previous.witness or {})):
        params["witness"] = _witness_param(threshold, witnesses)
    document = build_document(web_did, previous.scid, keys, withdrawn=withdrawn)
    state = previous.create_next(document=document, params_update=params, timestamp=at)
    state.sign(signing, timestamp=at)
    return Entry(state.version_number, state.version_id, state.history_json(), state.scid)


def witness_proof(version_id: str, witness: Ed25519PrivateKey) -> dict[str, Any]:
    """A witness's approval of ``version_id``: an eddsa-jcs-2022 proof as did-witness.json holds."""
    return di_jcs_sign({"versionId": version_id}, Ed25519Signer(witness), purpose="assertionMethod")


def check_witness_proof(version_id: str, proof: Any, witness_key_did: str) -> None:
    """Raise LogError unless ``proof`` is ``witness_key_did``'s valid approval of ``version_id``."""
    if not isinstance(proof, dict):
        raise LogError("a witness proof is a JSON object")
    try:
        method = resolve_did_key(proof.get("verificationMethod"))
        if key_did(method["publicKeyMultibase"]) != witness_key_did:
            raise LogError("the proof is made by another key than the witness's")
        di_jcs_verify({"versionId": version_id}, proof, method)
    except LogError:
        raise
    except (ValueError, TypeError, KeyError) as error:
        raise LogError(f"the witness proof does not verify: {error}") from None


def witness_file(proofs: Iterable[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """``did-witness.json``: one object per version, with every witness proof it received."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for version_id, proof in proofs:
        grouped.setdefault(version_id, []).append(proof)
    return [{"versionId": vid, "proof": found} for vid, found in grouped.items()]


class _InMemory(HistoryResolver):
    """The log and witness file as text already in hand (no network, no files)."""

    def __init__(self, lines: Sequence[str], witness: str | None) -> None:
        self._text = "".join(line.rstrip("\n") + "\n" for line in lines)
        self._witness = witness

    def resolve_entry_log(self, document_id: str | None) -> AsyncTextGenerator:
        return read_str(self._text)

    def resolve_witness_log(self, document_id: str | None) -> AsyncTextGenerator:
        if self._witness is None:
            raise AsyncTextReadError("no did-witness.json")
        return read_str(self._witness)


class FastVerifier(HistoryVerifier):
    """The package's verifier with the proofs checked in this thread by `cryptography`.

    Same checks (version times, portability, each proof by an authorised update key, over the
    same JCS input), without a thread-pool task and an Askar key per entry: the budget in
    ``bench/didwebvh.py`` (100 versions in under 100 ms) serves this. The stock verifier
    runs in the tests on the same logs, so the two cannot drift apart unseen.
    """

    def verify_state(
        self, state: DocumentState, prev_state: DocumentState | None, is_final: bool
    ) -> None:
        super_verify = HistoryVerifier(verify_proofs=False)
        super_verify.verify_state(state, prev_state, is_final)
        if not state.proofs:
            raise InvalidDocumentState(
                ProblemDetails(type="#proof-verification-failed", title="No proofs on log entry")
            )
        update_keys = (
            state.update_keys
            if not prev_state or prev_state.next_key_hashes
            else prev_state.update_keys
        )
        unsigned = _canonical_without_proof(state.history_line())
        for proof in state.proofs:
            try:
                method = resolve_did_key(proof.get("verificationMethod"))
                if method["publicKeyMultibase"] not in update_keys:
                    raise ValueError("the proof's key is not an update key")
                _verify_jcs_proof(unsigned, proof, method["publicKeyMultibase"])
            except (ValueError, TypeError, AttributeError, InvalidSignature) as error:
                raise InvalidDocumentState(
                    ProblemDetails(
                        type="#proof-verification-failed",
                        title="Proof verification failed",
                        detail=str(error) or "the signature does not verify",
                        versionId=state.version_id,
                    )
                ) from None


def _canonical_without_proof(line: dict[str, Any]) -> bytes:
    return canonical_json({k: v for k, v in line.items() if k != "proof"})


def _verify_jcs_proof(unsigned: bytes, proof: dict[str, Any], multikey: str) -> None:
    """eddsa-jcs-2022, as `di_jcs_verify` checks it: Ed25519 over SHA-256(JCS(proof options))
    followed by SHA-256(JCS(document without its proof))."""
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != "eddsa-jcs-2022":
        raise ValueError("unsupported proof type or cryptosuite")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ValueError("missing or invalid 'proofValue'")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    message = hashlib.sha256(canonical_json(options)).digest() + hashlib.sha256(unsigned).digest()
    _public_key(multikey).verify(base58.b58decode(value[1:]), message)


@functools.lru_cache(maxsize=1024)
def _public_key(multikey: str) -> Ed25519PublicKey:
    # Multibase and multicodec header only: the curve check of `decode_multikey` costs as
    # much as the signature, and a key off the curve verifies nothing anyway.
    data = didkey.decode_multibase(multikey)
    if data[:2] != b"\xed\x01" or len(data) != 34:
        raise ValueError(f"{multikey} is not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def resolve_log(
    did: str,
    lines: Sequence[str],
    witness_json: str | None = None,
    *,
    at: datetime | None = None,
    stock: bool = False,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(document, metadata) of ``did`` from its ``did.jsonl`` lines, verified by the package's
    own resolver (hash chain, SCID, proofs by update keys, pre-rotation, witnesses); LogError
    with the resolver's problem otherwise. ``at`` resolves the version valid at that time;
    ``stock`` uses the package's own verifier instead of :class:`FastVerifier`."""
    resolver = DidResolver(HistoryVerifier() if stock else FastVerifier())
    source = _InMemory(lines, witness_json)
    try:
        result = asyncio.run(resolver.resolve(did, source, version_time=at))
    except (ValueError, InvalidDocumentState, ResolutionError) as error:
        raise LogError(str(error)) from None
    if result.document is None:
        metadata = result.resolution_metadata or {}
        details = metadata.get("problemDetails") or {}
        reason = details.get("title") if isinstance(details, dict) else None
        detail = details.get("detail") if isinstance(details, dict) else None
        raise LogError(" ".join(str(x) for x in (metadata.get("error"), reason, detail) if x))
    return result.document, result.document_metadata or {}
