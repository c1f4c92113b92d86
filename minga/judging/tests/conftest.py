"""An event on the 2019 ICA timeline with teams, proposals, a jury and a clock to move.

Root personas: `owner` and `member` of `coop` (a coffee cooperative whose accepted need is
the event's challenge, so both may vote in the members' choice), `outsider`. Added here:
`organiser` (administrator of `federation`, which organises `event`); `it_coop`, an IT
cooperative; four teams, each with a proposal saved while building (`teams`; the first
team's first member is `registrant`, also a member of `it_coop`); four `jurors` from
cooperatives of their own, plus `conflicted_juror`, a member of `it_coop`.

Times are Europe/Paris, the event's zone: proposals due 16 October 2019 15:00, judging until
17 October 09:00, results announced 17 October 10:00.
"""

import datetime

import pytest
from django.core.cache import cache

from conftest import at, make_person
from minga.challenges.models import Need
from minga.challenges.tests.conftest import make_need
from minga.coops import actions as coop_actions
from minga.coops.models import Membership
from minga.events import actions as event_actions
from minga.events.tests.conftest import BUILDING, DURING_REGISTRATION, PHASES, paris
from minga.judging import actions

JUDGING_ENDS = PHASES["judging_ends_at"]
ANNOUNCEMENT = PHASES["announcement_at"]
JUDGING = paris(2019, 10, 16, 18, 0)
AFTER_JUDGING = paris(2019, 10, 17, 9, 30)
ANNOUNCED = paris(2019, 10, 17, 12, 0)
SECOND = datetime.timedelta(seconds=1)
MINUTE = datetime.timedelta(minutes=1)

RULES = {
    "summary": "Virtual global teams propose solutions to member problems.",
    "format": "virtual",
    "timezone": "Europe/Paris",
    "languages": ["en", "fr", "es"],
    "team_min_size": 1,
    "team_max_size": 3,
    "who_may_register": "both",
    "licence": "CC-BY-SA-4.0",
    "ownership": "team",
    "presentation_formats": ["written"],
}


def proposal_fields(title: str) -> dict:
    return {
        "title": title,
        "summary": f"{title}: each delivery is confirmed to the member by SMS.",
        "problem": "Members cannot check the kilos recorded in their name.",
        "solution": "A USSD menu for the clerk and an SMS receipt for the member.",
        "cooperative_principles": "Members control their own records.",
        "feasibility": "Runs on a basic phone; costs one SMS per delivery.",
        "repository_url": "",
        "slides_url": "",
        "video_url": "",
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rankings are cached by event id; ids are reused once a test's rows roll back."""
    cache.clear()
    yield
    cache.clear()


def person(name: str, **extra):
    email = name.lower().replace(" ", ".") + "@example.org"
    return make_person(name, email, **extra)


def coop_of(founder, name: str, **fields):
    return coop_actions.create_cooperative(
        actor=founder,
        name=name,
        legal_form=fields.pop("legal_form", "worker"),
        country=fields.pop("country", "KE"),
        sector=fields.pop("sector", "it"),
        **fields,
    )


def join(coop, someone) -> None:
    Membership.objects.create(coop=coop, person=someone, role=Membership.Role.MEMBER)


def make_team(event, challenge, name: str, people, *, title: str | None = None, saved_at=BUILDING):
    """A team of `people` (the first starts it) with a proposal saved at `saved_at`."""
    with at(DURING_REGISTRATION):
        registrations = [event_actions.register_person(event=event, person=p) for p in people]
        team = event_actions.create_team(registration=registrations[0], actor=people[0], name=name)
        for registration in registrations[1:]:
            membership = event_actions.request_to_join(
                team=team, registration=registration, actor=registration.person
            )
            event_actions.accept_request(membership=membership, actor=people[0])
    with at(saved_at):
        event_actions.choose_challenge(team=team, challenge=challenge, actor=people[0])
        event_actions.save_proposal(
            team=team, actor=people[0], fields=proposal_fields(title or f"Proposal of {name}")
        )
    return team


@pytest.fixture
def event(organiser, federation):
    event = event_actions.create_event(
        actor=organiser, organiser=federation, title="Virtual coop-a-thon", **PHASES, **RULES
    )
    event = event_actions.publish_event(event=event, actor=organiser)
    event_actions.add_prize(event=event, actor=organiser, name="A .coop domain for one year")
    event_actions.add_prize(event=event, actor=organiser, name="A flag of the cooperative movement")
    return event


@pytest.fixture
def challenge(event, coop, owner, organiser):
    need = make_need(
        coop,
        owner,
        status=Need.Status.ACCEPTED,
        organiser=organiser,
        title="Cherry deliveries",
        constraint_kinds=["power"],
    )
    return event_actions.add_challenge(event=event, actor=organiser, need=need)


@pytest.fixture
def it_coop(db):
    return coop_of(person("IT Founder"), "Nairobi Tech Workers")


@pytest.fixture
def registrant(it_coop):
    someone = person("Team Developer", timezone="Africa/Nairobi")
    join(it_coop, someone)
    return someone


@pytest.fixture
def teams(event, challenge, registrant):
    """Four teams with a proposal each, saved a minute apart; the first has `registrant`."""
    people = [
        ("Team Umoja", [registrant, person("Umoja Designer")]),
        ("Team Sur", [person("Sur Developer")]),
        ("Team Kaveri", [person("Kaveri Analyst")]),
        ("Team Prairie", [person("Prairie Engineer")]),
    ]
    return [
        make_team(event, challenge, name, members, saved_at=BUILDING + n * MINUTE)
        for n, (name, members) in enumerate(people)
    ]


@pytest.fixture
def jurors(event, organiser):
    """Four jurors, each from a cooperative of their own, named while teams build."""
    people = []
    for n in range(1, 5):
        juror = person(f"Juror {n}", timezone="America/Sao_Paulo")
        coop_of(juror, f"Juror Cooperative {n}", country="BR", sector="agriculture")
        people.append(juror)
    with at(BUILDING):
        for juror in people:
            actions.add_juror(event=event, actor=organiser, person=juror)
    return people


@pytest.fixture
def juror(jurors):
    return jurors[0]


@pytest.fixture
def conflicted_juror(event, organiser, it_coop):
    someone = person("Conflicted Juror")
    join(it_coop, someone)
    with at(BUILDING):
        actions.add_juror(event=event, actor=organiser, person=someone)
    return someone


@pytest.fixture
def assigned(event, organiser, teams, jurors):
    with at(JUDGING):
        return actions.assign_jurors(event=event, actor=organiser)


def assignment_of(event, someone, team):
    return event.jury_assignments.get(juror__person=someone, proposal__team=team)


def score_all(event, marks: dict) -> None:
    """Score as jurors would: {(juror, team): value or [values per criterion]}."""
    criteria = list(event.criteria.all())
    with at(JUDGING):
        for (someone, team), value in marks.items():
            values = value if isinstance(value, list) else [value] * len(criteria)
            actions.score_proposal(
                assignment=assignment_of(event, someone, team),
                actor=someone,
                values={c.pk: v for c, v in zip(criteria, values, strict=True)},
            )


@pytest.fixture
def scored(event, assigned, teams, jurors):
    """Every assignment scored: team i gets 5 - i from everyone (Umoja best)."""
    marks = {}
    for assignment in event.jury_assignments.select_related("juror__person", "proposal__team"):
        team = assignment.proposal.team
        marks[(assignment.juror.person, team)] = 5 - [t.pk for t in teams].index(team.pk)
    score_all(event, marks)
    return marks
