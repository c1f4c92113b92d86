import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from minga.channels.models import OutboundMessage
from minga.events import actions
from minga.events.models import Notification

from .conftest import AFTER_DEADLINE, BUILDING, DUE, at, client_of, paris


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"), [("organiser", 200), ("registrant", 403), ("outsider", 403)]
)
def test_it_lets_only_organisers_extend(event, who, status, request):
    with at(BUILDING):
        response = client_of(request.getfixturevalue(who)).get(
            reverse("events:extend", args=[event.slug])
        )
    assert response.status_code == status


@pytest.mark.django_db
def test_it_extends_the_deadline_and_tells_everyone_registered(
    event, registrant, teammate, organiser_client, django_capture_on_commit_callbacks, run_tasks
):
    with at(BUILDING), django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            reverse("events:extend", args=[event.slug]),
            {"proposals_due_at": "2019-10-17T15:00", "reason": "Several teams asked for a day."},
        )
    run_tasks()
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.proposals_due_at == paris(2019, 10, 17, 15, 0)
    assert event.original_proposals_due_at == DUE
    # Judging and the announcement move by the same day, as the deadline reached them.
    assert event.announcement_at == paris(2019, 10, 18, 10, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["mate@example.org", "member@example.org"]
    body = next(m.body for m in mail.outbox if m.to == ["mate@example.org"])
    # The teammate lives in Nairobi: the new deadline in their zone, the event's beside it.
    assert "(Africa/Nairobi)" in body and "(Europe/Paris)" in body
    assert "Several teams asked for a day." in body
    sms = OutboundMessage.objects.get(to="+254712000222")
    assert "extended" in sms.text
    assert Notification.objects.filter(kind="extended").count() == 2


@pytest.mark.django_db
def test_it_refuses_an_earlier_deadline(event, organiser):
    with at(BUILDING), pytest.raises(ValidationError, match="must be later"):
        actions.extend_deadline(
            event=event, actor=organiser, proposals_due_at=paris(2019, 10, 15, 15, 0)
        )
    event.refresh_from_db()
    assert event.proposals_due_at == DUE


@pytest.mark.django_db
def test_it_reopens_proposals_when_extended_after_the_deadline(event, organiser):
    with at(AFTER_DEADLINE):
        assert not event.is_open_for_proposals(AFTER_DEADLINE)
        actions.extend_deadline(
            event=event, actor=organiser, proposals_due_at=paris(2019, 10, 16, 18, 0)
        )
        event.refresh_from_db()
        assert event.is_open_for_proposals(AFTER_DEADLINE)


@pytest.mark.django_db
def test_it_shows_the_extension_on_the_event_page(event, organiser, client):
    with at(BUILDING):
        actions.extend_deadline(
            event=event, actor=organiser, proposals_due_at=paris(2019, 10, 16, 18, 0)
        )
        text = client.get(event.get_absolute_url()).text
    assert "was extended from" in text
