"""Asking peer witnesses to cosign our checkpoints, and receipts that carry their cosignatures."""

from __future__ import annotations

import pytest

from minga.audit import log, verifier, witness
from minga.audit.models import PeerState, WitnessedLog
from minga.audit.tests.conftest import add_entries


def test_it_collects_and_stores_cosignatures(peer, client, checkpointed) -> None:
    checkpoint = checkpointed(3)
    assert witness.collect_cosignatures(checkpoint) == 1
    checkpoint.refresh_from_db()
    assert checkpoint.cosignatures.startswith("\u2014 127.0.0.1:8000/log/witness ")
    assert client.get("/log/checkpoint").content.decode() == checkpoint.signed_note
    assert PeerState.objects.get().size == 3


def test_it_keeps_witnesses_moving_forward(peer, checkpointed) -> None:
    witness.collect_cosignatures(checkpointed(3))
    add_entries(400)
    assert witness.collect_cosignatures(log.create_checkpoint()) == 1
    assert WitnessedLog.objects.get().size == 403


def test_it_catches_up_with_a_witness_that_knows_more(peer, checkpointed) -> None:
    witness.collect_cosignatures(checkpointed(3))
    PeerState.objects.update(size=0)  # we forgot; the witness did not
    add_entries(2)
    assert witness.collect_cosignatures(log.create_checkpoint()) == 1
    assert PeerState.objects.get().size == 5


def test_it_skips_a_witness_that_refuses(peer, monkeypatch, checkpointed) -> None:
    monkeypatch.setattr(witness, "_post", lambda url, body: (500, "down"))
    checkpoint = checkpointed(1)
    assert witness.collect_cosignatures(checkpoint) == 0
    assert checkpoint.cosignatures == ""


def test_it_skips_an_unreachable_witness(peer, monkeypatch, checkpointed) -> None:
    calls = []

    def unreachable(url, body):
        calls.append(url)
        raise OSError("connection refused")

    monkeypatch.setattr(witness, "_post", unreachable)
    assert witness.collect_cosignatures(checkpointed(1)) == 0
    add_entries(1)
    assert witness.collect_cosignatures(log.create_checkpoint()) == 0
    assert len(calls) == 1  # left alone for a while after failing


def test_it_catches_a_witness_up_after_an_outage(peer, monkeypatch, checkpointed) -> None:
    witness.collect_cosignatures(checkpointed(2))
    witness._backoff["http://testserver/log/witness"] = (float("inf"), 300.0)
    add_entries(300)
    assert witness.collect_cosignatures(log.create_checkpoint()) == 0
    witness._backoff.clear()
    add_entries(1)
    assert witness.collect_cosignatures(log.create_checkpoint()) == 1
    assert WitnessedLog.objects.get().size == 303


def test_it_gives_receipts_that_satisfy_a_witness_policy(peer, client, checkpointed) -> None:
    witness.collect_cosignatures(checkpointed(6))
    receipt = client.get("/log/entries/4").json()["tlog_proof"]
    log_key = verifier.parse_key(log.log_vkey())
    witness_key = verifier.parse_key(log.witness_vkey())
    report = verifier.verify(receipt, log_key=log_key, witnesses=[witness_key], k=1)
    assert report["valid"] and list(report["witnesses"]["cosigned"]) == [witness_key.name]


def test_it_verifies_stored_cosignatures(peer, checkpointed) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from minga.audit.models import Checkpoint

    checkpoint = checkpointed(3)
    witness.collect_cosignatures(checkpoint)
    call_command("log", "verify")
    line = Checkpoint.objects.get().cosignatures
    name, signature = line.rstrip("\n").rsplit(" ", 1)
    forged = signature[:20] + ("A" if signature[20] != "A" else "B") + signature[21:]
    Checkpoint.objects.update(cosignatures=f"{name} {forged}\n")
    with pytest.raises(CommandError, match="cosignature of 127.0.0.1:8000/log/witness is forged"):
        call_command("log", "verify")
