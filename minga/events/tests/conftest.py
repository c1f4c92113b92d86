"""An event on the 2019 ICA timeline, the people around it, and a clock to move.

Root personas: `owner` and `member` of `coop` (a coffee cooperative), `outsider`. Added here:
`organiser`, administrator of `federation`, which organises `event`; `registrant` (the root
`member`, registered); `teammate`, a second registrant. Times are Europe/Paris, the event's
zone: challenges released 14 October 2019 15:00, proposals due 16 October 15:00.
"""

import datetime
import zoneinfo

import pytest

from conftest import at, client_of, make_person
from minga.events import actions

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


RELEASE = paris(2019, 10, 14, 15, 0)
DUE = paris(2019, 10, 16, 15, 0)
DURING_REGISTRATION = paris(2019, 10, 1, 12, 0)
BUILDING = paris(2019, 10, 15, 12, 0)
AFTER_DEADLINE = paris(2019, 10, 16, 16, 0)

PHASES = {
    "registration_opens_at": paris(2019, 9, 1, 9, 0),
    "registration_closes_at": RELEASE,
    "intake_opens_at": paris(2019, 8, 1, 9, 0),
    "intake_closes_at": paris(2019, 10, 1, 9, 0),
    "challenges_released_at": RELEASE,
    "proposals_due_at": DUE,
    "judging_ends_at": paris(2019, 10, 17, 9, 0),
    "announcement_at": paris(2019, 10, 17, 10, 0),
}
RULES = {
    "summary": "Virtual global teams propose solutions to member problems.",
    "format": "virtual",
    "timezone": "Europe/Paris",
    "languages": ["en", "fr", "es"],
    "team_min_size": 2,
    "team_max_size": 3,
    "who_may_register": "both",
    "channels": "One Matrix room per team.",
    "main_channel_url": "https://matrix.example.org/#/room/coopathon",
    "licence": "CC-BY-SA-4.0",
    "ownership": "team",
    "presentation_formats": ["written", "slides", "video"],
    "video_max_minutes": 3,
}


def make_event(organiser, federation, *, title="Virtual coop-a-thon", publish=True, **overrides):
    event = actions.create_event(
        actor=organiser, organiser=federation, title=title, **{**PHASES, **RULES, **overrides}
    )
    if publish:
        event = actions.publish_event(event=event, actor=organiser)
    return event


def register(event, person, **answers):
    with at(DURING_REGISTRATION):
        return actions.register_person(event=event, person=person, answers=answers)


@pytest.fixture
def event(organiser, federation):
    return make_event(organiser, federation)


@pytest.fixture
def registrant(event, member):
    register(event, member, languages=["en", "rw"], skills=["backend"])
    return member


@pytest.fixture
def teammate(event):
    person = make_person(
        "Team Mate", "mate@example.org", phone="+254712000222", timezone="Africa/Nairobi"
    )
    register(event, person, languages=["en", "sw"], skills=["ux"])
    return person


@pytest.fixture
def registrant_client(registrant):
    return client_of(registrant)


@pytest.fixture
def team(event, registrant, teammate):
    """A team of two (the registrant and the teammate), working on a released challenge."""
    challenge = actions.add_challenge(
        event=event, actor=event.created_by, title="Cherry deliveries by SMS", theme="access"
    )
    with at(DURING_REGISTRATION):
        team = actions.create_team(
            registration=event.registrations.get(person=registrant),
            actor=registrant,
            name="Team Umoja",
        )
        invitation = actions.invite_to_team(
            team=team, registration=event.registrations.get(person=teammate), actor=registrant
        )
        actions.accept_invitation(membership=invitation, actor=teammate)
    with at(BUILDING):
        actions.choose_challenge(team=team, challenge=challenge, actor=registrant)
    return team


PROPOSAL = {
    "title": "SMS receipts for every delivery",
    "summary": "Each delivery is confirmed to the member by SMS.",
    "problem": "Members cannot check the kilos recorded in their name.",
    "solution": "A USSD menu for the clerk and an SMS receipt for the member.",
    "cooperative_principles": "Members control their own records.",
    "feasibility": "Runs on a basic phone; costs one SMS per delivery.",
    "repository_url": "https://git.example.org/umoja/receipts",
    "slides_url": "",
    "video_url": "",
}
