"""`minga worker`: periodic slots claimed once however many workers race for them, queued
messages handed over exactly once by racing workers (PostgreSQL, real concurrency), a
heartbeat for `/health`."""

import datetime
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from minga.channels.models import OutboundMessage
from minga.channels.sms import send_sms
from minga.core import schedule, worker
from minga.core.models import ScheduledJob

WORKERS = 4


@pytest.fixture
def counted(monkeypatch):
    """A periodic job that counts its runs, registered as apps register theirs."""
    runs = []
    lock = threading.Lock()

    def job(now):
        with lock:
            runs.append(now)
        return "ran"

    monkeypatch.setattr(schedule, "_JOBS", {})
    schedule.register("test.counted", job, every=60)
    return runs


@pytest.mark.django_db
def test_it_runs_a_slot_once_and_the_next_when_due(counted):
    now = timezone.now()
    assert schedule.run_due(now) == {"test.counted": "ran"}
    assert schedule.run_due(now) == {}  # a second worker at the same instant
    assert schedule.run_due(now + datetime.timedelta(seconds=59)) == {}
    assert schedule.run_due(now + datetime.timedelta(seconds=60)) == {"test.counted": "ran"}
    assert len(counted) == 2


@pytest.mark.django_db
def test_it_keeps_a_failing_jobs_error_and_runs_the_others(counted):
    def broken(now):
        raise RuntimeError("SMTP unreachable")

    schedule.register("test.broken", broken, every=60)
    reports = schedule.run_due()
    assert reports["test.counted"] == "ran" and "SMTP unreachable" in reports["test.broken"]
    assert "SMTP unreachable" in ScheduledJob.objects.get(name="test.broken").last_error


def test_it_registers_every_periodic_job_of_the_hand_run_loops():
    names = {job.name for job in schedule.jobs()}
    assert {
        "audit.sign-checkpoint",
        "decisions.close-due",
        "decisions.notify",
        "events.notify",
        "channels.fail-interrupted",
        "core.requeue-abandoned",
    } <= names


@pytest.mark.django_db
def test_the_command_delivers_runs_jobs_and_leaves_no_heartbeat_behind(sms_outbox):
    send_sms(to="+254700000001", text="Poll open", kind="notice")
    out = StringIO()
    call_command("worker", "--rounds", "1", "--interval", "0", stdout=out)
    assert "Periodic jobs: " in out.getvalue() and "decisions.close-due" in out.getvalue()
    assert len(sms_outbox) == 1 and OutboundMessage.objects.get().status == "sent"
    assert ScheduledJob.objects.filter(name="decisions.close-due").exists()


@pytest.mark.django_db
def test_it_beats_for_health():
    worker.beat("w1", timezone.now())
    assert worker.heartbeat().ok
    worker.WorkerHeartbeat.objects.update(beat_at=timezone.now() - datetime.timedelta(hours=1))
    assert not worker.heartbeat().ok


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL: run with DATABASE_URL=postgres://...")


def race(job) -> list[BaseException]:
    start = threading.Barrier(WORKERS)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            job()
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return failures


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_workers_run_a_slot_once(counted):
    needs_postgresql()
    now = timezone.now()
    assert not race(lambda: schedule.run_due(now))
    assert len(counted) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_workers_hand_each_message_over_exactly_once(sms_outbox):
    needs_postgresql()
    for n in range(200):
        send_sms(to=f"+254700{n:06}", text=f"Notice {n}", kind="notice")
    assert not race(lambda: worker.run_ready_tasks())
    assert sorted(sent.to for sent in sms_outbox) == sorted(f"+254700{n:06}" for n in range(200))
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert set(OutboundMessage.objects.values_list("attempts", flat=True)) == {1}
