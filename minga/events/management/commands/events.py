"""`minga events notify`: queue the phase notices and deadline reminders due now (`minga worker`
runs the same job periodically)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from minga.events import jobs


class Command(BaseCommand):
    help = "Coop-a-thon events: send the notices and reminders due now (safe to repeat)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "notify",
            help="E-mail and SMS registrants about phase changes and deadlines (each once).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(**options)

    def handle_notify(self, **options: Any) -> None:
        self.stdout.write(jobs.notify(timezone.now()) or "0 notices queued.")
