import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from minga.channels.models import OutboundMessage
from minga.events import actions
from minga.events.models import Event, Registration, Team

from .conftest import BUILDING, DURING_REGISTRATION, at, client_of

REASON = "The conference programme left no room for it this year."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"), [("organiser", 200), ("registrant", 403), ("outsider", 403)]
)
def test_it_lets_only_organisers_cancel(event, who, status, request):
    response = client_of(request.getfixturevalue(who)).get(
        reverse("events:cancel", args=[event.slug])
    )
    assert response.status_code == status


@pytest.mark.django_db
def test_it_cancels_keeps_the_data_and_tells_everyone(
    team, event, organiser_client, django_capture_on_commit_callbacks, run_tasks
):
    run_tasks()  # what the setup queued is not this test's concern
    mail.outbox.clear()
    with at(BUILDING), django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(reverse("events:cancel", args=[event.slug]), {"reason": REASON})
    run_tasks()
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert event.cancellation_reason == REASON
    assert Registration.objects.filter(event=event).count() == 2
    assert Team.objects.filter(event=event).count() == 1
    assert len(mail.outbox) == 2
    assert all(REASON in message.body for message in mail.outbox)
    assert OutboundMessage.objects.filter(to="+254712000222", text__contains="cancelled").exists()


@pytest.mark.django_db
def test_it_shows_the_cancellation_and_its_reason(event, organiser, client):
    actions.cancel_event(event=event, actor=organiser, reason=REASON)
    text = client.get(event.get_absolute_url()).text
    assert "This event is cancelled." in text
    assert REASON in text
    assert "Register" not in text.split("Rules in short")[0].split("<h1>")[1]


@pytest.mark.django_db
def test_it_needs_a_reason(event, organiser_client):
    response = organiser_client.post(reverse("events:cancel", args=[event.slug]), {"reason": ""})
    assert response.status_code == 200
    event.refresh_from_db()
    assert not event.is_cancelled


@pytest.mark.django_db
def test_it_refuses_registrations_after_cancelling(event, organiser, outsider):
    actions.cancel_event(event=event, actor=organiser, reason=REASON)
    with at(DURING_REGISTRATION), pytest.raises(ValidationError, match="cancelled"):
        actions.register_person(event=event, person=outsider)
