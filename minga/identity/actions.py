"""Changes to signing keys: atomic, permission-checked, and written to the audit log.

The log entries carry only public facts (the DID and Multikey values), so anyone
reading the log can follow a cooperative's key history and check that a
signature was made with a key that was current at the time.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga import audit
from minga.accounts.models import User
from minga.coops.models import Cooperative

from . import didkey, didlogs, permissions, webvh
from .didcore import DidError
from .dids import coop_did, platform_did
from .keys import create_key, ensure_platform_key, private_key
from .models import DidLog, DidLogEntry, EndReason, Key, Witness, WitnessProof


def _subject(coop: Cooperative | None) -> str:
    return f"coop:{coop.slug}" if coop is not None else "platform"


@transaction.atomic
def generate_coop_key(*, coop: Cooperative, actor: User | None) -> Key:
    """Give a new cooperative its first signing key (called when the cooperative is created).

    A cooperative that already has a key rotates it instead, so that the old
    public key stays published.
    """
    if Key.objects.filter(coop=coop, is_active=True).exists():
        raise ValidationError(
            _("This cooperative already has a signing key; rotate it instead."),
            code="key_exists",
        )
    key = create_key(coop=coop)
    entry = audit.record(
        "identity.key.generated",
        _subject(coop),
        {"did": coop_did(coop), "key": key.public_key_multibase},
        actor,
    )
    Key.objects.filter(pk=key.pk).update(activated_index=entry.index)
    key.activated_index = entry.index
    return key


@transaction.atomic
def rotate_key(*, coop: Cooperative | None, actor: User | None, reason: str = "rotated") -> Key:
    """Replace the active key of ``coop`` (or of the platform, when None) with the key the
    did:webvh log committed to (pre-rotation), and append the log entry that reveals it.

    The old row stays, inactive, with its public key still published so that what it
    signed before keeps verifying; its private key is wiped so it can never sign again, and
    the audit entry of the rotation ends its authority (``Key.ended_index``). Only the
    cooperative's administrators (or, for the platform, a superuser) may rotate; ``actor``
    None is the command line, run by the operator.
    """
    if reason not in (EndReason.ROTATED, EndReason.RETIRED):
        raise ValueError(reason)
    permissions.check_change_keys(actor, coop)
    log = _ensure_log(coop, actor)
    old = Key.objects.select_for_update().filter(coop=coop, is_active=True).first()
    # The platform's key signs the log's checkpoints: its last signature vouches for the next.
    retiring = private_key(old) if old is not None and coop is None else None
    new, entry = _take_over(log, coop, old, reason=reason)
    kind = "identity.key.retired" if reason == EndReason.RETIRED else "identity.key.rotated"
    recorded = audit.record(
        kind,
        _subject(coop),
        {
            "did": coop_did(coop) if coop is not None else platform_did(),
            "webvh": log.did,
            "version": entry.version_id,
            "old_key": old.public_key_multibase if old is not None else None,
            "new_key": new.public_key_multibase,
        },
        actor,
    )
    _anchor(recorded.index, entry=entry, new=new, old=old)
    if retiring is not None:
        from minga.audit.log import record_key_handover
        from minga.audit.witness import announce_handover

        handed_over = record_key_handover(retiring, private_key(new), actor)
        announce_handover(handed_over)
    return new


def retire_key(*, coop: Cooperative | None, actor: User | None) -> Key:
    """End the active key because it is no longer wanted (a machine decommissioned, someone
    with access gone): like a rotation, the committed next key takes over, and nothing the
    retired key signs from now on verifies. Returns the new active key."""
    return rotate_key(coop=coop, actor=actor, reason=EndReason.RETIRED)


@transaction.atomic
def declare_key_compromised(
    *, coop: Cooperative | None, key: Key, since: datetime.datetime, actor: User | None
) -> Key:
    """Declare ``key`` compromised from the instant ``since``: every issuance that entered the
    audit log at or after it fails verification, the key leaves the current DID documents,
    and, as every update of the did:webvh log does, the committed next key takes over.
    Returns the new active key. What the key signed before ``since`` is listed for re-issue.
    """
    permissions.check_change_keys(actor, coop)
    if key.coop_id != (coop.pk if coop is not None else None) or key.is_next:
        raise ValidationError(_("This key is not one of this identity's keys."), code="not_ours")
    if key.compromised_from is not None:
        raise ValidationError(_("This key is already declared compromised."), code="already")
    now = timezone.now()
    if since > now:
        raise ValidationError(
            _("A key is declared compromised from an instant that has passed."), code="future"
        )
    log = _ensure_log(coop, actor)
    first_index = audit.first_index_since(since)
    Key.objects.filter(pk=key.pk).update(compromised_from=since)
    key.refresh_from_db()
    old = Key.objects.select_for_update().filter(coop=coop, is_active=True).first()
    new, entry = _take_over(
        log, coop, old, reason=EndReason.COMPROMISED if old == key else EndReason.ROTATED
    )
    recorded = audit.record(
        "identity.key.compromised",
        _subject(coop),
        {
            "did": coop_did(coop) if coop is not None else platform_did(),
            "webvh": log.did,
            "version": entry.version_id,
            "key": key.public_key_multibase,
            "since": since.astimezone(datetime.UTC).isoformat(),
            "new_key": new.public_key_multibase,
        },
        actor,
    )
    Key.objects.filter(pk=key.pk).update(
        compromised_index=first_index if first_index is not None else recorded.index,
        end_reason=EndReason.COMPROMISED,
    )
    _anchor(recorded.index, entry=entry, new=new, old=old)
    return new


@transaction.atomic
def ensure_did_log(*, coop: Cooperative | None, actor: User | None) -> DidLog:
    """The did:webvh log of ``coop`` (or the platform), started on first need: its first entry
    names the active key as update key and commits to a new next key. Audited."""
    return _ensure_log(coop, actor)


@transaction.atomic
def set_witnesses(
    *,
    coop: Cooperative | None,
    witnesses: Sequence[tuple[str, str]],
    threshold: int,
    actor: User | None,
) -> DidLog:
    """Name who must approve this DID's updates: (their DID, their witness key as did:key)
    pairs, and how many approvals each update needs. Appended to the did:webvh log as its
    ``witness`` parameter (so, like every update, the committed next key takes over); the
    updates after it are served only once approved (see :func:`approve_update`)."""
    permissions.check_change_keys(actor, coop)
    pairs = _clean_witnesses(witnesses, threshold)
    log = _ensure_log(coop, actor)
    Witness.objects.filter(log=log).delete()
    for did, key_did in pairs:
        Witness.objects.create(log=log, did=did, key_did=key_did)
    old = Key.objects.select_for_update().filter(coop=coop, is_active=True).first()
    new, entry = _take_over(
        log,
        coop,
        old,
        reason=EndReason.ROTATED,
        witnesses=[key_did for _, key_did in pairs],
        threshold=threshold,
    )
    recorded = audit.record(
        "identity.witnesses.set",
        _subject(coop),
        {
            "webvh": log.did,
            "version": entry.version_id,
            "threshold": threshold,
            "witnesses": [{"did": did, "key": key_did} for did, key_did in pairs],
            "old_key": old.public_key_multibase if old is not None else None,
            "new_key": new.public_key_multibase,
        },
        actor,
    )
    _anchor(recorded.index, entry=entry, new=new, old=old)
    log.refresh_from_db()
    return log


def _clean_witnesses(witnesses: Sequence[tuple[str, str]], threshold: int) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for did, key_did in witnesses:
        did, key_did = did.strip(), key_did.strip()
        try:
            didkey.public_key_from_did_key(key_did)
        except DidError:
            raise ValidationError(
                _("%(key)s is not a did:key of an Ed25519 key."),
                code="bad_key",
                params={"key": key_did[:100]},
            ) from None
        if not did.startswith("did:") or len(did) > 300:
            raise ValidationError(_("A witness is named by its DID."), code="bad_did")
        if key_did in {k for _, k in pairs}:
            raise ValidationError(_("Each witness is named once."), code="duplicate")
        pairs.append((did, key_did))
    if not 0 <= threshold <= len(pairs) or (pairs and threshold < 1):
        raise ValidationError(
            _("The number of approvals needed is between 1 and the number of witnesses."),
            code="bad_threshold",
        )
    return pairs


def witness_for_coop(witness: Cooperative) -> tuple[str, str]:
    """(DID, did:key) naming cooperative ``witness`` of this instance as a witness."""
    key = Key.objects.filter(coop=witness, is_active=True).first()
    if key is None:
        raise ValidationError(
            _("%(coop)s has no signing key."), params={"coop": witness.name}, code="no_key"
        )
    return coop_did(witness), webvh.key_did(key.public_key_multibase)


@transaction.atomic
def approve_update(*, entry: DidLogEntry, witness: Cooperative, actor: User | None) -> WitnessProof:
    """Cooperative ``witness`` approves ``entry`` (and the entries before it) as a did:webvh
    witness: a proof by its active key over the entry's ``versionId``."""
    permissions.check_witness(actor, witness)
    key = Key.objects.filter(coop=witness, is_active=True).first()
    if key is None:
        raise ValidationError(
            _("%(coop)s has no signing key."), params={"coop": witness.name}, code="no_key"
        )
    proof = webvh.witness_proof(entry.version_id, private_key(key))
    return _add_proof(entry, webvh.key_did(key.public_key_multibase), proof, actor)


