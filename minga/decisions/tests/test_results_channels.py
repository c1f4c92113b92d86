"""Results say how the votes came in: voters per channel, ballots online and on paper, and for
open polls each option's votes online / on paper; secret polls never split per option."""

import pytest
from django.urls import reverse

from conftest import make_person
from minga.coops.models import Membership
from minga.decisions import actions, delegation, queries
from minga.decisions.delegation import paper as paper_counts

from .conftest import join

pytestmark = pytest.mark.django_db


@pytest.fixture
def teller(coop):
    person = make_person("Second Teller", "teller@example.org")
    join(coop, person, Membership.Role.SECRETARY)
    return person


def on_paper(poll, owner, teller, people, counts):
    paper = paper_counts.enter_paper_count(
        poll=poll,
        actor=owner,
        meeting="Assembly",
        counts=counts,
        electors=[delegation.own_elector(person, poll) for person in people],
    )
    paper_counts.confirm_paper_count(paper=paper, actor=teller)


def online(poll, person, choice, channel="web"):
    elector = delegation.own_elector(person, poll)
    actions.cast_ballot(poll=poll, elector=elector, choice=choice, channel=channel, actor=person)


def mixed_poll(poll_factory, owner, teller, member, voters, **rules):
    """Three on paper (two for Ana, one for Bruno), the member on the web, a voter by USSD."""
    poll = poll_factory(kind="single", **rules)
    on_paper(poll, owner, teller, voters[:3], [2, 1, 0, 0])
    online(poll, member, {"choice": 1})
    online(poll, voters[3], {"choice": 2}, channel="ussd")
    return poll


def test_an_open_poll_splits_each_option_online_and_on_paper(
    poll_factory, owner, teller, member, voters
):
    poll = mixed_poll(poll_factory, owner, teller, member, voters, is_secret=False)
    poll = actions.close_poll(poll=poll, actor=owner)
    channels = poll.result["channels"]
    assert channels["voters"] == {"web": 1, "ussd": 1, "paper": 3}
    assert channels["ballots"] == {"online": 2, "paper": 3}
    assert channels["totals"] == {"online": [0, 1, 1, 0], "paper": [2, 1, 0, 0]}
    assert poll.result["totals"] == [2, 2, 1, 0]
    assert queries.result_rows(poll.result)[1] == ("Bruno", 2, 1, 1)


def test_a_secret_poll_gives_totals_per_channel_only(poll_factory, owner, teller, member, voters):
    poll = mixed_poll(poll_factory, owner, teller, member, voters, is_secret=True)
    poll = actions.close_poll(poll=poll, actor=owner)
    channels = poll.result["channels"]
    assert set(channels) == {"voters", "ballots"}
    assert channels["voters"] == {"web": 1, "ussd": 1, "paper": 3}
    assert channels["ballots"] == {"online": 2, "paper": 3}
    assert queries.result_rows(poll.result)[1] == ("Bruno", 2, None, None)


def test_consent_and_score_polls_split_their_totals(poll_factory, owner, teller, member, voters):
    poll = poll_factory(kind="consent", is_secret=False)
    on_paper(poll, owner, teller, voters[:2], [1, 0, 1, 0])
    online(poll, member, {"consent": "agree"})
    totals = actions.close_poll(poll=poll, actor=owner).result["channels"]["totals"]
    assert totals == {"online": [1, 0, 0, 0], "paper": [1, 0, 1, 0]}
    score = poll_factory(kind="score", is_secret=False)
    online(score, member, {"scores": {"0": 4, "2": 1}})
    online(score, owner, {"scores": {"0": 1}})
    result = actions.close_poll(poll=score, actor=owner).result
    assert result["channels"]["totals"]["online"] == [int(t) for t in result["totals"]]


def test_a_ranked_poll_splits_only_the_ballots(poll_factory, owner, teller, member, voters):
    poll = poll_factory(kind="irv", is_secret=False)
    on_paper(poll, owner, teller, voters[:2], [[2, [[1], [0]]]])
    online(poll, member, {"ranking": [[0], [1]]})
    channels = actions.close_poll(poll=poll, actor=owner).result["channels"]
    assert "totals" not in channels
    assert channels["ballots"] == {"online": 1, "paper": 2}


def test_a_poll_without_paper_shows_no_paper_column(poll_factory, owner, member):
    poll = poll_factory(kind="single", is_secret=False)
    online(poll, member, {"choice": 0})
    result = actions.close_poll(poll=poll, actor=owner).result
    assert result["channels"]["ballots"] == {"online": 1, "paper": 0}
    assert queries.result_rows(result)[0] == ("Ana", 1, None, None)


@pytest.mark.parametrize("is_secret", [False, True], ids=["open", "secret"])
def test_the_results_page_and_the_minutes_mark_paper_ballots(
    client, poll_factory, owner, teller, member, voters, is_secret
):
    poll = mixed_poll(poll_factory, owner, teller, member, voters, is_secret=is_secret)
    actions.close_poll(poll=poll, actor=owner)
    slug = poll.coop.slug
    for name in ("decisions:poll-results", "decisions:minutes"):
        page = client.get(reverse(name, args=[slug, poll.pk])).content.decode()
        assert "Ballots counted: 2 online and 3 on paper" in page
        assert "Voters by channel: web: 1; USSD: 1; paper, counted by tellers: 3" in page
        assert ("<th>On paper</th>" in page) is not is_secret
        if not is_secret:
            assert "<td>Bruno</td><td>2</td><td>1</td><td>1</td>" in page


def test_older_results_without_channels_still_show(client, poll_factory, owner, member):
    poll = poll_factory(kind="single")
    online(poll, member, {"choice": 0})
    poll = actions.close_poll(poll=poll, actor=owner)
    del poll.result["channels"]
    poll.save(update_fields=["result"])
    page = client.get(reverse("decisions:poll-results", args=[poll.coop.slug, poll.pk]))
    assert page.status_code == 200 and "Voters by channel" not in page.content.decode()


def test_the_api_carries_the_split(member_client, poll_factory, owner, teller, member, voters):
    poll = mixed_poll(poll_factory, owner, teller, member, voters, is_secret=False)
    actions.close_poll(poll=poll, actor=owner)
    body = member_client.get(f"/api/decisions/polls/{poll.pk}/results").json()
    assert body["result"]["channels"]["totals"]["paper"] == [2, 1, 0, 0]
