"""`minga worker`: the one process to run beside the web server (see `minga.core.worker`).

It delivers the queued messages (and any other task of Django's tasks framework) and runs the
periodic jobs the apps register: log checkpoints, closing polls on time, poll and event
notices. Safe to run on several hosts at once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from minga.core import schedule, worker


class Command(BaseCommand):
    help = "Run queued tasks (messages) and periodic jobs (checkpoints, closing polls, notices)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when there is nothing to do (default 1).",
        )
        parser.add_argument(
            "--rounds", type=int, default=0, help="Stop after this many rounds (0: never)."
        )

    def handle(self, *args: Any, interval: float, rounds: int, **options: Any) -> None:
        names = ", ".join(job.name for job in schedule.jobs())
        self.stdout.write(f"Periodic jobs: {names}.")
        worker.run_forever(interval=interval, rounds=rounds, say=self.stdout.write)
