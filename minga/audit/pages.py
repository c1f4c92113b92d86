"""What an entry's page shows: the entry in words, beside everything needed to check it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import kinds, log, note, queries, subjects
from .models import Entry

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User
    from django.contrib.auth.models import AnonymousUser


def entry_context(entry: Entry, *, viewer: User | AnonymousUser | None) -> dict[str, Any]:
    """The page's context: the entry as `queries.show_entries` shows it to `viewer`, its
    action in words, its subject named and linked where an app knows it and `viewer` may see
    it, its leaf hash and, once it is in a checkpoint, its inclusion proof."""
    latest = log.latest_checkpoint()
    is_proved = latest is not None and entry.index < latest.size
    (shown,) = queries.show_entries([entry], viewer=viewer)
    proof: list[str] = []
    if is_proved:
        receipt = log.receipt(entry, latest)
        proof = [note.b64encode(h) for h in note.parse_tlog_proof(receipt).proof]
    return {
        "entry": shown,
        "action": kinds.label(entry.kind),
        "has_words": entry.kind in kinds.KINDS,
        "subject": subjects.describe(entry.subject, viewer=viewer),
        "subject_words": subjects.in_words(entry.subject),
        "leaf_hash": note.b64encode(bytes(entry.leaf_hash)),  # as the JSON and the proof write it
        "checkpoint": latest,
        "checkpoint_root": note.b64encode(bytes(latest.root)) if is_proved else "",
        "is_proved": is_proved,
        "proof": proof,
    }
