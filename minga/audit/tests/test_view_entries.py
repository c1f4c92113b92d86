"""GET /log/entries/<index>: the entry, its inclusion proof and an offline receipt."""

from __future__ import annotations

import base64
import json

import pytest

from minga.audit import merkle, note, verifier
from minga.audit.tests.conftest import add_entries


def test_it_serves_an_entry_with_its_proofs(client, checkpointed, log_verifier) -> None:
    checkpoint = checkpointed(300)
    response = client.get("/log/entries/260")
    assert response.status_code == 200
    data = response.json()
    body = base64.b64decode(data["entry_base64"])
    assert data["entry"] == json.loads(body) and data["entry"]["data"] == {"n": 260}
    proof = [base64.b64decode(h) for h in data["inclusion_proof"]]
    assert len(proof) == 7  # leaves past the largest power of two sit higher up
    assert len(client.get("/log/entries/5").json()["inclusion_proof"]) == 9  # ceil(log2 300)
    merkle.verify_inclusion(merkle.leaf_hash(body), 260, 300, proof, bytes(checkpoint.root))
    assert data["checkpoint"]["size"] == 300
    note.open_checkpoint(data["checkpoint"]["note"], [log_verifier])
    assert data["log_vkey"] == log_verifier.vkey


def test_it_gives_a_receipt_the_offline_verifier_accepts(client, checkpointed) -> None:
    checkpointed(10)
    data = client.get("/log/entries/3").json()
    key = verifier.parse_key(data["log_vkey"])
    report = verifier.verify(data["tlog_proof"], log_key=key)
    assert report["valid"] and report["index"] == 3 and report["entry"]["data"] == {"n": 3}


def test_it_downloads_the_receipt_alone(client, checkpointed) -> None:
    checkpointed(4)
    response = client.get("/log/entries/0?format=tlog-proof")
    assert response.status_code == 200
    assert "minga-log-0.tlog-proof" in response["Content-Disposition"]
    assert response.content.startswith(b"c2sp.org/tlog-proof@v1\nextra ")


def test_it_marks_entries_not_yet_in_a_checkpoint(client, checkpointed) -> None:
    checkpointed(2)
    add_entries(1)
    data = client.get("/log/entries/2").json()
    assert data["entry"]["data"] == {"n": 0}
    assert data["checkpoint"] is None and data["tlog_proof"] is None
    assert client.get("/log/entries/2?format=tlog-proof").status_code == 404


@pytest.mark.parametrize(
    ("index", "status"),
    [
        ("-1", 400),
        ("abc", 400),
        ("1.5", 400),
        ("", 400),
        ("99999999999999999999", 400),
        ("9223372036854775808", 400),
        ("9223372036854775807", 404),
        ("5", 404),
        ("%20", 400),
    ],
)
def test_it_answers_bad_indexes_clearly(client, checkpointed, index, status) -> None:
    checkpointed(2)
    response = client.get(f"/log/entries/{index}")
    assert response.status_code == status
    assert response.json()["error"]


def test_it_is_public_to_everyone(outsider_client, checkpointed) -> None:
    checkpointed(1)
    assert outsider_client.get("/log/entries/0").status_code == 200


def test_it_still_answers_for_a_damaged_entry(client, checkpointed) -> None:
    from minga.audit.models import Entry

    checkpointed(2)
    Entry.objects.filter(index=1).update(body=b"\xff not json")
    response = client.get("/log/entries/1")
    assert response.status_code == 200 and response.json()["entry"] is None
