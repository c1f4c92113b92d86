"""A checkpoint is served only once its witness quorum cosigned it; refusals are public.

The instance is its own witness here (as in test_witness_peers): what it refuses as a witness
of its own log is what any peer would refuse.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from minga.audit import jobs, log, witness
from minga.audit.models import Checkpoint, Entry, LogHead, Tile, WitnessRefusal
from minga.audit.tests.conftest import add_entries


@pytest.fixture
def quorum_one(settings):
    settings.MINGA_LOG_WITNESS_QUORUM = 1


def test_it_holds_a_checkpoint_back_until_the_quorum_cosigned(db, client, settings, quorum_one):
    add_entries(3)
    signed = log.create_checkpoint()
    assert signed.published_at is None
    assert client.get("/log/checkpoint").status_code == 404  # nothing published yet
    assert log.latest_checkpoint() is None
    assert witness.collect_cosignatures(signed) == 0  # no witness configured: stays held
    assert client.get("/log/checkpoint").status_code == 404


def test_it_publishes_once_a_witness_cosigned(peer, client, quorum_one):
    add_entries(3)
    signed = log.create_checkpoint()
    assert witness.collect_cosignatures(signed) == 1
    signed.refresh_from_db()
    assert signed.published_at is not None
    assert client.get("/log/checkpoint").content.decode() == signed.signed_note


def test_the_worker_retries_a_checkpoint_waiting_for_its_witnesses(
    peer,
    monkeypatch,
    capsys,
    quorum_one,
):
    add_entries(2)
    post = witness._post
    monkeypatch.setattr(witness, "_post", lambda url, body: (503, "down"))
    assert "waiting for its witnesses" in jobs.sign_checkpoint(timezone.now())
    monkeypatch.setattr(witness, "_post", post)
    monkeypatch.setattr(witness, "_backoff", {})
    assert jobs.sign_checkpoint(timezone.now()) == "checkpoint 2 published"
    assert Checkpoint.objects.get().published_at is not None


def rewrite(keep: int, then_add: int) -> Checkpoint:
    """An insider drops entries past `keep`, deletes checkpoints and tiles, re-signs."""
    Entry.objects.filter(index__gte=keep).delete()
    Checkpoint.objects.all().delete()
    Tile.objects.all().delete()
    LogHead.objects.filter(pk=1).update(size=keep)
    add_entries(then_add, kind="test.rewritten")
    return log.create_checkpoint()


def test_a_witness_refuses_and_publishes_a_forked_history(peer, client):
    add_entries(10)
    assert witness.collect_cosignatures(log.create_checkpoint()) == 1
    forked = rewrite(keep=5, then_add=5)  # same size, another root
    assert witness.collect_cosignatures(forked) == 0
    state = client.get("/log/witness").json()
    assert state["cosigned"][0]["size"] == 10
    refused = state["refused"][0]
    assert refused["size"] == 10 and "different root" in refused["reason"]
    assert refused["note"] == forked.note


def test_a_witness_refuses_and_publishes_a_rollback(peer, client):
    add_entries(10)
    assert witness.collect_cosignatures(log.create_checkpoint()) == 1
    shorter = rewrite(keep=4, then_add=2)
    assert witness.collect_cosignatures(shorter) == 0
    assert "Rollback: 10 entries" in client.get("/log/witness").json()["refused"][0]["reason"]


def test_a_witness_refuses_a_rewritten_history_that_grew(peer, client):
    add_entries(300)
    assert witness.collect_cosignatures(log.create_checkpoint()) == 1
    grown = rewrite(keep=260, then_add=60)
    assert witness.collect_cosignatures(grown) == 0
    assert "consistency proof" in client.get("/log/witness").json()["refused"][0]["reason"]


def test_it_does_not_keep_junk_from_strangers(peer, client):
    response = client.post(
        "/log/witness/add-checkpoint", b"old 0\n\nnot a checkpoint\n", content_type="text/plain"
    )
    assert response.status_code == 400
    assert not WitnessRefusal.objects.exists()
