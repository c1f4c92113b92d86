import io
import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from minga.audit import integrity
from minga.audit.models import Entry
from minga.decisions import actions
from minga.decisions.demo import ELECTION, MEETING, PROPOSAL, THEME
from minga.decisions.models import Participation, Poll, VotingPin

from .ballots import stored_count


@pytest.mark.django_db
def test_it_loads_an_election_a_proposal_and_a_federation_poll_idempotently(client):
    call_command("demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo", stdout=out)
    # The election, and the Mwangaza AGM's vote on the surplus (minga.treasury.demo).
    assert "Decisions: 2 closed and 3 open polls." in out.getvalue()
    election = Poll.objects.get(discussion__title=ELECTION)
    assert election.status == "closed" and election.is_quorate and election.has_passed
    assert len(election.result["elected"]) == 3 and len(election.result["rounds"]) > 1
    assert stored_count(election) == 13
    for url in ("poll-results", "minutes", "receipts"):
        page = client.get(
            f"/decisions/{election.coop.slug}/polls/{election.pk}/{url.split('-')[-1]}/"
        )
        assert page.status_code == 200, url
    proposal = Poll.objects.get(discussion__title=PROPOSAL)
    assert proposal.status == "open" and not proposal.is_secret
    assert proposal.discussion.comments.count() == 2
    theme = Poll.objects.get(discussion__title=THEME)
    assert theme.electorate == "weighted" and theme.electorate_size == 4
    assert stored_count(theme) == 4
    integrity.verify_log()


def simulate(client, phone, session="", text="", reply="", action="send"):
    data = {"phone": phone, "session": session, "text": text, "reply": reply, "action": action}
    page = client.post("/channels/ussd/simulator/", data).content.decode()
    session = re.search(r'name="session" value="([^"]*)"', page)
    text = re.search(r'name="text" value="([^"]*)"', page)
    screen = re.search(r"<pre>(.*?)</pre>", page, re.S).group(1)
    return screen, session.group(1) if session else "", text.group(1) if text else ""


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_printed_phone_and_pin_vote_on_the_ussd_simulator(client):
    out = io.StringIO()
    call_command("demo", stdout=out)
    phone, pin = re.search(r"USSD simulator .*: (\+\d+), PIN (\d{4,8})", out.getvalue()).groups()
    poll = Poll.objects.get(discussion__title=MEETING, status="open")
    screen, session, text = simulate(client, phone, action="dial")
    (number,) = re.findall(r"^(\d) Which day suits you", screen, re.M)
    screen, session, text = simulate(client, phone, session, text, number)
    assert "Saturday afternoon" in screen
    screen, session, text = simulate(client, phone, session, text, "2")
    screen, session, text = simulate(client, phone, session, text, pin)
    assert screen.startswith("Vote recorded. Receipt: ")
    assert Participation.objects.filter(poll=poll, channel="ussd").count() == 1


@pytest.mark.django_db
def test_a_second_run_changes_nothing_and_a_closed_meeting_poll_is_replaced():
    call_command("demo", stdout=io.StringIO())
    entries, polls = Entry.objects.count(), Poll.objects.count()
    pins = dict(VotingPin.objects.values_list("person_id", "pin_hash"))
    assert pins  # the USSD simulator's member, and the members who confirm at an agent
    call_command("demo", stdout=io.StringIO())
    assert Poll.objects.count() == polls
    assert dict(VotingPin.objects.values_list("person_id", "pin_hash")) == pins
    assert Entry.objects.count() == entries
    actions.close_poll(poll=Poll.objects.get(discussion__title=MEETING))
    call_command("demo", stdout=io.StringIO())
    meeting = Poll.objects.filter(discussion__title=MEETING)
    assert meeting.count() == 2 and meeting.filter(status="open").count() == 1
