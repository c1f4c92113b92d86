"""One eligibility rule for every channel: `cast_ballot` refuses whoever may no longer vote.

The poll opens with the voter in its electorate; then the voter is suspended, leaves, becomes an
associate or stops being a member at all, and tries to vote by each channel. No ballot gets in,
and the voter hears why.
"""

import pytest
from django.urls import reverse

from conftest import client_for, make_person
from minga.coops import actions as coop_actions
from minga.coops.models import Membership
from minga.decisions import delegation, sms
from minga.decisions.models import Participation, Proxy

from .ballots import stored_count
from .conftest import join

pytestmark = pytest.mark.django_db
PIN = "48265"
CHANGES = ["suspended", "left", "associate", "not a member"]
REASONS = {
    "suspended": "membership is suspended",
    "left": "no longer a member",
    "associate": "Associate members",
    "not a member": "no longer a member",
}


@pytest.fixture(autouse=True)
def _callbacks_from_the_test_client(settings):
    settings.AFRICASTALKING_CALLBACK_IPS = ["127.0.0.1/32"]


def change(coop, person, owner, how):
    membership = Membership.objects.get(coop=coop, person=person)
    if how == "not a member":
        membership.delete()
    elif how == "associate":
        coop_actions.change_membership(
            membership=membership, actor=owner, role=Membership.Role.ASSOCIATE
        )
    else:
        status = Membership.Status.SUSPENDED if how == "suspended" else Membership.Status.LEFT
        coop_actions.change_membership(membership=membership, actor=owner, status=status)


@pytest.fixture
def setting(coop, owner, member, voters, poll_factory):
    """A secret consent poll opened with every persona in its electorate."""
    farmer = make_person("Farmer Without Phone", "farmer@example.org")
    join(coop, farmer)
    agent = make_person("Field Agent", "agent@example.org")
    join(coop, agent)
    delegation.register_agent(coop=coop, person=agent, actor=owner)
    delegation.set_voting_pin(person=member, pin=PIN, actor=member)
    poll = poll_factory(kind="consent")
    return {"poll": poll, "farmer": farmer, "agent": agent}


def by_web(client, poll, voter, **_):
    client_for(client, voter)
    url = reverse("decisions:poll-vote", args=[poll.coop.slug, poll.pk])
    response = client.post(url, {"consent": "agree"}, follow=True)
    return response.content.decode()


def by_api(client, poll, voter, **_):
    client_for(client, voter)
    response = client.post(
        f"/api/decisions/polls/{poll.pk}/ballots",
        {"choice": {"consent": "agree"}},
        content_type="application/json",
    )
    assert response.status_code != 201, response.content
    return response.content.decode()


def by_ussd(client, poll, voter, **_):
    answer = ""
    for text in ("", "1", "1*1", f"1*1*{PIN}"):
        data = {"sessionId": "ATUid_e", "phoneNumber": voter.phone, "text": text}
        answer = client.post("/channels/africastalking/ussd", data).content.decode()
    return answer


def by_sms(client, poll, voter, **_):
    answer = sms.respond(phone=voter.phone, text=f"YES {poll.pk}")
    return answer.text


def by_proxy(client, poll, voter, holder, **_):
    proxy = Proxy.objects.get(poll=poll, elector__person=voter)  # appointed while a member
    return vote_or_refusal(
        lambda: delegation.vote_as_proxy(proxy=proxy, holder=holder, choice={"consent": "agree"})
    )


def by_agent(client, poll, voter, agent, **_):
    return vote_or_refusal(
        lambda: delegation.record_agent_vote(
            poll=poll,
            elector=delegation.own_elector(voter, poll),
            actor=agent,
            choice={"consent": "agree"},
            witness="Neighbour Witness",
        )
    )


def vote_or_refusal(vote):
    try:
        vote()
    except Exception as error:  # noqa: BLE001 (the refusal's message is what is checked)
        return " ".join(getattr(error, "messages", [str(error)]))
    return "accepted"


@pytest.mark.parametrize("how", CHANGES)
@pytest.mark.parametrize("channel", [by_web, by_api, by_ussd, by_sms, by_proxy, by_agent])
def test_it_refuses_a_ballot_from_whoever_may_no_longer_vote(
    client, coop, owner, member, voters, setting, how, channel
):
    poll = setting["poll"]
    if channel is by_proxy:
        voter = voters[0]  # no phone: the proxy is confirmed at once
        proxy_holder = voters[1]
    elif channel is by_agent:
        voter, proxy_holder = setting["farmer"], None
    else:
        voter, proxy_holder = member, None
    if channel is by_proxy:
        delegation.appoint_proxy(poll=poll, actor=voter, holder=proxy_holder)
    change(coop, voter, owner, how)
    answer = channel(client, poll, voter, holder=proxy_holder, agent=setting["agent"])
    assert not stored_count(poll), answer
    assert not Participation.objects.filter(poll=poll).exists()
    if channel is not by_web:  # the web page does not show the poll to non-members at all
        assert REASONS[how] in answer or "no vote" in answer, answer


@pytest.mark.parametrize("channel", [by_api, by_ussd, by_sms])
def test_an_active_member_still_votes_by_every_channel(client, member, setting, channel):
    answer = channel(client, setting["poll"], member) if channel is not by_api else None
    if channel is by_api:
        client_for(client, member)
        response = client.post(
            f"/api/decisions/polls/{setting['poll'].pk}/ballots",
            {"choice": {"consent": "agree"}},
            content_type="application/json",
        )
        assert response.status_code == 201
    else:
        assert "ecorded" in answer, answer
    assert stored_count(setting["poll"]) == 1
