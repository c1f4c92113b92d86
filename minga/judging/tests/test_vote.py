import json
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from conftest import client_of
from minga.audit.models import Entry
from minga.events.tests.conftest import DUE
from minga.judging import actions
from minga.judging.models import VoteReceipt, VoteTally

from .conftest import ANNOUNCED, BUILDING, JUDGING, JUDGING_ENDS, SECOND, at


@pytest.fixture
def members_choice(event, organiser):
    with at(BUILDING):
        actions.update_settings(
            event=event, actor=organiser, jurors_per_proposal=3, members_choice=True
        )


def _ballot(teams, *indexes):
    return {"proposals": [str(teams[n].proposal.pk) for n in indexes]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status", "has_form"),
    [
        ("member", 200, True),
        ("owner", 200, True),
        ("organiser", 200, False),
        ("juror", 200, False),
        ("registrant", 200, False),
        ("outsider", 200, False),
        (None, 302, False),
    ],
)
def test_it_offers_a_ballot_to_members_of_the_challenge_owners(
    event, teams, jurors, members_choice, who, status, has_form, request
):
    someone = request.getfixturevalue(who) if who else None
    with at(JUDGING):
        response = client_of(someone).get(reverse("judging:vote", args=[event.slug]))
    assert response.status_code == status
    assert ('name="proposals"' in response.text) is has_form


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("member", 302), ("organiser", 403), ("juror", 403), ("outsider", 403), (None, 302)],
)
def test_it_takes_ballots_only_from_members(
    event, teams, jurors, members_choice, who, status, request
):
    someone = request.getfixturevalue(who) if who else None
    with at(JUDGING):
        response = client_of(someone).post(
            reverse("judging:vote", args=[event.slug]), _ballot(teams, 0)
        )
    assert response.status_code == status
    assert VoteReceipt.objects.count() == (1 if who == "member" else 0)


@pytest.mark.django_db
def test_it_counts_one_ballot_per_member(event, teams, members_choice, member):
    client = client_of(member)
    url = reverse("judging:vote", args=[event.slug])
    with at(JUDGING):
        client.post(url, _ballot(teams, 0, 2))
        with pytest.raises(ValidationError, match="already voted"):
            actions.cast_vote(event=event, voter=member, proposals=[teams[1].proposal])
        page = client.get(url).text
    assert "You have voted" in page and 'name="proposals"' not in page
    tallies = dict(VoteTally.objects.values_list("proposal__team__name", "approvals"))
    assert tallies == {"Team Umoja": 1, "Team Kaveri": 1}


@pytest.mark.django_db
def test_it_keeps_the_ballot_secret(event, teams, members_choice, member):
    with at(JUDGING):
        actions.cast_vote(event=event, voter=member, proposals=[teams[3].proposal])
    receipt_fields = {f.name for f in VoteReceipt._meta.fields}
    tally_fields = {f.name for f in VoteTally._meta.fields}
    assert "proposal" not in receipt_fields and "voter" not in tally_fields
    entry = Entry.objects.get(kind="members_choice.voted")
    assert json.loads(entry.body)["data"] == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "allowed"),
    [(DUE - SECOND, False), (DUE, True), (JUDGING_ENDS - SECOND, True), (JUDGING_ENDS, False)],
)
def test_it_takes_ballots_only_during_judging(
    event, teams, members_choice, member, moment, allowed
):
    with at(moment):
        if allowed:
            actions.cast_vote(event=event, voter=member, proposals=[teams[0].proposal])
        else:
            with pytest.raises(ValidationError):
                actions.cast_vote(event=event, voter=member, proposals=[teams[0].proposal])
    assert VoteReceipt.objects.exists() is allowed


@pytest.mark.django_db
def test_it_has_no_ballot_unless_the_organisers_chose_one(event, teams, member):
    with at(JUDGING):
        assert client_of(member).get(reverse("judging:vote", args=[event.slug])).status_code == 404
        with pytest.raises(ValidationError, match="no members' choice"):
            actions.cast_vote(event=event, voter=member, proposals=[teams[0].proposal])


@pytest.mark.django_db
def test_it_shows_the_members_choice_apart_from_the_jury(
    event, teams, scored, members_choice, member, owner, client
):
    with at(JUDGING):
        actions.cast_vote(event=event, voter=member, proposals=[teams[3].proposal])
        actions.cast_vote(
            event=event, voter=owner, proposals=[teams[3].proposal, teams[2].proposal]
        )
    with at(ANNOUNCED):
        response = client.get(reverse("judging:results", args=[event.slug]))
    found = response.context["results"]
    assert found.rows[0].entry.team == "Team Umoja"  # the jury's order is unchanged
    assert [(c.entry.team, c.approvals, c.rank) for c in found.members_choice[:2]] == [
        ("Team Prairie", 2, 1),
        ("Team Kaveri", 1, 2),
    ]
    assert "2 members voted" in response.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_counts_one_ballot_when_a_member_votes_twice_at_once(
    event, teams, members_choice, member
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent ballots only race for real on PostgreSQL: run with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
        )
    attempts = 8
    start = threading.Barrier(attempts)
    outcomes: list[str] = []

    def vote() -> None:
        try:
            start.wait()
            actions.cast_vote(event=event, voter=member, proposals=[teams[0].proposal])
            outcomes.append("counted")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote) for _ in range(attempts)]
    with at(JUDGING):  # one frozen clock for every thread
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sorted(outcomes) == ["already_voted"] * (attempts - 1) + ["counted"]
    assert VoteReceipt.objects.count() == 1
    assert VoteTally.objects.get(proposal=teams[0].proposal).approvals == 1


@pytest.mark.django_db
def test_it_tells_a_late_voter_that_voting_closed(event, teams, members_choice, member):
    with at(JUDGING_ENDS):
        response = client_of(member).post(
            reverse("judging:vote", args=[event.slug]), _ballot(teams, 0)
        )
    assert response.status_code == 400
    assert "Judging closed at" in response.text
    assert not VoteReceipt.objects.exists()
