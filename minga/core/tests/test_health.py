"""`/health` and `minga doctor`: 503 (exit 1) exactly when something is out of bounds."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from minga.audit import log
from minga.audit.models import Entry
from minga.audit.tests.conftest import add_entries
from minga.core import worker
from minga.core.models import WorkerHeartbeat

LONG_AGO = datetime.timedelta(hours=2)


@pytest.fixture(autouse=True)
def _a_worker_is_running(db):
    worker.beat("test-worker", timezone.now())


def health(client) -> tuple[int, dict]:
    response = client.get("/health")
    assert response["Cache-Control"] == "no-store"
    return response.status_code, response.json()


def test_it_reports_a_healthy_instance(db, client):
    add_entries(3)
    log.create_checkpoint()
    status, found = health(client)
    assert status == 200 and found["ok"]
    assert set(found["checks"]) >= {"database", "queue", "log", "witnesses", "worker"}
    assert found["checks"]["log"]["checkpoint_size"] == 3


def test_it_fails_when_a_task_waits_too_long(db, client):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="minga.example.task",
        backend_name="default",
        run_after=timezone.now() - LONG_AGO,
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - LONG_AGO)
    status, found = health(client)
    assert status == 503
    assert "is the worker running" in found["checks"]["queue"]["detail"]


def test_it_fails_when_entries_wait_for_a_checkpoint(db, client):
    add_entries(2)
    Entry.objects.update(created_at=timezone.now() - LONG_AGO)
    status, found = health(client)
    assert status == 503
    assert "minga worker" in found["checks"]["log"]["detail"]


def test_recent_entries_without_a_checkpoint_are_fine(db, client):
    add_entries(2)
    assert health(client)[0] == 200


def test_it_fails_when_a_checkpoint_waits_for_its_witnesses(db, client, settings):
    settings.MINGA_LOG_WITNESS_QUORUM = 2
    add_entries(2)
    checkpoint = log.create_checkpoint()
    assert health(client)[0] == 200  # waiting, within bounds
    type(checkpoint).objects.update(created_at=timezone.now() - LONG_AGO)
    status, found = health(client)
    assert status == 503
    assert found["checks"]["witnesses"] == {
        "ok": False,
        "detail": found["checks"]["witnesses"]["detail"],
        "quorum": 2,
        "cosignatures": 0,
        "published": False,
    }


def test_doctor_prints_the_same_and_exits_1(db, capsys):
    add_entries(1)
    Entry.objects.update(created_at=timezone.now() - LONG_AGO)
    with pytest.raises(SystemExit) as caught:
        call_command("doctor")
    assert caught.value.code == 1
    out = capsys.readouterr().out
    assert "ok   database" in out and "FAIL log" in out


def test_it_fails_when_no_worker_ever_reported(client):
    WorkerHeartbeat.objects.all().delete()
    status, found = health(client)
    assert status == 503 and "minga worker" in found["checks"]["worker"]["detail"]


def test_it_fails_when_the_last_heartbeat_is_too_old(client, settings):
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - LONG_AGO)
    status, found = health(client)
    assert status == 503 and found["checks"]["worker"]["last_heartbeat_seconds"] >= 7200
