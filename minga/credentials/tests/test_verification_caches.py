"""What verification keeps between runs never outlives a change: a revocation, a suspension,
a rotated or removed key, a tampered status list are each seen by the very next run."""

import json

import pytest

from minga.audit.log import create_checkpoint
from minga.credentials import actions, statuslist
from minga.credentials.models import StatusList
from minga.credentials.verification import STATUS_LIST_CACHE, verify_credential
from minga.identity.actions import rotate_key
from minga.identity.models import Key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_status_cache():
    STATUS_LIST_CACHE.clear()
    yield
    STATUS_LIST_CACHE.clear()


@pytest.fixture
def issued(achievement, member, owner):
    credential = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    create_checkpoint()
    return credential


def _statuses(report) -> dict[str, str]:
    return {check.name: check.status for check in report.checks}


def _problems(report) -> list[str]:
    return [p.type.name for p in report.problems]


def test_it_sees_a_revocation_on_the_next_run(issued, owner):
    for _ in range(2):  # the second run is served from what the first one kept
        assert verify_credential(issued.document).is_valid
    actions.revoke_credential(credential=issued, reason="Issued by mistake.", actor=owner)
    report = verify_credential(issued.document)
    assert not report.is_valid and _problems(report) == ["revoked"]


def test_it_sees_a_suspension_and_its_end_on_the_next_run(issued, owner):
    assert verify_credential(issued.document).is_valid
    actions.suspend_credential(credential=issued, reason="Under review.", actor=owner)
    assert _problems(verify_credential(issued.document)) == ["suspended"]
    actions.reinstate_credential(credential=issued, reason="Review done.", actor=owner)
    assert verify_credential(issued.document).is_valid
    actions.suspend_credential(credential=issued, reason="Again.", actor=owner)
    assert _problems(verify_credential(issued.document)) == ["suspended"]


def test_another_credential_on_the_same_lists_keeps_its_own_status(
    issued, achievement, outsider, owner
):
    other = actions.issue_credential(achievement=achievement, recipient=outsider, actor=owner)
    create_checkpoint()
    assert verify_credential(other.document).is_valid
    actions.revoke_credential(credential=issued, reason="Issued by mistake.", actor=owner)
    assert _problems(verify_credential(issued.document)) == ["revoked"]
    assert verify_credential(other.document).is_valid


def test_a_status_list_changed_without_signing_is_refused_after_a_good_one(issued):
    assert verify_credential(issued.document).is_valid
    status_list = StatusList.objects.get(pk=issued.status_list_id)
    document = json.loads(status_list.document)
    document["credentialSubject"]["encodedList"] = statuslist.encode_values(
        {issued.status_index: 2}, status_size=2
    )
    StatusList.objects.filter(pk=status_list.pk).update(document=json.dumps(document))
    report = verify_credential(issued.document)
    assert _statuses(report)["status"] == "failed"
    assert _problems(report) == ["STATUS_VERIFICATION_ERROR"]


def test_a_rotated_key_keeps_verifying_and_the_new_key_signs(issued, achievement, coop, owner):
    assert verify_credential(issued.document).is_valid
    rotate_key(coop=coop, actor=owner)
    assert verify_credential(issued.document).is_valid  # rotation never voids what was signed
    fresh = actions.issue_credential(
        achievement=achievement, recipient_email="new@example.org", actor=owner
    )
    create_checkpoint()
    new_key = Key.objects.get(coop=coop, is_active=True).public_key_multibase
    assert json.loads(fresh.document)["proof"]["verificationMethod"].endswith("#" + new_key)
    assert verify_credential(fresh.document).is_valid


def test_a_removed_key_stops_verifying_on_the_next_run(issued, coop, owner):
    assert verify_credential(issued.document).is_valid
    rotate_key(coop=coop, actor=owner)
    # A compromised key is removed from the DID document, not merely rotated.
    Key.objects.filter(coop=coop, is_active=False).delete()
    report = verify_credential(issued.document)
    assert _statuses(report)["issuer"] == "failed"
    assert "INVALID_VERIFICATION_METHOD" in _problems(report)
    # The status lists were signed by the removed key too: they no longer verify either.
    assert _statuses(report)["status"] == "failed"


def test_a_new_checkpoint_is_used_as_soon_as_it_is_signed(achievement, member, owner):
    credential = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    assert _statuses(verify_credential(credential.document))["log"] == "pending"
    create_checkpoint()
    report = verify_credential(credential.document)
    assert _statuses(report)["log"] == "passed" and report.is_valid


def test_a_changed_urlconf_is_routed_afresh(issued, settings):
    assert verify_credential(issued.document).is_valid
    settings.ROOT_URLCONF = "minga.credentials.tests.urls_without_status"
    report = verify_credential(issued.document)
    assert _statuses(report)["status"] == "failed"
    assert set(_problems(report)) == {"STATUS_RETRIEVAL_ERROR"}
