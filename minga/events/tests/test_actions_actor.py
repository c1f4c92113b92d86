"""Each action checks its actor itself: called with the wrong person, it refuses and changes
nothing, whatever the caller (the views refuse first; the API, the admin or a script may not).

`organiser` runs `event`; `registrant` and `teammate` form `team`; `invitee` has a pending
invitation to it and `asker` a pending request; `outsider` and the root `owner` (who
administers `coop`, not the organising federation) are nobody in the event.
"""

import datetime
import types

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import make_person, rows_of
from minga.events import actions

from .conftest import BUILDING, DURING_REGISTRATION, PROPOSAL, RELEASE, at, make_event, register

DAY = datetime.timedelta(days=1)


@pytest.fixture
def world(event, organiser, federation, team, registrant, teammate, outsider, owner, coop):
    invitee = make_person("Invited Person", "invitee@example.org")
    asker = make_person("Asking Person", "asker@example.org")
    register(event, invitee)
    register(event, asker)
    with at(DURING_REGISTRATION):
        invitation = actions.invite_to_team(
            team=team, registration=event.registrations.get(person=invitee), actor=registrant
        )
        request = actions.request_to_join(
            team=team, registration=event.registrations.get(person=asker), actor=asker
        )
    return types.SimpleNamespace(
        event=event,
        draft=make_event(organiser, federation, title="Next coop-a-thon", publish=False),
        federation=federation,
        coop=coop,
        team=team,
        organiser=organiser,
        registrant=registrant,
        teammate=teammate,
        invitee=invitee,
        asker=asker,
        outsider=outsider,
        owner=owner,
        prize=actions.add_prize(event=event, actor=organiser, name="A .coop domain"),
        faq=actions.add_faq_entry(event=event, actor=organiser, question="Who?", answer="All."),
        invitation=invitation,
        request=request,
        registration=lambda person: event.registrations.get(person=person),
        membership=lambda person: team.memberships.get(registration__person=person),
    )


