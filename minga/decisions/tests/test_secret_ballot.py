"""Secret ballots: after voting and closing, nothing in the database joins a voter to a ballot.

The test votes through the web pages, as members do, then reads every column of every table
(and each row's physical position: SQLite's rowid, PostgreSQL's ctid and xmin) and checks that
no row, no timestamp and no ordering pairs a voter with a ballot, while every receipt still
finds its ballot.
"""

import datetime
import json
import re
import uuid

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_person
from minga.audit.models import Entry, Secret
from minga.decisions import actions, secrecy
from minga.decisions.models import Ballot, Participation, Poll

from .conftest import join, make_poll

VOTERS = 12
RECEIPT = re.compile(r'id="receipt-code">(\d{5} \d{5})<')


def every_row(table: str) -> list[tuple]:
    quote = connection.ops.quote_name
    position = "rowid" if connection.vendor == "sqlite" else "ctid::text"
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [table])
            if "WITHOUT ROWID" in cursor.fetchone()[0].upper():
                position = "NULL"  # rows in key order: no position of their own
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {position}, * FROM {quote(table)}")  # noqa: S608 (table names)
        return cursor.fetchall()


def as_text(value) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex() + " " + bytes(value).decode("latin-1")
    return str(value)


def physical_order(model, **filters) -> list:
    position = "rowid" if connection.vendor == "sqlite" else "ctid"
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE poll_id = %s ORDER BY {position}", [filters["poll_id"]]
        )  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def crowd(coop):
    people = [make_person(f"Secret Voter {i}", f"secret{i}@example.org") for i in range(VOTERS)]
    for person in people:
        join(coop, person)
    return people


@pytest.mark.django_db(transaction=True)
def test_nothing_in_the_database_joins_a_voter_to_a_ballot(client, coop, owner, discussion, crowd):
    poll = make_poll(discussion, owner, kind="irv", is_secret=True)
    url = reverse("decisions:poll-vote", args=[coop.slug, poll.pk])
    for person in crowd:  # sign in before the voting window: sessions are written here
        client_for(client, person)
        client.logout()
    receipts: dict[int, str] = {}
    started = timezone.now()
    for i, person in enumerate(crowd):
        client_for(client, person)
        for attempt in range(1 + (i % 3 == 0)):  # some change their vote: the last counts
            ranking = {f"rank-{(i + attempt) % 4}": "1", f"rank-{(i + attempt + 1) % 4}": "2"}
            page = client.post(url, ranking, follow=True).content.decode()
            receipts[person.pk] = RECEIPT.search(page).group(1).replace(" ", "")
        client.logout()
    ended = timezone.now()
    actions.close_poll(poll=poll, actor=owner, now=timezone.now() + datetime.timedelta(seconds=1))
    poll = Poll.objects.get(pk=poll.pk)
    assert poll.ballot_salt in (b"", None) or bytes(poll.ballot_salt) == b""

    ballots = list(Ballot.objects.filter(poll=poll))
    assert len(ballots) == VOTERS == Participation.objects.filter(poll=poll).count()
    # Every receipt still finds a ballot (and the receipt check never names the choice).
    for code in receipts.values():
        assert actions.check_receipt(poll=poll, code=code)

    ballot_marks = set()
    for ballot in ballots:
        ballot_marks |= {str(ballot.id), ballot.id.hex}
        assert ballot.elector_id is None
        assert ballot.commitment is None  # the log keeps it; only a receipt leads here
    arrival = list(
        Entry.objects.filter(kind="ballot.cast", subject=f"poll:{poll.pk}").order_by("index")
    )
    logged = set(actions.logged_commitments(poll))
    assert len(logged) == len(arrival) == VOTERS + VOTERS // 3
    receipt_marks = set(receipts.values())

    # 1. No row anywhere holds a ballot's identity or a logged commitment beside anything else
    #    that could name a voter; receipts are stored nowhere.
    for table in connection.introspection.table_names():
        for row in every_row(table):
            text = " ".join(as_text(value) for value in row[1:])
            assert not any(mark in text for mark in receipt_marks), (table, "a receipt is stored")
            if any(mark in text for mark in ballot_marks):
                assert table == Ballot._meta.db_table, table
            if any(mark in text for mark in logged):
                assert table == Entry._meta.db_table, table
    for entry in arrival:
        body = json.loads(bytes(entry.body))
        assert body["actor"] == "system" and set(body["data"]) == {"commitment"}

    # 2. The decisions tables hold no time of voting, and the log kept no private opening
    #    while people voted (an opening names its owner). Sign-in times do fall in the window:
    #    they may place a voter near a log entry, which is why no log commitment is kept with
    #    a ballot (checked above).
    assert not Secret.objects.filter(created_at__gte=started, created_at__lte=ended).exists()
    for table in connection.introspection.table_names():
        if not table.startswith("decisions_"):
            continue
        with connection.cursor() as cursor:
            columns = connection.introspection.get_table_description(cursor, table)
        for column in columns:
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote(column.name)} FROM {quote(table)}"  # noqa: S608
                )
                for (value,) in cursor.fetchall():
                    if isinstance(value, datetime.datetime):
                        value = (
                            value
                            if timezone.is_aware(value)
                            else timezone.make_aware(value, datetime.UTC)
                        )
                        assert not started <= value <= ended, (table, column.name)
                    elif isinstance(value, str) and re.fullmatch(
                        r"\d{4}-\d\d-\d\d[ T][\d:.]+", value
                    ):
                        moment = datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)
                        assert not started <= moment <= ended, (table, column.name)

    # 3. Neither the ballots nor the log keep the order in which ballots arrived.
    order = [uuid.UUID(str(value)) for value in physical_order(Ballot, poll_id=poll.pk)]
    opened = {}  # what only the voters' receipts can reveal, for this check alone
    for code in receipts.values():
        for ballot in ballots:
            opened[secrecy.commitment(code, ballot.id, ballot.choice)] = ballot.id
    voted = [
        opened[c]
        for code in receipts.values()
        for c in opened
        if c in logged and any(secrecy.commitment(code, b.id, b.choice) == c for b in ballots)
    ]
    assert sorted(order) == sorted(voted)
    assert order != voted
    in_log = [opened[c] for c in actions.logged_commitments(poll) if c in opened]
    assert in_log != voted
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT xmin::text FROM decisions_ballot WHERE poll_id = %s", [poll.pk]
            )
            assert len(cursor.fetchall()) == 1  # written at the closing, one transaction id


def test_receipts_are_ten_digits_and_commitments_need_the_ballot_id():
    code = secrecy.new_receipt()
    assert len(code) == 10 and code.isdigit()
    assert secrecy.clean_receipt(secrecy.format_receipt(code)) == code
    one, two = uuid.uuid4(), uuid.uuid4()
    assert secrecy.commitment(code, one, {"choice": 1}) != secrecy.commitment(
        code, two, {"choice": 1}
    )
