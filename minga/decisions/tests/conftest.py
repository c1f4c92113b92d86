"""Decisions personas on top of the root ones: an associate, a second member, a discussion,
and a helper that builds (and opens) a poll of any kind through the actions."""

import datetime

import pytest
from django.utils import timezone

from conftest import client_for, make_person
from minga.coops.models import Membership
from minga.decisions import actions
from minga.decisions.models import Poll

OPTIONS = ["Ana", "Bruno", "Chipo", "Dede"]


def verified(person):
    """`person` with their phone verified, where accounts know verification (roles branch)."""
    if hasattr(type(person), "phone_verified_at") and person.phone:
        person.phone_verified_at = timezone.now()
        person.save(update_fields=["phone_verified_at"])
    return person


@pytest.fixture
def member(member):
    """The member persona, whose phone (their USSD and SMS identity) is verified."""
    return verified(member)


def join(coop, person, role=Membership.Role.MEMBER) -> Membership:
    return Membership.objects.create(coop=coop, person=person, role=role)


@pytest.fixture
def associate(coop):
    person = make_person("Associate Person", "associate@example.org")
    join(coop, person, Membership.Role.ASSOCIATE)
    return person


@pytest.fixture
def associate_client(client, associate):
    return client_for(client, associate)


@pytest.fixture
def voters(coop):
    """Six more members, so counts mean something."""
    people = [make_person(f"Voter {i}", f"voter{i}@example.org") for i in range(6)]
    for person in people:
        join(coop, person)
    return people


@pytest.fixture
def discussion(coop, owner):
    return actions.start_discussion(
        coop=coop, actor=owner, title="Coffee washing station", body="Shall we build it?"
    )


def make_poll(discussion, owner, *, kind="single", is_open=True, options=None, **rules) -> Poll:
    rules.setdefault("closes_at", timezone.now() + datetime.timedelta(days=3))
    if kind in ("stv-scottish", "stv-meek"):
        rules.setdefault("seats", 2)
    poll = actions.create_poll(
        discussion=discussion,
        actor=owner,
        title=f"A {kind} poll",
        kind=kind,
        options=options if options is not None else OPTIONS,
        **rules,
    )
    if is_open:
        poll = actions.open_poll(poll=poll, actor=owner)
    return poll


@pytest.fixture
def poll_factory(discussion, owner):
    def build(**kwargs):
        return make_poll(discussion, owner, **kwargs)

    return build
