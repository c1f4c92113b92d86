"""Certificates anyone can check with any phone (issue 15, item 4).

The holder's name is inside the signed credential, so the printed check code answers for one
name; the verification page takes the link and check code (or the QR code's address, or the
code alone) without JavaScript; `CHECK <code>` by SMS and the USSD menu answer the same.
"""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import client_for, make_person
from minga.audit.log import create_checkpoint
from minga.credentials import actions, checking
from minga.credentials import credential as documents
from minga.credentials.models import Credential
from minga.credentials.verification import STATUS_LIST_CACHE, verify_credential
from minga.decisions import sms, ussd

from .issuing_setup import define_bookkeeping

pytestmark = pytest.mark.django_db
URL = reverse("credentials:verify")
HOLDER = "Amina Uwase"
STRANGER_PHONE = "+254700999999"  # registered nowhere: an employer checking a certificate


@pytest.fixture(autouse=True)
def _fresh_status_cache(settings):
    STATUS_LIST_CACHE.clear()
    settings.AFRICASTALKING_CALLBACK_IPS = ["127.0.0.1/32"]


@pytest.fixture
def holder(db):
    return make_person(HOLDER, "amina@example.org", phone="+250788000333", phone_verified=True)


@pytest.fixture
def issued(coop, owner, holder):
    achievement = define_bookkeeping(coop, owner)
    credential = actions.issue_credential(achievement=achievement, recipient=holder, actor=owner)
    create_checkpoint()
    return credential


def code_of(credential):
    return documents.qr_digest(credential.sha256)


def page(client, **query):
    response = client.get(URL, query)
    assert response.status_code == 200
    return response.content.decode()


# --- the name inside the signature ---


def test_the_holders_name_is_signed_beside_the_random_identifier(issued):
    identifiers = json.loads(issued.document)["credentialSubject"]["identifier"]
    assert [item["identityType"] for item in identifiers] == ["identifier", "name"]
    assert identifiers[1] == {
        "type": "IdentityObject",
        "identityHash": HOLDER,
        "identityType": "name",
        "hashed": False,
    }
    assert identifiers[0]["identityHash"].startswith("urn:uuid:")  # random, not a contact hash
    assert "amina@example.org" not in issued.document and "788000333" not in issued.document
    assert verify_credential(issued.document).is_valid


def test_a_name_changed_in_the_document_breaks_the_signature_and_the_code(issued):
    document = json.loads(issued.document)
    document["credentialSubject"]["identifier"][1]["identityHash"] = "Someone Else"
    assert not verify_credential(document).is_valid
    altered = documents.canonical_sha256(document)
    assert not documents.check_qr_digest(altered, code_of(issued))


def test_a_forged_name_on_a_printed_certificate_fails_the_check(client, issued):
    """The attack: a genuine QR code and check code beside another name read "valid"."""
    link = json.loads(issued.document)["id"]
    forged = page(client, id=link, d=code_of(issued), name="Someone Else")
    assert "This credential is not valid." in forged
    assert "not the name this credential was issued to" in forged
    assert HOLDER in forged  # the reader sees whose certificate the code belongs to
    genuine = page(
        client, id=json.loads(issued.document)["id"], d=code_of(issued), name="amina  UWASE"
    )
    assert "This credential is valid." in genuine


def test_the_printed_certificate_shows_the_signed_name_not_the_rows(client, owner, issued):
    Credential.objects.filter(pk=issued.pk).update(recipient_name="Someone Else")
    body = client_for(client, owner).get(reverse("credentials:print", args=[issued.uuid]))
    text = body.content.decode()
    assert HOLDER in text and "Someone Else" not in text
    assert documents.check_code_digits(code_of(issued)) in text
    assert "CHECK" in text


# --- the verification page, without JavaScript ---


@pytest.mark.parametrize("persona", ["anonymous", "member", "outsider"])
def test_it_checks_by_link_and_code_for_everyone(client, issued, member, outsider, persona):
    if persona != "anonymous":
        client_for(client, {"member": member, "outsider": outsider}[persona])
    body = page(client, id=json.loads(issued.document)["id"], d=code_of(issued))
    assert 'class="verdict valid"' in body
    assert HOLDER in body and issued.coop.name in body
    # The achievement in the reader's language (the outsider reads Spanish).
    assert ("Contabilidad básica" if persona == "outsider" else "Bookkeeping basics") in body
    assert "<script" not in body


