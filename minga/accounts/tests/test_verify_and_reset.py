import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from conftest import make_person
from minga.accounts import actions
from minga.channels.models import OutboundMessage


@pytest.mark.django_db
def test_it_verifies_an_email_address(client, member):
    token = actions.verification_token(member)
    response = client.get(reverse("accounts:verify-email", args=[token]))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_email_verified


@pytest.mark.django_db
def test_it_refuses_a_tampered_or_stale_link(client, member):
    token = actions.verification_token(member)
    client.get(reverse("accounts:verify-email", args=[token[:-2] + "xx"]))
    member.email = "changed@example.org"
    member.save()
    client.get(reverse("accounts:verify-email", args=[token]))
    member.refresh_from_db()
    assert not member.is_email_verified


@pytest.mark.django_db
def test_it_resets_a_password_by_email(client, member, run_tasks):
    response = client.post(reverse("accounts:password-reset"), {"identifier": "member@example.org"})
    assert response.status_code == 302
    run_tasks()
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "another-long-password",
            "new_password2": "another-long-password",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("another-long-password")


@pytest.mark.django_db
def test_it_resets_a_password_by_sms_for_phone_people(client, member, sms_outbox, run_tasks):
    client.post(reverse("accounts:password-reset"), {"identifier": "+250788000111"})
    run_tasks()
    (sent,) = sms_outbox
    assert "/accounts/password/reset/" in sent.text
    message = OutboundMessage.objects.get(to="+250788000111")
    assert message.text == "[password reset]" and "/accounts/" not in message.text
    assert not mail.outbox


@pytest.mark.django_db
def test_it_does_not_reveal_who_has_an_account(client):
    response = client.post(
        reverse("accounts:password-reset"), {"identifier": "nobody@example.org"}, follow=True
    )
    assert "If an account matches" in response.content.decode()
    assert not mail.outbox


@pytest.mark.django_db
@override_settings(SMS_THROTTLE_PER_NUMBER=3)
def test_it_limits_reset_messages_per_number(client, member):
    for n in range(6):
        response = client.post(
            reverse("accounts:password-reset"),
            {"identifier": "+250788000111"},
            REMOTE_ADDR=f"198.51.100.{n}",
            follow=True,
        )
        assert "If an account matches" in response.content.decode()
    assert OutboundMessage.objects.filter(to="+250788000111").count() == 3


@pytest.mark.django_db
@override_settings(SMS_THROTTLE_PER_ADDRESS=4)
def test_it_limits_reset_messages_per_address(client):
    people = [make_person(f"Farmer {n}", phone=f"+25078850000{n}") for n in range(8)]
    for person in people:
        response = client.post(
            reverse("accounts:password-reset"), {"identifier": person.phone}, follow=True
        )
        assert "If an account matches" in response.content.decode()
    assert OutboundMessage.objects.count() == 4


@pytest.mark.django_db
@override_settings(SMS_THROTTLE_PER_NUMBER=2)
def test_it_counts_numbers_nobody_signed_up_with_alike(client, member):
    """Whether an account exists shows neither in the answer nor in when the limit starts."""
    for identifier in ["+250788000111", "+250788000112"]:
        for _ in range(3):
            client.post(reverse("accounts:password-reset"), {"identifier": identifier})
    assert OutboundMessage.objects.filter(to="+250788000111").count() == 2
