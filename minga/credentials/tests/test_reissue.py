"""Re-issuing the credentials earlier versions issued with a hash of a contact (issue 14).

Those credentials are built here as earlier versions signed them: the subject an Open Badges
`IdentityObject` with ``sha256(contact + salt)`` and the salt beside it, and the issuance in
the audit log with that document's digest, so they verify as the originals did.
"""

import hashlib
import json
import secrets

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from conftest import make_person
from minga.audit.models import Entry
from minga.channels.models import OutboundMessage
from minga.credentials import actions
from minga.credentials.models import Credential
from minga.credentials.verification import verify_credential
from minga.trainings import actions as training_actions
from minga.trainings.models import Enrolment
from minga.trainings.tests.test_actions import _attend_and_assess
from minga.trainings.tests.trainings_setup import AFTER, at

from .test_subject_privacy import PLAN, _reverse

pytestmark = pytest.mark.django_db


class LegacySubject(actions.Subject):
    """The subject as earlier versions wrote it: a salted SHA-256 of the contact."""

    def __init__(self, identity_type: str, contact: str) -> None:
        self.salt = secrets.token_hex(16)
        digest = hashlib.sha256((contact + self.salt).encode()).hexdigest()
        super().__init__(identity_type, "sha256$" + digest)

    def identifier(self) -> dict:
        return {
            "type": "IdentityObject",
            "identityHash": self.identity,
            "identityType": self.identity_type,
            "hashed": True,
            "salt": self.salt,
        }


def _legacy_subject(recipient, email, phone, did) -> LegacySubject:
    email = email or (recipient.email if recipient and not phone else None)
    phone = phone or (recipient.phone if recipient and not email else None)
    if email:
        return LegacySubject("emailAddress", email.strip().lower())
    return LegacySubject("phoneNumber", phone.replace(" ", ""))


@pytest.fixture
def issue_legacy(monkeypatch):
    """`actions.issue_credential` as earlier versions ran it."""

    def issue(**kwargs) -> Credential:
        made = []
        with monkeypatch.context() as patch:
            patch.setattr(
                actions, "_subject", lambda *args: made.append(_legacy_subject(*args)) or made[0]
            )
            credential = actions.issue_credential(**kwargs)
        Credential.objects.filter(pk=credential.pk).update(identity_salt=made[0].salt)
        credential.refresh_from_db()
        return credential

    return issue


@pytest.fixture
def old(issue_legacy, achievement, member, owner):
    return issue_legacy(
        achievement=achievement,
        recipient=member,
        results=[{"name": "Score", "value": "82"}],
        evidence=[{"id": "https://example.org/work", "name": "Work"}],
        source="test:member",
        actor=owner,
    )


def _reissue_all(capture) -> list[Credential]:
    with capture(execute=True):
        return actions.reissue_contact_hashes(actor=None)


def test_it_builds_old_credentials_that_leak_and_verify(old, member):
    old.refresh_from_db()
    document = json.loads(old.document)
    assert old.carries_contact_hash and old.identity_salt
    assert _reverse(document, ["someone@example.org", member.email]) == member.email
    assert verify_credential(old.document).is_valid


def test_it_reissues_revokes_the_old_one_and_tells_the_holder_once(
    old, member, django_capture_on_commit_callbacks, run_tasks
):
    run_tasks()  # what the setup queued is not this test's concern
    mail.outbox.clear()
    [new] = _reissue_all(django_capture_on_commit_callbacks)
    run_tasks()
    old.refresh_from_db()
    assert old.status == "revoked" and old.replaced_by == new and old.source == ""
    assert str(new.uuid) in old.status_reason
    assert new.recipient == member and new.source == "test:member"
    assert new.identity_type == "identifier" and not new.carries_contact_hash
    old_doc, new_doc = json.loads(old.document), json.loads(new.document)
    assert new_doc["credentialSubject"]["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": new.recipient_identity,
            "identityType": "identifier",
            "hashed": False,
        },
        {
            "type": "IdentityObject",
            "identityHash": member.name,
            "identityType": "name",
            "hashed": False,
        },
    ]
    for key in ("achievement", "result"):
        assert new_doc["credentialSubject"][key] == old_doc["credentialSubject"][key]
    assert new_doc["evidence"] == old_doc["evidence"]
    assert new_doc["validFrom"] == old_doc["validFrom"]
    assert _reverse(new_doc, [member.email, member.phone, *PLAN]) is None
    assert verify_credential(new.document).is_valid
    report = verify_credential(old.document)
    assert not report.is_valid
    assert [p.type.name for p in report.problems] == ["revoked"]
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert str(new.uuid) in mail.outbox[0].body
    reissued = Entry.objects.get(kind="credential.reissue", subject=f"credential:{old.uuid}")
    assert json.loads(bytes(reissued.body))["data"]["replacedBy"] == new_doc["id"]
    # Run again: nothing to do, nobody told twice.
    assert _reissue_all(django_capture_on_commit_callbacks) == []
    run_tasks()
    assert len(mail.outbox) == 1 and Credential.objects.count() == 2
    assert Entry.objects.filter(kind="credential.reissue").count() == 1


