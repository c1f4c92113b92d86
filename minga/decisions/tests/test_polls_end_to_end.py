"""Every kind of poll, from the draft to the minutes, through the pages members use."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from minga.audit.models import Entry
from minga.decisions.models import Participation, Poll

from .ballots import stored_count

START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
CLOSES = START + datetime.timedelta(days=2)

# (kind, extra rules, one POST per voter, expected winners)
CASES = {
    "consent": (
        {},
        [{"consent": "agree"}] * 5
        + [{"consent": "abstain"}, {"consent": "disagree", "reason": "Cost"}],
        [],
    ),
    "single": ({}, [{"choice": "1"}] * 4 + [{"choice": "2"}] * 3, ["Bruno"]),
    "approval": (
        {},
        [{"approve": ["0", "2"]}] * 3 + [{"approve": ["2"]}] * 2 + [{"approve": ["1"]}] * 2,
        ["Chipo"],
    ),
    "score": (
        {"score_max": "5"},
        [{"score-0": "5", "score-1": "1"}] * 3 + [{"score-1": "5", "score-2": "2"}] * 4,
        ["Bruno"],
    ),
    "irv": (
        {},
        [{"rank-0": "1", "rank-2": "2"}] * 3
        + [{"rank-1": "1"}] * 3
        + [{"rank-2": "1", "rank-0": "2"}] * 1,
        ["Ana"],
    ),
    "stv-scottish": (
        {"seats": "2"},
        [{"rank-0": "1", "rank-1": "2"}] * 4 + [{"rank-2": "1", "rank-3": "2"}] * 3,
        ["Ana", "Chipo"],
    ),
    "stv-meek": (
        {"seats": "2"},
        [{"rank-0": "1", "rank-1": "2"}] * 4 + [{"rank-2": "1", "rank-3": "2"}] * 3,
        ["Ana", "Chipo"],
    ),
    "schulze": (
        {},
        [{"rank-3": "1", "rank-0": "2", "rank-1": "2"}] * 4 + [{"rank-0": "1"}] * 3,
        ["Dede"],
    ),
}


def form(kind: str, extra: dict) -> dict:
    data = {
        "title": f"Which way ({kind})?",
        "details": "",
        "kind": kind,
        "options": "Ana\nBruno\nChipo\nDede",
        "seats": "1",
        "score_max": "5",
        "is_secret": "on",
        "results_visibility": "after-close",
        "electorate": "member",
        "quorum_kind": "percent",
        "quorum_value": "50",
        "threshold": "consent" if kind == "consent" else "plurality",
        "closes_at": "2026-03-04T10:00",  # the owner's zone: Africa/Kigali, UTC+2
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("kind", sorted(CASES))
def test_it_runs_a_poll_from_draft_to_minutes(
    client, coop, owner, member, voters, discussion, kind
):
    extra, posts, winners = CASES[kind]
    slug = coop.slug
    with time_machine.travel(START, tick=False):
        client_for(client, owner)
        response = client.post(
            reverse("decisions:poll-new", args=[slug, discussion.pk]), form(kind, extra)
        )
        poll = Poll.objects.get()
        assert response.status_code == 302, response.content.decode()[:2000]
        assert poll.closes_at == CLOSES
        client.post(reverse("decisions:poll-open", args=[slug, poll.pk]))
        poll.refresh_from_db()
        assert poll.status == "open" and poll.electorate_size == 8
        ballot_page = client.get(poll.get_absolute_url()).content.decode()
        assert "at least 50% of the electorate" in ballot_page
        for person, data in zip([member, *voters], posts, strict=True):
            client.logout()
            client_for(client, person)
            response = client.post(
                reverse("decisions:poll-vote", args=[slug, poll.pk]), data, follow=True
            )
            assert "Your ballot is recorded" in response.content.decode(), response.content.decode()
        assert stored_count(poll) == 7
    with time_machine.travel(CLOSES + datetime.timedelta(minutes=1), tick=False):
        call_command("decisions", "close-due")
    poll.refresh_from_db()
    assert poll.status == "closed" and poll.is_quorate
    assert poll.result["elected"] == winners
    if kind == "consent":
        assert poll.has_passed and poll.result["consent"]["agree"] == 5
        assert poll.result["reasons"] == [{"position": "disagree", "reason": "Cost"}]
    assert Entry.objects.get(index=poll.closing_log_index).kind == "poll.closed"
    client.logout()
    results = client.get(reverse("decisions:poll-results", args=[slug, poll.pk])).content.decode()
    assert "<svg" in results
    for name in winners:
        assert name in results
    minutes = client.get(reverse("decisions:minutes", args=[slug, poll.pk])).content.decode()
    assert f"entry {poll.closing_log_index} of the public audit log" in minutes
    assert f"/log/entries/{poll.closing_log_index}" in minutes


def test_closing_waits_for_the_closing_time(coop, owner, discussion, poll_factory):
    with time_machine.travel(START, tick=False):
        poll = poll_factory(kind="single", closes_at=CLOSES)
    with time_machine.travel(CLOSES - datetime.timedelta(seconds=1), tick=False):
        call_command("decisions", "close-due")
        assert Poll.objects.get(pk=poll.pk).status == "open"
    with time_machine.travel(CLOSES, tick=False):
        call_command("decisions", "close-due")
        closed = Poll.objects.get(pk=poll.pk)
        assert closed.status == "closed" and closed.closed_at == CLOSES
        index = closed.closing_log_index
        call_command("decisions", "close-due")  # idempotent
        assert Poll.objects.get(pk=poll.pk).closing_log_index == index
        assert Entry.objects.filter(kind="poll.closed").count() == 1


def test_a_ballot_after_the_closing_time_is_refused(client, coop, member, discussion, poll_factory):
    with time_machine.travel(START, tick=False):
        poll = poll_factory(kind="single", closes_at=CLOSES)
    with time_machine.travel(CLOSES, tick=False):
        client_for(client, member)
        response = client.post(
            reverse("decisions:poll-vote", args=[coop.slug, poll.pk]), {"choice": "0"}, follow=True
        )
        assert "not accepting votes" in response.content.decode()
    assert not Participation.objects.exists()


def test_quorum_not_reached_means_not_passed(coop, owner, member, voters, discussion, poll_factory):
    from minga.decisions import actions, queries

    poll = poll_factory(kind="single", quorum_kind="number", quorum_value=3)
    (elector,) = queries.electors_for(member, poll)
    actions.cast_ballot(
        poll=poll, elector=elector, choice={"choice": 0}, channel="web", actor=member
    )
    closed = actions.close_poll(poll=poll)
    assert closed.is_quorate is False and closed.has_passed is False


def test_a_block_stops_a_consent_proposal(member, owner, poll_factory):
    from minga.decisions import actions, queries

    poll = poll_factory(kind="consent")
    for person, position in ((member, "block"), (owner, "agree")):
        (elector,) = queries.electors_for(person, poll)
        actions.cast_ballot(
            poll=poll,
            elector=elector,
            choice={"consent": position, "reason": "Not yet"},
            channel="web",
            actor=person,
        )
    assert actions.close_poll(poll=poll).has_passed is False


def test_two_thirds_needs_two_thirds(member, owner, voters, poll_factory):
    from minga.decisions import actions, queries

    poll = poll_factory(kind="single", threshold="two-thirds")
    people = [member, owner, *voters[:1]]
    for person, choice in zip(people, (0, 0, 1), strict=True):
        (elector,) = queries.electors_for(person, poll)
        actions.cast_ballot(
            poll=poll, elector=elector, choice={"choice": choice}, channel="web", actor=person
        )
    assert actions.close_poll(poll=poll).has_passed is True


def test_open_polls_show_who_voted_what(client, coop, member, owner, poll_factory):
    from minga.decisions import actions, queries

    poll = poll_factory(kind="single", is_secret=False)
    (elector,) = queries.electors_for(member, poll)
    actions.cast_ballot(
        poll=poll,
        elector=elector,
        choice={"choice": 3},
        reason="Dede knows the books.",
        channel="web",
        actor=member,
    )
    actions.close_poll(poll=poll)
    page = client.get(reverse("decisions:poll-results", args=[coop.slug, poll.pk])).content.decode()
    assert "Coop Member" in page and "Dede knows the books." in page


def test_a_bad_poll_form_is_a_clear_error_and_saves_nothing(owner_client, coop, discussion):
    data = form("stv-scottish", {"seats": "9", "closes_at": "2099-03-04T10:00"})
    response = owner_client.post(
        reverse("decisions:poll-new", args=[coop.slug, discussion.pk]), data
    )
    assert response.status_code == 200
    assert "fewer seats than there are candidates" in response.content.decode()
    assert not Poll.objects.exists()


def test_federation_polls_give_one_vote_per_member_coop(organiser, federation, coop, owner, member):
    from minga.coops.actions import add_affiliation
    from minga.decisions import actions, queries

    add_affiliation(federation=federation, member=coop, actor=organiser)
    discussion = actions.start_discussion(coop=federation, actor=organiser, title="Annual plan")
    for electorate, weight in (("coop", 1), ("weighted", 900)):
        poll = actions.create_poll(
            discussion=discussion,
            actor=organiser,
            title="Adopt the plan?",
            kind="consent",
            electorate=electorate,
            closes_at=timezone.now() + datetime.timedelta(days=1),
        )
        poll = actions.open_poll(poll=poll, actor=organiser)
        assert poll.electorate_weight == weight
        assert queries.electors_for(member, poll) == []  # a plain member does not vote for the coop
        (elector,) = queries.electors_for(owner, poll)  # its administrator does
        assert elector.member_coop == coop
        actions.cast_ballot(
            poll=poll, elector=elector, choice={"consent": "agree"}, channel="web", actor=owner
        )
        closed = actions.close_poll(poll=poll)
        assert closed.result["consent"]["agree"] == weight and closed.has_passed
