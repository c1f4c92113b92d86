"""The voting PIN: set on a page, hashed, locked after five wrong tries for fifteen minutes."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from minga.audit.models import Entry
from minga.decisions import delegation
from minga.decisions.delegation import DelegationError, PinCheck
from minga.decisions.models import VotingPin

pytestmark = pytest.mark.django_db
URL = "/decisions/me/voting-pin/"
GOOD = {"password": "a-long-test-password", "pin": "48265", "pin_again": "48265"}


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302
    assert client.post(URL, GOOD).status_code == 302
    assert not VotingPin.objects.exists()


@pytest.mark.parametrize("persona", ["member", "outsider", "owner"])
def test_every_signed_in_person_sets_their_own_pin(client, request, persona):
    person = request.getfixturevalue(persona)
    client.force_login(person)
    assert client.get(URL).status_code == 200
    response = client.post(URL, GOOD)
    assert response.status_code == 302
    record = VotingPin.objects.get(person=person)
    assert record.pin_hash != "48265" and "48265" not in record.pin_hash
    assert Entry.objects.filter(kind="voting_pin.set").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**GOOD, "password": "wrong"}, "This is not your password."),
        ({**GOOD, "pin_again": "4827"}, "The two PINs differ."),
        ({**GOOD, "pin": "12", "pin_again": "12"}, "at least 5"),
        ({**GOOD, "pin": "4826", "pin_again": "4826"}, "at least 5"),
        ({**GOOD, "pin": "abcde", "pin_again": "abcde"}, "5 to 8 digits"),
        ({**GOOD, "pin": "11111", "pin_again": "11111"}, "too easy to guess"),
        ({**GOOD, "pin": "12345", "pin_again": "12345"}, "too easy to guess"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(member_client, data, message):
    response = member_client.post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not VotingPin.objects.exists()


def test_a_change_replaces_the_pin_and_clears_the_lock(member):
    delegation.set_voting_pin(person=member, pin="48265", actor=member)
    for _ in range(5):
        delegation.check_voting_pin(person=member, pin="0000")
    assert delegation.check_voting_pin(person=member, pin="48265")[0] == PinCheck.LOCKED
    delegation.set_voting_pin(person=member, pin="59371", actor=member)
    assert delegation.check_voting_pin(person=member, pin="59371")[0] == PinCheck.OK
    assert delegation.check_voting_pin(person=member, pin="48265")[0] == PinCheck.WRONG


def test_nobody_sets_someone_elses_pin(member, owner):
    with pytest.raises(DelegationError):
        delegation.set_voting_pin(person=member, pin="48265", actor=owner)


def test_the_lock_lasts_fifteen_minutes(member):
    delegation.set_voting_pin(person=member, pin="48265", actor=member)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        outcomes = [delegation.check_voting_pin(person=member, pin="9999") for _ in range(5)]
        assert [o[1] for o in outcomes[:4]] == [4, 3, 2, 1]
        assert outcomes[4][0] == PinCheck.LOCKED
    with time_machine.travel(start + datetime.timedelta(minutes=14), tick=False):
        assert delegation.check_voting_pin(person=member, pin="48265")[0] == PinCheck.LOCKED
    with time_machine.travel(start + datetime.timedelta(minutes=15, seconds=1), tick=False):
        assert delegation.check_voting_pin(person=member, pin="48265")[0] == PinCheck.OK


def test_a_missing_pin_says_so(member):
    assert delegation.check_voting_pin(person=member, pin="48265")[0] == PinCheck.MISSING


def test_the_page_shows_the_lock(member_client, member):
    delegation.set_voting_pin(person=member, pin="48265", actor=member)
    for _ in range(5):
        delegation.check_voting_pin(person=member, pin="0000")
    assert "locked until" in member_client.get(URL).content.decode()
