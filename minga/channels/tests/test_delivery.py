"""Every message is a task written with the change that causes it, delivered once or visibly
failed, retried with back-off on temporary failures (fault injection: SMTP refusing in the
middle of a batch, the SMS provider answering 500, timing out, refusing a recipient)."""

import datetime
import io
import json
import smtplib
import urllib.error
import urllib.parse

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from minga.channels import delivery
from minga.channels.mail import send_email
from minga.channels.models import OutboundMessage
from minga.channels.sms import send_sms

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status


class RefusingThirdBackend(EmailBackend):
    """An SMTP server that drops the connection at the third message it is handed."""

    handed = 0

    def send_messages(self, messages):
        RefusingThirdBackend.handed += len(messages)
        if RefusingThirdBackend.handed == 3:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def refusing_smtp(settings):
    RefusingThirdBackend.handed = 0
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingThirdBackend"}}


@pytest.fixture
def africastalking(settings, monkeypatch):
    """Africa's Talking answering with `answer(request)`: a dict, or an exception to raise."""
    settings.SMS_PROVIDER = "africastalking"
    settings.AFRICASTALKING_USERNAME, settings.AFRICASTALKING_API_KEY = "coop", "key"
    calls = []
    behaviour = {"answer": lambda request: accepted(len(calls))}

    def urlopen(request, timeout, context=None):
        calls.append(request)
        answer = behaviour["answer"](request)
        if isinstance(answer, BaseException):
            raise answer
        return io.BytesIO(json.dumps(answer).encode())

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    return calls, behaviour


def accepted(n):
    recipient = {"status": "Success", "statusCode": 101, "messageId": f"ATXid_{n}"}
    return {"SMSMessageData": {"Message": "Sent to 1/1", "Recipients": [recipient]}}


def later(minutes):
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_it_queues_nothing_for_a_change_rolled_back_and_everything_for_one_committed():
    with pytest.raises(RuntimeError), transaction.atomic():
        send_email(to="a@example.org", subject="Hello", body="Body", kind="notice")
        raise RuntimeError("the change failed")
    assert not OutboundMessage.objects.exists() and not DBTaskResult.objects.exists()
    with transaction.atomic():
        message = send_email(to="a@example.org", subject="Hello", body="Body", kind="notice")
    assert message.status == Status.QUEUED
    assert DBTaskResult.objects.get().args_kwargs == {"args": [message.pk], "kwargs": {}}
    assert not mail.outbox  # nothing leaves from the request


def test_it_keeps_delivering_when_smtp_refuses_mid_batch(refusing_smtp, run_tasks):
    for n in range(5):
        send_email(to=f"p{n}@example.org", subject="Notice", body="Body", kind="notice")
    run_tasks()
    statuses = dict(OutboundMessage.objects.values_list("to", "status"))
    assert list(statuses.values()).count(Status.SENT) == 4
    sent = sorted([to] for to, status in statuses.items() if status == Status.SENT)
    assert sorted(m.to for m in mail.outbox) == sent
    (waiting,) = OutboundMessage.objects.filter(status=Status.QUEUED)
    assert waiting.attempts == 1 and "closed" in waiting.error
    retry = DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now())
    assert retry.count() == 1  # due after a back-off, not now
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_tasks()
    waiting.refresh_from_db()
    assert waiting.status == Status.SENT and len(mail.outbox) == 5  # each exactly once


def test_it_marks_a_recipient_smtp_refuses_failed_with_the_reason(settings, run_tasks, mailoutbox):
    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such user")})

    EmailBackend.send_messages, original = refuse, EmailBackend.send_messages
    try:
        send_email(to="x@example.org", subject="Notice", body="Body", kind="notice")
        run_tasks()
    finally:
        EmailBackend.send_messages = original
    message = OutboundMessage.objects.get()
    assert message.status == Status.FAILED and "x@example.org" in message.error
    assert not DBTaskResult.objects.ready().exists()  # no retry of a permanent refusal