def test_it_keeps_a_suspension_on_the_replacement(old, owner, django_capture_on_commit_callbacks):
    actions.suspend_credential(credential=old, reason="Under review.", actor=owner)
    [new] = _reissue_all(django_capture_on_commit_callbacks)
    assert new.status == "suspended" and new.status_reason == "Under review."
    assert not verify_credential(new.document).is_valid
    actions.reinstate_credential(credential=new, reason="Review done.", actor=owner)
    assert verify_credential(new.document).is_valid


def test_it_leaves_revoked_and_new_credentials_alone(
    issue_legacy, achievement, member, owner, django_capture_on_commit_callbacks
):
    actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    revoked = issue_legacy(achievement=achievement, recipient_email="gone@example.org", actor=owner)
    actions.revoke_credential(credential=revoked, reason="Issued by mistake.", actor=owner)
    before = Credential.objects.count()
    assert _reissue_all(django_capture_on_commit_callbacks) == []
    assert Credential.objects.count() == before


def test_it_texts_a_phone_only_holder(
    issue_legacy, achievement, owner, django_capture_on_commit_callbacks
):
    farmer = make_person("Coffee farmer", phone="+250788100002")
    issue_legacy(achievement=achievement, recipient=farmer, actor=owner)
    OutboundMessage.objects.all().delete()
    [new] = _reissue_all(django_capture_on_commit_callbacks)
    [sms] = OutboundMessage.objects.filter(to="+250788100002")
    assert str(new.uuid) in sms.text
    assert new.contact_hmac  # the old hash matched the number the issuer holds


def test_it_moves_a_training_certificate_and_texts_its_participant(
    training, member, trainer, outsider, django_capture_on_commit_callbacks, monkeypatch
):
    _person, phone_only, _absent = _attend_and_assess(training, member, trainer, outsider)
    with at(AFTER):
        legacy_subject = LegacySubject("phoneNumber", phone_only.phone)
        monkeypatch.setattr(actions, "_subject", lambda *args: legacy_subject)
        training_actions.complete_training(training=training, actor=trainer)
        monkeypatch.undo()
        phone_only.refresh_from_db()
        old = phone_only.credential
        Credential.objects.filter(pk=old.pk).update(identity_salt=legacy_subject.salt)
        OutboundMessage.objects.all().delete()
        replaced = _reissue_all(django_capture_on_commit_callbacks)
    new = Credential.objects.get(pk=Enrolment.objects.get(pk=phone_only.pk).credential_id)
    assert new in replaced and new.source == f"training:{training.pk}:enrolment:{phone_only.pk}"
    [sms] = OutboundMessage.objects.filter(to=phone_only.phone)
    assert str(new.uuid) in sms.text


def test_it_withholds_the_old_document_and_points_to_its_replacement(
    old, member, client, django_capture_on_commit_callbacks
):
    [new] = _reissue_all(django_capture_on_commit_callbacks)
    response = client.get(reverse("credentials:json", args=[old.uuid]))
    assert response.status_code == 410
    assert response.json()["replacedBy"].endswith(f"/credentials/{new.uuid}")
    page = client.get(reverse("credentials:detail", args=[old.uuid])).content.decode()
    assert reverse("credentials:detail", args=[new.uuid]) in page
    assert "was replaced by" in page
    assert client.get(reverse("credentials:json", args=[new.uuid])).status_code == 200


def test_it_runs_from_the_command_line(old, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("credential", "reissue-contact-hashes")
        call_command("credential", "reissue-contact-hashes")
    out = capsys.readouterr().out
    assert "Re-issued 1 credential(s)" in out and "Re-issued 0 credential(s)" in out
