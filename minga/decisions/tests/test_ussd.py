"""The USSD menu, step by step through the provider's callback, as a phone would drive it."""

import datetime

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone, translation

from conftest import make_person
from minga.channels.models import InboundMessage
from minga.channels.testing import USSD_URL, UssdPhone
from minga.decisions import delegation
from minga.decisions.models import Participation, Poll, Proxy, VotingPin

from .ballots import stored_choice, stored_count
from .conftest import verified

URL = USSD_URL
pytestmark = pytest.mark.django_db
PIN = "48265"
PHONE = "+250788000111"  # the member persona's phone


@pytest.fixture(autouse=True)
def _callbacks_from_the_test_client(settings):
    """Callbacks are refused until an allow-list or token is set; the test client is local."""
    settings.AFRICASTALKING_CALLBACK_IPS = ["127.0.0.1/32"]


def Phone(client, phone=PHONE, session="ATUid_1"):  # noqa: N802 (reads as the phone it makes)
    """A phone in one USSD session (the member persona's, unless another is named)."""
    return UssdPhone(client, phone, session)


@pytest.fixture
def pin(member):
    delegation.set_voting_pin(person=member, pin=PIN, actor=member)
    return PIN


@pytest.fixture
def phone(client):
    return Phone(client)


def test_it_answers_an_unknown_number_clearly(client):
    phone = Phone(client, phone="+254700999999")
    body = phone.dial()
    # Not registered, but anyone may still check a certificate (issue 15).
    assert body.startswith("CON ") and body.endswith("\n98 Check a certificate")
    assert "not registered" in body
    assert InboundMessage.objects.count() == 1
    assert phone.send("1").startswith("END ")


def test_it_asks_for_a_pin_first(phone, member, poll_factory):
    poll_factory(kind="consent")
    body = phone.dial()
    assert body.startswith("CON ") and "PIN" in body and "98 Check a certificate" in body


def test_it_says_when_there_is_nothing_to_vote_on(phone, pin, coop):
    assert phone.dial() == "CON Minga: no open votes for you.\n98 Check a certificate"


def test_it_records_a_consent_vote_with_the_right_pin(phone, pin, poll_factory, member):
    poll = poll_factory(kind="consent")
    assert poll.title in phone.dial()
    screen = phone.send("1")
    assert "1 Agree" in screen and "4 Block" in screen
    confirm = phone.send("1")
    assert "Your vote: Agree" in confirm and "PIN" in confirm
    done = phone.send(PIN)
    assert done.startswith("END Vote recorded. Receipt: ")
    participation = Participation.objects.get(poll=poll)
    assert participation.channel == "ussd"
    assert stored_choice(poll) == {"consent": "agree", "reason": ""}


def test_a_block_asks_for_a_reason(phone, pin, poll_factory):
    poll = poll_factory(kind="consent")
    phone.dial()
    phone.send("1")
    assert "reason" in phone.send("4")
    assert "Type a reason" in phone.send("no")
    phone.inputs.pop()
    assert "Block: too costly" in phone.send("too costly")
    assert phone.send(PIN).startswith("END Vote recorded")
    assert stored_choice(poll) == {"consent": "block", "reason": "too costly"}


def test_a_wrong_pin_changes_nothing_and_counts(phone, pin, poll_factory, member):
    poll = poll_factory(kind="single")
    phone.dial()
    phone.send("1")
    phone.send("2")
    body = phone.send("1111")
    assert body == "END Wrong PIN. 4 tries left. Nothing was recorded. Please dial again."
    assert not stored_count(poll)
    assert VotingPin.objects.get(person=member).failed_attempts == 1


def test_five_wrong_pins_lock_the_pin_for_fifteen_minutes(client, pin, poll_factory, member):
    poll = poll_factory(kind="single")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for attempt in range(5):
            phone = Phone(client, session=f"s{attempt}")
            phone.dial()
            phone.send("1")
            phone.send("1")
            body = phone.send("9999")
        assert "Too many wrong PINs" in body
        phone = Phone(client, session="right-but-locked")
        phone.dial()
        phone.send("1")
        phone.send("1")
        assert "Too many wrong PINs" in phone.send(PIN)
        assert not stored_count(poll)
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        phone = Phone(client, session="after-the-lock")
        phone.dial()
        phone.send("1")
        phone.send("1")
        assert phone.send(PIN).startswith("END Vote recorded")
    assert VotingPin.objects.get(person=member).failed_attempts == 0