@transaction.atomic
def add_witness_proof(*, entry: DidLogEntry, proof: Any, actor: User | None) -> WitnessProof:
    """Record a witness proof made elsewhere (another instance's witness), checked first."""
    method = proof.get("verificationMethod") if isinstance(proof, dict) else None
    key_did = method.split("#", 1)[0] if isinstance(method, str) else ""
    try:
        webvh.check_witness_proof(entry.version_id, proof, key_did)
    except webvh.LogError as error:
        raise ValidationError(
            _("The witness proof does not verify: %(reason)s"),
            params={"reason": str(error)[:200]},
            code="bad_proof",
        ) from None
    return _add_proof(entry, key_did, proof, actor)


def _add_proof(entry: DidLogEntry, key_did: str, proof: dict, actor: User | None) -> WitnessProof:
    log = DidLog.objects.select_for_update().get(pk=entry.log_id)
    if not log.witnesses.filter(key_did=key_did).exists():
        raise ValidationError(_("This key is not a witness of this DID."), code="not_witness")
    if WitnessProof.objects.filter(entry=entry, key_did=key_did).exists():
        raise ValidationError(_("This witness has already approved this version."), code="twice")
    made = WitnessProof.objects.create(entry=entry, key_did=key_did, proof=proof)
    published = didlogs.publishable_version(log)
    audit.record(
        "identity.webvh.witnessed",
        _subject(log.coop),
        {"webvh": log.did, "version": entry.version_id, "witness": key_did, "published": published},
        actor,
    )
    if published != log.published_version:
        log.published_version = published
        log.save(update_fields=["published_version"])
    return made


