"""POST /log/witness/add-checkpoint: C2SP tlog-witness, this instance cosigning a peer's log."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from minga.audit import log, note
from minga.audit.models import WitnessedLog
from minga.audit.tests.conftest import add_entries

URL = "/log/witness/add-checkpoint"


@pytest.fixture
def follows_own_log(settings, db):
    """Witness our own log: the simplest peer whose key the tests control."""
    settings.MINGA_WITNESS_PEERS = [
        {
            "url": "http://testserver/log/witness",
            "vkey": log.witness_vkey(),
            "log_vkey": log.log_vkey(),
        }
    ]


def submit(client, old: int, proof: list[bytes], checkpoint: str, **extra):
    lines = "".join(note.b64encode(h) + "\n" for h in proof)
    return client.post(URL, f"old {old}\n{lines}\n{checkpoint}", content_type="text/plain", **extra)


def test_it_cosigns_a_first_checkpoint(client, follows_own_log, checkpointed) -> None:
    checkpoint = checkpointed(5)
    response = submit(client, 0, [], checkpoint.note)
    assert response.status_code == 200
    witness_key = note.parse_vkey(log.witness_vkey())
    _, verified = note.verify_note(checkpoint.note + response.content.decode(), [witness_key])
    assert note.cosignature_timestamp(verified[0]) > 1_700_000_000
    assert WitnessedLog.objects.get().size == 5


def test_it_cosigns_a_consistent_successor(client, follows_own_log, checkpointed) -> None:
    first = checkpointed(5)
    assert submit(client, 0, [], first.note).status_code == 200
    add_entries(300)
    second = log.create_checkpoint()
    response = submit(client, 5, log.consistency_proof(5, 305), second.note)
    assert response.status_code == 200
    assert WitnessedLog.objects.get().size == 305
    assert submit(client, 305, [], second.note).status_code == 200  # same checkpoint again


def test_it_answers_a_stale_old_size_with_its_own(client, follows_own_log, checkpointed) -> None:
    first = checkpointed(5)
    submit(client, 0, [], first.note)
    add_entries(2)
    second = log.create_checkpoint()
    response = submit(client, 0, [], second.note)
    assert response.status_code == 409
    assert response["Content-Type"] == "text/x.tlog.size"
    assert response.content == b"5\n"


def test_it_refuses_an_inconsistent_checkpoint(client, follows_own_log, checkpointed) -> None:
    first = checkpointed(5)
    submit(client, 0, [], first.note)
    add_entries(2)
    second = log.create_checkpoint()
    proof = log.consistency_proof(5, 7)
    proof[0] = bytes(32)
    response = submit(client, 5, proof, second.note)
    assert response.status_code == 422
    assert WitnessedLog.objects.get().size == 5


def test_it_refuses_a_fork_of_the_same_size(client, follows_own_log, checkpointed) -> None:
    first = checkpointed(5)
    submit(client, 0, [], first.note)
    fork = note.sign_note(
        note.checkpoint_body(first.note.split("\n")[0], 5, bytes(32)), [log.log_signer()]
    )
    assert submit(client, 5, [], fork).status_code == 409


def test_it_ignores_logs_it_does_not_follow(client, follows_own_log) -> None:
    stranger = note.Signer("elsewhere.example/log", Ed25519PrivateKey.generate())
    body = note.sign_note(note.checkpoint_body("elsewhere.example/log", 1, bytes(32)), [stranger])
    assert submit(client, 0, [], body).status_code == 404


def test_it_refuses_a_checkpoint_not_signed_by_the_log(client, follows_own_log, checkpointed):
    checkpoint = checkpointed(1)
    impostor = note.Signer("127.0.0.1:8000/log", Ed25519PrivateKey.generate())
    forged = note.sign_note(checkpoint.note.split("\n\n")[0] + "\n", [impostor])
    assert submit(client, 0, [], forged).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"garbage",
        b"old 0\n",
        b"old -1\n\nx\n",
        b"old 01\n\nx\n",
        b"new 0\n\nx\n",
        b"old 0\nnot-base64!\n\nx\n",
        b"old 0\nAAAA\n\nx\n",
        b"\xff\xfe\n\n",
        b"old 0\n\nnot a checkpoint\n",
        b"old 0\n\norigin\nxx\nroot\n\n\xe2\x80\x94 a b\n",
        b"old 0\n" + b"".join([b"A" * 43 + b"=\n"] * 64) + b"\nx\n",
    ],
)
def test_it_rejects_garbage(client, follows_own_log, body) -> None:
    response = client.post(URL, body, content_type="text/plain")
    assert response.status_code == 400
    assert response.content.strip()


def test_it_rejects_an_old_size_past_the_checkpoint(client, follows_own_log, checkpointed):
    checkpoint = checkpointed(2)
    assert submit(client, 3, [], checkpoint.note).status_code == 400


def test_it_rejects_a_proof_from_zero(client, follows_own_log, checkpointed) -> None:
    checkpoint = checkpointed(2)
    assert submit(client, 0, [bytes(32)], checkpoint.note).status_code == 400


def test_it_rejects_oversized_requests(client, follows_own_log) -> None:
    response = client.post(URL, b"old 0\n\n" + b"x" * 70_000, content_type="text/plain")
    assert response.status_code == 413


def test_it_only_accepts_post(client, db) -> None:
    assert client.get(URL).status_code == 405
