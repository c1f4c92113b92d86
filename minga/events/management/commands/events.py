"""`minga events notify [--loop SECONDS]`: send the phase notices and deadline reminders due now."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from minga.core.management.loop import add_loop_arguments, run_rounds
from minga.events import notify


class Command(BaseCommand):
    help = "Coop-a-thon events: send the notices and reminders due now (safe to repeat)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        run = actions.add_parser(
            "notify",
            help="E-mail and SMS registrants about phase changes and deadlines (each once).",
        )
        add_loop_arguments(run)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(**options)

    def handle_notify(self, *, loop: float, iterations: int, **options: Any) -> None:
        def send() -> tuple[int, str]:
            sent = notify.due_notices(timezone.now())
            return sent, f"{sent} notices sent."

        run_rounds(self, send, loop=loop, iterations=iterations)
