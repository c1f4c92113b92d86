import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import translation
from django.utils.translation import gettext_lazy

from minga.audit.models import Entry
from minga.credentials import actions, dataintegrity, statuslist
from minga.credentials import credential as documents
from minga.credentials.models import STATUS_LIST_SIZE, Credential, StatusList
from minga.identity import didkey
from minga.identity.models import Key

from .issuing_setup import define_bookkeeping

pytestmark = pytest.mark.django_db


def _public_key(coop) -> Ed25519PublicKey:
    key = Key.objects.get(coop=coop, is_active=True)
    return Ed25519PublicKey.from_public_bytes(didkey.decode_multikey(key.public_key_multibase))


def test_it_signs_an_open_badge_that_verifies(achievement, member, owner, coop):
    credential = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    document = json.loads(credential.document)
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"].endswith(f"/credentials/{credential.uuid}")
    assert document["issuer"]["id"].endswith(f":coops:{coop.slug}")
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    subject = document["credentialSubject"]
    # A random identifier, not a hash of the address (the hash was reversible, issue 14).
    # Beside it, the holder's name, which the printed certificate shows (issue 15).
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": credential.recipient_identity,
            "identityType": "identifier",
            "hashed": False,
        },
        {
            "type": "IdentityObject",
            "identityHash": "Coop Member",
            "identityType": "name",
            "hashed": False,
        },
    ]
    assert credential.recipient_identity.startswith("urn:uuid:")
    assert credential.contact_hmac == documents.contact_hmac("member@example.org")
    assert "member@example.org" not in credential.document
    assert subject["achievement"]["name"] == "Bookkeeping basics"
    assert subject["achievement"]["alignment"][0]["targetName"] == "Bookkeeping"
    dataintegrity.verify(document, public_key=_public_key(coop))


def test_it_writes_in_the_recipients_language(achievement, outsider, owner):
    credential = actions.issue_credential(achievement=achievement, recipient=outsider, actor=owner)
    achievement_doc = json.loads(credential.document)["credentialSubject"]["achievement"]
    assert achievement_doc["name"] == "Contabilidad básica"
    assert achievement_doc["inLanguage"] == "es"


def test_it_signs_result_labels_in_the_credentials_language(achievement, outsider, owner):
    """An organiser reading French issues to a Spanish reader: "Rank" is signed in Spanish,
    the credential's language."""
    with translation.override("fr"):
        credential = actions.issue_credential(
            achievement=achievement,
            recipient=outsider,
            results=[{"name": gettext_lazy("Rank"), "value": "1", "type": "ext:Rank"}],
            evidence=[{"name": "Portfolio", "description": gettext_lazy("Prize")}],
            actor=owner,
        )
    document = json.loads(credential.document)
    assert credential.language == "es"
    assert document["credentialSubject"]["achievement"]["resultDescription"][0]["name"] == (
        "Puesto"
    )
    assert document["evidence"][0]["description"] == "Premio"


def test_it_records_the_issuance_with_the_canonical_digest(achievement, member, owner):
    credential = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    entry = Entry.objects.get(kind="credential.issue", subject=f"credential:{credential.uuid}")
    data = json.loads(entry.body)["data"]
    document = json.loads(credential.document)
    assert data["sha256"] == documents.canonical_sha256(document) == credential.sha256
    assert data["credential"] == document["id"]
    assert data["issuer"] == document["issuer"]["id"]
    assert data["achievement"] == document["credentialSubject"]["achievement"]["id"]


def test_it_gives_each_credential_its_own_status_entry(achievement, member, outsider, owner):
    first = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    second = actions.issue_credential(achievement=achievement, recipient=outsider, actor=owner)
    assert (first.status_index, second.status_index) == (0, 1)
    assert first.revocation_list_id is None and first.suspension_list_id is None
    # One entry (OB 3.0 allows one): two bits for active, suspended and revoked (issue 15).
    status = json.loads(second.document)["credentialStatus"]
    assert status["statusPurpose"] == "message" and status["statusSize"] == 2
    assert status["statusListIndex"] == "1"
    assert [item["message"] for item in status["statusMessage"]] == [
        "active",
        "suspended",
        "revoked",
        "undefined",
    ]
    assert status["statusReference"] == json.loads(second.document)["id"]
    status_list = StatusList.objects.get(pk=second.status_list_id)
    assert status_list.size == STATUS_LIST_SIZE and status_list.next_index == 2
    assert status_list.status_size == 2


