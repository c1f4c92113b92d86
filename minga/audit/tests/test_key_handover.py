"""Rotating the log's key: a hand-over signed by the old key keeps monitors and witnesses
following; a key swapped without one is caught by both.

The instance is its own witness (the `peer` fixture): its configured log key is the one from
before the rotation, as a peer's would be.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from minga.audit import handover, log, monitor, note, witness
from minga.audit.models import TrustedLogKey
from minga.audit.tests.conftest import add_entries
from minga.identity.actions import rotate_key
from minga.identity.keys import create_key
from minga.identity.models import Key


@pytest.fixture
def operator(owner):
    owner.is_superuser = True
    owner.save()
    return owner


@pytest.fixture
def watch(client, tmp_path):
    state = tmp_path / "state.json"

    def fetch(path: str) -> bytes:
        response = client.get(f"/log/{path}")
        if response.status_code != 200:
            raise monitor.CannotCheck(f"{path} answered {response.status_code}")
        return response.content

    def run(log_key: str) -> int:
        return monitor.main(
            ["http://testserver/log", "--log-key", log_key, "--state", str(state)], fetch=fetch
        )

    return run


def swap_key_without_handover() -> None:
    """What an insider with database access can do: retire the key row, make another."""
    Key.objects.filter(coop__isnull=True, is_active=True).update(
        is_active=False, encrypted_private_key=b"", rotated_at=timezone.now()
    )
    create_key(coop=None)


def test_a_rotation_records_a_handover_signed_by_both_keys(db, operator, settings):
    add_entries(3)
    old = note.parse_vkey(log.log_vkey())
    rotate_key(coop=None, actor=operator)
    new = note.parse_vkey(log.log_vkey())
    [signed] = log.key_handovers()
    opened = handover.open_handover(signed, old)
    # After the rotation's own entries: the platform's did:webvh log starts, then the rotation.
    assert opened.new.vkey == new.vkey and opened.size == 5
    with pytest.raises(handover.HandoverError):
        handover.open_handover(signed, new)  # it vouches only from the old key


def test_the_monitor_follows_an_honest_rotation(db, operator, watch, capsys):
    add_entries(3)
    log.create_checkpoint()
    old_key = log.log_vkey()
    assert watch(old_key) == 0
    rotate_key(coop=None, actor=operator)
    add_entries(2)
    log.create_checkpoint()
    assert watch(old_key) == 0, capsys.readouterr().err
    add_entries(1)
    log.create_checkpoint()
    assert watch(old_key) == 0  # the state remembers the key it moved on to


def test_the_monitor_catches_a_key_swapped_without_handover(db, watch, capsys):
    add_entries(3)
    log.create_checkpoint()
    old_key = log.log_vkey()
    assert watch(old_key) == 0
    swap_key_without_handover()
    add_entries(2)
    log.create_checkpoint()
    assert watch(old_key) == 1
    assert "no hand-over from the log's key leads to" in capsys.readouterr().err


def test_witnesses_follow_an_honest_rotation(peer, operator, run_tasks):
    add_entries(3)
    assert witness.collect_cosignatures(log.create_checkpoint()) == 1
    rotate_key(coop=None, actor=operator)
    assert run_tasks() == 1  # the hand-over, sent by the worker
    assert TrustedLogKey.objects.get().vkey == log.log_vkey()
    add_entries(2)
    assert witness.collect_cosignatures(log.create_checkpoint()) == 1


def test_a_witness_that_missed_the_announcement_is_sent_it_again(peer, operator):
    add_entries(3)
    assert witness.collect_cosignatures(log.create_checkpoint()) == 1
    rotate_key(coop=None, actor=operator)  # the worker has not run: never announced
    add_entries(2)
    assert witness.collect_cosignatures(log.create_checkpoint()) == 1
    assert TrustedLogKey.objects.get().vkey == log.log_vkey()


def test_witnesses_refuse_a_key_swapped_without_handover(peer, client):
    add_entries(3)
    assert witness.collect_cosignatures(log.create_checkpoint()) == 1
    swap_key_without_handover()
    add_entries(2)
    assert witness.collect_cosignatures(log.create_checkpoint()) == 0
    assert not TrustedLogKey.objects.exists()


def test_a_witness_refuses_a_handover_from_a_key_it_does_not_trust(peer, client):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    origin = note.parse_vkey(log.log_vkey()).name
    forged = handover.sign_handover(
        origin,
        note.Signer(origin, Ed25519PrivateKey.generate()),
        note.Signer(origin, Ed25519PrivateKey.generate()),
        0,
    )
    response = client.post("/log/witness/key-handover", forged, content_type="text/plain")
    assert response.status_code == 403
    assert not TrustedLogKey.objects.exists()
