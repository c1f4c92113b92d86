"""`minga tally --method METHOD [--seats N] FILE`: count a BLT ballot file and print JSON.

The JSON is `{"method", "seats", "candidates", "ballots", "elected", "ranking", "rounds"}`
(see `minga.decisions.tally.Result.as_json`). `--seats` defaults to the seats line of the file.
A BLT file holds ranked ballots; plurality reads each ballot's first preference only and
approval reads every ranked candidate as approved. A malformed file, or one the method cannot
count, exits with status 2 and a one-line message on stderr that names the line. This command
needs no database.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minga.decisions import tally


class Command(BaseCommand):
    help = (
        "Count a BLT ballot file and print the result as JSON. Plurality counts each ballot's "
        "first preference; approval counts every ranked candidate as approved."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--method", required=True, choices=tally.METHODS)
        parser.add_argument(
            "--seats", type=int, help="Seats to fill (default: the seats line of the file)."
        )
        parser.add_argument("file", metavar="FILE", help="A BLT ballot file (UTF-8).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            election = tally.blt.read_file(path)
            result = tally.count(options["method"], election, options["seats"])
        except OSError as error:
            raise CommandError(
                f"{path}: cannot read the file ({error.strerror})", returncode=2
            ) from None
        except tally.TallyError as error:
            raise CommandError(f"{path}: {error}", returncode=2) from None
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
