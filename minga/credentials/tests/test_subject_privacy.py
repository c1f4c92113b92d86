"""A credential's subject tells an outsider nothing about the holder's phone or e-mail.

The attack of issue 14: an Open Badges `identityHash` is SHA-256 of the contact and its
salt, and the salt is published beside it. A phone numbering plan is small (a Rwandan
mobile number is ``+2507`` and eight digits), so whoever holds the credential tries every
number of the plan and finds the holder's in a fraction of a second; an e-mail address
falls to a list of likely guesses the same way. These tests run that attack on freshly
issued credentials: it must find nothing, because the subject is now a random identifier
meaningful only to the issuer.
"""

import hashlib
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_person
from minga.credentials import actions

pytestmark = pytest.mark.django_db

PHONE = "+250788123456"
# The slice of the numbering plan the attack walks through (the holder's number is in it).
PLAN = [f"+25078812{n:04d}" for n in range(10_000)]
EMAIL_GUESSES = [
    f"{name}@{domain}"
    for name in ("amina", "amina.uwase", "a.uwase", "auwase", "member")
    for domain in ("example.org", "gmail.com", "yahoo.fr")
]


def _reverse(document: dict, candidates: list[str]) -> str | None:
    """What an outsider does with a published credential: hash every candidate with every
    salt the document offers (and none) and compare with every hash it carries."""
    subject = document["credentialSubject"]
    text = json.dumps(document)
    identities = subject.get("identifier") or []
    hashes = {str(i.get("identityHash", "")).removeprefix("sha256$") for i in identities}
    salts = {str(i.get("salt", "")) for i in identities} | {""}
    hashes.add(str(subject.get("id", "")).rsplit(":", 1)[-1])
    for candidate in candidates:
        if candidate in text:
            return candidate
        for salt in salts:
            if hashlib.sha256((candidate + salt).encode()).hexdigest() in hashes:
                return candidate
    return None


def test_it_resists_an_enumeration_of_the_phone_numbering_plan(achievement, owner):
    assert PHONE in PLAN
    credential = actions.issue_credential(
        achievement=achievement, recipient_phone=PHONE, recipient_name="Jean", actor=owner
    )
    assert _reverse(json.loads(credential.document), PLAN) is None


def test_it_resists_a_guess_of_the_email_address(achievement, owner):
    credential = actions.issue_credential(
        achievement=achievement, recipient_email="Amina.Uwase@example.org", actor=owner
    )
    assert _reverse(json.loads(credential.document), EMAIL_GUESSES) is None


def test_it_resists_the_attack_on_a_members_credential(achievement, member, owner):
    credential = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    document = json.loads(credential.document)
    assert _reverse(document, [member.email, member.phone, *PLAN]) is None


HOLDER_NOTE = "This credential was issued to you."


def _page(client, credential) -> str:
    return client.get(reverse("credentials:detail", args=[credential.uuid])).content.decode()


def test_it_tells_a_signed_in_recipient_the_credential_is_theirs(
    achievement, member, outsider, owner, client
):
    credential = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    assert HOLDER_NOTE not in _page(client, credential)
    client.force_login(outsider)
    assert HOLDER_NOTE not in _page(client, credential)
    client.force_login(member)
    assert HOLDER_NOTE in _page(client, credential)


def test_it_recognises_the_holder_by_the_verified_address_it_was_sent_to(
    achievement, owner, client
):
    credential = actions.issue_credential(
        achievement=achievement, recipient_email="Amina.Uwase@example.org", actor=owner
    )
    amina = make_person("Amina Uwase", "amina.uwase@example.org")
    client.force_login(amina)
    assert HOLDER_NOTE not in _page(client, credential)  # anyone can type an address
    amina.email_verified_at = timezone.now()
    amina.save(update_fields=["email_verified_at"])
    assert HOLDER_NOTE in _page(client, credential)
