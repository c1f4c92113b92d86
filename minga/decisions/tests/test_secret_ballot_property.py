"""Property: whatever votes arrive, by whatever channels, nobody holding the database can pair
voters with ballots of a secret poll better than chance.

Method. Hypothesis draws a sequence of votes: who votes (voters may vote several times, the
last ballot counts), by which channel (`CHANNELS`: the web form, the JSON API, a proxy holder,
a registered agent; paper counts, entered and confirmed by two tellers, for some voters), and
what they choose. The votes go through the real paths into an SQLite file in WAL mode (the
default configuration). Then the concrete attacks of `attacks` run as a reader holding every
table and every byte of every database file would run them:

* while the poll is open, without the master key: row order (participations beside every
  choice readable in any table, both in physical order), the public log (commitments and
  their times in log order beside the voting order), the `-wal` frames (each commit's pages
  diffed against their previous versions, commits in voting order), and a scan of every file
  for a choice in clear;
* after closing, with the master key: the salt and every voter's token searched in every
  byte of every file, and the key attack (tokens recomputed from a salt found in the files,
  the ballot beside each token read or opened); the `-wal` frames again.

Each attack yields a pairing {voter: choice}; the property is that none gets more online
voters right than guessing the most common choice would (`attacks.beyond_chance`), which is
what the public result alone implies. Paper voters are left out of the score: a paper count is
public by nature (a meeting's count with one person on the register shows that person's
choice), and it never touches online ballots. Where the storage keeps ballots in clear while
open, or the salt in the `-wal` file after closing, the attacks pair every voter.

Adding a channel (USSD, SMS) is one line in `CHANNELS`: a function (poll, person, choice) that
casts `choice` for `person` through that channel.
"""

import datetime
import functools

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_person
from minga.coops.models import Membership
from minga.decisions import actions, delegation, secrecy
from minga.decisions.delegation import paper as paper_counts
from minga.decisions.models import Poll, Proxy
from minga.identity.keys import master_key

from . import attacks
from .attacks import file_database  # noqa: F401 (a fixture)
from .conftest import join, make_poll

PEOPLE = 6
OPTIONS = 4


def by_web(poll, person, choice):
    client = Client()
    client.force_login(person)
    url = reverse("decisions:poll-vote", args=[poll.coop.slug, poll.pk])
    page = client.post(url, {"choice": choice["choice"]}, follow=True).content.decode()
    if "Your ballot is recorded" not in page:
        raise ValidationError("refused")


def by_api(poll, person, choice):
    client = Client()
    client.force_login(person)
    response = client.post(
        f"/api/decisions/polls/{poll.pk}/ballots",
        {"choice": choice},
        content_type="application/json",
    )
    if response.status_code != 201:
        raise ValidationError("refused")


def by_proxy(poll, person, choice, *, holders):
    holder = holders[person.pk]  # the statutes allow one proxy per holder
    proxy = Proxy.objects.filter(poll=poll, elector__person=person, holder=holder).first()
    if proxy is None:
        proxy, _code = delegation.appoint_proxy(poll=poll, actor=person, holder=holder)
    delegation.vote_as_proxy(proxy=proxy, holder=holder, choice=choice)


def by_agent(poll, person, choice, *, agent):
    delegation.record_agent_vote(
        poll=poll,
        elector=delegation.own_elector(person, poll),
        actor=agent,
        choice=choice,
        witness="A neighbour",
    )


CHANNELS = ["web", "api", "proxy", "agent"]  # + "ussd", "sms" once their voting helpers exist

votes = st.lists(
    st.tuples(st.integers(0, PEOPLE - 1), st.sampled_from(CHANNELS), st.integers(0, OPTIONS - 1)),
    min_size=1,
    max_size=12,
)


@pytest.fixture
def cast(coop, owner, people):
    holders = {}
    for person in people:
        holders[person.pk] = make_person(f"Holder {person.pk}", f"holder{person.pk}@example.org")
        join(coop, holders[person.pk])
    agent = make_person("Field Agent", "field.agent@example.org")
    join(coop, agent)
    delegation.register_agent(coop=coop, person=agent, actor=owner)
    return {
        "web": by_web,
        "api": by_api,
        "proxy": functools.partial(by_proxy, holders=holders),
        "agent": functools.partial(by_agent, agent=agent),
    }


@pytest.fixture
def people(coop):
    found = [make_person(f"Property Voter {i}", f"property{i}@example.org") for i in range(PEOPLE)]
    for person in found:
        join(coop, person)
    return found


@pytest.fixture
def teller(coop):
    person = make_person("Second Teller", "second.teller@example.org")
    join(coop, person, Membership.Role.SECRETARY)
    return person


@pytest.mark.django_db(transaction=True)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=votes, on_paper=st.sets(st.integers(0, PEOPLE - 1), max_size=2))
def test_it_gives_no_reader_of_the_database_a_pairing_beyond_chance(
    file_database,  # noqa: F811
    discussion,
    owner,
    teller,
    people,
    cast,
    sequence,
    on_paper,
):
    poll = make_poll(discussion, owner, kind="single", is_secret=True)
    truth: dict[int, str] = {}
    for who, channel, option in sequence:
        if who in on_paper:
            continue
        choice = {"choice": option}
        try:
            cast[channel](poll, people[who], choice)
        except ValidationError:
            continue  # refused (a channel's own rule): nothing stored, nothing to pair
        elector = delegation.own_elector(people[who], poll)
        truth[elector.pk] = secrecy.canonical(choice)
    for who in on_paper:
        elector = delegation.own_elector(people[who], poll)
        count = paper_counts.enter_paper_count(
            poll=poll, actor=owner, meeting="Assembly", counts=[1, 0, 0, 0], electors=[elector]
        )
        paper_counts.confirm_paper_count(paper=count, actor=teller)

    open_files = attacks.database_files(file_database)
    for pairing in (
        attacks.row_order_attack(poll),
        attacks.log_attack(poll),
        attacks.wal_frame_attack(poll, open_files),
    ):
        assert not attacks.beyond_chance(pairing, truth)
    # Nothing in clear but the paper counts (one ballot of option 0 per paper voter).
    assert attacks.clear_choices_in_tables(poll) == ['{"choice":0}'] * len(on_paper)

    salt = bytes(Poll.objects.get(pk=poll.pk).ballot_salt)
    key = master_key()
    tokens = {f"token {e}": secrecy.ballot_token(salt, e, key) for e in truth}
    actions.close_poll(poll=poll, actor=owner, now=timezone.now() + datetime.timedelta(seconds=1))
    files = attacks.database_files(file_database)
    assert not attacks.found_in(files, {"salt": salt, **tokens})
    assert attacks.key_attack(poll.pk, list(truth), files, salt, key) == {}
    assert not attacks.beyond_chance(attacks.wal_frame_attack(poll, files), truth)
    closed = Poll.objects.get(pk=poll.pk)
    assert closed.result["quorum"]["voters"] == len(truth) + len(on_paper)
