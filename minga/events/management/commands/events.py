"""`minga events notify [--loop SECONDS]`: send the phase notices and deadline reminders due now."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from minga.events import notify


class Command(BaseCommand):
    help = "Coop-a-thon events: send the notices and reminders due now (safe to repeat)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        run = actions.add_parser(
            "notify",
            help="E-mail and SMS registrants about phase changes and deadlines (each once).",
        )
        run.add_argument(
            "--loop",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Keep running, checking every SECONDS (default: check once and stop).",
        )
        run.add_argument(
            "--iterations", type=int, default=0, help="With --loop, stop after this many rounds."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(**options)

    def handle_notify(self, *, loop: float, iterations: int, **options: Any) -> None:
        rounds = 0
        while True:
            close_old_connections()
            sent = notify.due_notices(timezone.now())
            if sent or not loop:
                self.stdout.write(f"{sent} notices sent.")
            rounds += 1
            if not loop or (iterations and rounds >= iterations):
                break
            time.sleep(loop)
