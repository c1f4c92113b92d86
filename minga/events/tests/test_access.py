"""Every page that changes something asks anonymous visitors to sign in first, and
organiser pages refuse registrants and outsiders (see each view's own tests for more)."""

import pytest
from django.urls import reverse

from .conftest import client_of

SIGNED_IN = [
    ("events:edit", "get"),
    ("events:publish", "post"),
    ("events:extend", "get"),
    ("events:cancel", "get"),
    ("events:clone", "get"),
    ("events:prizes", "get"),
    ("events:faq-manage", "get"),
    ("events:register", "get"),
    ("events:register-organisation", "get"),
    ("events:withdraw", "post"),
    ("events:registrations", "get"),
    ("events:matching-start", "post"),
]
ORGANISERS_ONLY = [
    "events:edit",
    "events:extend",
    "events:cancel",
    "events:clone",
    "events:prizes",
    "events:faq-manage",
    "events:registrations",
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), SIGNED_IN)
def test_it_sends_anonymous_visitors_to_sign_in(event, anonymous_client, name, method):
    response = getattr(anonymous_client, method)(reverse(name, args=[event.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ORGANISERS_ONLY)
@pytest.mark.parametrize(
    ("who", "status"), [("organiser", 200), ("registrant", 403), ("outsider", 403)]
)
def test_it_opens_organiser_pages_to_organisers_only(event, name, who, status, request):
    client = client_of(request.getfixturevalue(who))
    assert client.get(reverse(name, args=[event.slug])).status_code == status


@pytest.mark.django_db
def test_it_lets_staff_organise_any_event(event, outsider):
    outsider.is_staff = True
    outsider.save()
    assert client_of(outsider).get(reverse("events:edit", args=[event.slug])).status_code == 200


@pytest.mark.django_db
def test_it_stops_former_administrators(event, organiser, federation):
    from minga.coops.models import Membership

    Membership.objects.filter(coop=federation, person=organiser).update(role="member")
    assert client_of(organiser).get(reverse("events:edit", args=[event.slug])).status_code == 403


@pytest.mark.django_db
def test_it_answers_404_for_unknown_events(client):
    assert client.get("/events/no-such-event/").status_code == 404
