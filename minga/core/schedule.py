"""Periodic jobs, run by `minga worker` beside the task queue.

Apps register their jobs from their AppConfig.ready (`register("decisions.close-due",
close_due, every=60)`), so core imports no app. A job is a function of `now` returning a short
report (or None). `run_due` runs each job whose slot is due; a worker claims the slot with one
atomic `UPDATE ... WHERE next_run_at <= now` on its row, so with workers on several hosts each
slot runs once: no double sends, no double closes. A job that raises is logged and its error
kept on the row; the next slot tries again.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from .models import ScheduledJob

log = logging.getLogger("minga.worker")


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[datetime.datetime], object]
    every: datetime.timedelta


_JOBS: dict[str, Job] = {}


def register(name: str, run: Callable[[datetime.datetime], object], *, every: float) -> None:
    """Add a periodic job run every `every` seconds (idempotent by name)."""
    _JOBS[name] = Job(name, run, datetime.timedelta(seconds=every))


def jobs() -> list[Job]:
    return list(_JOBS.values())


def claim(job: Job, now: datetime.datetime) -> bool:
    """Take the job's due slot, or learn that it is not due or another worker took it."""
    # A worker racing to create the row finds it made (get_or_create retries on the conflict).
    ScheduledJob.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
    taken = ScheduledJob.objects.filter(name=job.name, next_run_at__lte=now).update(
        next_run_at=now + job.every, last_run_at=now
    )
    return taken == 1


def run_due(now: datetime.datetime | None = None) -> dict[str, object]:
    """Run every job whose slot is due now; return what each one that ran reported."""
    now = now or timezone.now()
    reports: dict[str, object] = {}
    for job in jobs():
        if not claim(job, now):
            continue
        try:
            reports[job.name] = job.run(now)
            error = ""
        except Exception as failure:
            log.exception("Job %s failed", job.name)
            reports[job.name] = error = f"{type(failure).__name__}: {failure}"
        ScheduledJob.objects.filter(name=job.name).update(last_error=error[:2000])
    return reports
