"""Agents: registered by administrators, record votes for members without a phone."""

import pytest

from conftest import client_for, make_person
from minga.audit.models import Entry
from minga.channels.models import OutboundMessage
from minga.decisions import delegation
from minga.decisions.delegation import DelegationError
from minga.decisions.models import Agent, Participation

from .ballots import stored_choice, stored_count
from .conftest import join

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_person(coop):
    person = make_person("Field Agent", "agent@example.org", phone="+250788000444")
    join(coop, person)
    return person


@pytest.fixture
def agent(coop, owner, agent_person):
    delegation.register_agent(coop=coop, person=agent_person, actor=owner)
    return agent_person


@pytest.fixture
def farmer(coop):
    person = make_person("Farmer Without Phone", "farmer@example.org")
    join(coop, person)
    return person


@pytest.fixture
def poll(poll_factory, farmer, agent):
    return poll_factory(kind="consent")


def record(poll, agent, person, **extra):
    extra.setdefault("witness", "Neighbour Witness")
    extra.setdefault("choice", {"consent": "agree"})
    return delegation.record_agent_vote(
        poll=poll, elector=delegation.own_elector(person, poll), actor=agent, **extra
    )


def test_an_agent_records_a_vote_with_a_witness(
    poll, agent, farmer, django_capture_on_commit_callbacks, sms_outbox, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        code = record(poll, agent, farmer, relative_phone="+250788999000")
    run_tasks()
    participation = Participation.objects.get(elector__person=farmer)
    assert participation.channel == "agent"
    assert participation.recorded_by == agent and participation.witness == "Neighbour Witness"
    assert OutboundMessage.objects.get(to="+250788999000").text == "[vote receipt]"
    (sms,) = sms_outbox
    assert f"{code[:5]} {code[5:]}" in sms.text and "Neighbour Witness" in sms.text
    body = bytes(Entry.objects.get(kind="agent.vote_recorded").body).decode()
    assert "Neighbour" not in body and "+250788999000" not in body


def test_the_member_can_override_before_the_close(poll, agent, farmer, owner, coop):
    record(poll, agent, farmer)
    other = make_person("Second Agent", "agent2@example.org")
    join(coop, other)
    delegation.register_agent(coop=coop, person=other, actor=owner)
    record(poll, other, farmer, choice={"consent": "disagree"}, witness="Another Witness")
    assert stored_choice(poll)["consent"] == "disagree"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"witness": ""}, "Name the witness"),
        ({"witness": "Field Agent"}, "someone other than the agent"),
        ({"witness": "farmer without phone"}, "someone other than the agent"),
        ({"relative_phone": "0788"}, "international format"),
        ({"choice": {"consent": "maybe"}}, "Choose agree"),
    ],
)
def test_bad_input_changes_nothing(poll, agent, farmer, extra, message):
    with pytest.raises(Exception, match=message):
        record(poll, agent, farmer, **extra)
    assert not stored_count() and not Participation.objects.exists()


def test_members_with_a_phone_vote_themselves(poll, agent, member):
    with pytest.raises(DelegationError, match="has a phone"):
        record(poll, agent, member)


def test_only_active_agents_record(poll, agent, farmer, owner, member):
    with pytest.raises(DelegationError, match="registered agent"):
        record(poll, member, farmer)
    delegation.deregister_agent(agent=Agent.objects.get(person=agent), actor=owner)
    with pytest.raises(DelegationError, match="registered agent"):
        record(poll, agent, farmer)


def test_statutes_may_forbid_agents(poll, agent, farmer, coop, owner):
    delegation.update_statutes(
        coop=coop,
        actor=owner,
        max_proxies_per_holder=1,
        allow_agents=False,
        electorate="member",
        quorum_kind="none",
        quorum_value=0,
    )
    with pytest.raises(DelegationError, match="do not allow agents"):
        record(poll, agent, farmer)


def test_agents_must_be_members(coop, owner, outsider, agent):
    with pytest.raises(DelegationError, match="active member"):
        delegation.register_agent(coop=coop, person=outsider, actor=owner)
    with pytest.raises(DelegationError, match="already an agent"):
        delegation.register_agent(coop=coop, person=agent, actor=owner)


# --- pages -------------------------------------------------------------------------------------


def test_the_agents_page_is_for_administrators(client, coop, owner, member, outsider, agent):
    url = f"/decisions/{coop.slug}/agents/"
    assert client.get(url).status_code == 302
    assert client_for(client, outsider).get(url).status_code == 403
    assert client_for(client, member).get(url).status_code == 403
    assert client_for(client, agent).get(url).status_code == 403
    owner_client = client_for(client, owner)
    assert "Field Agent" in owner_client.get(url).content.decode()
    assert owner_client.post(url, {"person": "nobody@example.org"}).status_code == 400
    assert owner_client.post(url, {"person": "member@example.org"}).status_code == 302
    assert Agent.objects.filter(is_active=True).count() == 2
    removal = f"/decisions/{coop.slug}/agents/{Agent.objects.get(person=member).pk}/remove/"
    assert client_for(client, member).post(removal).status_code == 403
    assert client_for(client, owner).post(removal).status_code == 302
    assert not Agent.objects.get(person=member).is_active


def test_the_agent_vote_page(client, poll, owner, member, outsider, agent, farmer):
    url = f"/decisions/{poll.coop.slug}/polls/{poll.pk}/agent-vote/"
    assert client.get(url).status_code == 302
    assert client_for(client, outsider).get(url).status_code == 403
    assert client_for(client, member).get(url).status_code == 403
    assert client_for(client, owner).get(url).status_code == 403  # administrators are not agents
    agent_client = client_for(client, agent)
    page = agent_client.get(url).content.decode()
    assert "Farmer Without Phone" in page and "Coop Member" not in page
    elector = delegation.own_elector(farmer, poll)
    bad = agent_client.post(url, {"elector": elector.pk, "witness": "", "consent": "agree"})
    assert bad.status_code == 400 and not stored_count()
    done = agent_client.post(
        url, {"elector": elector.pk, "witness": "Neighbour Witness", "consent": "agree"}
    )
    assert done.status_code == 200 and "confirmation code" in done.content.decode()
    assert Participation.objects.get().channel == "agent"