@pytest.mark.parametrize(
    "fault",
    [
        urllib.error.HTTPError("https://api", 500, "Internal Server Error", {}, None),
        TimeoutError("timed out"),
        TimeoutError("timed out"),
        urllib.error.URLError("connection refused"),
    ],
    ids=["http-500", "timeout", "socket-timeout", "unreachable"],
)
def test_it_retries_the_sms_provider_later_and_marks_nothing_sent(fault, africastalking, run_tasks):
    calls, behaviour = africastalking
    behaviour["answer"] = lambda request: fault
    message = send_sms(to="+254700000001", text="Poll open", kind="notice")
    run_tasks()
    message.refresh_from_db()
    assert message.status == Status.QUEUED and message.attempts == 1 and message.error
    assert not OutboundMessage.objects.filter(status=Status.SENT).exists()
    behaviour["answer"] = lambda request: accepted(len(calls))
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_tasks()
    message.refresh_from_db()
    assert message.status == Status.SENT and message.provider_id == "ATXid_2"
    assert len(calls) == 2


def test_it_gives_up_after_the_last_attempt_visibly(africastalking, run_tasks):
    calls, behaviour = africastalking
    behaviour["answer"] = lambda request: TimeoutError("timed out")
    message = send_sms(to="+254700000001", text="Poll open", kind="notice")
    for _ in range(delivery.MAX_ATTEMPTS):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_tasks()
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == delivery.MAX_ATTEMPTS
    assert message.error.startswith(f"gave up after {delivery.MAX_ATTEMPTS} attempts")
    assert len(calls) == delivery.MAX_ATTEMPTS


def test_it_never_marks_sent_a_recipient_the_provider_refused(africastalking, run_tasks):
    calls, behaviour = africastalking
    refused = {"status": "InsufficientBalance", "statusCode": 405, "messageId": "None"}
    behaviour["answer"] = lambda request: {"SMSMessageData": {"Recipients": [refused]}}
    message = send_sms(to="+254700000001", text="Your code", kind="proxy-code")
    run_tasks()
    message.refresh_from_db()
    assert message.status == Status.FAILED and "InsufficientBalance" in message.error
    assert message.sealed  # kept sealed, so staff can retry once the balance is topped up


def test_it_posts_to_the_sandbox_host_for_the_sandbox_username(africastalking, settings, run_tasks):
    calls, _ = africastalking
    settings.AFRICASTALKING_USERNAME = "sandbox"
    send_sms(to="+254700000001", text="Hi", kind="notice")
    run_tasks()
    assert calls[0].full_url.startswith("https://api.sandbox.africastalking.com/")


def test_it_hands_a_message_over_once_when_its_task_runs_twice(sms_outbox, run_tasks):
    message = send_sms(to="+254700000001", text="Poll open", kind="notice")
    delivery.deliver.enqueue(message.pk)  # a duplicate task, as a re-run would make
    assert run_tasks() == 2
    assert len(sms_outbox) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 1


def test_it_keeps_a_secret_sealed_until_sent_then_only_its_label(sms_outbox, run_tasks):
    message = send_sms(to="+254700000001", text="Code 123456", kind="proxy-code")
    row = OutboundMessage.objects.filter(pk=message.pk).values().get()
    assert "123456" not in json.dumps(row, default=str)
    assert "123456" not in json.dumps(list(DBTaskResult.objects.values("args_kwargs")))
    run_tasks()
    assert sms_outbox[0].text == "Code 123456"
    message.refresh_from_db()
    assert message.text == "[proxy code]" and message.sealed == ""


