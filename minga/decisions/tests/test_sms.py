"""Inbound SMS: the parser never raises, and votes and proxy confirmations land once."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import make_person
from minga.decisions import delegation, sms, smsparse
from minga.decisions.models import Participation, Proxy

from .ballots import stored_choice, stored_count
from .conftest import verified

PHONE = "+250788000111"


@pytest.fixture(autouse=True)
def _callbacks_from_the_test_client(settings):
    """Callbacks are refused until an allow-list or token is set; the test client is local."""
    settings.AFRICASTALKING_CALLBACK_IPS = ["127.0.0.1/32"]


@given(st.text(max_size=600))
def test_the_parser_never_raises_on_any_text(text):
    result = smsparse.parse(text)
    assert result is None or isinstance(
        result, smsparse.Vote | smsparse.ProxyConfirmation | smsparse.Unlock | smsparse.Check
    )


@given(st.one_of(st.none(), st.integers(), st.binary(), st.lists(st.text())))
def test_the_parser_never_raises_on_anything(value):
    assert smsparse.parse(value) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("YES 42", smsparse.Vote("yes", 42)),
        ("  yes   #42 ", smsparse.Vote("yes", 42)),
        ("yes42", smsparse.Vote("yes", 42)),
        ("No 7", smsparse.Vote("no", 7)),
        ("não 7", smsparse.Vote("no", 7)),
        ("Oui 3", smsparse.Vote("yes", 3)),
        ("abstención 3", smsparse.Vote("abstain", 3)),
        ("ABSTAIN 3", smsparse.Vote("abstain", 3)),
        ("block 3 Le prix est trop élevé", smsparse.Vote("block", 3, "Le prix est trop élevé")),
        ("block 3", smsparse.Vote("block", 3, "")),
        ("PROXY 123456", smsparse.ProxyConfirmation("123456")),
        ("proxy 123456 please", None),
        ("YES 42 and more", None),
        ("YES", None),
        ("maybe 4", None),
        ("", None),
        ("42", None),
        ("CHECK ABCD EFGH 2345 6723", smsparse.Check("ABCD EFGH 2345 6723")),
        ("vérifier 12345-67890", smsparse.Check("12345-67890")),
        ("check", smsparse.Check("")),
    ],
)
def test_it_reads_commands(text, expected):
    assert smsparse.parse(text) == expected


def reply(text, phone=PHONE):
    answer = sms.respond(phone=phone, text=text)
    return getattr(answer, "text", answer)


@pytest.mark.django_db
def test_a_consent_vote_by_sms(member, poll_factory):
    poll = poll_factory(kind="consent")
    answer = reply(f"YES {poll.pk}")
    assert answer.startswith("Minga: your vote on") and "Receipt" in answer
    assert "Agree" not in answer  # the confirmation never names the choice
    assert Participation.objects.get(poll=poll).channel == "sms"
    assert stored_choice(poll)["consent"] == "agree"
    reply(f"no {poll.pk}")
    assert stored_choice(poll)["consent"] == "disagree"


@pytest.mark.django_db
def test_a_block_needs_a_reason(member, poll_factory):
    poll = poll_factory(kind="consent")
    assert "Nothing was recorded" in reply(f"BLOCK {poll.pk}")
    assert not stored_count()
    reply(f"BLOCK {poll.pk} we cannot afford it")
    assert stored_choice() == {"consent": "block", "reason": "we cannot afford it"}


@pytest.mark.django_db
def test_a_yes_no_poll_by_sms(member, poll_factory):
    poll = poll_factory(kind="single", options=["No", "Yes"])
    assert sms.answerable(poll)
    reply(f"yes {poll.pk}")
    assert stored_choice(poll) == {"choice": 1}
    assert "cannot be answered by SMS" in reply(f"abstain {poll.pk}")


@pytest.mark.django_db
def test_polls_that_need_more_than_yes_or_no_are_refused(member, poll_factory):
    poll = poll_factory(kind="irv")
    assert not sms.answerable(poll)
    assert "Use the USSD menu" in reply(f"YES {poll.pk}")
    assert not stored_count()


@pytest.mark.django_db
def test_unknown_numbers_polls_and_words_change_nothing(member, poll_factory, coop):
    poll = poll_factory(kind="consent")
    assert "not registered" in reply(f"YES {poll.pk}", phone="+254700000000")
    assert "no vote in a poll with the code 999" in reply("YES 999")
    assert reply("hello") == sms.help_text()
    stranger = verified(make_person("Stranger", phone="+250788000777"))
    assert "no vote" in reply(f"YES {poll.pk}", phone=stranger.phone)
    assert not stored_count()


@pytest.mark.django_db
def test_a_proxy_is_confirmed_by_sms(member, voters, poll_factory):
    poll = poll_factory(kind="consent")
    proxy, code = delegation.appoint_proxy(poll=poll, actor=member, holder=voters[0])
    assert "Nothing was changed" in reply("PROXY 000000" if code != "000000" else "PROXY 111111")
    proxy.refresh_from_db()
    assert proxy.status == Proxy.Status.PENDING
    assert reply(f"PROXY {code}").startswith("Minga: proxy confirmed.")
    proxy.refresh_from_db()
    assert proxy.status == Proxy.Status.CONFIRMED


@pytest.mark.django_db
def test_a_repeated_delivery_votes_once(client, member, poll_factory):
    poll = poll_factory(kind="consent")
    data = {"from": PHONE, "to": "20880", "text": f"YES {poll.pk}", "id": "ATXid_77"}
    for _ in range(3):
        assert client.post("/channels/africastalking/sms", data).status_code == 200
    assert Participation.objects.get(poll=poll).changes == 0
