"""The edit page keeps every instant it shows; a later deadline needs an extension."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from minga.events import actions
from minga.events.models import Event


def _untouched_form(client, event) -> dict:
    form = client.get(reverse("events:edit", args=[event.slug])).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    for name, value in data.items():
        if hasattr(value, "strftime"):
            data[name] = value.strftime("%Y-%m-%dT%H:%M")
    return data


@pytest.mark.django_db
def test_it_keeps_the_seconds_of_a_deadline_saved_untouched(event, organiser_client):
    due = event.proposals_due_at.replace(second=30)
    Event.objects.filter(pk=event.pk).update(proposals_due_at=due)
    event.refresh_from_db()
    data = _untouched_form(organiser_client, event)
    data["title"] = "Renamed"
    response = organiser_client.post(reverse("events:edit", args=[event.slug]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.proposals_due_at == due
    assert event.title == "Renamed"


@pytest.mark.django_db
def test_it_sends_a_later_deadline_through_the_extension(event, organiser):
    later = event.proposals_due_at + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="Extend the deadline"):
        actions.update_event(event=event, actor=organiser, changes={"proposals_due_at": later})
    event.refresh_from_db()
    assert event.proposals_due_at < later
