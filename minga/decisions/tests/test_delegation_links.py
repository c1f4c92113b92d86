"""The links to the delegation pages appear for those who may use them, and only for them."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from conftest import make_person
from minga.coops.models import Membership
from minga.decisions import delegation

from .conftest import join

pytestmark = pytest.mark.django_db


def render(text, user, **context):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load delegation_tags %}" + text).render(
        Context({"request": request, **context})
    )


def test_poll_links_by_role(poll_factory, coop, owner, member, outsider):
    poll = poll_factory(kind="consent")
    agent = make_person("Agent Person", "agent@example.org")
    join(coop, agent)
    delegation.register_agent(coop=coop, person=agent, actor=owner)
    tag = "{% delegation_links poll %}"
    assert render(tag, outsider, poll=poll).strip() == ""
    member_links = render(tag, member, poll=poll)
    assert "Proxies" in member_links and "Paper counts" not in member_links
    assert "without a phone" in render(tag, agent, poll=poll)
    assert "Paper counts" in render(tag, owner, poll=poll)


def test_coop_links_by_role(coop, owner, member):
    tag = "{% coop_delegation_links coop %}"
    assert "Voting rules" in render(tag, owner, coop=coop)
    member_links = render(tag, member, coop=coop)
    assert "My voting PIN" in member_links and "Voting rules" not in member_links
    Membership.objects.filter(person=member).update(role=Membership.Role.ADMIN)
    assert "Registered agents" in render(tag, member, coop=coop)
