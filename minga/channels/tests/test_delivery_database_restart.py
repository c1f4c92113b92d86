"""The database restarted under a running delivery (PostgreSQL): the worker's connection is
killed in the middle of a batch; afterwards every message was handed over exactly once and
recorded sent, or is visibly failed, and nothing is marked sent that the provider did not take."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from minga.channels import delivery
from minga.channels.models import OutboundMessage
from minga.core import worker

KILL_AT = 8  # the provider takes message 8, then the database drops every connection
MESSAGES = 20


def kill_other_connections() -> None:
    """What a database restart does to the worker: from a connection of its own, terminate every
    other connection to the test's own database."""

    def kill() -> None:
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        finally:
            connections["default"].close()

    thread = threading.Thread(target=kill)
    thread.start()
    thread.join()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_delivers_once_or_visibly_fails_when_the_database_restarts_mid_batch(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("a database restart needs PostgreSQL: run with DATABASE_URL=postgres://...")
    delivery.enqueue_many(
        [
            delivery.new_message(
                channel="sms", to=f"+254700{n:06}", text="Poll open", kind="notice"
            )
            for n in range(MESSAGES)
        ]
    )
    handed: list[str] = []

    def provider(message: OutboundMessage, text: str) -> str:
        handed.append(message.to)
        if len(handed) == KILL_AT:
            kill_other_connections()
        return f"ATXid_{len(handed)}"

    monkeypatch.setattr(delivery, "hand_over", provider)
    worker.run_forever(interval=0, rounds=3)  # the first round loses its connection
    assert len(handed) == KILL_AT  # the batch's task was cut short and is left running

    later = timezone.now() + datetime.timedelta(hours=1)
    assert delivery.fail_interrupted(later) == 1  # the message taken when the database went
    assert worker.requeue_abandoned(later) == 1
    worker.run_ready_tasks()

    messages = {m.to: m for m in OutboundMessage.objects.all()}
    assert sorted(handed) == sorted(messages)  # every message handed over once, none twice
    interrupted = messages[handed[KILL_AT - 1]]
    assert interrupted.status == "failed" and "may or may not have been sent" in interrupted.error
    others = [m for to, m in messages.items() if to != interrupted.to]
    assert {m.status for m in others} == {"sent"} and all(m.provider_id for m in others)