# (name, when, the call with the wrong actor); PermissionDenied unless the case says otherwise.
CASES = [
    (
        "create_event by an outsider",
        DURING_REGISTRATION,
        lambda w: actions.create_event(actor=w.outsider, organiser=w.federation, title="Mine"),
    ),
    (
        "create_event by another cooperative's administrator",
        DURING_REGISTRATION,
        lambda w: actions.create_event(actor=w.owner, organiser=w.federation, title="Mine"),
    ),
    (
        "update_event by a participant",
        DURING_REGISTRATION,
        lambda w: actions.update_event(event=w.event, actor=w.registrant, changes={"title": "X"}),
    ),
    (
        "publish_event by an outsider",
        DURING_REGISTRATION,
        lambda w: actions.publish_event(event=w.draft, actor=w.outsider),
    ),
    (
        "extend_deadline by a participant",
        DURING_REGISTRATION,
        lambda w: actions.extend_deadline(
            event=w.event, actor=w.registrant, proposals_due_at=w.event.proposals_due_at + DAY
        ),
    ),
    (
        "cancel_event by a participant",
        DURING_REGISTRATION,
        lambda w: actions.cancel_event(event=w.event, actor=w.registrant, reason="Because."),
    ),
    (
        "clone_event by an outsider",
        DURING_REGISTRATION,
        lambda w: actions.clone_event(
            event=w.event,
            actor=w.outsider,
            title="Copy",
            challenges_released_at=RELEASE + 365 * DAY,
        ),
    ),
    (
        "add_prize by a participant",
        DURING_REGISTRATION,
        lambda w: actions.add_prize(event=w.event, actor=w.registrant, name="A prize of mine"),
    ),
    (
        "remove_prize by a participant",
        DURING_REGISTRATION,
        lambda w: actions.remove_prize(prize=w.prize, actor=w.registrant),
    ),
    (
        "add_faq_entry by an outsider",
        DURING_REGISTRATION,
        lambda w: actions.add_faq_entry(event=w.event, actor=w.outsider, question="Q", answer="A"),
    ),
    (
        "remove_faq_entry by an outsider",
        DURING_REGISTRATION,
        lambda w: actions.remove_faq_entry(entry=w.faq, actor=w.outsider),
    ),
    (
        "add_challenge by a participant",
        DURING_REGISTRATION,
        lambda w: actions.add_challenge(event=w.event, actor=w.registrant, title="Mine"),
    ),
    (
        "remove_challenge by a participant",
        DURING_REGISTRATION,
        lambda w: actions.remove_challenge(challenge=w.team.challenge, actor=w.registrant),
    ),
    (
        "register_person for a draft event",
        DURING_REGISTRATION,
        lambda w: actions.register_person(event=w.draft, person=w.outsider),
    ),
    (
        "register_organisation by a plain member",
        DURING_REGISTRATION,
        lambda w: actions.register_organisation(
            event=w.event, coop=w.coop, people=[w.owner], actor=w.registrant
        ),
    ),
    (
        "register_organisation by an outsider",
        DURING_REGISTRATION,
        lambda w: actions.register_organisation(
            event=w.event, coop=w.coop, people=[w.owner], actor=w.outsider
        ),
    ),
    (
        "update_registration by someone else",
        DURING_REGISTRATION,
        lambda w: actions.update_registration(
            registration=w.registration(w.registrant), actor=w.teammate, changes={"skills": []}
        ),
    ),
    (
        "withdraw_registration by someone else",
        DURING_REGISTRATION,
        lambda w: actions.withdraw_registration(
            registration=w.registration(w.registrant), actor=w.organiser
        ),
    ),
    (
        "create_team for someone else",
        DURING_REGISTRATION,
        lambda w: actions.create_team(
            registration=w.registration(w.invitee), actor=w.outsider, name="Team Outside"
        ),
    ),
    (
        "update_team by a non-member",
        BUILDING,
        lambda w: actions.update_team(team=w.team, actor=w.invitee, changes={"name": "Taken"}),
    ),
    (
        "invite_to_team by a non-member",
        BUILDING,
        lambda w: actions.invite_to_team(
            team=w.team, registration=w.registration(w.asker), actor=w.invitee
        ),
    ),
    (
        "request_to_join for someone else",
        BUILDING,
        lambda w: actions.request_to_join(
            team=w.team, registration=w.registration(w.invitee), actor=w.asker
        ),
    ),
    (
        "accept_invitation by a team member",
        BUILDING,
        lambda w: actions.accept_invitation(membership=w.invitation, actor=w.registrant),
        ValidationError,
    ),
    (
        "accept_request by the person asking",
        BUILDING,
        lambda w: actions.accept_request(membership=w.request, actor=w.asker),
    ),
    (
        "decline by an outsider",
        BUILDING,
        lambda w: actions.decline(membership=w.invitation, actor=w.outsider),
    ),
    (
        "leave_team for someone else",
        BUILDING,
        lambda w: actions.leave_team(membership=w.membership(w.teammate), actor=w.registrant),
    ),
    (
        "choose_challenge by a non-member",
        BUILDING,
        lambda w: actions.choose_challenge(team=w.team, challenge=None, actor=w.invitee),
    ),
    (
        "start_team_with for someone else",
        BUILDING,
        lambda w: actions.start_team_with(
            registration=w.registration(w.invitee), actor=w.asker, name="Team Pair", others=[]
        ),
    ),
    (
        "save_proposal by a non-member",
        BUILDING,
        lambda w: actions.save_proposal(team=w.team, actor=w.invitee, fields=PROPOSAL),
        ValidationError,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_it_refuses_the_wrong_actor_and_changes_nothing(world, case):
    _name, moment, call, *refusal = case
    before = rows_of("events")
    with at(moment), pytest.raises(refusal[0] if refusal else PermissionDenied):
        call(world)
    assert rows_of("events") == before
