"""Revoking, suspending and reinstating: audited, with a reason, reflected in the signed lists."""

import json

import pytest
from django.core.exceptions import ValidationError

from minga.audit.models import Entry
from minga.credentials import actions, statuslist
from minga.credentials.models import Credential

pytestmark = pytest.mark.django_db


def _value(credential: Credential) -> int:
    """The credential's two-bit status in its published list: 0 active, 1 suspended, 2 revoked."""
    credential.refresh_from_db()
    status_list = credential.status_list
    status_list.refresh_from_db()
    encoded = json.loads(status_list.document)["credentialSubject"]["encodedList"]
    return statuslist.get_status(statuslist.decode(encoded), credential.status_index, 2)


def _entry(kind: str, credential: Credential) -> dict:
    entry = Entry.objects.get(kind=kind, subject=f"credential:{credential.uuid}")
    return json.loads(bytes(entry.body))["data"]


def test_it_revokes_with_a_published_reason(issued, owner):
    actions.revoke_credential(credential=issued, reason="Issued by mistake.", actor=owner)
    issued.refresh_from_db()
    assert issued.status == "revoked" and issued.status_reason == "Issued by mistake."
    assert _value(issued) == 2
    data = _entry("credential.revoke", issued)
    assert data["reason"] == "Issued by mistake."
    assert data["credential"] == json.loads(issued.document)["id"]


def test_it_suspends_and_reinstates(issued, owner):
    actions.suspend_credential(credential=issued, reason="Under review.", actor=owner)
    assert _value(issued) == 1
    actions.reinstate_credential(credential=issued, reason="Review done.", actor=owner)
    issued.refresh_from_db()
    assert issued.status == "active" and issued.status_reason == ""
    assert _value(issued) == 0
    assert _entry("credential.suspend", issued)["reason"] == "Under review."
    assert _entry("credential.reinstate", issued)["reason"] == "Review done."


def test_it_keeps_other_credentials_bits(issued, achievement, outsider, owner):
    other = actions.issue_credential(achievement=achievement, recipient=outsider, actor=owner)
    actions.revoke_credential(credential=other, reason="Withdrawn.", actor=owner)
    actions.revoke_credential(credential=issued, reason="Withdrawn too.", actor=owner)
    assert _value(issued) == 2 and _value(other) == 2


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_it_needs_a_reason_and_changes_nothing(issued, owner, reason):
    before = issued.status_list.document
    with pytest.raises(ValidationError):
        actions.revoke_credential(credential=issued, reason=reason, actor=owner)
    issued.refresh_from_db()
    issued.status_list.refresh_from_db()
    assert issued.status == "active" and issued.status_list.document == before
    assert not Entry.objects.filter(kind="credential.revoke").exists()


def test_revocation_is_final(issued, owner):
    actions.revoke_credential(credential=issued, reason="Fraud.", actor=owner)
    for change in (
        actions.reinstate_credential,
        actions.suspend_credential,
        actions.revoke_credential,
    ):
        with pytest.raises(ValidationError):
            change(credential=issued, reason="Again.", actor=owner)
    issued.refresh_from_db()
    assert issued.status == "revoked" and issued.status_reason == "Fraud."
    assert Entry.objects.filter(subject=f"credential:{issued.uuid}").count() == 2


def test_only_a_suspended_credential_is_reinstated(issued, owner):
    with pytest.raises(ValidationError, match="not suspended"):
        actions.reinstate_credential(credential=issued, reason="Why not.", actor=owner)
