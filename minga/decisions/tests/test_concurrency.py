"""Many ballots at once on PostgreSQL: one member, one vote, whatever the number of requests."""

import contextlib

import pytest
from django.db import connection

from conftest import make_person, run_at_once
from minga.audit.models import Entry
from minga.decisions import actions, queries
from minga.decisions.models import Participation, PendingCommitment

from .ballots import stored_count
from .conftest import join, make_poll

SAME_MEMBER = 200
MEMBERS = 120


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks only mean something on PostgreSQL: run with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("secret", [True, False])
def test_200_simultaneous_votes_by_one_member_count_once(discussion, owner, member, secret):
    needs_postgresql()
    poll = make_poll(discussion, owner, kind="single", is_secret=secret)
    (elector,) = queries.electors_for(member, poll)

    def vote(i: int):
        return lambda: actions.cast_ballot(
            poll=poll, elector=elector, choice={"choice": i % 4}, channel="web", actor=member
        )

    failures = run_at_once([vote(i) for i in range(SAME_MEMBER)])
    assert not failures, failures[:3]
    assert Participation.objects.filter(poll=poll).count() == 1
    assert stored_count(poll) == 1
    assert Participation.objects.get(poll=poll).changes == SAME_MEMBER - 1
    waiting = PendingCommitment.objects.filter(poll=poll).count()  # secret: logged in batches
    assert Entry.objects.filter(kind="ballot.cast").count() + waiting == SAME_MEMBER
    closed = actions.close_poll(poll=poll)
    assert closed.result["quorum"]["voters"] == 1 and sum(closed.result["totals"]) == 1
    assert Entry.objects.filter(kind="ballot.cast").count() == SAME_MEMBER


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_n_members_voting_at_once_give_n_ballots(coop, discussion, owner):
    needs_postgresql()
    people = [make_person(f"Crowd {i}", f"crowd{i}@example.org") for i in range(MEMBERS)]
    for person in people:
        join(coop, person)
    poll = make_poll(discussion, owner, kind="approval")
    electors = {e.person_id: e for e in poll.electors.all()}

    def vote(person):
        return lambda: actions.cast_ballot(
            poll=poll,
            elector=electors[person.pk],
            choice={"approve": [person.pk % 4]},
            channel="web",
            actor=person,
        )

    failures = run_at_once([vote(person) for person in people])
    assert not failures, failures[:3]
    assert stored_count(poll) == MEMBERS
    assert Participation.objects.filter(poll=poll).count() == MEMBERS
    closed = actions.close_poll(poll=poll)
    assert sum(closed.result["totals"]) == MEMBERS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_closing_during_voting_counts_every_accepted_ballot(coop, discussion, owner):
    needs_postgresql()
    people = [make_person(f"Late {i}", f"late{i}@example.org") for i in range(MEMBERS)]
    for person in people:
        join(coop, person)
    poll = make_poll(discussion, owner, kind="single")
    electors = {e.person_id: e for e in poll.electors.all()}
    accepted: list[str] = []

    def vote(person):
        def job():
            with contextlib.suppress(actions.BallotError):  # arrived after the closing
                accepted.append(
                    actions.cast_ballot(
                        poll=poll,
                        elector=electors[person.pk],
                        choice={"choice": 0},
                        channel="web",
                        actor=person,
                    )
                )

        return job

    def close():
        actions.close_poll(poll=poll)

    failures = run_at_once(
        [
            *(vote(p) for p in people[: MEMBERS // 2]),
            close,
            *(vote(p) for p in people[MEMBERS // 2 :]),
        ]
    )
    assert not failures, failures[:3]
    poll.refresh_from_db()
    assert poll.result["totals"][0] == len(accepted) == stored_count(poll)
