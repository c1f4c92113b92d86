import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import make_person
from minga.coops import actions as coop_actions
from minga.events import actions
from minga.events.models import Registration

from .conftest import (
    AFTER_DEADLINE,
    DURING_REGISTRATION,
    PHASES,
    RELEASE,
    at,
    client_of,
    make_event,
)


@pytest.mark.django_db
def test_it_prefills_answers_from_the_profile(event, outsider):
    outsider.languages, outsider.skills, outsider.timezone = ["es", "en"], ["ux"], "America/Lima"
    outsider.save()
    with at(DURING_REGISTRATION):
        form = (
            client_of(outsider).get(reverse("events:register", args=[event.slug])).context["form"]
        )
    assert form.initial["languages"] == ["es", "en"]
    assert form.initial["timezone"] == "America/Lima"


@pytest.mark.django_db
def test_it_registers_a_person_with_their_answers(event, outsider):
    with at(DURING_REGISTRATION):
        response = client_of(outsider).post(
            reverse("events:register", args=[event.slug]),
            {
                "skills": ["backend", "ux"],
                "roles": ["developer"],
                "languages": ["es"],
                "timezone": "America/Argentina/Cordoba",
                "country": "AR",
                "day_starts_at_hour": 10,
                "hours_per_day": 6,
            },
        )
    assert response.status_code == 302
    registration = Registration.objects.get(event=event, person=outsider)
    assert registration.kind == Registration.Kind.PERSON
    assert (registration.hours_per_day, registration.languages) == (6, ["es"])


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_sign_in(event, anonymous_client):
    page = reverse("events:register", args=[event.slug])
    response = anonymous_client.get(page)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={page}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (PHASES["registration_opens_at"] - datetime.timedelta(seconds=1), False),
        (PHASES["registration_opens_at"], True),
        (RELEASE - datetime.timedelta(seconds=1), True),
        (RELEASE, False),
    ],
)
def test_it_opens_registration_only_in_its_window(event, outsider, moment, is_open):
    with at(moment):
        if is_open:
            actions.register_person(event=event, person=outsider)
        else:
            with pytest.raises(ValidationError, match="Registration"):
                actions.register_person(event=event, person=outsider)
    assert Registration.objects.filter(person=outsider).exists() == is_open


@pytest.mark.django_db
def test_it_refuses_people_when_only_organisations_may_register(organiser, federation, outsider):
    event = make_event(organiser, federation, who_may_register="organisations")
    with at(DURING_REGISTRATION), pytest.raises(ValidationError, match="organisations only"):
        actions.register_person(event=event, person=outsider)


@pytest.mark.django_db
def test_it_registers_a_cooperative_with_its_roster(event, outsider):
    it_coop = coop_actions.create_cooperative(
        actor=outsider,
        name="Código Sur",
        legal_form="worker",
        country="AR",
        sector="it",
    )
    colleague = make_person("Colleague Dev", "colleague@example.org", languages=["es"])
    invitation = coop_actions.create_invitation(
        coop=it_coop, actor=outsider, role="member", base_url="http://testserver"
    )
    coop_actions.accept_invitation(token=invitation.token, person=colleague)
    url = reverse("events:register-organisation", args=[event.slug])
    with at(DURING_REGISTRATION):
        response = client_of(outsider).post(
            url + "?coop=" + it_coop.slug, {"people": [outsider.pk, colleague.pk]}
        )
    assert response.status_code == 302
    registrations = Registration.objects.filter(event=event, coop=it_coop)
    assert registrations.count() == 2
    assert {r.kind for r in registrations} == {Registration.Kind.ORGANISATION}
    assert registrations.get(person=colleague).languages == ["es"]
    assert registrations.get(person=colleague).country == "AR"


@pytest.mark.django_db
def test_it_refuses_a_roster_with_people_outside_the_cooperative(event, coop, owner, outsider):
    with at(DURING_REGISTRATION), pytest.raises(ValidationError, match="Not members"):
        actions.register_organisation(event=event, coop=coop, people=[outsider], actor=owner)
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_it_lets_only_organisers_list_registrations(event, registrant, outsider, organiser):
    url = reverse("events:registrations", args=[event.slug])
    assert client_of(outsider).get(url).status_code == 403
    assert client_of(registrant).get(url).status_code == 403
    assert "Coop Member" in client_of(organiser).get(url).text


@pytest.mark.django_db
def test_it_withdraws(event, registrant, registrant_client):
    registrant_client.post(reverse("events:withdraw", args=[event.slug]))
    assert Registration.objects.get(person=registrant).status == Registration.Status.WITHDRAWN


def test_it_says_registration_is_closed_before_the_form(event):
    """A finished event showed the whole form and said it was closed only after submitting."""
    outsider = make_person("Late Comer", "late@example.org", preferred_language="en")
    with at(AFTER_DEADLINE):
        response = client_of(outsider).get(reverse("events:register", args=[event.slug]))
        page = response.content.decode()
        assert "Registration closed at" in page
        assert 'name="languages"' not in page and '<form method="post" novalidate>' not in page
        posted = client_of(outsider).post(reverse("events:register", args=[event.slug]), {})
        assert not event.registrations.filter(person=outsider).exists()
        assert posted.status_code == 200