# --- the did:webvh log's mechanics ----------------------------------------------------------


def _active_key(coop: Cooperative | None) -> Key:
    if coop is None:
        return ensure_platform_key()
    key = Key.objects.filter(coop=coop, is_active=True).first()
    if key is None:
        raise ValidationError(_("This cooperative has no signing key."), code="no_key")
    return key


def _ensure_log(coop: Cooperative | None, actor: User | None) -> DidLog:
    found = didlogs.log_of(coop)
    if found is not None:
        return found
    active = _active_key(coop)
    following = Key.objects.filter(coop=coop, is_next=True).first() or create_key(
        coop=coop, is_next=True
    )
    keys, withdrawn = didlogs.document_keys(coop)
    first = webvh.genesis(
        web_did=didlogs.web_did_of(coop),
        keys=keys,
        signer=private_key(active),
        next_key=following.public_key_multibase,
    )
    log = DidLog.objects.create(
        coop=coop,
        scid=first.scid,
        did=webvh.web_to_webvh(didlogs.web_did_of(coop), first.scid),
        published_version=1,
    )
    entry = DidLogEntry.objects.create(
        log=log, version_number=1, version_id=first.version_id, line=first.line
    )
    recorded = audit.record(
        "identity.webvh.created",
        _subject(coop),
        {"did": didlogs.web_did_of(coop), "webvh": log.did, "version": first.version_id},
        actor,
    )
    DidLogEntry.objects.filter(pk=entry.pk).update(audit_index=recorded.index)
    return log


def _take_over(
    log: DidLog,
    coop: Cooperative | None,
    old: Key | None,
    *,
    reason: str,
    witnesses: Sequence[str] | None = None,
    threshold: int = 0,
) -> tuple[Key, DidLogEntry]:
    """End ``old`` (for ``reason``), activate the committed next key, commit to a new one, and
    append the did:webvh entry signed by the key taking over (pre-rotation checked by
    :func:`webvh.next_entry`)."""
    log = DidLog.objects.select_for_update().get(pk=log.pk)
    new = Key.objects.select_for_update().get(coop=coop, is_next=True)
    if old is not None:
        old.is_active = False
        old.rotated_at = timezone.now()
        old.encrypted_private_key = b""
        old.end_reason = old.end_reason or reason
        old.save(update_fields=["is_active", "rotated_at", "encrypted_private_key", "end_reason"])
    new.is_next = False
    new.is_active = True
    new.save(update_fields=["is_next", "is_active"])
    following = create_key(coop=coop, is_next=True)
    previous = webvh.load_state(didlogs.entry_lines(log, published_only=False))
    if witnesses is None:
        current = previous.witness or {}
        witnesses = [w["id"] for w in current.get("witnesses", [])]
        threshold = int(current.get("threshold", 0))
    keys, withdrawn = didlogs.document_keys(coop)
    try:
        made = webvh.next_entry(
            previous,
            web_did=didlogs.web_did_of(coop),
            keys=keys,
            withdrawn=withdrawn,
            signer=private_key(new),
            next_key=following.public_key_multibase,
            witnesses=witnesses,
            threshold=threshold,
        )
    except webvh.LogError as error:
        raise ValidationError(
            _("The key taking over is not the one the DID log committed to: %(reason)s"),
            params={"reason": str(error)[:200]},
            code="pre_rotation",
        ) from None
    entry = DidLogEntry.objects.create(
        log=log, version_number=made.version_number, version_id=made.version_id, line=made.line
    )
    published = didlogs.publishable_version(log)
    if published != log.published_version:
        DidLog.objects.filter(pk=log.pk).update(published_version=published)
    return new, entry


def _anchor(index: int, *, entry: DidLogEntry, new: Key, old: Key | None) -> None:
    """Tie the change to its audit entry: the time anchor of the key history."""
    DidLogEntry.objects.filter(pk=entry.pk).update(audit_index=index)
    Key.objects.filter(pk=new.pk).update(activated_index=index)
    if old is not None:
        Key.objects.filter(pk=old.pk).update(ended_index=index)
