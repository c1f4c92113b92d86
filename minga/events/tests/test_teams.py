import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from conftest import make_person
from minga.events import actions
from minga.events.models import TeamMembership

from .conftest import AFTER_DEADLINE, DURING_REGISTRATION, at, client_of, register


def registration(event, person):
    return event.registrations.get(person=person)


def active(team):
    return team.memberships.filter(status=TeamMembership.Status.ACTIVE).count()


@pytest.mark.django_db
def test_it_starts_a_team_from_the_teams_page(event, registrant, registrant_client):
    with at(DURING_REGISTRATION):
        response = registrant_client.post(
            reverse("events:teams", args=[event.slug]),
            {"name": "Team Umoja", "description": "", "channel_url": "", "is_open": "on"},
        )
    assert response.status_code == 302
    team = event.teams.get()
    assert active(team) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", None])
def test_it_refuses_teams_to_people_not_registered(event, who, request, client):
    if who:
        client = client_of(request.getfixturevalue(who))
    with at(DURING_REGISTRATION):
        response = client.post(reverse("events:teams", args=[event.slug]), {"name": "Sneaky"})
    assert response.status_code == 403
    assert not event.teams.exists()


@pytest.mark.django_db
def test_it_joins_by_request_and_acceptance(event, registrant, teammate):
    with at(DURING_REGISTRATION):
        team = actions.create_team(
            registration=registration(event, registrant), actor=registrant, name="Umoja"
        )
        client_of(teammate).post(reverse("events:team-request", args=[event.slug, team.pk]))
        request = team.memberships.get(status=TeamMembership.Status.REQUESTED)
        client_of(registrant).post(
            reverse("events:team-respond", args=[event.slug, team.pk, request.pk]),
            {"decision": "accept"},
        )
    assert active(team) == 2


@pytest.mark.django_db
def test_it_refuses_to_let_the_requester_accept_themselves(event, registrant, teammate):
    with at(DURING_REGISTRATION):
        team = actions.create_team(
            registration=registration(event, registrant), actor=registrant, name="Umoja"
        )
        own = actions.request_to_join(
            team=team, registration=registration(event, teammate), actor=teammate
        )
        response = client_of(teammate).post(
            reverse("events:team-respond", args=[event.slug, team.pk, own.pk]),
            {"decision": "accept"},
        )
    assert response.status_code == 403
    assert active(team) == 1


@pytest.mark.django_db
def test_it_refuses_a_full_team_clearly_and_changes_nothing(event, registrant, teammate):
    # Teams of this event have at most three members.
    others = [make_person(f"Person {n}", f"p{n}@example.org") for n in range(3)]
    for person in others:
        register(event, person)
    with at(DURING_REGISTRATION):
        team = actions.create_team(
            registration=registration(event, registrant), actor=registrant, name="Umoja"
        )
        for person in [teammate, others[0]]:
            invitation = actions.invite_to_team(
                team=team, registration=registration(event, person), actor=registrant
            )
            actions.accept_invitation(membership=invitation, actor=person)
        with pytest.raises(ValidationError, match="is full: teams have at most 3 members"):
            actions.invite_to_team(
                team=team, registration=registration(event, others[1]), actor=registrant
            )
        response = client_of(others[1]).post(
            reverse("events:team-request", args=[event.slug, team.pk]), follow=True
        )
    assert "is full" in response.text
    assert active(team) == 3
    assert not team.memberships.filter(registration__person=others[1]).exists()


@pytest.mark.django_db
def test_it_keeps_one_team_per_person(event, registrant, teammate):
    with at(DURING_REGISTRATION):
        actions.create_team(
            registration=registration(event, registrant), actor=registrant, name="Umoja"
        )
        with pytest.raises(ValidationError, match="already in the team"):
            actions.create_team(
                registration=registration(event, registrant), actor=registrant, name="Other"
            )


@pytest.mark.django_db
def test_it_lets_members_leave(event, team, teammate):
    with at(DURING_REGISTRATION):
        client_of(teammate).post(reverse("events:team-leave", args=[event.slug, team.pk]))
    assert active(team) == 1


@pytest.mark.django_db
def test_it_fixes_teams_after_the_deadline(event, team, teammate):
    membership = team.memberships.get(registration__person=teammate)
    with at(AFTER_DEADLINE), pytest.raises(ValidationError, match="Teams are fixed"):
        actions.leave_team(membership=membership, actor=teammate)
    assert active(team) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "sees_channel"),
    [("registrant", True), ("organiser", True), ("outsider", False), (None, False)],
)
def test_it_shows_the_workspace_only_to_members_and_organisers(
    event, team, who, sees_channel, request, client
):
    actions.update_team(
        team=team, actor=team.created_by, changes={"channel_url": "https://meet.jit.si/umoja"}
    )
    if who:
        client = client_of(request.getfixturevalue(who))
    with at(AFTER_DEADLINE):
        text = client.get(team.get_absolute_url()).text
    assert "Team Umoja" in text
    assert ("https://meet.jit.si/umoja" in text) == sees_channel
    assert ("Toward submission" in text) == sees_channel


@pytest.mark.django_db
def test_it_lists_the_checklist_and_the_challenge_owner(event, team, registrant_client):
    with at(AFTER_DEADLINE):
        context = registrant_client.get(team.get_absolute_url()).context
    labels = {str(step.label): step.is_done for step in context["checklist"]}
    assert labels["Enough members for a team"] is True
    assert labels["A challenge chosen (after the release)"] is True
    assert labels["A first version of the proposal saved"] is False


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_it_lets_only_members_invite_and_edit(event, registrant, teammate, outsider, who):
    with at(DURING_REGISTRATION):
        team = actions.create_team(
            registration=registration(event, registrant), actor=registrant, name="Umoja"
        )
        client = client_of(teammate if who == "teammate" else outsider)
        invite = client.post(
            reverse("events:team-invite", args=[event.slug, team.pk]),
            {"registration": registration(event, teammate).pk},
        )
        edit = client.get(reverse("events:team-edit", args=[event.slug, team.pk]))
    assert (invite.status_code, edit.status_code) == (403, 403)
    assert team.memberships.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_joins_racing_for_the_last_seat_never_exceed_the_maximum(event, registrant):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL's row locks (runs in the PostgreSQL CI pass)")
    people = [make_person(f"Racer {n}", f"racer{n}@example.org") for n in range(5)]
    for person in people:
        register(event, person)
    with at(DURING_REGISTRATION):
        team = actions.create_team(
            registration=registration(event, registrant), actor=registrant, name="Umoja"
        )
        first = actions.invite_to_team(
            team=team, registration=registration(event, people[0]), actor=registrant
        )
        actions.accept_invitation(membership=first, actor=people[0])
        # One seat left (3 at most); four invited people accept at the same moment.
        invitations = [
            actions.invite_to_team(
                team=team, registration=registration(event, person), actor=registrant
            )
            for person in people[1:]
        ]
    barrier = threading.Barrier(len(invitations))
    outcomes = []

    def accept(invitation, person):
        try:
            barrier.wait()
            actions.accept_invitation(membership=invitation, actor=person)
            outcomes.append("joined")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=accept, args=[invitation, person])
        for invitation, person in zip(invitations, people[1:], strict=True)
    ]
    with at(DURING_REGISTRATION):  # the frozen clock is process-wide: threads share it
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert outcomes.count("joined") == 1
    assert sorted(set(outcomes) - {"joined"}) == ["team_full"]
    assert active(team) == 3
