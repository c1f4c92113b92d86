"""Votes by USSD and SMS keep the secret ballot in the database files too, open and closed.

Method: eight members with confirmed phones vote in one secret consent poll, half through
the USSD callback (menu, choice, PIN) and half through the SMS callback ("YES 42"), as their
phones would, into an SQLite file in WAL mode. While the poll is open, without the master
key, the attacks of `attacks` run on every table and every byte of every file (row order, the
public log, the `-wal` frames) and none may pair voters with choices beyond what the result
alone implies; every file is also searched for what a phone sent or was shown that names the
choice (the SMS command, the USSD path, the "Your vote:" screen). After closing, with the
master key, the salt and every voter's token must be gone from every byte of every file.
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_person
from minga.decisions import actions, delegation, queries, secrecy
from minga.decisions.models import Poll
from minga.identity.keys import master_key

from . import attacks
from .attacks import file_database  # noqa: F401 (a fixture)
from .conftest import join, make_poll

PIN = "48265"
CHOICES = ["agree", "disagree", "abstain", "agree", "disagree", "agree", "agree", "abstain"]
USSD_KEYS = {"agree": "1", "abstain": "2", "disagree": "3"}
SMS_WORDS = {"agree": "YES", "abstain": "ABSTAIN", "disagree": "NO"}


@pytest.fixture(autouse=True)
def _callbacks_from_the_test_client(settings):
    settings.AFRICASTALKING_CALLBACK_IPS = ["127.0.0.1/32"]


def phone_of(i: int) -> str:
    return f"+25078830{i:04d}"


@pytest.fixture
def phones(coop):
    people = []
    for i in range(len(CHOICES)):
        person = make_person(f"Phone Voter {i}", phone=phone_of(i), phone_verified=True)
        join(coop, person)
        delegation.set_voting_pin(person=person, pin=PIN, actor=person)
        people.append(person)
    return people


def by_ussd(client: Client, phone: str, choice: str) -> str:
    inputs: list[str] = []

    def step(value: str | None) -> str:
        if value is not None:
            inputs.append(value)
        data = {"sessionId": f"S-{phone}", "phoneNumber": phone, "text": "*".join(inputs)}
        return client.post("/channels/africastalking/ussd", data).content.decode()

    step(None)
    step("1")  # the one open poll
    shown = step(USSD_KEYS[choice])
    assert "Your vote" in shown, shown
    done = step(PIN)
    assert done.startswith("END"), done
    return "*".join(inputs)


def by_sms(client: Client, phone: str, poll: Poll, choice: str) -> str:
    text = f"{SMS_WORDS[choice]} {poll.pk}"
    data = {"from": phone, "to": "20880", "text": text, "id": f"ATXid_{phone}"}
    assert client.post("/channels/africastalking/sms", data).status_code == 200
    return text


@pytest.mark.django_db(transaction=True)
def test_phones_leave_no_pairing_in_any_file_open_or_closed(
    file_database,  # noqa: F811
    discussion,
    owner,
    phones,  # noqa: F811
):
    poll = make_poll(discussion, owner, kind="consent", is_secret=True)
    client = Client()
    truth, sent = {}, {}
    for i, (person, choice) in enumerate(zip(phones, CHOICES, strict=True)):
        if i % 2:
            sent[i] = by_sms(client, person.phone, poll, choice).encode()
        else:
            sent[i] = by_ussd(client, person.phone, choice).encode()
        (elector,) = queries.electors_for(person, poll)
        truth[elector.pk] = secrecy.canonical({"consent": choice})
    assert len(truth) == len(CHOICES)

    files = attacks.database_files(file_database)
    for pairing in (
        attacks.row_order_attack(poll),
        attacks.log_attack(poll),
        attacks.wal_frame_attack(poll, files),
    ):
        assert not attacks.beyond_chance(pairing, truth)
    leaks = {f"sent by voter {i}": text for i, text in sent.items() if b"*" in text or b" " in text}
    leaks |= {"USSD confirmation screen": b"Your vote:"}
    assert not attacks.found_in(files, leaks)
    assert attacks.clear_choices_in_tables(poll) == []

    salt = bytes(Poll.objects.get(pk=poll.pk).ballot_salt)
    key = master_key()
    tokens = {f"token {e}": secrecy.ballot_token(salt, e, key) for e in truth}
    later = timezone.now() + datetime.timedelta(seconds=1)
    actions.close_poll(poll=poll, actor=owner, now=later)
    files = attacks.database_files(file_database)
    assert not attacks.found_in(files, {"salt": salt, **tokens})
    assert attacks.key_attack(poll.pk, list(truth), files, salt, key) == {}
    assert not attacks.beyond_chance(attacks.wal_frame_attack(poll, files), truth)
    result = Poll.objects.get(pk=poll.pk).result
    assert result["quorum"]["voters"] == len(CHOICES)
    assert result["consent"] == {"agree": 4, "abstain": 2, "disagree": 2, "block": 0}