def test_it_takes_the_qr_codes_address_as_the_link(client, issued):
    qr = documents.verify_url(json.loads(issued.document)["id"], code_of(issued))
    body = page(client, id=qr)
    assert "This credential is valid." in body and HOLDER in body


@pytest.mark.parametrize("form", ["base32", "digits"])
def test_it_finds_a_certificate_by_its_code_alone(client, issued, form):
    code = code_of(issued)
    typed = code.lower() if form == "base32" else documents.check_code_digits(code)
    body = page(client, d=typed)
    assert "This credential is valid." in body and HOLDER in body


def test_a_code_made_for_another_credential_fails(client, issued, coop, owner, member):
    other = actions.issue_credential(achievement=issued.achievement, recipient=member, actor=owner)
    body = page(client, id=json.loads(issued.document)["id"], d=code_of(other))
    assert "This credential is not valid." in body and "may be forged" in body


def test_bad_input_is_a_clear_error(client, issued):
    assert "A check code is 16 letters and digits" in page(client, d="12345")
    assert "This server issued no credential" in page(client, id="https://elsewhere.example/x")


def test_it_shows_the_status_in_the_readers_language(client, issued, owner):
    actions.revoke_credential(credential=issued, reason="Issued in error", actor=owner)
    body = client.get(
        URL,
        {"id": json.loads(issued.document)["id"], "d": code_of(issued)},
        HTTP_ACCEPT_LANGUAGE="es",
    ).content.decode()
    assert "Revocada" in body or "Revocado" in body
    assert HOLDER in body


# --- SMS and USSD ---


def test_check_by_sms_answers_anyone_in_160_characters(issued):
    digits = documents.check_code_digits(code_of(issued))
    answer = sms.respond(phone=STRANGER_PHONE, text=f"CHECK {digits}")
    assert len(answer) <= 160
    assert answer.startswith("Minga: VALID.") and HOLDER in answer and "Bookkeeping" in answer


def test_check_by_sms_says_revoked_and_speaks_the_senders_language(issued, owner, outsider):
    actions.revoke_credential(credential=issued, reason="Issued in error", actor=owner)
    answer = sms.respond(phone=STRANGER_PHONE, text=f"check {code_of(issued)}")
    assert "REVOKED" in answer and len(answer) <= 160
    with translation.override("es"):
        spanish = checking.short_answer(code_of(issued))
    assert "REVOCAD" in spanish and len(spanish) <= 160


def test_check_by_sms_with_an_unknown_or_malformed_code(issued):
    unknown = sms.respond(phone=STRANGER_PHONE, text="CHECK AAAA AAAA AAAA AAAA")
    assert "no certificate" in unknown and len(unknown) <= 160
    malformed = sms.respond(phone=STRANGER_PHONE, text="CHECK 123")
    assert "CHECK" in malformed and len(malformed) <= 160


def test_long_names_are_shortened_to_fit_an_sms(coop, owner):
    person = make_person("N" * 150, "long@example.org")
    achievement = define_bookkeeping(coop, owner)
    credential = actions.issue_credential(achievement=achievement, recipient=person, actor=owner)
    answer = checking.short_answer(code_of(credential))
    assert len(answer) <= 160 and answer.startswith("Minga: VALID.")


def post_ussd(client, text, phone=STRANGER_PHONE):
    response = client.post(
        reverse("channels:africastalking-ussd"),
        {
            "sessionId": "ATUid_check",
            "serviceCode": "*384*123#",
            "phoneNumber": phone,
            "networkCode": "63510",
            "text": text,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert len(body) <= ussd.LIMIT
    return body


def test_the_ussd_menu_checks_a_certificate_for_anyone(client, issued):
    assert post_ussd(client, "").endswith("98 Check a certificate")
    assert post_ussd(client, "98").startswith("CON Enter the check code")
    digits = documents.check_code_digits(code_of(issued)).replace(" ", "")
    body = post_ussd(client, f"98*{digits}")
    assert body.startswith("END Minga: VALID.") and HOLDER in body


def test_credentials_issued_earlier_get_their_check_code(client, issued):
    """The migration fills the code of credentials issued before codes were kept."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "minga.credentials.migrations.0005_one_status_entry_holder_name_check_code"
    )
    Credential.objects.filter(pk=issued.pk).update(check_code="")
    assert checking.find_by_code(code_of(issued)) is None
    migration.fill_check_codes(apps, None)
    assert checking.find_by_code(code_of(issued)) == issued