def test_a_repeated_callback_gets_a_neutral_answer_and_votes_once(phone, pin, poll_factory):
    poll = poll_factory(kind="single")
    phone.dial()
    phone.send("1")
    phone.send("3")
    first = phone.send(PIN)
    assert first.startswith("END Vote recorded")
    again = phone.post("*".join(phone.inputs))
    assert again == "END Your answer was received. Dial again to see where things stand."
    assert Participation.objects.get(poll=poll).changes == 0
    assert stored_count(poll) == 1
    rows = InboundMessage.objects.filter(session_id="ATUid_1")
    assert all("text" not in row.payload and not row.response for row in rows)


@override_settings(MINGA_USSD_SESSION_SECONDS=180)
def test_a_stale_session_changes_nothing(client, pin, poll_factory):
    poll = poll_factory(kind="single")
    start = timezone.now()
    phone = Phone(client)
    with time_machine.travel(start, tick=False):
        phone.dial()
        phone.send("1")
        phone.send("1")
    with time_machine.travel(start + datetime.timedelta(minutes=4), tick=False):
        assert "expired" in phone.send(PIN)
    assert not stored_count(poll)


def test_the_pin_step_refuses_when_the_screen_changed(client, pin, poll_factory):
    poll = poll_factory(kind="single")
    phone = Phone(client)
    phone.dial()
    phone.send("1")
    # The confirmation screen was never shown in this session: a forged or mixed-up step.
    phone.inputs.append("1")
    body = phone.send(PIN)
    assert "menu changed" in body
    assert not stored_count(poll)


def test_invalid_inputs_redraw_the_screen(phone, pin, poll_factory):
    poll_factory(kind="single")
    phone.dial()
    assert phone.send("7").startswith("CON Invalid choice.")
    phone.inputs.pop()
    assert phone.send("abc").startswith("CON Invalid choice.")
    phone.inputs.pop()
    phone.send("1")
    assert phone.send("9").startswith("CON Invalid choice.")


def test_malformed_text_is_refused(phone, pin, poll_factory):
    poll_factory(kind="single")
    phone.dial()
    assert "Too many inputs" in phone.post("*".join(["1"] * 100))
    assert phone.post("1**").startswith(("CON", "END"))


def test_cancel_records_nothing(phone, pin, poll_factory):
    poll = poll_factory(kind="single")
    phone.dial()
    phone.send("1")
    phone.send("1")
    assert phone.send("0") == "END Cancelled. Nothing was recorded."
    assert not stored_count(poll)


def test_approval_ticks_and_unticks(phone, pin, poll_factory):
    poll = poll_factory(kind="approval")
    phone.dial()
    phone.send("1")
    assert "Tick at least one" in phone.send("0")
    phone.inputs.pop()
    phone.send("1")
    phone.send("3")
    screen = phone.send("1")
    assert "+Chipo" in screen and "+Ana" not in screen
    phone.send("2")
    assert "Bruno, Chipo" in phone.send("0")
    assert phone.send(PIN).startswith("END Vote recorded")
    assert stored_choice(poll) == {"approve": [1, 2]}


def test_score_asks_each_option(phone, pin, poll_factory):
    poll = poll_factory(kind="score", score_max=5)
    phone.dial()
    phone.send("1")
    assert "Type a number from 0 to 5" in phone.send("6")
    phone.inputs.pop()
    for score in ("5", "0", "3"):
        phone.send(score)
    assert "PIN" in phone.send("1")
    assert phone.send(PIN).startswith("END Vote recorded")
    assert stored_choice(poll) == {"scores": {"0": 5, "1": 0, "2": 3, "3": 1}}


