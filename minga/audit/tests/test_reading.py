"""The reading functions other apps use instead of the log's tables (`minga.audit.reading`)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from minga import audit
from minga.audit import log
from minga.audit.models import Entry
from minga.audit.tests.conftest import add_entries
from minga.identity.actions import rotate_key

pytestmark = pytest.mark.django_db


def _record(kind: str, subject: str, **data) -> int:
    with transaction.atomic():
        return log.record(kind, subject, data, None).index


def test_it_finds_the_first_entry_of_a_kind_about_exactly_a_subject() -> None:
    _record("ballot.cast", "poll:10", commitment="other poll")
    first = _record("ballot.cast", "poll:1", commitment="a")
    _record("poll.closed", "poll:1")
    _record("ballot.cast", "poll:1", commitment="b")

    found = audit.first_entry(kind="ballot.cast", subject="poll:1")
    assert found is not None
    assert (found.index, found.kind, found.subject, found.data) == (
        first,
        "ballot.cast",
        "poll:1",
        {"commitment": "a"},
    )
    stored = Entry.objects.get(index=first)
    assert (found.body, found.leaf_hash, found.at) == (
        bytes(stored.body),
        bytes(stored.leaf_hash),
        stored.created_at,
    )
    assert found.at.tzinfo is not None
    assert audit.first_entry(kind="ballot.cast", subject="poll:2") is None


def test_it_counts_and_lists_the_values_of_one_subject_only() -> None:
    _record("ballot.cast", "poll:1", commitment="a")
    _record("ballot.cast", "poll:10", commitment="not this poll")
    _record("ballot.cast", "poll:1", commitment="b")
    _record("ballot.cast", "poll:1", commitment="a")  # a replaced ballot stays in the log

    assert audit.count_entries(kind="ballot.cast", subject="poll:1") == 3
    assert audit.logged_values(kind="ballot.cast", subject="poll:1", name="commitment") == [
        "a",
        "b",
        "a",
    ]
    assert audit.logged_values(kind="ballot.cast", subject="poll:2", name="commitment") == []


def test_it_finds_the_first_entry_since_a_moment() -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _record("test.happened", "thing:1")
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        later = _record("test.happened", "thing:2")
        _record("test.happened", "thing:3")

    assert audit.first_index_since(start + datetime.timedelta(minutes=1)) == later
    assert audit.first_index_since(start + datetime.timedelta(minutes=6)) is None


def test_it_gives_the_checkpoint_covering_an_entry_and_the_newest(checkpointed) -> None:
    assert audit.newest_checkpoint() is None
    first = checkpointed(3)
    second = checkpointed(2)

    assert audit.checkpoint_covering(2) == audit.SignedCheckpoint(first.size, first.note)
    assert audit.checkpoint_covering(3) == audit.SignedCheckpoint(second.size, second.note)
    assert audit.checkpoint_covering(5) is None
    assert audit.newest_checkpoint() == audit.SignedCheckpoint(5, second.note)


def test_it_proves_an_entry_in_a_checkpoint_signed_by_a_rotated_key(checkpointed, owner) -> None:
    checkpointed(3)
    old = audit.newest_checkpoint()
    owner.is_superuser = True
    owner.save()
    rotate_key(coop=None, actor=owner)
    add_entries(2)
    log.create_checkpoint()
    entry = audit.entry(1)

    assert audit.prove_inclusion(entry, old) == 3
    assert audit.prove_inclusion(entry, audit.newest_checkpoint()) == audit.newest_checkpoint().size


def test_it_refuses_an_altered_entry_or_a_forged_checkpoint(checkpointed) -> None:
    checkpointed(4)
    checkpoint = audit.newest_checkpoint()
    entry = audit.entry(2)
    altered = audit.LoggedEntry(**{**vars(entry), "body": entry.body.replace(b"2", b"3")})
    forged = audit.SignedCheckpoint(checkpoint.size, checkpoint.note.replace("\n4\n", "\n5\n"))

    with pytest.raises(audit.NotProven):
        audit.prove_inclusion(altered, checkpoint)
    with pytest.raises(audit.NotProven):
        audit.prove_inclusion(entry, forged)
