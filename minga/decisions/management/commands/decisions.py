"""`minga decisions close-due`: close and count every poll whose time is up, now, and move the
waiting commitments of secret ballots into the audit log in shuffled batches
(`actions.flush_commitments`: a receipt reads "pending" until its batch is logged);
`minga decisions notify`: queue the SMS notices due (see `decisions.notices`).

`minga worker` runs both periodically (`decisions.jobs`, the same functions); by hand they are
safe to repeat: a closed poll is never closed again, a notice never sent twice. Other decisions
chores add their own sub-command here (`handle_<name>`).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from minga.decisions import jobs


class Command(BaseCommand):
    help = "Decisions: close the polls whose time is up, send the SMS notices due (safe to repeat)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        commands.add_parser(
            "close-due",
            help="Close and count every open poll whose closing time has passed; log the "
            "waiting commitments of secret ballots in shuffled batches.",
        )
        self.add_more_arguments(commands)

    def add_more_arguments(self, commands: Any) -> None:
        """Where further sub-commands declare their arguments."""
        commands.add_parser(
            "notify",
            help="SMS electors when a poll opens and, a day before it closes, those who have "
            "not voted (each notice once).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action'].replace('-', '_')}")(**options)

    def handle_close_due(self, **options: Any) -> None:
        self.stdout.write(jobs.close_due(timezone.now()) or "0 polls closed.")

    def handle_notify(self, **options: Any) -> None:
        self.stdout.write(jobs.notify(timezone.now()) or "0 notices queued.")
