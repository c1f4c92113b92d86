"""SMS notices: once when a poll opens, a reminder before it closes, never to those who voted."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from conftest import make_person
from minga.channels.models import OutboundMessage
from minga.core import schedule
from minga.decisions import notices
from minga.decisions.actions import cast_ballot
from minga.decisions.delegation import own_elector

from .conftest import join

pytestmark = pytest.mark.django_db


@pytest.fixture
def phones(coop):
    people = [make_person(f"Phone {i}", phone=f"+25078800100{i}") for i in range(3)]
    for person in people:
        join(coop, person)
    return people


def run(capture, now=None):
    with capture(execute=True):
        return notices.due_notices(now)


@override_settings(MINGA_USSD_CODE="*384*123#")
def test_an_opening_poll_is_announced_once_to_electors_with_a_phone(
    poll_factory, phones, member, owner, django_capture_on_commit_callbacks
):
    poll = poll_factory(kind="consent")
    assert run(django_capture_on_commit_callbacks) == 4  # member + three phones; owner has none
    assert run(django_capture_on_commit_callbacks) == 0
    texts = list(OutboundMessage.objects.values_list("to", "text"))
    assert {to for to, _text in texts} == {member.phone, *(p.phone for p in phones)}
    text = texts[0][1]
    assert poll.title in text and f"YES {poll.pk}" in text and "*384*123#" in text


def test_the_reminder_skips_those_who_voted(
    poll_factory, phones, member, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        poll = poll_factory(kind="single", closes_at=start + datetime.timedelta(days=3))
        run(django_capture_on_commit_callbacks)
        elector = own_elector(phones[0], poll)
        cast_ballot(
            poll=poll, elector=elector, choice={"choice": 0}, channel="web", actor=phones[0]
        )
    OutboundMessage.objects.all().delete()
    with time_machine.travel(start + datetime.timedelta(days=2, hours=1), tick=False):
        assert run(django_capture_on_commit_callbacks) == 3
        assert run(django_capture_on_commit_callbacks) == 0
    reminded = set(OutboundMessage.objects.values_list("to", flat=True))
    assert phones[0].phone not in reminded and member.phone in reminded
    assert all(
        "not voted" in text for text in OutboundMessage.objects.values_list("text", flat=True)
    )


def test_long_open_polls_are_not_announced_late(
    poll_factory, phones, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        poll_factory(kind="consent", closes_at=start + datetime.timedelta(days=10))
    with time_machine.travel(start + datetime.timedelta(days=3), tick=False):
        assert run(django_capture_on_commit_callbacks) == 0


def test_notices_speak_the_members_language(
    poll_factory, member, django_capture_on_commit_callbacks
):
    member.preferred_language = "es"
    member.timezone = "Africa/Kigali"
    member.save()
    poll = poll_factory(kind="irv")
    text = notices.render(poll, member, "opened")
    assert text.startswith("Minga: votación abierta en") and "CAT" in text
    assert f"YES {poll.pk}" not in text  # a ranked poll is not answered by SMS


@pytest.mark.django_db(transaction=True)
def test_the_command_and_the_worker_job_queue_each_notice_once(poll_factory, member):
    poll_factory(kind="consent")
    out = StringIO()
    call_command("decisions", "notify", stdout=out)
    assert out.getvalue().strip() == "1 notices queued"
    assert schedule.run_due()["decisions.notify"] is None  # the worker's job: nothing more
    assert OutboundMessage.objects.count() == 1
