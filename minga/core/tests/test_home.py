"""The signed-in home page: what waits for the person, in a fixed number of queries."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import client_for, make_person
from minga.credentials import actions as credential_actions
from minga.credentials.tests.issuing_setup import define_bookkeeping
from minga.decisions import actions as decision_actions
from minga.decisions import delegation
from minga.decisions.models import Ballot, Participation, SealedBallot
from minga.decisions.tests.conftest import join, make_poll
from minga.events import actions as event_actions
from minga.events.tests.conftest import RULES

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def discussion(coop, owner):
    return decision_actions.start_discussion(
        coop=coop, actor=owner, title="Coffee washing station", body="Shall we build it?"
    )


def make_coopathon(organiser, federation, title):
    now = timezone.now()
    phases = {
        "registration_opens_at": now - DAY,
        "registration_closes_at": now + 5 * DAY,
        "intake_opens_at": now - 2 * DAY,
        "intake_closes_at": now + DAY,
        "challenges_released_at": now + 5 * DAY,
        "proposals_due_at": now + 7 * DAY,
        "judging_ends_at": now + 8 * DAY,
        "announcement_at": now + 9 * DAY,
    }
    event = event_actions.create_event(
        actor=organiser, organiser=federation, title=title, **{**phases, **RULES}
    )
    return event_actions.publish_event(event=event, actor=organiser)


def add_polls(discussion, owner, count):
    polls = []
    for _ in range(count):
        poll = decision_actions.create_poll(
            discussion=discussion,
            actor=owner,
            title=f"Poll {discussion.polls.count()}",
            kind="single",
            options=["Yes", "No"],
            closes_at=timezone.now() + 3 * DAY,
        )
        polls.append(decision_actions.open_poll(poll=poll, actor=owner))
    return polls


def add_teams(organiser, federation, person, count, start=0):
    """`count` teams of one (`person`), each in a coop-a-thon of its own."""
    for i in range(start, start + count):
        event = make_coopathon(organiser, federation, f"Coop-a-thon {i}")
        registration = event_actions.register_person(event=event, person=person, answers={})
        event_actions.create_team(registration=registration, actor=person, name=f"Team {i}")


def add_credentials(coop, owner, person, count):
    achievement = define_bookkeeping(coop, owner)
    for _ in range(count):
        credential_actions.issue_credential(achievement=achievement, recipient=person, actor=owner)


def home_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_it_shows_a_member_what_waits_for_them(client, coop, owner, member, discussion):
    polls = add_polls(discussion, owner, 2)
    decision_actions.cast_ballot(
        poll=polls[0],
        elector=polls[0].electors.get(person=member),
        choice={"choice": 0},
        channel="web",
        actor=member,
    )
    _count, page = home_queries(client_for(client, member))
    assert "Welcome, Coop Member" in page
    assert polls[0].get_absolute_url() in page and polls[1].get_absolute_url() in page
    assert page.count("You voted") == 1 and page.count("Not voted yet") == 1
    assert coop.name in page and "Coffee washing station" in page


def test_it_shows_proxies_waiting_for_confirmation(client, coop, owner, member, discussion):
    holder = make_person("Proxy Holder", "holder@example.org")
    join(coop, holder)
    poll = make_poll(discussion, owner)
    delegation.appoint_proxy(poll=poll, actor=member, holder=holder)  # waits for the code
    _count, page = home_queries(client_for(client, member))
    assert "Proxies waiting for your confirmation" in page
    assert "Proxy Holder would vote for you" in page


def test_it_keeps_the_front_page_for_visitors(client, coop):
    response = client.get("/")
    assert response.status_code == 200
    assert "Welcome" not in response.content.decode()


def test_outsiders_see_nothing_of_the_cooperative(client, coop, owner, outsider, discussion):
    add_polls(discussion, owner, 1)
    _count, page = home_queries(client_for(client, outsider))
    assert "Poll 0" not in page and "Nada le espera por ahora." in page  # a Spanish reader


def test_it_does_not_grow_its_queries_with_the_data(
    client, coop, owner, member, discussion, organiser, federation
):
    client = client_for(client, member)
    add_polls(discussion, owner, 1)
    add_teams(organiser, federation, member, 1)
    add_credentials(coop, owner, member, 1)
    small, _page = home_queries(client)
    add_polls(discussion, owner, 8)
    add_teams(organiser, federation, member, 4, start=1)
    add_credentials(coop, owner, member, 12)
    large, page = home_queries(client)
    assert page.count("Poll ") == 9 and "Team 4" in page and "All my credentials" in page
    assert large <= small
    assert "needs at least 2 members to submit" in page  # teams of one, minimum two


def test_it_reads_who_voted_from_participations_never_ballots(
    client, coop, owner, member, discussion
):
    poll = add_polls(discussion, owner, 1)[0]
    decision_actions.cast_ballot(
        poll=poll,
        elector=poll.electors.get(person=member),
        choice={"choice": 1},
        channel="web",
        actor=member,
    )
    client = client_for(client, member)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    assert "You voted" in page
    read = " ".join(query["sql"] for query in queries.captured_queries).lower()
    tables = {Ballot._meta.db_table, SealedBallot._meta.db_table}
    assert not any(f'"{table}"' in read for table in tables)
    assert f'"{Participation._meta.db_table}"' in read


def test_it_counts_every_member_of_a_team_not_only_the_reader(
    client, member, organiser, federation
):
    event = make_coopathon(organiser, federation, "Coop-a-thon of two")
    registration = event_actions.register_person(event=event, person=member, answers={})
    team = event_actions.create_team(registration=registration, actor=member, name="Pair")
    partner = make_person("Team Partner", "partner@example.org")
    joining = event_actions.register_person(event=event, person=partner, answers={})
    invitation = event_actions.invite_to_team(team=team, registration=joining, actor=member)
    event_actions.accept_invitation(membership=invitation, actor=partner)
    _count, page = home_queries(client_for(client, member))
    assert "Pair" in page
    assert "needs at least" not in page  # two members: the minimum of RULES


def test_it_names_credentials_in_the_readers_language(client, coop, owner, member):
    add_credentials(coop, owner, member, 1)
    client = client_for(client, member)
    pages = {}
    for language in ("en", "es", "fr"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        pages[language] = client.get("/").content.decode()
    assert "Bookkeeping basics" in pages["en"]
    assert "Contabilidad básica" in pages["es"] and "Bookkeeping basics" not in pages["es"]
    assert "Bookkeeping basics" in pages["fr"]  # no French words: the achievement's own
