"""Witnessing (C2SP tlog-witness): cosigning peers' checkpoints, and asking peers to cosign ours.

A witness keeps, per log origin, the latest checkpoint it cosigned, and cosigns a new one only
with a consistency proof from that one. Cooperatives that witness each other's logs make a split
view (showing different histories to different people) detectable without any central party.
"""

from __future__ import annotations

import datetime
import logging
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from minga.core.tls import client_context

from . import handover, log, merkle, note
from .models import Checkpoint, PeerState, TrustedLogKey, WitnessedLog, WitnessRefusal

logger = logging.getLogger("minga.audit")

MAX_REQUEST_BYTES = 64 * 1024
MAX_PROOF_LINES = 63
SIZE_CONTENT_TYPE = "text/x.tlog.size"
# Refusals of a checkpoint the log really signed that no honest log causes, published with
# their reason: a smaller tree than the one cosigned (a rollback, 409 with the size when the
# log claims an old size it never had cosigned is the protocol's normal retry and is not kept),
# another root at the same size (a fork) or a failing consistency proof (422).
PUBLISHED_REFUSALS = {409, 422}


class WitnessError(Exception):
    """A refused add-checkpoint request, with the HTTP status the spec prescribes."""

    def __init__(self, status: int, message: str, content_type: str = "text/plain") -> None:
        super().__init__(message)
        self.status = status
        self.content_type = content_type


@dataclass(frozen=True)
class Peer:
    url: str
    witness: note.Verifier
    log: note.Verifier | None


def peers() -> list[Peer]:
    """The configured peer instances (MINGA_WITNESS_PEERS), keys parsed.

    A peer whose log key was handed over (see `accept_handover`) is known by its new key, as a
    log and as a witness: an instance cosigns with the same key that signs its log.
    """
    followed = dict(TrustedLogKey.objects.values_list("origin", "vkey"))
    found = []
    for item in settings.MINGA_WITNESS_PEERS:
        witness = note.parse_vkey(item["vkey"])
        log_key = note.parse_vkey(item["log_vkey"]) if item.get("log_vkey") else None
        if log_key is not None and log_key.name in followed:
            log_key = note.parse_vkey(followed[log_key.name])
            witness = note.Verifier(witness.name, log_key.public_key, witness.sig_type)
        found.append(Peer(url=item["url"].rstrip("/"), witness=witness, log=log_key))
    return found


def trusted_logs() -> dict[str, note.Verifier]:
    """Logs this instance witnesses, by origin (a log's key name is its origin), each with its
    current key: the configured one, or the one its hand-overs led to since."""
    return {peer.log.name: peer.log for peer in peers() if peer.log is not None}


def accept_handover(body: bytes) -> str:
    """A log we witness hands its key over: follow it if its current key vouches for the new."""
    if len(body) > MAX_REQUEST_BYTES:
        raise WitnessError(413, "The request is too large.")
    try:
        signed = body.decode("utf-8")
        origin = note.parse_note(signed).text.split("\n")[1]
    except (UnicodeDecodeError, note.NoteError, IndexError):
        raise WitnessError(400, "Not a key hand-over.") from None
    with transaction.atomic():
        current = trusted_logs().get(origin)
        if current is None:
            raise WitnessError(404, f"This witness does not follow the log {origin!r}.")
        try:  # only from the key trusted now (older hand-overs re-sent are refused, harmlessly)
            new = handover.open_handover(signed, current).new
        except handover.HandoverError as error:
            raise WitnessError(403, f"Refused: {error}.") from None
        TrustedLogKey.objects.update_or_create(
            origin=origin,
            defaults={"vkey": new.vkey, "handover": signed, "updated_at": timezone.now()},
        )
        return new.vkey + "\n"


def announce_handover(signed: str) -> None:
    """Queue, in the rotation's transaction, a hand-over of our log's key to every peer witness
    (a task each: `minga worker` sends it, and tries again a few times)."""
    for peer in peers():
        send_handover.enqueue(peer.url, signed)


HANDOVER_ATTEMPTS = 5


@task()
def send_handover(url: str, signed: str, attempt: int = 1) -> str:
    """Post one hand-over to one witness. A witness that missed every attempt still gets it:
    `_ask` sends the hand-overs again when a witness refuses a checkpoint signed by a new key."""
    try:
        status, text = _post(f"{url}/key-handover", signed.encode())
    except (OSError, ValueError) as error:
        status, text = 0, str(error)
    if status == 200:
        return "taken"
    logger.warning("witness %s did not take the key hand-over: %s %s", url, status, text[:200])
    if attempt >= HANDOVER_ATTEMPTS:
        return "refused"
    run_after = timezone.now() + datetime.timedelta(seconds=30 * 4 ** (attempt - 1))
    send_handover.using(run_after=run_after).enqueue(url, signed, attempt + 1)
    return "retrying"


