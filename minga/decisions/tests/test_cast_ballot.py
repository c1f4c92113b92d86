"""cast_ballot: the one way a vote gets in, from every channel."""

import pytest
from django.core.exceptions import ValidationError

from minga.audit.models import Entry
from minga.decisions import actions, queries
from minga.decisions.actions import BallotError
from minga.decisions.models import Ballot, Participation, SealedBallot

from .ballots import stored_choice, stored_count


def vote(poll, person, choice, **kwargs):
    (elector,) = queries.electors_for(person, poll)
    kwargs.setdefault("channel", "web")
    return actions.cast_ballot(poll=poll, elector=elector, choice=choice, actor=person, **kwargs)


def test_it_returns_a_ten_digit_receipt_and_stores_one_ballot(poll_factory, member):
    poll = poll_factory(kind="single")
    code = vote(poll, member, {"choice": 1})
    assert len(code) == 10 and code.isdigit()
    assert not Ballot.objects.filter(poll=poll).exists()  # sealed until the poll closes
    (row,) = SealedBallot.objects.filter(poll=poll)
    assert b"choice" not in bytes(row.sealed)
    assert stored_choice(poll) == {"choice": 1}
    assert Participation.objects.get(poll=poll).elector.person == member
    assert actions.check_receipt(poll=poll, code=code) == "pending"


def test_it_lets_the_last_ballot_count(poll_factory, member):
    poll = poll_factory(kind="single")
    first = vote(poll, member, {"choice": 1})
    second = vote(poll, member, {"choice": 2})
    assert stored_count(poll) == 1
    assert stored_choice(poll) == {"choice": 2}
    participation = Participation.objects.get(poll=poll)
    assert participation.changes == 1
    assert not actions.check_receipt(poll=poll, code=first)
    assert actions.check_receipt(poll=poll, code=second)


def test_it_records_a_secret_ballot_with_no_actor(poll_factory, member):
    poll = poll_factory(kind="single")
    code = vote(poll, member, {"choice": 0})
    assert not Entry.objects.filter(kind="ballot.cast").exists()  # waiting for a batch
    assert actions.flush_commitments(minimum=1) == 1
    assert actions.check_receipt(poll=poll, code=code) is True
    entry = Entry.objects.filter(kind="ballot.cast").get()
    assert b'"actor":"system"' in bytes(entry.body)
    assert set(__import__("json").loads(bytes(entry.body))["data"]) == {"commitment"}


def test_it_keeps_the_voter_on_open_ballots(poll_factory, member):
    poll = poll_factory(kind="consent", is_secret=False)
    vote(poll, member, {"consent": "disagree"}, reason="Too costly this year.")
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.elector.person == member
    assert ballot.reason == "Too costly this year."
    assert not SealedBallot.objects.exists()


@pytest.mark.parametrize(
    ("kind", "choice"),
    [
        ("single", {"choice": 9}),
        ("single", {}),
        ("single", {"choice": True}),
        ("approval", {"approve": []}),
        ("approval", {"approve": [0, 0]}),
        ("score", {"scores": {"0": 6}}),
        ("score", {"scores": {"0": "x"}}),
        ("irv", {"ranking": [[0], [0]]}),
        ("irv", {"ranking": [[0, 1]]}),
        ("schulze", {"ranking": []}),
        ("consent", {"consent": "maybe"}),
        ("consent", {"consent": "block"}),
    ],
)
def test_it_refuses_a_bad_ballot_and_changes_nothing(poll_factory, member, kind, choice):
    poll = poll_factory(kind=kind)
    entries = Entry.objects.count()
    with pytest.raises(BallotError):
        vote(poll, member, choice)
    assert not stored_count()
    assert not Participation.objects.exists()
    assert Entry.objects.count() == entries


def test_it_refuses_votes_from_associates(poll_factory, associate):
    poll = poll_factory(kind="single")
    assert queries.electors_for(associate, poll) == []
    assert poll.electorate_size == 2  # owner and member, not the associate


def test_it_refuses_votes_after_closing(poll_factory, member):
    poll = poll_factory(kind="single")
    (elector,) = queries.electors_for(member, poll)
    actions.close_poll(poll=poll)
    with pytest.raises(BallotError):
        actions.cast_ballot(
            poll=poll, elector=elector, choice={"choice": 0}, channel="web", actor=member
        )


def test_it_lists_open_polls_for_a_voter(poll_factory, member, outsider):
    poll = poll_factory(kind="single")
    draft = poll_factory(kind="single", is_open=False)
    assert queries.open_polls_for(member) == [poll]
    assert draft not in queries.open_polls_for(member)
    assert queries.open_polls_for(outsider) == []


def test_a_bad_receipt_is_a_clear_error(poll_factory):
    poll = poll_factory(kind="single")
    with pytest.raises(ValidationError):
        actions.check_receipt(poll=poll, code="12ab")


def test_a_ballot_prepared_under_stale_rules_is_judged_by_the_current_ones(poll_factory, member):
    # Each process remembers a poll's rules to prepare ballots without reading the poll; the
    # read under the write lock decides. Rules changed behind its back (a database restored,
    # a key reused) must neither refuse a good ballot nor accept one the poll cannot count.
    from minga.decisions.models import Poll

    poll = poll_factory(kind="single")
    vote(poll, member, {"choice": 1})
    Poll.objects.filter(pk=poll.pk).update(kind="irv")
    with pytest.raises(BallotError):
        vote(poll, member, {"choice": 1})  # valid under the remembered rules only
    vote(poll, member, {"ranking": [[1], [0]]})  # refused by the remembered rules, accepted now
    assert stored_choice(poll) == {"ranking": [[1], [0]]}
    Poll.objects.filter(pk=poll.pk).update(is_secret=False)
    vote(poll, member, {"ranking": [[0]]})  # prepared as secret, sent round again as open
    assert Ballot.objects.get(poll=poll, elector__isnull=False).elector.person == member


def test_a_closed_poll_is_forgotten_with_its_rules(poll_factory, member):
    poll = poll_factory(kind="single")
    vote(poll, member, {"choice": 1})
    assert poll.pk in actions._RULES
    actions.close_poll(poll=poll)
    with pytest.raises(BallotError, match="not accepting votes"):
        vote(poll, member, {"choice": 0})
    assert poll.pk not in actions._RULES
