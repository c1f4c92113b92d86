"""`minga doctor`: what `/health` reports, for a terminal. Exit 0 healthy, 1 not."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from minga.core.health import report


class Command(BaseCommand):
    help = "Check the database, the task queue, the log's checkpoints and witnesses."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        found = report()
        for name, check in found["checks"].items():
            mark = "ok  " if check["ok"] else "FAIL"
            self.stdout.write(f"{mark} {name}: {check['detail']}")
        if not found["ok"]:
            sys.exit(1)