def _parse_request(body: bytes) -> tuple[int, list[bytes], str]:
    if len(body) > MAX_REQUEST_BYTES:
        raise WitnessError(413, "The request is too large.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WitnessError(400, "The request is not UTF-8 text.") from None
    head, sep, checkpoint = text.partition("\n\n")
    lines = head.split("\n")
    match = re.fullmatch(r"old (0|[1-9][0-9]{0,18})", lines[0])
    if not sep or match is None:
        raise WitnessError(400, "The request starts with 'old N', then proof lines, a blank line.")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise WitnessError(400, f"At most {MAX_PROOF_LINES} consistency proof lines.")
    try:
        proof = [note.b64decode(line, "proof line") for line in lines[1:]]
    except note.NoteError as error:
        raise WitnessError(400, f"Bad consistency proof: {error}.") from None
    if any(len(h) != merkle.HASH_SIZE for h in proof):
        raise WitnessError(400, "Every consistency proof line is a 32-byte hash.")
    return int(match.group(1)), proof, checkpoint


def add_checkpoint(body: bytes) -> str:
    """Handle one add-checkpoint request; return the cosignature lines or raise `WitnessError`."""
    old_size, proof, signed = _parse_request(body)
    try:
        parsed_note = note.parse_note(signed)
        checkpoint = note.parse_checkpoint(parsed_note.text)
    except note.NoteError as error:
        raise WitnessError(400, f"Bad checkpoint: {error}.") from None
    verifier = trusted_logs().get(checkpoint.origin)
    if verifier is None:
        raise WitnessError(404, f"This witness does not follow the log {checkpoint.origin!r}.")
    try:
        note.verify_note(signed, [verifier])
    except note.NoteError:
        raise WitnessError(403, "The checkpoint is not signed by the log's key.") from None
    if old_size == 0 and proof:
        raise WitnessError(400, "A consistency proof from size 0 must be empty.")
    try:
        try:
            with transaction.atomic():
                return _cosign(old_size, proof, checkpoint, parsed_note)
        except IntegrityError:
            # Two first requests for one origin raced to create its row: the loser retries.
            with transaction.atomic():
                return _cosign(old_size, proof, checkpoint, parsed_note)
    except WitnessError as error:
        if error.status in PUBLISHED_REFUSALS and error.content_type != SIZE_CONTENT_TYPE:
            WitnessRefusal.objects.create(
                origin=checkpoint.origin,
                size=checkpoint.size,
                note=signed,
                reason=str(error)[:500],
                created_at=timezone.now(),
            )
        raise


def _cosign(
    old_size: int, proof: list[bytes], checkpoint: note.Checkpoint, signed: note.Note
) -> str:
    """Check against the stored state and move it forward atomically (see the spec's race)."""
    state = WitnessedLog.objects.select_for_update().filter(origin=checkpoint.origin).first()
    known_size = state.size if state else 0
    if checkpoint.size < known_size:
        raise WitnessError(409, f"Rollback: {known_size} entries were cosigned before.")
    if old_size > checkpoint.size:
        raise WitnessError(400, "The old size is larger than the checkpoint's size.")
    if old_size != known_size:
        raise WitnessError(409, f"{known_size}\n", SIZE_CONTENT_TYPE)
    if state is not None and old_size == checkpoint.size:
        if bytes(state.root) != checkpoint.root:
            raise WitnessError(409, "Same size as the cosigned checkpoint, different root.")
    elif state is not None:
        try:
            merkle.verify_consistency(
                old_size, checkpoint.size, proof, bytes(state.root), checkpoint.root
            )
        except merkle.ProofError as error:
            raise WitnessError(422, f"The consistency proof does not verify: {error}.") from None
    now = timezone.now()
    if state is None:
        state = WitnessedLog(origin=checkpoint.origin)
    state.size, state.root, state.note = checkpoint.size, checkpoint.root, str(signed)
    state.updated_at = now
    state.save()
    cosignature = log.witness_signer().sign(signed.text, timestamp=int(now.timestamp()))
    return cosignature.line


# --- asking peers -------------------------------------------------------------------------------


def _post(url: str, body: bytes) -> tuple[int, str]:
    """POST and return (status, text); a seam the tests replace."""
    request = urllib.request.Request(  # noqa: S310 (URLs come from settings, http(s) only)
        url, data=body, method="POST", headers={"Content-Type": "text/plain; charset=utf-8"}
    )
    context = client_context(settings.MINGA_TLS_CA_BUNDLE)
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.MINGA_WITNESS_TIMEOUT, context=context
        ) as response:
            return response.status, response.read(MAX_REQUEST_BYTES).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(MAX_REQUEST_BYTES).decode("utf-8", "replace")


