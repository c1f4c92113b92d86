"""`minga demo`: load a believable world of cooperatives and people (idempotent).

Run it as often as you like: existing people and cooperatives are kept, missing ones are
added. Everything is built through the same actions as on the website: people sign up,
cooperatives are registered by their founders (with their keys), members join by invitation,
so every demo row has its audit entries and the log and the database agree.

The world comes from the apps' demo modules, listed in `settings.MINGA_DEMO_MODULES` in the
order they load (core names no app). Each has an idempotent `load(*, people, coops, stdout)`
that fills or reads the shared `people` (by key) and `coops` (by slug), and may have
`sign_in_notes()`, lines listed with the sign-ins at the end.
"""

import importlib
import importlib.util
import io
import time
import urllib.error
import urllib.request
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings


class Command(BaseCommand):
    help = "Load the demo world of cooperatives and people (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-sign-ins",
            action="store_true",
            help="Load the demo without listing its sign-ins (`make demo` lists them last).",
        )
        parser.add_argument(
            "--sign-ins-after",
            metavar="URL",
            help=(
                "Load nothing: wait until URL answers (the demo's server has started), then "
                "list the sign-ins, so they are the last thing in the terminal."
            ),
        )

    def handle(self, *args, **options):
        if options["sign_ins_after"]:
            self._wait_for(options["sign_ins_after"])
            self._sign_ins()
            return
        # The demo world is loaded, not lived: keep its invitations and notices out of the
        # console (SMS stay with the console provider, which only records them).
        quiet = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        with override_settings(MAILERS=quiet, SMS_PROVIDER="console"):
            self._load()
        if not options["no_sign_ins"]:
            self._sign_ins()

    def _wait_for(self, url: str, seconds: float = 120) -> None:
        """Until `url` answers at all (any status) or `seconds` pass."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 (our own server)
                return
            except urllib.error.HTTPError:
                return  # it answered
            except OSError:
                time.sleep(0.5)

    def _sign_ins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Minga's demo is served at {settings.MINGA_PUBLIC_URL}/")
        for module in _modules():
            notes = getattr(module, "sign_in_notes", None)
            for line in notes() if notes else []:
                self.stdout.write(line)

    def _load(self):
        people: dict = {}
        coops: dict = {}
        with transaction.atomic():
            for module in _modules():
                module.load(people=people, coops=coops, stdout=self.stdout)
        # Sign a checkpoint so the public log and every receipt verify at once.
        call_command("log", "checkpoint", verbosity=0, stdout=io.StringIO())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo world ready: {len(coops)} cooperatives, {len(people)} people."
            )
        )


def _modules() -> list[ModuleType]:
    """The demo modules of the installed apps, in loading order (others are skipped)."""
    return [
        importlib.import_module(name)
        for name in settings.MINGA_DEMO_MODULES
        if apps.is_installed(name.rpartition(".")[0]) and importlib.util.find_spec(name)
    ]
