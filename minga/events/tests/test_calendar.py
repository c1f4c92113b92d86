import pytest
from django.urls import reverse
from icalendar import Calendar

from minga.events import actions

from .conftest import DURING_REGISTRATION, at


@pytest.mark.django_db
def test_it_serves_the_phases_as_icalendar_in_utc(event, client):
    with at(DURING_REGISTRATION):
        response = client.get(reverse("events:calendar", args=[event.slug]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    items = {str(item["uid"]): item for item in calendar.walk("VEVENT")}
    deadline = items[f"{event.slug}-deadline@minga"]
    assert deadline.decoded("dtstart").isoformat() == "2019-10-16T13:00:00+00:00"
    assert "(Europe/Paris)" in str(deadline["description"])
    building = items[f"{event.slug}-building@minga"]
    assert building.decoded("dtend") == event.proposals_due_at
    assert len(items) == 7


@pytest.mark.django_db
def test_it_marks_phases_cancelled(event, organiser, client):
    actions.cancel_event(event=event, actor=organiser, reason="No room this year.")
    calendar = Calendar.from_ical(client.get(reverse("events:calendar", args=[event.slug])).content)
    assert {str(item["status"]) for item in calendar.walk("VEVENT")} == {"CANCELLED"}


@pytest.mark.django_db
def test_it_hides_the_feed_of_drafts(organiser, federation, client):
    from .conftest import make_event

    draft = make_event(organiser, federation, publish=False)
    assert client.get(reverse("events:calendar", args=[draft.slug])).status_code == 404
