"""Agent personas on top of the treasury's: books in KES, a member with savings, and an agent
(an ordinary member with a verified phone and a PIN) whose float was allocated and approved."""

import pytest

from conftest import make_person
from minga.agents import actions as agent_actions
from minga.coops.models import Membership
from minga.decisions import delegation
from minga.treasury import approvals
from minga.treasury.actions import receive_from_member
from minga.treasury.tests.conftest import *  # noqa: F403 (the treasury's personas)
from minga.treasury.tests.conftest import _frozen_day, join  # noqa: F401 (autouse; helper)

PIN = "48265"
AGENT_PHONE = "+254712000500"
FLOAT = 50_000_00  # KES 50,000.00
SAVINGS = 20_000_00


@pytest.fixture(autouse=True)
def _callbacks_from_the_test_client(settings):
    settings.AFRICASTALKING_CALLBACK_IPS = ["127.0.0.1/32"]


@pytest.fixture
def agent_person(coop, owner):
    person = make_person("Field Agent", "agent@example.org", phone=AGENT_PHONE, phone_verified=True)
    join(coop, owner, person, Membership.Role.MEMBER)
    delegation.set_voting_pin(person=person, pin=PIN, actor=person)
    return person


@pytest.fixture
def agent(books, coop, treasurer, agent_person):
    return agent_actions.register_agent(
        coop=coop, actor=treasurer, user=agent_person, phone=AGENT_PHONE
    )


def approve(movement, checker):
    return approvals.check_request(request=movement.request, actor=checker, approve=True)


@pytest.fixture
def funded(agent, treasurer, checker):
    movement = agent_actions.request_float(
        agent=agent, actor=treasurer, kind="allocation", amount=FLOAT
    )
    approve(movement, checker)
    return agent


@pytest.fixture
def saver(member_account, treasurer):
    receive_from_member(member=member_account, amount=SAVINGS, purpose="savings", actor=treasurer)
    return member_account


@pytest.fixture
def member_pin(member):
    delegation.set_voting_pin(person=member, pin="73914", actor=member)
    return "73914"


def code_from(outbox) -> str:
    """The six-digit code of the last message that carries one."""
    import re

    for sent in reversed(outbox):
        found = re.search(r"code (\d{6})", sent.text)
        if found:
            return found.group(1)
    raise AssertionError("no code was sent")
