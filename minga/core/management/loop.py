"""The `--loop SECONDS [--iterations N]` of the worker commands (notices, closing polls...)."""

import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections


def add_loop_arguments(parser: Any) -> None:
    parser.add_argument(
        "--loop",
        type=float,
        default=0,
        metavar="SECONDS",
        help="Keep running, checking every SECONDS (default: check once and stop).",
    )
    parser.add_argument(
        "--iterations", type=int, default=0, help="With --loop, stop after this many rounds."
    )


def run_rounds(
    command: BaseCommand, work: Callable[[], tuple[int, str]], *, loop: float, iterations: int
) -> None:
    """Do `work` once, or every `loop` seconds; it returns how much it did and what to say.

    In a loop, rounds that did nothing stay quiet, and each round starts on a live database
    connection (a long-running worker must not keep a dead one). A single run leaves the
    connection to its caller, which may be inside a transaction.
    """
    rounds = 0
    while True:
        if loop:
            close_old_connections()
        done, message = work()
        if done or not loop:
            command.stdout.write(message)
        rounds += 1
        if not loop or (iterations and rounds >= iterations):
            break
        time.sleep(loop)
