"""`minga log verify`: intact logs pass; any altered, removed, added or reordered row fails."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minga.audit import merkle
from minga.audit.models import Checkpoint, Entry, LogHead, Tile
from minga.audit.tests.conftest import add_entries


@pytest.fixture
def big_log(checkpointed):
    """300 entries: one full tile and a partial one, a checkpoint, then 5 more entries."""
    checkpointed(300)
    add_entries(5)


def verify_fails(match: str) -> CommandError:
    with pytest.raises(CommandError, match=match) as caught:
        call_command("log", "verify")
    assert caught.value.returncode == 1
    return caught.value


def test_it_passes_an_intact_log(big_log, capsys) -> None:
    call_command("log", "verify")
    assert "intact: 305 entries, 1 tiles and 1 checkpoints" in capsys.readouterr().out


def test_it_passes_an_empty_log(db, capsys) -> None:
    call_command("log", "verify")
    assert "intact: 0 entries" in capsys.readouterr().out


def test_it_catches_an_edited_entry(big_log) -> None:
    entry = Entry.objects.get(index=42)
    Entry.objects.filter(index=42).update(body=bytes(entry.body).replace(b'"n":42', b'"n":43'))
    verify_fails("index 42: entry 42 was altered")


def test_it_catches_an_entry_edited_with_its_hash_in_a_full_tile(big_log) -> None:
    entry = Entry.objects.get(index=7)
    body = bytes(entry.body).replace(b'"n":7', b'"n":8')
    Entry.objects.filter(index=7).update(body=body, leaf_hash=merkle.leaf_hash(body))
    verify_fails("index 7: entry 7 disagrees with tile 0/0")


def test_it_catches_an_entry_edited_with_its_hash_past_the_tiles(big_log) -> None:
    entry = Entry.objects.get(index=290)
    body = bytes(entry.body).replace(b'"n":290', b'"n":291')
    Entry.objects.filter(index=290).update(body=body, leaf_hash=merkle.leaf_hash(body))
    verify_fails("index 0: checkpoint 300 does not match the entries")


def test_it_catches_an_edited_column(big_log) -> None:
    Entry.objects.filter(index=3).update(subject="coop:someone-else")
    verify_fails("index 3: entry 3 was altered: its columns")


def test_it_catches_a_deleted_entry(big_log) -> None:
    Entry.objects.filter(index=100).delete()
    verify_fails("index 100: entry 100 is missing")


def test_it_catches_a_deleted_last_entry(big_log) -> None:
    Entry.objects.filter(index=304).delete()
    verify_fails("index 304: entries from 304 to 304 are missing")


def test_it_catches_swapped_entries(big_log) -> None:
    a, b = Entry.objects.get(index=10), Entry.objects.get(index=11)
    Entry.objects.filter(index=10).update(
        body=b.body, leaf_hash=b.leaf_hash, subject=b.subject, created_at=b.created_at
    )
    Entry.objects.filter(index=11).update(
        body=a.body, leaf_hash=a.leaf_hash, subject=a.subject, created_at=a.created_at
    )
    verify_fails("index 10: entry 10 disagrees with tile 0/0")


def test_it_catches_reordered_entries_after_the_last_tile(big_log) -> None:
    a, b = Entry.objects.get(index=260), Entry.objects.get(index=261)
    Entry.objects.filter(index=260).update(
        body=b.body, leaf_hash=b.leaf_hash, subject=b.subject, created_at=b.created_at
    )
    Entry.objects.filter(index=261).update(
        body=a.body, leaf_hash=a.leaf_hash, subject=a.subject, created_at=a.created_at
    )
    verify_fails("checkpoint 300 does not match")


def test_it_catches_an_entry_slipped_in(big_log) -> None:
    body = json.dumps({"kind": "x", "subject": "y", "at": "2020-01-01T00:00:00.000000Z"}).encode()
    entries = list(Entry.objects.filter(index__gte=50).order_by("-index"))
    for entry in entries:  # shift everything up by one, from the end
        Entry.objects.filter(index=entry.index).update(index=entry.index + 1)
    Entry.objects.create(
        index=50,
        kind="x",
        subject="y",
        body=body,
        leaf_hash=merkle.leaf_hash(body),
        created_at=entries[0].created_at,
    )
    LogHead.objects.update(size=306)
    verify_fails("index 50")


def test_it_catches_an_entry_added_behind_the_sequencer(big_log) -> None:
    entry = Entry.objects.get(index=304)
    Entry.objects.create(
        index=305,
        kind=entry.kind,
        subject=entry.subject,
        body=entry.body,
        leaf_hash=entry.leaf_hash,
        created_at=entry.created_at,
    )
    verify_fails("index 305: entry 305 was not appended by the sequencer")


def test_it_catches_an_altered_tile(big_log) -> None:
    tile = Tile.objects.get(level=0, index=0)
    hashes = bytearray(bytes(tile.hashes))
    hashes[32 * 9] ^= 1
    Tile.objects.filter(pk=tile.pk).update(hashes=bytes(hashes))
    verify_fails("index 9: entry 9 disagrees with tile 0/0")


def test_it_catches_an_altered_checkpoint(big_log) -> None:
    Checkpoint.objects.update(root=b"\1" * 32)
    verify_fails("checkpoint 300 disagrees with its signed note")


def test_it_catches_a_forged_checkpoint_signature(big_log) -> None:
    checkpoint = Checkpoint.objects.get()
    forged = checkpoint.note.replace("\n300\n", "\n299\n")
    Checkpoint.objects.update(note=forged, size=299)
    verify_fails("checkpoint 299 does not verify")


def test_it_catches_a_rewritten_history_with_consistent_tiles(checkpointed) -> None:
    checkpointed(20)
    entry = Entry.objects.get(index=5)
    body = bytes(entry.body).replace(b'"n":5', b'"n":6')
    Entry.objects.filter(index=5).update(body=body, leaf_hash=merkle.leaf_hash(body))
    add_entries(3)
    verify_fails("checkpoint 20 does not match the entries: an entry from 0 to 19")