def test_it_identifies_a_phone_only_person_by_a_random_identifier(achievement, owner):
    credential = actions.issue_credential(
        achievement=achievement, recipient_phone="+250 788 123 456", actor=owner
    )
    identity = json.loads(credential.document)["credentialSubject"]["identifier"][0]
    assert identity["identityType"] == "identifier" and identity["hashed"] is False
    assert "salt" not in identity and identity["identityHash"].startswith("urn:uuid:")
    # Recorded privately with the normalised number, under a key outside the database.
    assert credential.contact_hmac == documents.contact_hmac("+250788123456")
    assert credential.identity_salt == ""


def test_it_uses_a_did_as_the_subject_when_given(achievement, owner):
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    credential = actions.issue_credential(achievement=achievement, recipient_did=did, actor=owner)
    subject = json.loads(credential.document)["credentialSubject"]
    assert subject["id"] == did and "identifier" not in subject


def test_it_returns_the_first_credential_for_the_same_source(achievement, member, owner):
    first = actions.issue_credential(
        achievement=achievement, recipient=member, source="training:1:person:1", actor=owner
    )
    again = actions.issue_credential(
        achievement=achievement, recipient=member, source="training:1:person:1", actor=owner
    )
    assert first.pk == again.pk and Credential.objects.count() == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"recipient_email": "not-an-address"},
        {"recipient_phone": "12"},
        {"recipient_did": "mailto:x@example.org"},
    ],
)
def test_it_refuses_a_bad_recipient_and_changes_nothing(achievement, owner, kwargs):
    from django.core.exceptions import ValidationError

    before = Entry.objects.count()
    with pytest.raises(ValidationError):
        actions.issue_credential(achievement=achievement, actor=owner, **kwargs)
    assert Credential.objects.count() == 0
    assert Entry.objects.count() == before
    assert not StatusList.objects.filter(next_index__gt=0).exists()


def test_it_refuses_a_validity_that_ends_before_it_starts(achievement, member, owner):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    now = timezone.now()
    with pytest.raises(ValidationError):
        actions.issue_credential(
            achievement=achievement, recipient=member, valid_from=now, valid_until=now, actor=owner
        )
    assert Credential.objects.count() == 0


def test_it_publishes_an_empty_signed_status_list(achievement, member, owner, coop):
    credential = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    document = json.loads(credential.status_list.document)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    bits = statuslist.decode(document["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == 2 * STATUS_LIST_SIZE  # 131,072 entries of two bits
    assert statuslist.get_status(bits, 0, 2) == 0
    dataintegrity.verify(document, public_key=_public_key(coop))


def test_it_passes_every_check_of_the_verifier(achievement, member, owner):
    from minga.credentials.verification import verify_credential

    credential = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    report = verify_credential(credential.document)
    assert report.is_valid, report.as_json()
    actions.suspend_credential(credential=credential, reason="Under review.", actor=owner)
    report = verify_credential(credential.document)
    assert not report.is_valid
    assert "suspended" in {
        problem["type"].rsplit(":", 1)[-1] for problem in report.as_json()["problems"]
    }


def test_it_opens_the_next_list_when_one_is_full(achievement, member, outsider, owner):
    first = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    StatusList.objects.filter(pk=first.status_list_id).update(next_index=STATUS_LIST_SIZE)
    second = actions.issue_credential(achievement=achievement, recipient=outsider, actor=owner)
    assert second.status_list.number == 2 and second.status_index == 0
    status = json.loads(second.document)["credentialStatus"]
    assert status["statusListCredential"].endswith("/message/2")
    assert json.loads(second.status_list.document)["credentialSubject"]["statusPurpose"] == (
        "message"
    )


def test_it_gives_a_cooperative_without_a_key_its_first_one(owner):
    from minga.coops.models import Cooperative, Membership

    bare = Cooperative.objects.create(
        name="Keyless Cooperative",
        slug="keyless",
        legal_form="primary",
        country="KE",
        sector="agriculture",
    )
    Membership.objects.create(coop=bare, person=owner, role=Membership.Role.ADMIN)
    achievement = define_bookkeeping(bare, owner)
    credential = actions.issue_credential(
        achievement=achievement, recipient_email="a@example.org", actor=owner
    )
    dataintegrity.verify(json.loads(credential.document), public_key=_public_key(bare))


def test_it_tells_the_recipient_where_to_find_it(
    achievement, member, owner, client, mailoutbox, run_tasks
):
    from urllib.parse import urlsplit

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        credential = actions.issue_credential(
            achievement=achievement, recipient=member, actor=owner
        )
    run_tasks()
    (message,) = mailoutbox
    link = documents.credential_url(credential.uuid)
    assert message.to == ["member@example.org"] and link in message.body
    assert client.get(urlsplit(link).path).status_code == 200
