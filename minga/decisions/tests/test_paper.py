"""Paper counts: one teller enters, another confirms; merged without counting anyone twice."""

import pytest

from conftest import client_for, make_person
from minga.coops.models import Membership
from minga.decisions import delegation, sms
from minga.decisions.actions import cast_ballot
from minga.decisions.delegation import DelegationError
from minga.decisions.delegation import paper as paper_counts
from minga.decisions.models import Ballot, PaperCount, Participation

from .ballots import stored_choice, stored_count
from .conftest import join

pytestmark = pytest.mark.django_db


@pytest.fixture
def teller(coop):
    person = make_person("Second Teller", "teller@example.org")
    join(coop, person, Membership.Role.SECRETARY)
    return person


@pytest.fixture
def poll(poll_factory, voters):
    return poll_factory(kind="single")


def electors(poll, people):
    return [delegation.own_elector(person, poll) for person in people]


def enter(poll, actor, people, counts):
    return paper_counts.enter_paper_count(
        poll=poll,
        actor=actor,
        meeting="General assembly",
        counts=counts,
        electors=electors(poll, people),
    )


def test_two_tellers_enter_and_confirm(poll, owner, teller, voters):
    paper = enter(poll, owner, voters[:3], [2, 1, 0, 0])
    assert not stored_count()
    with pytest.raises(DelegationError, match="second teller"):
        paper_counts.confirm_paper_count(paper=paper, actor=owner)
    paper_counts.confirm_paper_count(paper=paper, actor=teller)
    ballots = Ballot.objects.filter(poll=poll, is_paper=True).order_by("-weight")
    assert [(b.choice, b.weight) for b in ballots] == [({"choice": 0}, 2), ({"choice": 1}, 1)]
    assert Participation.objects.filter(channel="paper").count() == 3
    paper.refresh_from_db()
    assert paper.status == PaperCount.Status.CONFIRMED and paper.confirmed_by == teller


def test_a_rejected_count_changes_no_ballot(poll, owner, teller, voters):
    paper = enter(poll, owner, voters[:2], [1, 1, 0, 0])
    with pytest.raises(DelegationError, match="Say what is wrong"):
        paper_counts.reject_paper_count(paper=paper, actor=teller, note="")
    paper_counts.reject_paper_count(paper=paper, actor=teller, note="Two ballots were missing")
    assert not stored_count() and not Participation.objects.exists()
    with pytest.raises(DelegationError, match="already confirmed or rejected"):
        paper_counts.confirm_paper_count(paper=paper, actor=teller)
    enter(poll, owner, voters[:2], [2, 0, 0, 0])  # entered again


def test_electors_who_voted_online_cannot_be_on_the_register(poll, owner, teller, voters):
    elector = delegation.own_elector(voters[0], poll)
    cast_ballot(poll=poll, elector=elector, choice={"choice": 1}, channel="web", actor=voters[0])
    with pytest.raises(DelegationError, match="already voted"):
        enter(poll, owner, voters[:2], [1, 0, 0, 0])
    paper = enter(poll, owner, voters[1:3], [1, 1, 0, 0])
    # Someone on the register votes online before the second teller confirms: refused.
    elector = delegation.own_elector(voters[1], poll)
    cast_ballot(poll=poll, elector=elector, choice={"choice": 1}, channel="web", actor=voters[1])
    with pytest.raises(DelegationError, match="already voted"):
        paper_counts.confirm_paper_count(paper=paper, actor=teller)
    assert Ballot.objects.filter(is_paper=True).count() == 0


def test_paper_voters_cannot_vote_by_phone_afterwards(poll_factory, owner, teller, member, voters):
    poll = poll_factory(kind="consent")
    paper = enter(poll, owner, [member], [1, 0, 0, 0])
    paper_counts.confirm_paper_count(paper=paper, actor=teller)
    assert "voted on paper" in sms.respond(phone=member.phone, text=f"NO {poll.pk}").text
    assert stored_choice(poll)["consent"] == "agree"


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([1, 1, 1, 0], "3 ballots but only 2 people"),
        ([1, -1, 0, 0], "whole number"),
        ([1, 0], "one count for each option"),
        ("lots", "one count for each option"),
    ],
)
def test_bad_counts_are_refused(poll, owner, voters, counts, message):
    with pytest.raises(DelegationError, match=message):
        enter(poll, owner, voters[:2], counts)
    assert not PaperCount.objects.exists()


def test_ranked_paper_ballots(poll_factory, owner, teller, voters):
    poll = poll_factory(kind="irv")
    paper = enter(poll, owner, voters[:3], [[2, [[1], [0]]], [1, [[2]]]])
    paper_counts.confirm_paper_count(paper=paper, actor=teller)
    weights = sorted(Ballot.objects.filter(is_paper=True).values_list("weight", flat=True))
    assert weights == [1, 2]
    with pytest.raises(DelegationError, match="ranked twice"):
        enter(poll, owner, voters[3:5], [[1, [[1], [1]]]])


def test_only_tellers_count_and_not_twice(poll, member, owner, voters):
    with pytest.raises(DelegationError, match="Only a teller"):
        enter(poll, member, voters[:1], [1, 0, 0, 0])
    enter(poll, owner, voters[:2], [1, 0, 0, 0])
    with pytest.raises(DelegationError, match="already in a count"):
        enter(poll, owner, voters[1:3], [1, 0, 0, 0])


# --- pages -------------------------------------------------------------------------------------


def test_the_paper_pages_are_for_tellers(client, poll, owner, teller, member, outsider, voters):
    url = f"/decisions/{poll.coop.slug}/polls/{poll.pk}/paper/"
    assert client.get(url).status_code == 302
    assert client_for(client, outsider).get(url).status_code == 403
    assert client_for(client, member).get(url).status_code == 403
    owner_client = client_for(client, owner)
    assert owner_client.get(url).status_code == 200
    data = {
        "meeting": "Assembly",
        "register": "voter0@example.org\nvoter1@example.org",
        "count-0": "1",
        "count-1": "1",
    }
    assert owner_client.post(url, {**data, "register": "ghost@example.org"}).status_code == 400
    assert owner_client.post(url, {**data, "count-0": "x"}).status_code == 400
    assert not PaperCount.objects.exists()
    response = owner_client.post(url, data)
    assert response.status_code == 302
    paper = PaperCount.objects.get()
    detail = f"{url}{paper.pk}/"
    assert "A second teller" in owner_client.get(detail).content.decode()
    owner_client.post(detail, {"action": "confirm"})
    assert PaperCount.objects.get().status == PaperCount.Status.ENTERED
    teller_client = client_for(client, teller)
    assert "Confirm: the count is right" in teller_client.get(detail).content.decode()
    teller_client.post(detail, {"action": "confirm"})
    assert PaperCount.objects.get().status == PaperCount.Status.CONFIRMED
    assert client_for(client, member).get(detail).status_code == 403
