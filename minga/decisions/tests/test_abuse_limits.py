"""Abuse limits on voting PINs and proxy codes: escalating locks, an owner's unlock by a code
sent to their own phone, longer new PINs, and codes never kept in clear."""

import datetime

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from minga.channels.models import OutboundMessage
from minga.decisions import delegation, sms
from minga.decisions.delegation import DelegationError, PinCheck
from minga.decisions.models import Proxy, VotingPin

pytestmark = pytest.mark.django_db
PIN = "48265"


@pytest.fixture(autouse=True)
def _callbacks_from_the_test_client(settings):
    settings.AFRICASTALKING_CALLBACK_IPS = ["127.0.0.1/32"]


def check(member, pin, now):
    return delegation.check_voting_pin(person=member, pin=pin, now=now)[0]


def lock(member, now):
    for _ in range(delegation.PIN_ATTEMPTS):
        outcome = check(member, "99999", now)
    assert outcome == PinCheck.LOCKED


def text_of(answer):
    return getattr(answer, "text", answer) or ""


def test_it_escalates_each_lock_in_a_row(member):
    delegation.set_voting_pin(person=member, pin=PIN, actor=member)
    start = timezone.now()
    lock(member, start)
    minutes = datetime.timedelta(minutes=1)
    assert check(member, PIN, start + 14 * minutes) == PinCheck.LOCKED
    second = start + 16 * minutes
    lock(member, second)  # the first lock has run out: five more tries, then a longer lock
    assert check(member, PIN, second + 29 * minutes) == PinCheck.LOCKED
    third = second + 31 * minutes
    lock(member, third)
    assert check(member, PIN, third + 59 * minutes) == PinCheck.LOCKED
    assert check(member, PIN, third + 61 * minutes) == PinCheck.OK
    assert VotingPin.objects.get(person=member).lock_level == 0  # the right PIN clears it


def test_the_owner_unlocks_with_a_code_sent_to_their_own_phone(
    member, sms_outbox, django_capture_on_commit_callbacks, run_tasks
):
    delegation.set_voting_pin(person=member, pin=PIN, actor=member)
    lock(member, timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert sms.respond(phone=member.phone, text="UNLOCK") is None
    run_tasks()
    (sent,) = sms_outbox
    assert sent.to == member.phone and sent.kind == "pin-unlock"
    code = sent.text.split("UNLOCK ")[1][:6]
    record = VotingPin.objects.get(person=member)
    assert code not in record.unlock_code_hash
    assert OutboundMessage.objects.get(to=member.phone).text == "[pin unlock]"
    assert "already" in text_of(sms.respond(phone=member.phone, text="unlock"))  # one at a time
    assert "unlocked" in text_of(sms.respond(phone=member.phone, text=f"UNLOCK {code}"))
    assert check(member, PIN, timezone.now()) == PinCheck.OK


def test_an_unlock_code_has_three_tries(
    member, sms_outbox, django_capture_on_commit_callbacks, run_tasks
):
    delegation.set_voting_pin(person=member, pin=PIN, actor=member)
    lock(member, timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        delegation.send_pin_unlock_code(person=member)
    run_tasks()
    code = sms_outbox[0].text.split("UNLOCK ")[1][:6]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(delegation.UNLOCK_CODE_TRIES):
        assert "wrong" in text_of(sms.respond(phone=member.phone, text=f"UNLOCK {wrong}"))
    assert "No unlock code" in text_of(sms.respond(phone=member.phone, text=f"UNLOCK {code}"))
    assert check(member, PIN, timezone.now()) == PinCheck.LOCKED


def test_an_unlocked_pin_cannot_be_unlocked_again_for_nothing(member):
    delegation.set_voting_pin(person=member, pin=PIN, actor=member)
    with pytest.raises(DelegationError, match="not locked"):
        delegation.send_pin_unlock_code(person=member)


def test_new_pins_have_five_digits_or_more(member):
    with pytest.raises(DelegationError, match="5 to 8 digits"):
        delegation.set_voting_pin(person=member, pin="4826", actor=member)
    delegation.set_voting_pin(person=member, pin="48261357", actor=member)
    assert check(member, "48261357", timezone.now()) == PinCheck.OK


def test_a_four_digit_pin_set_earlier_works_and_its_owner_is_asked_to_change_it(
    client, member, poll_factory
):
    VotingPin.objects.create(person=member, pin_hash=make_password("4826"))
    poll_factory(kind="consent")
    answer = ""
    for text in ("", "1", "1*1", "1*1*4826"):
        data = {"sessionId": "ATUid_p", "phoneNumber": member.phone, "text": text}
        answer = client.post("/channels/africastalking/ussd", data).content.decode()
    assert answer.startswith("END Vote recorded"), answer
    assert "Your PIN is short" in answer and len(answer) <= 182


def test_proxy_codes_have_an_escalating_attempt_limit(member, voters, poll_factory):
    poll = poll_factory(kind="consent")
    proxy, code = delegation.appoint_proxy(poll=poll, actor=member, holder=voters[0])
    wrong = "000000" if code != "000000" else "111111"
    start = timezone.now()
    for _ in range(delegation.PROXY_CODE_ATTEMPTS):
        with pytest.raises(DelegationError, match="No proxy"):
            delegation.confirm_proxy_by_code(person=member, code=wrong, now=start)
    with pytest.raises(DelegationError, match="Too many wrong codes"):
        delegation.confirm_proxy_by_code(person=member, code=code, now=start)
    later = start + datetime.timedelta(minutes=16)
    for _ in range(delegation.PROXY_CODE_ATTEMPTS):
        with pytest.raises(DelegationError, match="No proxy"):
            delegation.confirm_proxy_by_code(person=member, code=wrong, now=later)
    thirty_minutes = pytest.raises(DelegationError, match="Too many wrong codes")
    with time_machine.travel(later + datetime.timedelta(minutes=16), tick=False), thirty_minutes:
        delegation.confirm_proxy_by_code(person=member, code=code)
    with time_machine.travel(later + datetime.timedelta(minutes=31), tick=False):
        delegation.confirm_proxy_by_code(person=member, code=code)
    proxy.refresh_from_db()
    assert proxy.status == Proxy.Status.CONFIRMED and code not in proxy.code_hash
