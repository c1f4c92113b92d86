"""Needs in every state, built through the actions, and the people who handle them.

Root personas: `owner` (administrator of `coop`, a coffee cooperative that does not organise
events), `member` (plain member of `coop`), `outsider`. Added here: `organiser` (administrator
of an organising federation) and `translator` (a person whose profile says "translator").
"""

import pytest

from conftest import make_person
from minga.challenges import actions
from minga.challenges.models import Need

COMPLETE = {
    "theme": "access",
    "affected": "Grower members who deliver cherries to the washing station.",
    "devices": ["basic-phone"],
    "connectivity": "sms",
    "literacy": "basic",
    "scenario": "A grower delivers 40 kg and is paid for 31.",
    "problem": "Members cannot check the kilos recorded in their name.",
    "why_now": "Disputes every season.",
    "how_might_we": "How might we let members check each delivery?",
    "current_practice": "Paper notebooks.",
    "constraint_kinds": ["power", "connectivity"],
    "constraints": "No power at the collection points.",
    "scope": "A prototype SMS confirmation.",
    "answer_kinds": ["prototype"],
    "success": "Every delivery confirmed by SMS.",
    "owner_timezone": "Africa/Kigali",
    "owner_hours": "Weekdays 08:00-12:00",
    "expert_name": "Washing-station manager",
    "expert_timezone": "Africa/Kigali",
    "expert_hours": "Weekdays 14:00-16:00",
    "adopter": "The cooperative's office.",
    "licences": ["AGPL-3.0-or-later"],
}


@pytest.fixture
def organiser(db):
    return make_person("Federation Organiser", "organiser@example.org", preferred_language="fr")


@pytest.fixture
def translator(db):
    return make_person("Volunteer Translator", "translator@example.org", roles=["translator"])


def make_need(
    coop, actor, *, status=Need.Status.DRAFT, organiser=None, complete=False, **fields
) -> Need:
    """A need of `coop` in `status`, moved there through the actions as people would.

    A draft has only its title unless `complete` or other `fields` are given: then it has every
    answer submission asks for (COMPLETE), overridden by `fields`.
    """
    need = actions.create_need(
        coop=coop, actor=actor, fields={"title": fields.pop("title", "Cherry deliveries by SMS")}
    )
    if status == Need.Status.DRAFT and not (fields or complete):
        return need
    need = actions.save_need_draft(need=need, actor=actor, changes={**COMPLETE, **fields})
    if status == Need.Status.DRAFT:
        return need
    need = actions.submit_need(need=need, actor=actor)
    if status == Need.Status.ACCEPTED:
        need = actions.accept_need(need=need, actor=organiser)
    elif status == Need.Status.DECLINED:
        need = actions.decline_need(need=need, actor=organiser, reason="Needs the provider.")
    elif status == Need.Status.CHANGES_REQUESTED:
        need = actions.request_changes(need=need, actor=organiser, message="Narrow the scope.")
    return need


@pytest.fixture
def draft(coop, member):
    return make_need(coop, member)


@pytest.fixture
def complete_draft(coop, member):
    return make_need(coop, member, complete=True)


@pytest.fixture
def submitted(coop, owner):
    return make_need(coop, owner, status=Need.Status.SUBMITTED)


@pytest.fixture
def accepted(coop, owner, organiser, federation):
    return make_need(coop, owner, status=Need.Status.ACCEPTED, organiser=organiser)


@pytest.fixture
def declined(coop, owner, organiser, federation):
    return make_need(coop, owner, status=Need.Status.DECLINED, organiser=organiser)
