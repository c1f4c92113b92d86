"""`minga events notify`: phase notices and reminders, in each person's zone and language."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from minga.channels.models import OutboundMessage
from minga.core import schedule
from minga.core.worker import run_ready_tasks
from minga.events import actions, notify
from minga.events.models import Notification

from .conftest import BUILDING, DUE, RELEASE, at

HOUR = datetime.timedelta(hours=1)


def run(moment) -> str:
    """The command at `moment`, then the worker delivering what it queued."""
    out = io.StringIO()
    with at(moment):
        call_command("events", "notify", stdout=out)
    run_ready_tasks()
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_it_announces_the_release_once(event, registrant, teammate, run_tasks):
    assert "2 notices queued" in run(RELEASE + datetime.timedelta(minutes=5))
    assert "0 notices queued" in run(RELEASE + datetime.timedelta(minutes=10))
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == "Virtual coop-a-thon: the challenges are out"
    assert OutboundMessage.objects.filter(to="+254712000222").count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_reminds_24_hours_and_1_hour_before_in_the_person_s_zone(
    event, registrant, teammate, run_tasks
):
    run(DUE - 24 * HOUR)
    run(DUE - 23 * HOUR)
    run(DUE - HOUR + datetime.timedelta(minutes=1))
    reminders = Notification.objects.filter(kind__startswith="reminder")
    kinds = sorted(reminders.values_list("kind", flat=True))
    assert kinds == ["reminder-1h", "reminder-1h", "reminder-24h", "reminder-24h"]
    to_mate = [m for m in mail.outbox if m.to == ["mate@example.org"] and "24" in m.subject]
    # 16 October 15:00 in Paris is 16:00 in Nairobi.
    assert "4 p.m. (Africa/Nairobi)" in to_mate[0].body
    assert "3 p.m. (Europe/Paris)" in to_mate[0].body


@pytest.mark.django_db(transaction=True)
def test_it_writes_in_the_person_s_language(event, registrant, run_tasks):
    registrant.preferred_language = "es"
    registrant.save()
    run(DUE - 2 * HOUR)
    subjects = {message.subject for message in mail.outbox}
    assert "Virtual coop-a-thon: quedan 24 horas" in subjects


@pytest.mark.django_db(transaction=True)
def test_it_skips_a_stale_24_hour_reminder_when_starting_late(event, registrant):
    run(DUE - HOUR / 2)
    reminders = Notification.objects.filter(kind__startswith="reminder")
    assert list(reminders.values_list("kind", flat=True)) == ["reminder-1h"]


@pytest.mark.django_db(transaction=True)
def test_it_sends_fresh_reminders_after_an_extension(event, registrant, organiser):
    run(DUE - HOUR / 2)
    with at(BUILDING):
        actions.extend_deadline(event=event, actor=organiser, proposals_due_at=DUE + 24 * HOUR)
    run(DUE + 23 * HOUR + HOUR / 2)
    keys = Notification.objects.filter(kind="reminder-1h").values_list("key", flat=True)
    assert len(set(keys)) == 2
    assert Notification.objects.filter(kind="extended").count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_stays_silent_for_cancelled_events(event, registrant, organiser):
    actions.cancel_event(event=event, actor=organiser, reason="No room this year.")
    run_ready_tasks()  # the cancellation notice
    mail.outbox.clear()
    run(RELEASE + HOUR)
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_it_does_not_announce_long_past_phases(event, registrant):
    run(RELEASE + notify.GRACE + HOUR)
    assert not Notification.objects.filter(kind="released").exists()


@pytest.mark.django_db(transaction=True)
def test_it_runs_as_a_periodic_job_of_the_worker(event, registrant):
    with at(RELEASE + HOUR):
        reports = schedule.run_due()
        assert reports["events.notify"] == "1 notices queued"
        assert "events.notify" not in schedule.run_due()  # its next slot is not due yet
    assert Notification.objects.count() == 1
