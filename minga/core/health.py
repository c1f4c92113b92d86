"""Health: what `/health` and `minga doctor` report, and when they say something is wrong.

Each check returns a `Check`: whether it is within bounds and the figures behind the verdict.
Core checks the database and the task queue (Django's tasks on django-tasks-db); apps register
their own at start-up (`register`, from their AppConfig.ready), so core imports no app: the
audit app registers the age of the log's latest checkpoint and its witnesses.

`/health` answers 200 with every check when all are within bounds, 503 otherwise, as JSON,
for a load balancer or an uptime monitor; `minga doctor` prints the same for a terminal and
exits 1 when something is out of bounds. Bounds are settings (`MINGA_HEALTH_*`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str
    figures: dict[str, Any] = field(default_factory=dict)


_CHECKS: dict[str, Callable[[], Check]] = {}


def register(name: str, check: Callable[[], Check]) -> None:
    """Add a check (idempotent by name): called from an app's `ready()`."""
    _CHECKS[name] = check


def database() -> Check:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Check(False, f"the database does not answer: {error}")
    ms = round((time.perf_counter() - started) * 1000, 1)
    return Check(True, f"{connection.vendor} answers", {"ms": ms, "vendor": connection.vendor})


def queue() -> Check:
    """The oldest task waiting to run: a worker that stopped shows here first."""
    from django_tasks_db.models import DBTaskResult  # a library's model, not an app of ours

    try:
        oldest = (
            DBTaskResult.objects.ready()
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
            .first()
        )
        waiting = DBTaskResult.objects.ready().count()
    except DatabaseError as error:
        return Check(False, f"the task queue cannot be read: {error}")
    age = 0 if oldest is None else round((timezone.now() - oldest).total_seconds())
    bound = settings.MINGA_HEALTH_QUEUE_SECONDS
    if age > bound:
        return Check(
            False,
            f"the oldest waiting task has waited {age} s (bound {bound} s): is the worker running?",
            {"waiting": waiting, "oldest_seconds": age},
        )
    return Check(True, f"{waiting} tasks waiting", {"waiting": waiting, "oldest_seconds": age})


register("database", database)
register("queue", queue)


def report() -> dict[str, Any]:
    """Every check's verdict; `ok` only when all are within bounds. A check that fails to run
    (the database is down under it) counts as out of bounds."""
    checks: dict[str, Any] = {}
    for name, check in _CHECKS.items():
        try:
            result = check()
        except DatabaseError as error:
            result = Check(False, f"cannot be checked: {error}")
        checks[name] = {"ok": result.ok, "detail": result.detail, **result.figures}
    return {"ok": all(item["ok"] for item in checks.values()), "checks": checks}
