"""Confirming a phone number with a code sent by SMS, before it counts as a USSD identity."""

import datetime
import re

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import make_person
from minga.accounts import actions
from minga.accounts.models import PhoneCode, User
from minga.accounts.queries import person_by_verified_phone
from minga.channels.models import OutboundMessage

pytestmark = pytest.mark.django_db
VERIFY = reverse("accounts:phone-verify")
SEND = reverse("accounts:phone-code-send")
PHONE = "+250788400400"
SIGNUP = {
    "name": "Phone Farmer",
    "email": "",
    "phone": PHONE,
    "preferred_language": "en",
    "timezone": "Africa/Kigali",
    "password1": "correct-horse-battery",
    "password2": "correct-horse-battery",
}


@pytest.fixture(autouse=True)
def _texts_as_handed_to_the_provider(sms_outbox):
    """The outbound records keep no code (see channels.sms): read what the provider was given."""


def _last_code(phone: str) -> str:
    from minga.channels.sms import outbox
    from minga.core.worker import run_ready_tasks

    run_ready_tasks()  # the code is queued with the change that asked for it

    return re.search(r"\b(\d{6})\b", [m for m in outbox if m.to == phone][-1].text)[1]


@pytest.fixture
def farmer():
    return make_person("Phone Farmer", phone=PHONE)


def test_it_asks_anonymous_visitors_to_sign_in(client):
    assert client.get(VERIFY).url.startswith(reverse("accounts:login"))
    assert client.post(SEND).url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_it_shows_the_page_to_the_person_signed_in(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(VERIFY).status_code == 200


def test_it_sends_a_code_on_sign_up_and_confirms_the_number(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), SIGNUP)
    user = User.objects.get(phone=PHONE)
    assert not user.is_phone_verified
    code = _last_code(PHONE)
    # Only a keyed hash is stored, never the code.
    stored = PhoneCode.objects.get(person=user)
    assert code not in stored.code_hash
    assert person_by_verified_phone(PHONE) is None
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_phone_verified
    assert person_by_verified_phone(PHONE) == user


def test_it_sends_a_code_when_asked_and_refuses_a_wrong_one(
    client, farmer, django_capture_on_commit_callbacks
):
    client.force_login(farmer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(SEND).status_code == 302
    code = _last_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(VERIFY, {"code": wrong})
    assert "not the code we sent" in response.content.decode()
    farmer.refresh_from_db()
    assert not farmer.is_phone_verified


def test_it_spends_a_code_after_five_wrong_tries(farmer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.send_phone_code(user=farmer, address="198.51.100.7")
    code = _last_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(actions.PHONE_CODE_ATTEMPTS):
        assert actions.confirm_phone(user=farmer, code=wrong) is actions.CodeCheck.WRONG
    assert actions.confirm_phone(user=farmer, code=code) is actions.CodeCheck.EXPIRED
    assert person_by_verified_phone(PHONE) is None


def test_it_refuses_an_expired_code(farmer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.send_phone_code(user=farmer, address="198.51.100.7")
    code = _last_code(PHONE)
    later = timezone.now() + actions.PHONE_CODE_LIFETIME + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert actions.confirm_phone(user=farmer, code=code) is actions.CodeCheck.EXPIRED
    farmer.refresh_from_db()
    assert not farmer.is_phone_verified


def test_it_refuses_a_code_sent_to_the_previous_number(farmer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.send_phone_code(user=farmer, address="198.51.100.7")
    code = _last_code(PHONE)
    actions.update_profile(user=farmer, actor=farmer, changes={"phone": "+250788400401"})
    assert actions.confirm_phone(user=farmer, code=code) is actions.CodeCheck.EXPIRED


def test_it_forgets_the_verification_when_the_phone_changes(
    member_client, member, django_capture_on_commit_callbacks
):
    assert member.is_phone_verified
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            reverse("accounts:profile-edit"),
            {
                "name": member.name,
                "email": member.email,
                "phone": "+250788000999",
                "preferred_language": "en",
                "timezone": "UTC",
            },
        )
    assert response.url == VERIFY
    member.refresh_from_db()
    assert member.phone == "+250788000999"
    assert not member.is_phone_verified
    assert person_by_verified_phone("+250788000999") is None
    assert OutboundMessage.objects.filter(to="+250788000999").exists()


def test_it_finds_only_active_people_by_verified_phone(member):
    assert person_by_verified_phone(member.phone) == member
    member.is_active = False
    member.save()
    assert person_by_verified_phone(member.phone) is None


@override_settings(SMS_THROTTLE_PER_NUMBER=3)
def test_it_limits_codes_per_number(client, farmer, django_capture_on_commit_callbacks):
    client.force_login(farmer)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            client.post(SEND)
    assert OutboundMessage.objects.filter(to=PHONE).count() == 3
