"""Signed checkpoints: created on demand and by the worker, never two inconsistent ones."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from minga.audit import jobs, log, merkle, note
from minga.audit.models import Checkpoint, Entry, Tile
from minga.audit.tests.conftest import add_entries


def test_it_signs_a_checkpoint_over_every_entry(make_entries, log_verifier) -> None:
    entries = make_entries(5)
    checkpoint = log.create_checkpoint()
    parsed, _, signatures = note.open_checkpoint(checkpoint.note, [log_verifier])
    assert parsed.size == 5 == checkpoint.size
    assert parsed.root == merkle.root_hash([bytes(e.body) for e in entries])
    assert parsed.origin == "127.0.0.1:8000/log" and len(signatures) == 1


def test_it_signs_the_empty_log_once(db, log_verifier) -> None:
    checkpoint = log.create_checkpoint()
    parsed, _, _ = note.open_checkpoint(checkpoint.note, [log_verifier])
    assert parsed.size == 0 and parsed.root == merkle.EMPTY_ROOT
    assert log.create_checkpoint() is None


def test_it_signs_nothing_new_without_new_entries(checkpointed) -> None:
    checkpointed(3)
    assert log.create_checkpoint() is None
    add_entries(1)
    assert log.create_checkpoint().size == 4
    assert list(Checkpoint.objects.values_list("size", flat=True)) == [4, 3]


def test_it_writes_full_tiles_as_entries_complete_them(checkpointed) -> None:
    checkpointed(600)
    assert list(Tile.objects.values_list("level", "index")) == [(0, 0), (0, 1)]
    leaves = [bytes(h) for h in Entry.objects.values_list("leaf_hash", flat=True)]
    tile = Tile.objects.get(level=0, index=1)
    assert bytes(tile.hashes) == b"".join(leaves[256:512])
    assert bytes(tile.root) == merkle.subtree_root(leaves[256:512])


def test_it_refuses_to_sign_a_history_that_was_rewritten(checkpointed) -> None:
    checkpointed(4)
    body = b'{"rewritten":true}'
    Entry.objects.filter(index=1).update(body=body, leaf_hash=merkle.leaf_hash(body))
    add_entries(1)
    with pytest.raises(log.LogError, match="not consistent with checkpoint 4"):
        log.create_checkpoint()
    assert Checkpoint.objects.count() == 1


def test_it_refuses_when_entries_vanished_under_a_checkpoint(checkpointed) -> None:
    checkpointed(3)
    from minga.audit.models import LogHead

    LogHead.objects.update(size=2)
    with pytest.raises(log.LogError, match="checkpoint 3 was signed"):
        log.create_checkpoint()


def test_it_signs_on_demand_from_the_command_line(make_entries, capsys) -> None:
    make_entries(2)
    call_command("log", "checkpoint")
    out = capsys.readouterr().out
    assert out.startswith("127.0.0.1:8000/log\n2\n") and "\u2014 127.0.0.1:8000/log " in out
    call_command("log", "checkpoint")
    assert "No new entries" in capsys.readouterr().out


def test_it_signs_from_the_workers_periodic_job(make_entries) -> None:
    make_entries(2)
    assert jobs.sign_checkpoint(timezone.now()) == "checkpoint 2 signed, 0 cosignatures, published"
    assert jobs.sign_checkpoint(timezone.now()) is None
    assert Checkpoint.objects.get().size == 2


def test_it_reports_a_rewritten_history_as_a_command_error(checkpointed) -> None:
    checkpointed(2)
    Entry.objects.filter(index=0).update(leaf_hash=b"\0" * 32)
    add_entries(1)
    with pytest.raises(CommandError, match="not consistent"):
        call_command("log", "checkpoint")
