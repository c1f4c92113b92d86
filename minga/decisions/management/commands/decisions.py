"""`minga decisions close-due [--loop SECONDS]`: close and count every poll whose time is up,
and move the waiting commitments of secret ballots into the audit log in shuffled batches
(`actions.flush_commitments`: a receipt reads "pending" until its batch is logged);
`minga decisions notify [--loop SECONDS]`: send the SMS notices due (see `decisions.notices`).

Closing is idempotent (a closed poll is never closed again), so the command can run from cron,
from a worker loop beside the web server, or by hand, as often as wanted. Other decisions
chores add their own sub-command here (`handle_<name>`).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from minga.core.management.loop import add_loop_arguments, run_rounds
from minga.decisions import actions, notices


class Command(BaseCommand):
    help = "Decisions: close the polls whose time is up, send the SMS notices due (safe to repeat)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        close = commands.add_parser(
            "close-due",
            help="Close and count every open poll whose closing time has passed; log the "
            "waiting commitments of secret ballots in shuffled batches.",
        )
        add_loop_arguments(close)
        self.add_more_arguments(commands)

    def add_more_arguments(self, commands: Any) -> None:
        """Where further sub-commands declare their arguments."""
        notify = commands.add_parser(
            "notify",
            help="SMS electors when a poll opens and, a day before it closes, those who have "
            "not voted (each notice once).",
        )
        add_loop_arguments(notify)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action'].replace('-', '_')}")(**options)

    def handle_close_due(self, *, loop: float, iterations: int, **options: Any) -> None:
        def close() -> tuple[int, str]:
            closed = actions.close_due_polls(now=timezone.now())
            logged = actions.flush_commitments()
            names = "".join(f" #{poll.pk}" for poll in closed)
            return (
                len(closed) + logged,
                f"{len(closed)} polls closed.{names} {logged} ballot commitments logged.",
            )

        run_rounds(self, close, loop=loop, iterations=iterations)

    def handle_notify(self, *, loop: float, iterations: int, **options: Any) -> None:
        def notify() -> tuple[int, str]:
            sent = notices.due_notices(timezone.now())
            return sent, f"{sent} notices sent."

        run_rounds(self, notify, loop=loop, iterations=iterations)