def _ask(peer: Peer, checkpoint: Checkpoint) -> note.Signature | None:
    state, _ = PeerState.objects.get_or_create(
        url=peer.url, defaults={"updated_at": timezone.now()}
    )
    old = state.size if state.size <= checkpoint.size else 0
    announced = not log.key_handovers()
    for _attempt in range(3):
        proof = log.consistency_proof(old, checkpoint.size) if old else []
        lines = "".join(note.b64encode(h) + "\n" for h in proof)
        status, text = _post(
            f"{peer.url}/add-checkpoint", f"old {old}\n{lines}\n{checkpoint.note}".encode()
        )
        if status == 403 and not announced:  # it may have missed a hand-over of our key
            announced = True
            for signed in log.key_handovers():
                _post(f"{peer.url}/key-handover", signed.encode())
            peer = next((p for p in peers() if p.url == peer.url), peer)  # keys may have moved
            continue
        if status == 409 and re.fullmatch(r"(0|[1-9][0-9]*)\n", text):
            old = int(text)
            if old > checkpoint.size:
                break
            continue
        if status != 200:
            logger.warning(
                "witness %s refused checkpoint %s: %s %s",
                peer.url,
                checkpoint.size,
                status,
                text[:200],
            )
            return None
        try:
            _, verified = note.verify_note(checkpoint.note + text, [peer.witness])
        except note.NoteError as error:
            logger.warning("witness %s sent no valid cosignature: %s", peer.url, error)
            return None
        PeerState.objects.filter(pk=state.pk).update(
            size=checkpoint.size, updated_at=timezone.now()
        )
        return verified[0]
    logger.warning("witness %s is ahead of checkpoint %s", peer.url, checkpoint.size)
    return None


# Peers that failed are left alone for a while (doubling up to MAX_BACKOFF seconds), so one
# witness that is down does not slow every checkpoint; when it is back, the consistency proof
# from the size it last cosigned covers every checkpoint it missed.
MAX_BACKOFF = 300.0
_backoff: dict[str, tuple[float, float]] = {}  # url -> (retry at, current delay)


def collect_cosignatures(checkpoint: Checkpoint) -> int:
    """Ask every peer to cosign `checkpoint`; store what comes back; return how many did."""
    added = []
    for peer in peers():
        retry_at, delay = _backoff.get(peer.url, (0.0, 0.0))
        if time.monotonic() < retry_at:
            continue
        try:
            signature = _ask(peer, checkpoint)
        except (OSError, ValueError) as error:
            logger.warning("witness %s unreachable: %s", peer.url, error)
            signature = None
        if signature is None:
            delay = min(MAX_BACKOFF, max(1.0, delay * 2))
            _backoff[peer.url] = (time.monotonic() + delay, delay)
            continue
        _backoff.pop(peer.url, None)
        added.append(signature.line)
    if added:
        with transaction.atomic():
            locked = Checkpoint.objects.select_for_update().get(pk=checkpoint.pk)
            existing = set(locked.cosignatures.splitlines(keepends=True))
            locked.cosignatures += "".join(line for line in added if line not in existing)
            locked.save(update_fields=["cosignatures"])
            checkpoint.cosignatures = locked.cosignatures
    log.publish_if_witnessed(checkpoint)
    return len(added)


def published_state(limit: int = 100) -> dict:
    """What this witness has cosigned (the latest per log) and what it refused, and why."""
    return {
        "witness": settings.MINGA_WITNESS_NAME,
        "witness_vkey": log.witness_vkey(),
        "cosigned": [
            {
                "origin": item.origin,
                "size": item.size,
                "root": note.b64encode(bytes(item.root)),
                "note": item.note,
                "cosigned_at": item.updated_at.isoformat(),
            }
            for item in WitnessedLog.objects.order_by("origin")
        ],
        "refused": [
            {
                "origin": item.origin,
                "size": item.size,
                "reason": item.reason,
                "note": item.note,
                "refused_at": item.created_at.isoformat(),
            }
            for item in WitnessRefusal.objects.order_by("-created_at", "-pk")[:limit]
        ],
    }
