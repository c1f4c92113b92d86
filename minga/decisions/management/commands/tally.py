"""`manage.py tally --method METHOD [--seats N] FILE`: count a BLT ballot file and print JSON.

The JSON is `{"method", "seats", "candidates", "ballots", "elected", "ranking", "rounds"}`
(see `minga.decisions.tally.Result.as_json`). `--seats` defaults to the seats line of the file.
A BLT file holds ranked ballots; plurality reads each ballot's first preference only and
approval reads every ranked candidate as approved. A malformed file, or one the method cannot
count, exits with status 2 and a one-line message on stderr that names the line. This command
needs no database; the installed `minga tally` runs `minga.decisions.tally.command` without
starting Django at all, and both count through `count_file`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minga.decisions.tally.command import HELP, CountFailed, add_arguments, count_file


class Command(BaseCommand):
    help = HELP
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = count_file(options["method"], options["file"], options["seats"])
        except CountFailed as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(text)