def test_it_fails_visibly_a_message_a_dead_worker_left_sending(sms_outbox, run_tasks):
    """A worker killed while handing a message over leaves it `sending` and its task RUNNING
    (django-tasks-db never takes a running task back). After the lease the task is ready again
    and the message is failed with that reason: it is not sent twice behind anyone's back."""
    from minga.core import worker

    message = send_sms(to="+254700000001", text="Poll open", kind="notice")
    task = DBTaskResult.objects.get()
    task.claim("dead-worker")
    OutboundMessage.objects.filter(pk=message.pk).update(status=Status.SENDING, attempts=1)
    assert run_tasks() == 0  # nothing ready: the task is held by the dead worker
    assert worker.requeue_abandoned(later(worker.LEASE.total_seconds() / 60 + 1)) == 1
    assert delivery.fail_interrupted(later(delivery.LEASE.total_seconds() / 60 + 1)) == 1
    assert run_tasks() == 1
    message.refresh_from_db()
    assert message.status == Status.FAILED and "may or may not" in message.error
    assert sms_outbox == []


def test_it_delivers_a_queued_message_whose_worker_died_before_claiming_it(sms_outbox, run_tasks):
    from minga.core import worker

    send_sms(to="+254700000001", text="Poll open", kind="notice")
    DBTaskResult.objects.get().claim("dead-worker")
    worker.requeue_abandoned(later(worker.LEASE.total_seconds() / 60 + 1))
    run_tasks()
    assert len(sms_outbox) == 1 and OutboundMessage.objects.get().status == Status.SENT


def test_it_queues_many_messages_with_the_rows_the_library_writes(
    sms_outbox, run_tasks, monkeypatch
):
    monkeypatch.setattr(delivery, "BATCH", 2)
    delivery.deliver_many.enqueue([])
    reference = DBTaskResult.objects.values().get()
    messages = [
        delivery.new_message(channel="sms", to=f"+2547000000{n:02}", text="Many", kind="notice")
        for n in range(1, 4)
    ]
    delivery.enqueue_many(messages)
    rows = list(DBTaskResult.objects.exclude(pk=reference["id"]).values())
    assert len(rows) == 2  # batches of 2 and 1
    for row in rows:
        for field in set(reference) - {"id", "enqueued_at", "args_kwargs"}:
            assert row[field] == reference[field], field
        assert set(row["args_kwargs"]) == set(reference["args_kwargs"])
        assert row["enqueued_at"] >= reference["enqueued_at"]
    batches = sorted(row["args_kwargs"]["args"][0] for row in rows)
    assert sorted(sum(batches, [])) == sorted(OutboundMessage.objects.values_list("pk", flat=True))
    assert run_tasks() == 3 and len(sms_outbox) == 3
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_it_writes_a_notice_row_as_the_orm_writes_its_message():
    """A receipt's lighter row (`notice_row`) is written as the ORM writes the same message."""
    orm = send_sms(to="+254700000001", text="Receipt", kind="notice")
    (fast,) = delivery.enqueue_many(
        [delivery.notice_row(channel="sms", to="+254700000001", text="Receipt")]
    )
    by_orm, by_fast = (
        OutboundMessage.objects.filter(pk=pk).values().get() for pk in (orm.pk, fast)
    )
    for row in (by_orm, by_fast):
        row.pop("created_at"), row.pop("updated_at"), row.pop("id")
    assert by_orm == by_fast


def test_it_writes_fanned_out_messages_as_the_orm_does():
    """The fast path of `enqueue_many` writes every column, each as the ORM would."""
    columns = {f.column for f in OutboundMessage._meta.concrete_fields if not f.primary_key}
    assert columns == set(delivery.INSERTED_COLUMNS)
    orm = send_sms(to="+254700000001", text="Poll open", kind="notice")
    (fast,) = delivery.enqueue_many(
        [delivery.new_message(channel="sms", to="+254700000001", text="Poll open", kind="notice")]
    )
    by_orm, by_fast = (
        OutboundMessage.objects.filter(pk=pk).values().get() for pk in (orm.pk, fast)
    )
    for row in (by_orm, by_fast):
        assert row.pop("created_at") <= timezone.now() and row.pop("updated_at")
        row.pop("id")
    assert by_orm == by_fast
