"""Delivery of every outbound message as a task of Django's tasks framework.

`enqueue` writes the message (status `queued`) and its `deliver` task in the transaction of
the change that causes it: django-tasks-db stores the task as a row, so a change rolled back
sends nothing and a committed one is always delivered or visibly failed. The worker
(`minga worker`) runs `deliver`, which:

- claims the message with one atomic UPDATE (`queued` -> `sending`): a task run twice, or by
  two workers, hands a message to the provider at most once;
- on a temporary failure (SMTP unreachable, the SMS provider answering 5xx or timing out)
  puts the message back in the queue with a new task due after a growing delay (the framework
  has no retries of its own), until `MAX_ATTEMPTS`;
- on a permanent failure (a recipient refused, e.g. `InsufficientBalance`) marks it `failed`
  with the provider's reason, never `sent`.

A message left `sending` by a worker that died in the middle is not retried blindly (the
provider may have accepted it): after `LEASE` it is marked failed with that reason, and staff
retry it from the failed deliveries page if they judge it right. A secret's text waits sealed
with a key derived from SECRET_KEY and is dropped once the provider has it.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import logging
import os
import smtplib
from collections.abc import Sequence
from typing import Any, NamedTuple

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from minga.core.fast import sql
from minga.core.fast.cursor import hot_cursor

from .models import DeliveryReport, OutboundMessage

log = logging.getLogger("minga.channels")

Status = OutboundMessage.Status
Kind = OutboundMessage.Kind
MAX_ATTEMPTS = 6
BATCH = 100  # messages per task of a bulk fan-out (`enqueue_many`)
LEASE = datetime.timedelta(minutes=10)


class TemporaryFailure(Exception):
    """The provider could not take the message now: try again later."""


class PermanentFailure(Exception):
    """The provider refused the message: trying again would not help."""


def backoff(attempts: int) -> datetime.timedelta:
    """The wait before attempt `attempts + 1`: 30 s, 2 min, 8 min, 32 min, about 2 h."""
    return datetime.timedelta(seconds=30 * 4 ** max(attempts - 1, 0))


def _key() -> bytes:
    return hashlib.sha256(b"minga.channels.outbound\0" + settings.SECRET_KEY.encode()).digest()


def seal(text: str) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(_key()).encrypt(nonce, text.encode(), None)).decode()


def unseal(sealed: str) -> str:
    raw = base64.b64decode(sealed)
    return AESGCM(_key()).decrypt(raw[:12], raw[12:], None).decode()


def stored_text(text: str, kind: str) -> str:
    """What the record keeps of `text`: the text of a notice, a neutral label for a secret."""
    return text if kind == Kind.NOTICE else OutboundMessage.label_of(kind)


def new_message(
    *, channel: str, to: str, text: str, kind: str, subject: str = ""
) -> OutboundMessage:
    """An unsaved queued message (for `enqueue`, or `enqueue_many` in bulk)."""
    kind = Kind(kind)
    provider = settings.SMS_PROVIDER if channel == OutboundMessage.Channel.SMS else "email"
    return OutboundMessage(
        channel=channel,
        to=to,
        subject=subject[:255],
        text=stored_text(text, kind),
        sealed="" if kind == Kind.NOTICE else seal(text),
        kind=kind,
        provider=provider,
        status=Status.QUEUED,
    )


class NoticeRow(NamedTuple):
    """A notice to queue with `enqueue_many`, lighter to make than an unsaved OutboundMessage
    (a posting's receipt; see the fast path below): the same values `new_message` gives."""

    channel: str
    to: str
    text: str
    provider: str
    subject: str = ""
    sealed: str = ""
    kind: str = Kind.NOTICE
    provider_id: str = ""
    status: str = Status.QUEUED
    attempts: int = 0
    error: str = ""


def notice_row(*, channel: str, to: str, text: str) -> NoticeRow:
    provider = settings.SMS_PROVIDER if channel == OutboundMessage.Channel.SMS else "email"
    return NoticeRow(channel=channel, to=to, text=text, provider=provider)


@transaction.atomic
def enqueue(*, channel: str, to: str, text: str, kind: str, subject: str = "") -> OutboundMessage:
    """Queue one message and its delivery task, in the caller's transaction."""
    message = new_message(channel=channel, to=to, text=text, kind=kind, subject=subject)
    message.save()
    deliver.enqueue(message.pk)
    return message


@transaction.atomic(savepoint=False)
def enqueue_many(messages: Sequence[OutboundMessage | NoticeRow]) -> list[int]:
    """Queue many messages at once (a poll opening for a large cooperative), or the one or two
    receipts of a posting; their ids. All of them and their tasks, or nothing, with the
    caller's transaction.

    Serves two budgets: "10,000 notices enqueued in under 2 s and delivered by one worker in
    under 60 s" (bench/bench_notices.py), and "audited postings, SMS receipt enqueued, >=
    1,000/s" (bench/bench_treasury.py; the payment callbacks of bench_payments.py post through
    the same path). See the fast path below.
    """
    if not messages:
        return []
    ids = _insert_messages(messages)
    _insert_tasks([ids[start : start + BATCH] for start in range(0, len(ids), BATCH)])
    return ids


# --- fast path: budgets notices-enqueue-10k (bench/bench_notices.py) and treasury-postings --
# (bench/bench_treasury.py) ----------------------------------------------------------------
# `bulk_create` spends most of 2 s preparing 140,000 values one field at a time, and on a
# posting's one receipt it costs more than the posting's own statements: building the query,
# not running it. The rows are plain values, so they are written here as they are, on
# `core.fast.cursor`'s cursor:
# - messages: every column of OutboundMessage; `test_delivery.py` compares the rows with those
#   the ORM writes and fails when OutboundMessage gains or loses a column;
# - their `deliver_many` tasks: the row `DatabaseBackend.enqueue` writes, field for field, each
#   value prepared by the field itself (`pre_save`, `get_db_prep_save`: Django's public field
#   API), one INSERT whose text is built once; `test_delivery.py` fails when the library's
#   row changes.
INSERTED_COLUMNS = (
    "channel", "to", "subject", "text", "sealed", "kind", "provider", "provider_id", "status",
    "attempts", "error", "created_at", "updated_at", "sent_at",
)  # fmt: skip
INSERT_ROWS = 500  # rows per statement, within SQLite's limit of bound values


def _insert_messages(messages: Sequence[OutboundMessage | NoticeRow]) -> list[int]:
    db = connections[DEFAULT_DB_ALIAS]
    now = sql.db_value(OutboundMessage, "created_at", timezone.now(), db)
    ids: list[int] = []
    with hot_cursor(db) as cursor:
        for start in range(0, len(messages), INSERT_ROWS):
            chunk = messages[start : start + INSERT_ROWS]
            values: list[object] = []
            for m in chunk:
                values += (m.channel, m.to, m.subject, m.text, m.sealed, m.kind, m.provider)
                values += (m.provider_id, m.status, m.attempts, m.error, now, now, None)
            cursor.execute(_messages_sql(db.vendor, len(chunk)), values)
            ids += sorted(row[0] for row in cursor.fetchall())
    return ids


@functools.lru_cache(maxsize=8)
def _messages_sql(vendor: str, rows: int) -> str:
    columns = ", ".join(sql.quote(column) for column in INSERTED_COLUMNS)
    placeholders = "(" + ", ".join(["%s"] * len(INSERTED_COLUMNS)) + ")"
    return (
        f"INSERT INTO {sql.table(OutboundMessage)} ({columns}) VALUES "  # noqa: S608 (names quoted, values bound)
        + ", ".join([placeholders] * rows)
        + " RETURNING id"
    )


def _insert_tasks(batches: list[list[int]]) -> None:
    """One `deliver_many` task per batch of message ids, as the library's backend writes it."""
    from django.tasks import task_backends

    db = connections[DEFAULT_DB_ALIAS]
    backend = task_backends[deliver_many.backend]
    template, (pk, enqueued_at, args_kwargs) = _task_template(db.vendor)
    now = timezone.now()
    rows = []
    for batch in batches:
        row = list(template)
        row[pk[0]] = pk[1].get_db_prep_save(backend._get_id(), db)
        row[enqueued_at[0]] = enqueued_at[1].get_db_prep_save(now, db)
        row[args_kwargs[0]] = args_kwargs[1].get_db_prep_save({"args": [batch], "kwargs": {}}, db)
        rows.append(row)
    with hot_cursor(db) as cursor:
        cursor.executemany(_tasks_sql(db.vendor), rows)


@functools.lru_cache(maxsize=4)
def _task_template(vendor: str) -> tuple[list[object], tuple[tuple[int, Any], ...]]:
    """The column values every `deliver_many` task row shares, each prepared by its field as
    `DBTaskResult.save` would, and the (position, field) of the three that differ."""
    from django.tasks import task_backends
    from django_tasks_db.models import DBTaskResult, get_date_max

    db = connections[DEFAULT_DB_ALIAS]
    backend = task_backends[deliver_many.backend]
    model = DBTaskResult(
        id=backend._get_id(),
        args_kwargs={"args": [[]], "kwargs": {}},
        priority=deliver_many.priority,
        task_path=deliver_many.module_path,
        queue_name=deliver_many.queue_name,
        run_after=deliver_many.run_after or get_date_max(),  # as the library's pre_save does
        backend_name=backend.alias,
    )
    fields = sql.concrete_fields(DBTaskResult)
    template = [f.get_db_prep_save(f.pre_save(model, True), db) for f in fields]
    varying = tuple(
        (i, f) for name in ("id", "enqueued_at", "args_kwargs")
        for i, f in enumerate(fields) if f.name == name
    )  # fmt: skip
    return template, varying


@functools.lru_cache(maxsize=4)
def _tasks_sql(vendor: str) -> str:
    from django_tasks_db.models import DBTaskResult

    fields = sql.concrete_fields(DBTaskResult)
    return (
        f"INSERT INTO {sql.table(DBTaskResult)} "  # noqa: S608 (names quoted, values bound)
        f"({', '.join(sql.quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )


@task()
def deliver(message_id: int) -> str:
    """Hand one queued message to its provider (see the module docstring)."""
    return deliver_one(message_id)


@task()
def deliver_many(message_ids: list[int]) -> dict[str, int]:
    """Hand a batch of queued messages over, each claimed and recorded on its own (a fan-out
    of `enqueue_many`: one task per `BATCH` messages saves the queue's own cost per message)."""
    outcomes: dict[str, int] = {}
    for message_id in message_ids:
        outcome = deliver_one(message_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def deliver_one(message_id: int) -> str:
    now = timezone.now()
    claimed = OutboundMessage.objects.filter(pk=message_id, status=Status.QUEUED).update(
        status=Status.SENDING, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        return "skipped"
    message = OutboundMessage.objects.get(pk=message_id)
    text = unseal(message.sealed) if message.sealed else message.text
    try:
        provider_id = hand_over(message, text)
    except PermanentFailure as refused:
        _fail(message, str(refused))
        return "failed"
    except Exception as error:  # anything else may pass: try again later
        reason = str(error) or type(error).__name__
        if message.attempts >= MAX_ATTEMPTS:
            _fail(message, f"gave up after {message.attempts} attempts: {reason}")
            return "failed"
        _retry_later(message, reason)
        return "retrying"
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=Status.SENT,
        provider_id=provider_id[:100],
        sealed="",
        error="",
        sent_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return "sent"


def hand_over(message: OutboundMessage, text: str) -> str:
    """Give `text` to the message's provider; return the provider's id for it."""
    if message.channel == OutboundMessage.Channel.EMAIL:
        return _send_email(message, text)
    from .sms import hand_over_sms

    return hand_over_sms(message, text)


def _send_email(message: OutboundMessage, body: str) -> str:
    try:
        EmailMessage(message.subject, body, None, [message.to]).send()
    except smtplib.SMTPRecipientsRefused as refused:
        raise PermanentFailure(f"recipient refused: {refused.recipients}") from refused
    except smtplib.SMTPResponseException as error:
        reason = f"SMTP {error.smtp_code}: {error.smtp_error!r}"
        if 500 <= error.smtp_code < 600:
            raise PermanentFailure(reason) from error
        raise TemporaryFailure(reason) from error
    except (smtplib.SMTPException, OSError) as error:
        raise TemporaryFailure(f"SMTP: {error}") from error
    return ""


def _fail(message: OutboundMessage, reason: str) -> None:
    log.warning("Message %s failed: %s", message.pk, reason)
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=Status.FAILED, error=reason[:2000], updated_at=timezone.now()
    )


@transaction.atomic
def _retry_later(message: OutboundMessage, reason: str) -> None:
    log.info("Message %s: attempt %s failed (%s), retrying", message.pk, message.attempts, reason)
    OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=Status.QUEUED, error=reason[:2000], updated_at=timezone.now()
    )
    run_after = timezone.now() + backoff(message.attempts)
    deliver.using(run_after=run_after).enqueue(message.pk)


@transaction.atomic
def retry(*, message: OutboundMessage) -> bool:
    """Queue a failed message again (staff, from the failed deliveries page)."""
    updated = OutboundMessage.objects.filter(pk=message.pk, status=Status.FAILED).update(
        status=Status.QUEUED, attempts=0, updated_at=timezone.now()
    )
    if updated:
        deliver.enqueue(message.pk)
    return bool(updated)


def fail_interrupted(now: datetime.datetime | None = None) -> int:
    """Mark failed the messages a dead worker left `sending` for longer than `LEASE` (the
    provider may or may not have them: staff decide whether to retry). Periodic job."""
    now = now or timezone.now()
    return OutboundMessage.objects.filter(status=Status.SENDING, updated_at__lt=now - LEASE).update(
        status=Status.FAILED,
        error="interrupted while being handed to the provider: it may or may not have been sent",
        updated_at=now,
    )


# Africa's Talking's delivery report statuses: final success, final failure, still on its way.
REPORT_DELIVERED = {"Success"}
REPORT_FAILED = {"Failed", "Rejected", "AbsentSubscriber", "Expired"}


def receive_delivery_report(*, provider: str, payload: dict[str, str]) -> DeliveryReport | None:
    """Store a delivery report raw (once per provider id and status), then update its message:
    `delivered`, `failed` with the provider's reason, or left `sent` while on its way. A
    delivered message never goes back to sent; a report for an unknown id changes nothing."""
    message_id, status = payload.get("id", "").strip(), payload.get("status", "").strip()
    if not message_id or not status:
        return None
    try:
        with transaction.atomic():
            report = DeliveryReport.objects.create(
                provider=provider, report_id=f"{message_id}:{status}"[:100], payload=payload
            )
    except IntegrityError:
        return None  # a retry of a report already handled
    messages = OutboundMessage.objects.filter(
        provider=provider, provider_id=message_id, channel=OutboundMessage.Channel.SMS
    ).exclude(status=Status.DELIVERED)
    now = timezone.now()
    if status in REPORT_DELIVERED:
        messages.update(status=Status.DELIVERED, error="", updated_at=now)
    elif status in REPORT_FAILED:
        reason = payload.get("failureReason", "") or status
        messages.update(status=Status.FAILED, error=f"not delivered: {reason}", updated_at=now)
    return report
