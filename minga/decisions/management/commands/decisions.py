"""`minga decisions close-due [--loop SECONDS]`: close and count every poll whose time is up;
`minga decisions notify [--loop SECONDS]`: send the SMS notices due (see `decisions.notices`).

Closing is idempotent (a closed poll is never closed again), so the command can run from cron,
from a worker loop beside the web server, or by hand, as often as wanted. Other decisions
chores add their own sub-command here (`handle_<name>`).
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from minga.decisions import actions, notices


class Command(BaseCommand):
    help = "Decisions: close the polls whose time is up, send the SMS notices due (safe to repeat)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        close = commands.add_parser(
            "close-due", help="Close and count every open poll whose closing time has passed."
        )
        close.add_argument(
            "--loop",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Keep running, checking every SECONDS (default: check once and stop).",
        )
        close.add_argument(
            "--iterations", type=int, default=0, help="With --loop, stop after this many rounds."
        )
        self.add_more_arguments(commands)

    def add_more_arguments(self, commands: Any) -> None:
        """Where further sub-commands declare their arguments."""
        notify = commands.add_parser(
            "notify",
            help="SMS electors when a poll opens and, a day before it closes, those who have "
            "not voted (each notice once).",
        )
        notify.add_argument(
            "--loop",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Keep running, checking every SECONDS (default: check once and stop).",
        )
        notify.add_argument(
            "--iterations", type=int, default=0, help="With --loop, stop after this many rounds."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action'].replace('-', '_')}")(**options)

    def handle_close_due(self, *, loop: float, iterations: int, **options: Any) -> None:
        rounds = 0
        while True:
            if loop:
                close_old_connections()  # a long-running worker must not keep a dead one
            closed = actions.close_due_polls(now=timezone.now())
            if closed or not loop:
                names = ", ".join(f"#{poll.pk}" for poll in closed)
                self.stdout.write(f"{len(closed)} polls closed. {names}".strip())
            rounds += 1
            if not loop or (iterations and rounds >= iterations):
                break
            time.sleep(loop)

    def handle_notify(self, *, loop: float, iterations: int, **options: Any) -> None:
        rounds = 0
        while True:
            close_old_connections()
            sent = notices.due_notices(timezone.now())
            if sent or not loop:
                self.stdout.write(f"{sent} notices sent.")
            rounds += 1
            if not loop or (iterations and rounds >= iterations):
                break
            time.sleep(loop)
