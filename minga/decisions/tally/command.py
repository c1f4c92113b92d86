"""`minga tally --method METHOD [--seats N] FILE`, without Django.

Counting a BLT file reads nothing but the file, so the `minga` command runs this module
directly (see `minga.cli`): no settings, no database, no Django start-up, which would cost
several times the count itself. `manage.py tally` (the management command) calls `count_file`,
so both print the same JSON and the same one-line errors. Exit status: 0 counted, 2 could not
count (a malformed file, a file the method cannot count, a bad argument).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from . import METHODS, TallyError, blt, count

HELP = (
    "Count a BLT ballot file and print the result as JSON. Plurality counts each ballot's "
    "first preference; approval counts every ranked candidate as approved."
)


class CountFailed(Exception):
    """The file could not be read or counted; the message names the file (and the line)."""


def count_file(method: str, path: str, seats: int | None = None) -> str:
    """The result of counting the BLT file at `path` by `method`, as indented JSON."""
    try:
        election = blt.read_file(path)
        result = count(method, election, seats)
    except OSError as error:
        raise CountFailed(f"{path}: cannot read the file ({error.strerror})") from None
    except TallyError as error:
        raise CountFailed(f"{path}: {error}") from None
    return json.dumps(result.as_json(), ensure_ascii=False, indent=2)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments, shared with `manage.py tally`."""
    parser.add_argument("--method", required=True, choices=METHODS)
    parser.add_argument(
        "--seats", type=int, help="Seats to fill (default: the seats line of the file)."
    )
    parser.add_argument("file", metavar="FILE", help="A BLT ballot file (UTF-8).")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="minga tally", description=HELP)
    add_arguments(parser)
    options = parser.parse_args(argv)  # exits 2 with argparse's message on bad arguments
    try:
        text = count_file(options.method, options.file, options.seats)
    except CountFailed as error:
        print(f"minga tally: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(text + "\n")
    return 0
