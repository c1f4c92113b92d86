"""`minga worker`: the one process to run beside the web server.

Each round it writes its heartbeat, runs the periodic jobs due (`minga.core.schedule`), then
the tasks waiting in Django's tasks framework (django-tasks-db) until none is ready, and
sleeps a little when there was nothing to do. Several workers, on one host or several, share
the work safely: a task row is claimed under `SELECT ... FOR UPDATE SKIP LOCKED` (the
library's claim), a periodic slot by an atomic UPDATE.

django-tasks-db leaves a task `RUNNING` forever when its worker dies in the middle of it;
`requeue_abandoned` (a periodic job) makes such a task ready again after `LEASE`. Every task of
Minga is idempotent (a delivery claims its message first), so running one again is safe.
"""

from __future__ import annotations

import datetime
import logging
import os
import signal
import socket
import threading
import time
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from . import schedule
from .health import Check
from .models import WorkerHeartbeat

log = logging.getLogger("minga.worker")
LEASE = datetime.timedelta(minutes=15)
ROUND_TASKS = 500  # tasks per round at most: heartbeats, jobs and SIGTERM are not kept waiting


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def _task_runner(worker_id: str) -> Worker:
    """The library's worker, used only for `run_task` (signals, results, failures)."""
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def run_ready_tasks(*, worker_id: str | None = None, limit: int | None = None) -> int:
    """Run the tasks ready now, one claim at a time, until none is left (or `limit`)."""
    worker_id = worker_id or new_worker_id()
    runner = _task_runner(worker_id)
    done = 0
    while limit is None or done < limit:
        ready = DBTaskResult.objects.ready().filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS)
        try:
            with exclusive_transaction(ready.db):
                claimed = ready.get_locked()
                if claimed is None:
                    break
                claimed.claim(worker_id)
        except OperationalError as error:
            if not is_locked_database_exception(error):
                raise
            break  # SQLite busy: the next round tries again
        runner.run_task(claimed)
        done += 1
    return done


def requeue_abandoned(now: datetime.datetime) -> int:
    """Make ready again the tasks left running longer than `LEASE` (their worker died)."""
    return (
        DBTaskResult.objects.running()
        .filter(started_at__lt=now - LEASE)
        .update(status=TaskResultStatus.READY, started_at=None)
    )


def beat(worker_id: str, started_at: datetime.datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "started_at": started_at,
            "beat_at": timezone.now(),
        },
    )


def run_round(worker_id: str, started_at: datetime.datetime) -> tuple[dict[str, object], int]:
    """One round: heartbeat, periodic jobs due, then the tasks ready."""
    beat(worker_id, started_at)
    reports = schedule.run_due()
    return reports, run_ready_tasks(worker_id=worker_id, limit=ROUND_TASKS)


class _Stop:
    """SIGTERM (systemd stopping the worker): finish the task in hand, then stop."""

    requested = False

    def __call__(self, signum: int, frame: object) -> None:
        self.requested = True


def run_forever(*, interval: float = 1.0, rounds: int = 0, say=log.info) -> None:
    """The worker's loop (`minga worker`); stops after `rounds` rounds when given."""
    worker_id, started_at = new_worker_id(), timezone.now()
    say(f"Worker {worker_id} started.")
    stop = _Stop()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
    done = 0
    try:
        while not stop.requested:
            if not connection.in_atomic_block:  # a worker holds its connection for days
                close_old_connections()
            try:
                reports, tasks = run_round(worker_id, started_at)
            except (OperationalError, InterfaceError) as error:  # locked or restarting: next round
                log.warning("Round skipped: %s", error)
                reports, tasks = {}, 0
            for name, report in reports.items():
                if report:
                    say(f"{name}: {report}")
            done += 1
            if rounds and done >= rounds:
                break
            if not tasks and not stop.requested:
                time.sleep(interval)
    except KeyboardInterrupt:
        say("Stopped.")
    finally:
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def heartbeat() -> Check:
    """The latest heartbeat of any worker: none, or too old, means no task is being run."""
    latest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    bound = settings.MINGA_HEALTH_WORKER_SECONDS
    if latest is None:
        return Check(False, "no worker heartbeat: is `minga worker` running?", {})
    age = round((timezone.now() - latest).total_seconds())
    workers = WorkerHeartbeat.objects.filter(
        beat_at__gte=timezone.now() - datetime.timedelta(seconds=bound)
    ).count()
    figures = {"last_heartbeat_seconds": age, "workers": workers}
    if age > bound:
        return Check(False, f"the last worker heartbeat is {age} s old (bound {bound} s)", figures)
    return Check(True, f"{workers} worker(s) alive", figures)
