"""Reads over the did:webvh logs and the key history kept in Minga's own rows.

Minga's rows are the source of truth for which key was authorised when: each key names the
audit-log entries that authorised it and ended it (``Key.activated_index``,
``Key.ended_index``, ``Key.compromised_index``), and :func:`key_problem` is the rule every
credential verification applies. The served ``did.jsonl`` is the same history in the form any
did:webvh resolver checks.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.db import connection
from django.utils.translation import gettext_noop

from minga.coops.models import Cooperative
from minga.core.fast import sql

from . import didkey, webvh
from .dids import coop_did, local_path, platform_did
from .models import DidLog, DidLogEntry, EndReason, Key, Witness, WitnessProof


def log_of(coop: Cooperative | None) -> DidLog | None:
    """The did:webvh log of ``coop`` (the platform's when None), if it has one yet."""
    if coop is None:
        return DidLog.objects.filter(coop__isnull=True).first()
    return DidLog.objects.filter(coop=coop).first()


def web_did_of(coop: Cooperative | None) -> str:
    return coop_did(coop) if coop is not None else platform_did()


def document_keys(coop: Cooperative | None) -> tuple[list[webvh.PublishedKey], list[bytes]]:
    """(the keys the current did:webvh document names, those withdrawn from it): the active
    key only. Earlier keys stay in the earlier versions of the log, where a verifier finds
    them by resolving the version of the time (the did:web document keeps listing them)."""
    rows = Key.objects.filter(coop=coop, is_active=True).values_list(
        "public_key_multibase", flat=True
    )
    return [webvh.PublishedKey(didkey.decode_multikey(m), True) for m in rows], []


def entry_lines(log: DidLog, *, published_only: bool = True) -> list[str]:
    entries = log.entries.order_by("version_number")
    if published_only:
        entries = entries.filter(version_number__lte=log.published_version)
    return list(entries.values_list("line", flat=True))


def witness_json(log: DidLog) -> str:
    """``did-witness.json``: the witness proofs of the published entries."""
    proofs = WitnessProof.objects.filter(
        entry__log=log, entry__version_number__lte=log.published_version
    ).values_list("entry__version_id", "proof")
    return json.dumps(webvh.witness_file(proofs), indent=1) + "\n"


def _rule_in_force(lines: list[str]) -> list[tuple[int, list[str]]]:
    """(threshold, witness key DIDs) governing each entry: the previous entry's parameters
    (the first entry's own), as did:webvh resolvers read them."""
    rules, params = [], {}
    for number, line in enumerate(lines):
        update = json.loads(line)["parameters"]
        before = dict(params)
        params.update(update)
        governing = params if number == 0 else before
        witness = governing.get("witness") or {}
        rules.append(
            (int(witness.get("threshold", 0)), [w["id"] for w in witness.get("witnesses", [])])
        )
    return rules


def publishable_version(log: DidLog) -> int:
    """The last version that may be served: every entry up to it needs no witness, or is
    covered by enough approvals of its witnesses on itself or a later served version."""
    entries = list(log.entries.order_by("version_number").values_list("pk", "line"))
    rules = _rule_in_force([line for _, line in entries])
    approvals: dict[int, set[str]] = {}
    for entry_id, key_did in WitnessProof.objects.filter(entry__log=log).values_list(
        "entry_id", "key_did"
    ):
        approvals.setdefault(entry_id, set()).add(key_did)
    number_of = {pk: n for n, (pk, _) in enumerate(entries, start=1)}
    approved_at = {number_of[pk]: keys for pk, keys in approvals.items()}
    published = 0
    for candidate in range(len(entries), 0, -1):
        if _covered(candidate, rules, approved_at):
            published = candidate
            break
    return published


def _covered(
    last: int, rules: list[tuple[int, list[str]]], approved_at: dict[int, set[str]]
) -> bool:
    for number in range(1, last + 1):
        threshold, witnesses = rules[number - 1]
        if threshold == 0:
            continue
        if not any(
            len(approved_at.get(later, set()) & set(witnesses)) >= threshold
            for later in range(number, last + 1)
        ):
            return False
    return True


def pending_approvals(witness_coop: Cooperative) -> list[DidLogEntry]:
    """Entries of other DIDs that name ``witness_coop``'s active key as a witness and that it
    has not approved yet (newest log versions only: one approval covers those before)."""
    key = Key.objects.filter(coop=witness_coop, is_active=True).first()
    if key is None:
        return []
    key_did = webvh.key_did(key.public_key_multibase)
    found = []
    for log in DidLog.objects.filter(witnesses__key_did=key_did).distinct():
        last = log.entries.order_by("-version_number").first()
        if last is None or last.version_number <= log.published_version:
            continue
        if not last.witness_proofs.filter(key_did=key_did).exists():
            found.append(last)
    return found


def local_webvh_document(did: str) -> dict[str, Any] | None:
    """The current did:webvh document of one of this instance's DIDs (its last published
    entry), or None when this instance has no such log."""
    log = DidLog.objects.filter(did=did).first()
    if log is None:
        return None
    line = (
        log.entries.filter(version_number=log.published_version)
        .values_list("line", flat=True)
        .first()
    )
    return json.loads(line)["state"] if line else None


def witnesses_of(log: DidLog) -> list[Witness]:
    return list(log.witnesses.all())


_COMPROMISED = gettext_noop(
    "The key %(key)s was declared compromised from log entry %(from)s; this issuance is log "
    "entry %(index)s."
)
_TOO_EARLY = gettext_noop(
    "The key %(key)s was authorised at log entry %(from)s, after this issuance (log entry "
    "%(index)s)."
)
_ROTATED = gettext_noop(
    "The key %(key)s was rotated out at log entry %(until)s; this issuance is log entry %(index)s."
)
_RETIRED = gettext_noop(
    "The key %(key)s was retired at log entry %(until)s; this issuance is log entry %(index)s."
)


_KEY_FIELDS = ("is_next", "activated_index", "ended_index", "end_reason", "compromised_index")


@functools.cache
def _key_sql(platform: bool) -> str:
    keys, coops = sql.table(Key), sql.table(Cooperative)
    columns = ", ".join(f"k.{sql.quote(name)}" for name in _KEY_FIELDS)
    owner = "k.coop_id IS NULL" if platform else "c.slug = %s"
    return (
        f"SELECT {columns} FROM {keys} k LEFT JOIN {coops} c ON c.id = k.coop_id "  # noqa: S608
        f"WHERE k.public_key_multibase = %s AND {owner}"
    )


def _key_row(multikey: str, slug: str | None) -> dict[str, Any] | None:
    """The key's history fields. Plain SQL: every verification of a credential issued here
    reads it, and building the query through the ORM costs more than running it (the budget
    in bench/bench_credentials.py: >= 200 verifications/s per core, key history included)."""
    with connection.cursor() as cursor:
        cursor.execute(_key_sql(slug is None), [multikey] if slug is None else [multikey, slug])
        row = cursor.fetchone()
    return None if row is None else dict(zip(_KEY_FIELDS, row, strict=True))


def key_problem(did: str, multikey: str, index: int) -> tuple[str, dict[str, Any]] | None:
    """Why the key ``multikey`` of this instance's ``did`` could not sign an issuance recorded
    as audit-log entry ``index`` (a message template and its parameters), or None if it could.

    The log's index is the time anchor, not the proof's ``created``: a key counts from the
    entry that authorised it until the entry that ended it (rotation or retirement), and not
    at all from the first entry at or after the instant it was declared compromised.
    Other hosts' DIDs are not judged here (their own instance keeps their history).
    """
    if did.startswith("did:webvh:"):
        try:
            did = webvh.webvh_to_web(did)[1]
        except ValueError:
            return None
    path = local_path(did)
    if path is None:
        return None
    row = _key_row(multikey, None if path == [] else path[-1])
    if row is None:
        return gettext_noop("The key %(key)s is not one of %(did)s's keys."), {
            "key": multikey,
            "did": did,
        }
    if row["is_next"]:
        return gettext_noop("The key %(key)s was not authorised yet."), {"key": multikey}
    if row["compromised_index"] is not None and index >= row["compromised_index"]:
        return _COMPROMISED, {"key": multikey, "from": row["compromised_index"], "index": index}
    if row["activated_index"] is not None and index < row["activated_index"]:
        return _TOO_EARLY, {"key": multikey, "from": row["activated_index"], "index": index}
    if row["ended_index"] is not None and index >= row["ended_index"]:
        template = _RETIRED if row["end_reason"] == EndReason.RETIRED else _ROTATED
        return template, {"key": multikey, "until": row["ended_index"], "index": index}
    return None