@pytest.mark.parametrize("typed", ["2 1 3", "213", "2,1,3"])
def test_ranked_takes_an_order(phone, pin, poll_factory, typed):
    poll = poll_factory(kind="irv")
    phone.dial()
    phone.send("1")
    assert "1.Bruno 2.Ana 3.Chipo" in phone.send(typed)
    assert phone.send(PIN).startswith("END Vote recorded")
    assert stored_choice(poll) == {"ranking": [[1], [0], [2]]}


def test_ranked_refuses_repeats_and_unknown_numbers(phone, pin, poll_factory):
    poll_factory(kind="stv-scottish")
    phone.dial()
    phone.send("1")
    assert "each once" in phone.send("1 1")
    phone.inputs.pop()
    assert "each once" in phone.send("1 9")


def test_long_lists_page_with_99(phone, pin, poll_factory):
    poll = poll_factory(kind="single", options=[f"Candidate number {i}" for i in range(1, 11)])
    phone.dial()
    first = phone.send("1")
    assert "99 More" in first and "5 Candidate" not in first
    second = phone.send("99")
    assert "5 Candidate" in second
    assert "Candidate number 10" in phone.send("10")
    assert phone.send(PIN).startswith("END Vote recorded")
    assert stored_choice(poll) == {"choice": 9}


def test_every_screen_fits_in_182_characters_in_every_language(client, pin, member, poll_factory):
    long = "A very long question about the cooperative's coffee washing station " * 3
    poll = poll_factory(kind="consent")
    Poll.objects.filter(pk=poll.pk).update(title=long[:200])
    for language in ("en", "es", "fr", "pt-br"):
        member.preferred_language = language
        member.save(update_fields=["preferred_language"])
        phone = Phone(client, session=f"lang-{language}")
        phone.dial()
        phone.send("1")
        phone.send("4")
        phone.send("a reason " * 20)
        phone.send("0")
    translation.activate("en")


def test_it_speaks_the_members_language(client, pin, member, poll_factory):
    poll_factory(kind="consent")
    member.preferred_language = "fr"
    member.save(update_fields=["preferred_language"])
    phone = Phone(client)
    phone.dial()
    assert "Bloquer" in phone.send("1") or "Bloquer" in phone.post("1")


def test_a_vote_can_be_changed_until_the_close(phone, pin, poll_factory):
    poll = poll_factory(kind="single")
    for choice in ("1", "2"):
        phone.session += "x"
        phone.dial()
        phone.send("1")
        phone.send(choice)
        phone.send(PIN)
    assert stored_choice(poll) == {"choice": 1}


def test_a_closed_poll_is_refused_at_the_pin(client, pin, poll_factory):
    poll = poll_factory(kind="single")
    phone = Phone(client)
    phone.dial()
    phone.send("1")
    phone.send("1")
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    body = phone.send(PIN)
    assert body.startswith("END ")
    assert not stored_count(poll)


def test_a_member_confirms_a_proxy_on_ussd(phone, pin, poll_factory, member, voters):
    poll = poll_factory(kind="consent")
    proxy, _code = delegation.appoint_proxy(poll=poll, actor=member, holder=voters[0])
    assert "0 Proxy requests (1)" in phone.dial()
    assert "Voter 0" in phone.send("0")
    assert "Give your vote" in phone.send("1")
    assert phone.send(PIN).startswith("END Proxy confirmed")
    proxy.refresh_from_db()
    assert proxy.status == Proxy.Status.CONFIRMED


def test_the_menu_lists_only_the_callers_own_polls(client, pin, poll_factory, coop):
    poll_factory(kind="consent")
    stranger = verified(make_person("Someone Else", phone="+250788000222"))
    delegation.set_voting_pin(person=stranger, pin="59371", actor=stranger)
    body = Phone(client, phone="+250788000222").dial()
    assert body == "CON Minga: no open votes for you.\n98 Check a certificate"


def test_bad_requests_are_refused(client):
    assert client.post(URL, {"sessionId": "", "phoneNumber": PHONE}).status_code == 400
    assert client.post(URL, {"sessionId": "x", "phoneNumber": "not a phone"}).status_code == 400
    assert client.get(URL).status_code == 405
    assert not InboundMessage.objects.exists()
