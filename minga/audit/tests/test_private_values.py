"""Openings of commitments: revealed to their owner only, erasable without breaking the log."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction

from minga import audit
from minga.audit import actions, commitments, log, queries
from minga.audit.models import Secret


@pytest.fixture
def phone_entry(owner):
    with transaction.atomic():
        entry = audit.record("member.added", "coop:x", {}, owner, private={"phone": "+2507"})
    return json.loads(bytes(entry.body))["data"]["phone"]


def test_it_reveals_an_opening_to_its_owner_only(phone_entry, owner, member) -> None:
    value, salt = queries.opening_of(phone_entry, viewer=owner)
    assert value == "+2507" and commitments.opens(phone_entry, value, salt)
    assert queries.opening_of(phone_entry, viewer=member) is None


def test_it_erases_private_values_and_keeps_the_log_verifiable(phone_entry, owner) -> None:
    log.create_checkpoint()
    assert actions.erase_private_values(owner=owner, actor=owner) == 2  # phone and actor
    assert queries.opening_of(phone_entry, viewer=owner) is None
    erased = Secret.objects.get(commitment=phone_entry)
    assert (erased.value, bytes(erased.salt)) == ("", b"") and erased.erased_at is not None
    call_command("log", "verify")


def test_it_lets_only_the_owner_or_staff_erase(phone_entry, owner, member) -> None:
    with pytest.raises(PermissionDenied):
        actions.erase_private_values(owner=owner, actor=member)
    member.is_staff = True
    assert actions.erase_private_values(owner=owner, actor=member) == 2


def test_it_refuses_an_anonymous_actor(db) -> None:
    with pytest.raises(ValueError, match="saved person"), transaction.atomic():
        audit.record("x.y", "s", {}, AnonymousUser())
