"""A rotated platform key: old checkpoints and receipts keep verifying, new ones use the new key."""

from __future__ import annotations

from django.core.management import call_command

from minga.audit import log, verifier
from minga.audit.tests.conftest import add_entries
from minga.identity.actions import rotate_key


def test_it_keeps_old_receipts_verifiable_after_a_rotation(client, checkpointed, owner) -> None:
    checkpointed(3)
    old_receipt = client.get("/log/entries/1").json()
    owner.is_superuser = True
    owner.save()
    rotate_key(coop=None, actor=owner)
    add_entries(2)
    log.create_checkpoint()
    new_receipt = client.get("/log/entries/1").json()

    assert old_receipt["log_vkey"] != new_receipt["log_vkey"] == log.log_vkey()
    for receipt in (old_receipt, new_receipt):
        key = verifier.parse_key(receipt["log_vkey"])
        assert verifier.verify(receipt["tlog_proof"], log_key=key)["valid"]
    call_command("log", "verify")
