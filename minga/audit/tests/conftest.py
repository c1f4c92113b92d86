"""Helpers for the log's tests: entries are made through `record`, as every app makes them."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from django.db import transaction

from minga.audit import log, note, witness
from minga.audit.models import Checkpoint, Entry


@pytest.fixture(autouse=True)
def master_key(settings) -> None:
    """The platform key that signs checkpoints is sealed under a master key; tests bring one."""
    if not settings.MINGA_MASTER_KEY:
        settings.MINGA_MASTER_KEY = base64.b64encode(b"audit tests master key 32 bytes!").decode()


def add_entries(count: int, *, kind: str = "test.happened", actor=None) -> list[Entry]:
    with transaction.atomic():  # one transaction: many entries, quickly
        return [log.record(kind, f"thing:{i}", {"n": i}, actor) for i in range(count)]


@pytest.fixture
def make_entries(db) -> Callable[..., list[Entry]]:
    return add_entries


@pytest.fixture
def checkpointed(db) -> Callable[[int], Checkpoint]:
    """Append `count` entries and sign a checkpoint over the whole log."""

    def make(count: int) -> Checkpoint:
        add_entries(count)
        checkpoint = log.create_checkpoint()
        assert checkpoint is not None
        return checkpoint

    return make


@pytest.fixture
def log_verifier(db) -> note.Verifier:
    return note.parse_vkey(log.log_vkey())


@pytest.fixture
def peer(settings, client, db, monkeypatch):
    """This instance is its own peer; HTTP goes through the test client."""
    settings.MINGA_WITNESS_PEERS = [
        {
            "url": "http://testserver/log/witness",
            "vkey": log.witness_vkey(),
            "log_vkey": log.log_vkey(),
        }
    ]

    def post(url: str, body: bytes) -> tuple[int, str]:
        response = client.post(
            url.removeprefix("http://testserver"), body, content_type="text/plain"
        )
        return response.status_code, response.content.decode()

    monkeypatch.setattr(witness, "_post", post)
    monkeypatch.setattr(witness, "_backoff", {})
