"""Every action checks its actor itself: called with the wrong one (an outsider, a plain member
where a manager, teller or administrator is needed, someone else's vote), it refuses and
changes nothing, whatever path called it (the views check first, for a friendly page)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conftest import make_person
from minga.audit.models import Entry
from minga.channels.models import OutboundMessage
from minga.coops.actions import add_affiliation
from minga.decisions import actions, delegation, queries
from minga.decisions.actions import BallotError
from minga.decisions.delegation import DelegationError
from minga.decisions.delegation import paper as paper_counts
from minga.decisions.models import (
    Agent,
    Ballot,
    Comment,
    Discussion,
    PaperCount,
    Participation,
    PendingCommitment,
    Poll,
    SealedBallot,
    Statutes,
)

from .conftest import join

pytestmark = pytest.mark.django_db

MODELS = (
    Entry,
    Discussion,
    Comment,
    Poll,
    Ballot,
    Participation,
    SealedBallot,
    PendingCommitment,
    Statutes,
    Agent,
    PaperCount,
    OutboundMessage,
)


def state() -> tuple:
    """How many rows of each kind, and each poll's status, closing time and outcome."""
    polls = list(Poll.objects.order_by("pk").values_list("status", "closes_at", "outcome"))
    return tuple(model.objects.count() for model in MODELS), polls


def refused(call, error=PermissionDenied) -> None:
    before = state()
    with pytest.raises(error):
        call()
    assert state() == before


def later() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=5)


@pytest.fixture
def draft(poll_factory):
    return poll_factory(is_open=False)


@pytest.fixture
def poll(poll_factory):
    return poll_factory()


def test_it_refuses_a_discussion_from_an_outsider_or_an_associate(coop, outsider, associate):
    for person in (outsider, associate):
        refused(lambda p=person: actions.start_discussion(coop=coop, actor=p, title="Mine"))


def test_it_refuses_a_comment_from_an_outsider(discussion, outsider):
    refused(lambda: actions.add_comment(discussion=discussion, actor=outsider, body="Hello"))


def test_it_refuses_a_poll_from_a_plain_member(discussion, member):
    refused(
        lambda: actions.create_poll(
            discussion=discussion,
            actor=member,
            title="Mine?",
            kind="single",
            options=["Yes", "No"],
            closes_at=later(),
        )
    )


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_it_refuses_to_run_a_poll_for_a_plain_member_or_an_outsider(request, who, draft, poll):
    person = request.getfixturevalue(who)
    refused(lambda: actions.open_poll(poll=draft, actor=person))
    refused(lambda: actions.update_closing(poll=poll, actor=person, closes_at=later()))
    refused(lambda: actions.cancel_poll(poll=poll, actor=person))
    refused(lambda: actions.close_poll(poll=poll, actor=person))
    closed = actions.close_poll(poll=poll)  # the worker, closing a poll that is due: no actor
    assert closed.status == Poll.Status.CLOSED
    refused(lambda: actions.record_outcome(poll=closed, actor=person, outcome="Built"))


def test_it_sends_a_receipt_only_to_an_elector_of_the_poll(poll, outsider):
    refused(lambda: actions.send_receipt_sms(poll=poll, code="0471988231", actor=outsider))


def test_it_refuses_a_ballot_put_in_by_someone_else(voters, member, owner, outsider, poll):
    elector = queries.own_elector(member, poll)
    choice = {"choice": 0}
    for person, channel in (
        (owner, "web"),
        (outsider, "web"),
        (voters[0], "ussd"),
        (voters[0], "proxy"),  # no proxy of the member's
        (voters[0], "agent"),  # no agent of the cooperative
    ):
        refused(
            lambda p=person, c=channel: actions.cast_ballot(
                poll=poll, elector=elector, choice=choice, channel=c, actor=p
            ),
            BallotError,
        )
    actions.cast_ballot(poll=poll, elector=elector, choice=choice, channel="web", actor=member)
    assert Participation.objects.filter(elector=elector).exists()


def test_it_refuses_a_member_cooperatives_ballot_from_a_plain_member(
    organiser, federation, coop, owner, member
):
    add_affiliation(federation=federation, member=coop, actor=organiser)
    discussion = actions.start_discussion(coop=federation, actor=organiser, title="Plan")
    poll = actions.create_poll(
        discussion=discussion,
        actor=organiser,
        title="Adopt the plan?",
        kind="consent",
        electorate="coop",
        closes_at=later(),
    )
    poll = actions.open_poll(poll=poll, actor=organiser)
    (elector,) = queries.electors_for(owner, poll)
    refused(
        lambda: actions.cast_ballot(
            poll=poll, elector=elector, choice={"consent": "agree"}, channel="web", actor=member
        ),
        BallotError,
    )


def test_it_refuses_statutes_and_agents_from_a_plain_member(coop, owner, member, voters):
    rules = {
        "max_proxies_per_holder": 5,
        "allow_agents": False,
        "electorate": "member",
        "quorum_kind": "none",
        "quorum_value": 0,
    }
    refused(lambda: delegation.update_statutes(coop=coop, actor=member, **rules), DelegationError)
    refused(
        lambda: delegation.register_agent(coop=coop, person=voters[0], actor=member),
        DelegationError,
    )
    agent = delegation.register_agent(coop=coop, person=voters[0], actor=owner)
    refused(lambda: delegation.deregister_agent(agent=agent, actor=member), DelegationError)


def test_it_refuses_a_paper_count_from_a_plain_member(voters, owner, member, poll):
    electors = [queries.own_elector(person, poll) for person in voters[:2]]
    refused(
        lambda: paper_counts.enter_paper_count(
            poll=poll, actor=member, meeting="AGM", counts=[1, 0, 0, 0], electors=electors
        ),
        DelegationError,
    )
    teller = make_person("Second Teller", "teller@example.org")
    join(coop=poll.coop, person=teller, role="secretary")
    paper = paper_counts.enter_paper_count(
        poll=poll, actor=owner, meeting="AGM", counts=[1, 0, 0, 0], electors=electors
    )
    refused(lambda: paper_counts.confirm_paper_count(paper=paper, actor=member), DelegationError)
    refused(
        lambda: paper_counts.reject_paper_count(paper=paper, actor=member, note="Wrong"),
        DelegationError,
    )
    paper_counts.confirm_paper_count(paper=paper, actor=teller)
    assert PaperCount.objects.get(pk=paper.pk).status == PaperCount.Status.CONFIRMED


def test_it_refuses_proxies_and_pins_set_by_someone_else(voters, member, owner, poll):
    refused(
        lambda: delegation.set_voting_pin(person=member, pin="48265", actor=owner),
        DelegationError,
    )
    proxy, _code = delegation.appoint_proxy(poll=poll, actor=member, holder=voters[0])
    refused(lambda: delegation.confirm_proxy(proxy=proxy, actor=voters[0]), DelegationError)
    refused(lambda: delegation.revoke_proxy(proxy=proxy, actor=voters[0]), DelegationError)
    refused(
        lambda: delegation.vote_as_proxy(proxy=proxy, holder=voters[1], choice={"choice": 0}),
        DelegationError,
    )
