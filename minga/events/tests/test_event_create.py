import pytest
from django.urls import reverse

from minga.events.models import Event

from .conftest import DUE, RELEASE, client_of

FORM = {
    "title": "Coop-a-thon 2026",
    "summary": "Global teams for cooperatives' needs.",
    "format": "virtual",
    "location": "",
    "timezone": "Europe/Paris",
    "languages": ["en", "fr"],
    "registration_opens_at": "2019-09-01T09:00",
    "registration_closes_at": "2019-10-14T15:00",
    "intake_opens_at": "2019-08-01T09:00",
    "intake_closes_at": "2019-10-01T09:00",
    "challenges_released_at": "2019-10-14T15:00",
    "proposals_due_at": "2019-10-16T15:00",
    "judging_ends_at": "2019-10-17T09:00",
    "announcement_at": "2019-10-17T10:00",
    "team_min_size": 2,
    "team_max_size": 5,
    "who_may_register": "both",
    "channels": "Matrix",
    "main_channel_url": "",
    "licence": "CC-BY-4.0",
    "ownership": "team",
    "ownership_note": "",
    "presentation_formats": ["written", "video"],
    "video_max_minutes": 3,
    "presentation_note": "",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("organiser", 200), ("owner", 403), ("outsider", 403)],
)
def test_it_lets_only_organisers_create(federation, coop, who, status, request):
    client = client_of(request.getfixturevalue(who))
    assert client.get(reverse("events:create")).status_code == status


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_sign_in(anonymous_client):
    response = anonymous_client.get(reverse("events:create"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_it_reads_dates_in_the_event_zone_and_stores_utc(organiser_client, federation):
    response = organiser_client.post(reverse("events:create"), {**FORM, "organiser": federation.pk})
    assert response.status_code == 302, response.context["form"].errors
    event = Event.objects.get(title="Coop-a-thon 2026")
    assert event.challenges_released_at == RELEASE
    assert event.proposals_due_at == DUE
    assert event.proposals_due_at.utcoffset().total_seconds() == 0  # stored in UTC
    assert event.status == Event.Status.DRAFT
    assert event.organiser == federation


@pytest.mark.django_db
def test_it_interprets_the_same_wall_time_in_another_zone(organiser_client, federation):
    organiser_client.post(
        reverse("events:create"),
        {**FORM, "organiser": federation.pk, "timezone": "America/Argentina/Cordoba"},
    )
    event = Event.objects.get()
    # 15:00 in Córdoba (UTC-3) is 18:00 UTC, three hours after 15:00 UTC.
    assert event.proposals_due_at.isoformat() == "2019-10-16T18:00:00+00:00"


@pytest.mark.django_db
def test_it_refuses_phases_out_of_order(organiser_client, federation):
    response = organiser_client.post(
        reverse("events:create"),
        {**FORM, "organiser": federation.pk, "proposals_due_at": "2019-10-13T15:00"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "proposals_due_at" in errors
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_time_skipped_by_daylight_saving(organiser_client, federation):
    # Paris clocks jumped from 02:00 to 03:00 on 31 March 2019.
    response = organiser_client.post(
        reverse("events:create"),
        {**FORM, "organiser": federation.pk, "intake_opens_at": "2019-03-31T02:30"},
    )
    assert "does not exist in Europe/Paris" in str(response.context["form"].errors)
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_smallest_team_larger_than_the_largest(organiser_client, federation):
    response = organiser_client.post(
        reverse("events:create"),
        {**FORM, "organiser": federation.pk, "team_min_size": 6, "team_max_size": 5},
    )
    assert response.status_code == 200
    assert not Event.objects.exists()
