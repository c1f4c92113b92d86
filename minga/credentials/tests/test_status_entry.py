"""One `credentialStatus` entry per credential, and the two-entry credentials issued before.

Open Badges 3.0 allows one status entry (issue 15, item 6). Minga's is a two-bit entry of a
``statusPurpose: "message"`` list: 0 active, 1 suspended, 2 revoked. Credentials issued with a
revocation and a suspension entry keep verifying, and their status changes still reach both
of their lists.
"""

import json

import pytest
from django.utils import timezone

from minga.audit.log import create_checkpoint
from minga.credentials import actions
from minga.credentials import credential as documents
from minga.credentials.models import Credential, StatusPurpose
from minga.credentials.verification import (
    STATUS_LIST_CACHE,
    status_message_problems,
    verify_credential,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_status_cache():
    STATUS_LIST_CACHE.clear()


def _problems(report):
    return [found.type.name for found in report.problems]


def issue_with_two_entries(achievement, recipient, owner) -> Credential:
    """A credential as issued before one entry per credential: a revocation and a suspension
    entry, each one bit of its own list."""
    now = timezone.now()
    coop = achievement.coop
    revocation = actions._allocate(coop, StatusPurpose.REVOCATION, now)
    suspension = actions._allocate(coop, StatusPurpose.SUSPENSION, now)
    row = Credential(
        achievement=achievement,
        coop=coop,
        recipient=recipient,
        recipient_name=recipient.name,
        identity_type=Credential.IdentityType.IDENTIFIER,
        recipient_identity=documents.new_subject_identifier(),
        revocation_list_id=revocation[0].pk,
        revocation_index=revocation[1],
        suspension_list_id=suspension[0].pk,
        suspension_index=suspension[1],
        valid_from=now,
        issued_by=owner,
        issued_at=now,
    )
    unsigned = documents.credential_document(
        uuid=row.uuid,
        achievement=achievement,
        language="en",
        subject_id=None,
        identifier=documents.subject_identifier(row.recipient_identity),
        valid_from=now,
        valid_until=None,
        evidence=(),
        results=(),
        status=documents.status_entries(revocation, suspension),
    )
    signed = actions._sign(unsigned, coop, now)
    actions._keep_signed(row, signed)
    row.save()
    actions._record_issuance(row, signed, owner)
    return row


def test_a_new_credential_has_one_status_entry_with_four_messages(achievement, member, owner):
    issued = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    status = json.loads(issued.document)["credentialStatus"]
    assert isinstance(status, dict)  # one object: what the OB 3.0 schema allows
    assert status["type"] == "BitstringStatusListEntry" and status["statusSize"] == 2
    assert len(status["statusMessage"]) == 2 ** status["statusSize"]


def test_suspension_reinstatement_and_revocation_through_one_entry(achievement, member, owner):
    issued = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    create_checkpoint()
    assert verify_credential(issued.document).is_valid
    actions.suspend_credential(credential=issued, reason="Under review.", actor=owner)
    assert _problems(verify_credential(issued.document)) == ["suspended"]
    actions.reinstate_credential(credential=issued, reason="Review done.", actor=owner)
    assert verify_credential(issued.document).is_valid
    actions.suspend_credential(credential=issued, reason="Under review again.", actor=owner)
    actions.revoke_credential(credential=issued, reason="Fraud.", actor=owner)
    assert _problems(verify_credential(issued.document)) == ["revoked"]


def test_credentials_with_two_entries_still_verify_and_change_status(achievement, member, owner):
    old = issue_with_two_entries(achievement, member, owner)
    create_checkpoint()
    assert len(json.loads(old.document)["credentialStatus"]) == 2
    report = verify_credential(old.document)
    assert report.is_valid, report.as_json()
    actions.suspend_credential(credential=old, reason="Under review.", actor=owner)
    assert _problems(verify_credential(old.document)) == ["suspended"]
    actions.reinstate_credential(credential=old, reason="Review done.", actor=owner)
    assert verify_credential(old.document).is_valid
    actions.revoke_credential(credential=old, reason="Fraud.", actor=owner)
    assert _problems(verify_credential(old.document)) == ["revoked"]


def test_old_and_new_credentials_of_one_cooperative_keep_apart(
    achievement, member, outsider, owner
):
    old = issue_with_two_entries(achievement, member, owner)
    new = actions.issue_credential(achievement=achievement, recipient=outsider, actor=owner)
    create_checkpoint()
    actions.revoke_credential(credential=old, reason="Fraud.", actor=owner)
    assert verify_credential(new.document).is_valid
    actions.suspend_credential(credential=new, reason="Under review.", actor=owner)
    assert _problems(verify_credential(old.document)) == ["revoked"]
    assert _problems(verify_credential(new.document)) == ["suspended"]


MESSAGES = documents.STATUS_MESSAGES


@pytest.mark.parametrize(
    ("entry", "value", "expected"),
    [
        ({"statusSize": 2, "statusMessage": MESSAGES}, 0, []),
        ({"statusSize": 2, "statusMessage": MESSAGES}, 1, ["suspended"]),
        ({"statusSize": 2, "statusMessage": MESSAGES}, 2, ["revoked"]),
        ({"statusSize": 2, "statusMessage": MESSAGES}, 3, ["status-message"]),
        ({"statusSize": 2, "statusMessage": MESSAGES[:3]}, 0, ["MALFORMED_STATUS_ERROR"]),
        ({"statusSize": 2}, 0, ["MALFORMED_STATUS_ERROR"]),
        ({}, 1, ["status-message"]),  # one bit, no messages: "set" is not in force
        ({}, 0, []),
    ],
)
def test_it_reads_status_messages(entry, value, expected):
    found = status_message_problems({"statusListIndex": "7", **entry}, value)
    assert [item.type.name for item in found] == expected
