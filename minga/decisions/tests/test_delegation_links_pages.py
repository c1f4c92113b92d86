"""The poll page and the decisions index link to the proxy, agent, paper-count, statutes and PIN
pages for the personas who may use them, and stay small."""

import gzip

import pytest
from django.urls import reverse

from conftest import client_for, make_person
from minga.decisions import actions, delegation

from .conftest import join

pytestmark = pytest.mark.django_db
REPEAT_VISIT_BUDGET = 15_000  # bytes of gzip'd HTML (DESIGN.md)

PROXIES = "Proxies</a>"
AGENT_VOTE = "Record a vote for a member without a phone"
PAPER = "Paper counts</a>"
PIN = "My voting PIN"
RULES = "Voting rules"
AGENTS = "Registered agents"
POLL_LINKS = (PROXIES, AGENT_VOTE, PAPER)
COOP_LINKS = (PIN, RULES, AGENTS)


@pytest.fixture
def agent(coop, owner):
    person = make_person("Field Agent", "agent@example.org")
    join(coop, person)
    delegation.register_agent(coop=coop, person=person, actor=owner)
    return person


def persona_clients(client, owner, member, associate, outsider, agent):
    return {
        "outsider": client_for(client.__class__(), outsider),
        "associate": client_for(client.__class__(), associate),
        "member": client_for(client.__class__(), member),
        "agent": client_for(client.__class__(), agent),
        "owner": client_for(client.__class__(), owner),
    }


# What each persona sees: (poll links, decisions index links).
EXPECTED = {
    "associate": ((), ()),  # reads and comments, does not vote: no PIN
    "member": ((PROXIES,), (PIN,)),
    "agent": ((PROXIES, AGENT_VOTE), (PIN,)),
    "owner": ((PROXIES, PAPER), (PIN, RULES, AGENTS)),
}


def small(response) -> bool:
    return len(gzip.compress(response.content, 6)) < REPEAT_VISIT_BUDGET


def test_each_persona_gets_its_links(
    client, coop, poll_factory, owner, member, associate, outsider, agent
):
    poll = poll_factory(kind="consent")
    poll_url = reverse("decisions:poll", args=[coop.slug, poll.pk])
    index_url = reverse("decisions:index", args=[coop.slug])
    assert client.get(poll_url).status_code == 302  # to sign in, and back
    clients = persona_clients(client, owner, member, associate, outsider, agent)
    assert clients.pop("outsider").get(poll_url).status_code == 403
    for name, (poll_links, coop_links) in EXPECTED.items():
        poll_page = clients[name].get(poll_url)
        index_page = clients[name].get(index_url)
        assert poll_page.status_code == index_page.status_code == 200, name
        assert small(poll_page) and small(index_page), name
        html = poll_page.content.decode()
        for link in POLL_LINKS:
            assert (link in html) is (link in poll_links), (name, link)
        html = index_page.content.decode()
        for link in COOP_LINKS:
            assert (link in html) is (link in coop_links), (name, link)


def test_the_links_lead_to_pages_that_open(client, coop, poll_factory, owner, agent):
    poll = poll_factory(kind="single")
    for person in (owner, agent):
        browser = client_for(client.__class__(), person)
        pages = [
            browser.get(reverse("decisions:poll", args=[coop.slug, poll.pk])),
            browser.get(reverse("decisions:index", args=[coop.slug])),
        ]
        hrefs = {
            href
            for page in pages
            for href in page.content.decode().split('href="')[1:]
            for href in [href.split('"')[0]]
            if any(word in href for word in ("proxy", "agent", "paper", "statutes", "pin"))
        }
        assert hrefs
        for href in hrefs:
            assert browser.get(href).status_code == 200, href


def test_a_closed_poll_keeps_only_the_paper_link(client, coop, poll_factory, owner, member):
    poll = actions.close_poll(poll=poll_factory(kind="single"), actor=owner)
    url = reverse("decisions:poll", args=[coop.slug, poll.pk])
    member_page = client_for(client.__class__(), member).get(url).content.decode()
    assert not any(link in member_page for link in POLL_LINKS)
    owner_page = client_for(client.__class__(), owner).get(url).content.decode()
    assert PAPER in owner_page and PROXIES not in owner_page
