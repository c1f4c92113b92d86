import pytest
from django.urls import reverse

from conftest import make_person
from minga.events.models import TeamMembership

from .conftest import DURING_REGISTRATION, at, client_of, register


@pytest.fixture
def crowd(event):
    people = [
        make_person("Dev Córdoba", "ar@example.org", timezone="America/Argentina/Cordoba"),
        make_person("Designer Porto Alegre", "br@example.org", timezone="America/Sao_Paulo"),
        make_person("Dev Nairobi", "ke@example.org", timezone="Africa/Nairobi"),
        make_person("Dev Mombasa", "ke2@example.org", timezone="Africa/Nairobi"),
    ]
    register(event, people[0], languages=["es", "en"], skills=["backend"], country="AR")
    register(event, people[1], languages=["pt", "es"], skills=["ux"], country="BR")
    register(event, people[2], languages=["sw", "en"], skills=["ussd-sms"], country="KE")
    register(event, people[3], languages=["sw"], skills=["data"], country="KE")
    return people


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("outsider", 403), (None, 403)])
def test_it_shows_suggestions_only_to_registrants_and_organisers(
    event, crowd, who, status, request, client
):
    if who:
        client = client_of(request.getfixturevalue(who))
    assert client.get(reverse("events:matching", args=[event.slug])).status_code == status


@pytest.mark.django_db
def test_it_explains_the_suggestion_in_words(event, crowd):
    with at(DURING_REGISTRATION):
        response = client_of(crowd[0]).get(reverse("events:matching", args=[event.slug]))
    mine = response.context["mine"]
    assert crowd[0] in [r.person for r in mine.registrations]
    assert "shares Spanish with 2 of 2" in mine.explanation
    assert "h overlap in working hours" in mine.explanation
    assert "2 countries" in mine.explanation
    assert response.context["suggestions"] == []  # only organisers see everyone's


@pytest.mark.django_db
def test_it_explains_in_the_reader_s_language(event, crowd):
    crowd[0].preferred_language = "es"
    crowd[0].save()
    with at(DURING_REGISTRATION):
        text = client_of(crowd[0]).get(reverse("events:matching", args=[event.slug])).text
    assert "2 de 2 hablan Español" in text


@pytest.mark.django_db
def test_it_shows_organisers_every_suggestion(event, crowd, organiser_client):
    with at(DURING_REGISTRATION):
        context = organiser_client.get(reverse("events:matching", args=[event.slug])).context
    placed = [r.person for s in context["suggestions"] for r in s.registrations]
    assert sorted(p.pk for p in placed) == sorted(p.pk for p in crowd)


@pytest.mark.django_db
def test_it_starts_the_suggested_team_and_invites_the_others(event, crowd):
    with at(DURING_REGISTRATION):
        client = client_of(crowd[0])
        mine = client.get(reverse("events:matching", args=[event.slug])).context["mine"]
        response = client.post(
            reverse("events:matching-start", args=[event.slug]), {"name": "Sur-Sur"}
        )
    assert response.status_code == 302
    team = event.teams.get(name="Sur-Sur")
    statuses = {m.registration.person: m.status for m in team.memberships.all()}
    assert statuses[crowd[0]] == TeamMembership.Status.ACTIVE
    others = [r.person for r in mine.registrations if r.person != crowd[0]]
    assert all(statuses[p] == TeamMembership.Status.INVITED for p in others)
