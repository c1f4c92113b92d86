"""`minga key rotate | retire | compromise | witnesses | init`: the platform's and cooperatives'
keys, changed by the operator through the same audited actions as the web pages.

Exit codes (the CLI contract): 0 done; 1 refused (the change was not allowed: pre-rotation
not honoured, a compromise in the future, a bad witness list), nothing changed; 2 could not
run (no such cooperative, a malformed argument).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minga.coops.models import Cooperative
from minga.identity import actions, didlogs
from minga.identity.models import Key
from minga.identity.registry import compromise_reports


class Command(BaseCommand):
    help = "Rotate, retire or declare compromised the platform's or a cooperative's key (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        for name, text in (
            ("rotate", "Replace the active key with the one the did:webvh log committed to."),
            ("retire", "End the active key (the committed next key takes over)."),
            ("compromise", "Declare a key compromised from an instant; list what to re-issue."),
            ("witnesses", "Set who must approve the DID's updates, and how many."),
            ("init", "Start the did:webvh log of the platform and of every cooperative."),
        ):
            sub = verbs.add_parser(name, help=text)
            if name != "init":
                sub.add_argument("--coop", metavar="SLUG", help="a cooperative (default: platform)")
        compromise = verbs.choices["compromise"]
        compromise.add_argument(
            "--since", required=True, help="ISO 8601 instant, e.g. 2026-05-01T08:00Z"
        )
        compromise.add_argument("--key", metavar="MULTIKEY", help="default: the active key")
        witnesses = verbs.choices["witnesses"]
        witnesses.add_argument("--threshold", type=int, required=True)
        witnesses.add_argument(
            "--witness",
            nargs=2,
            action="append",
            default=[],
            metavar=("DID", "DID_KEY"),
            help="a witness: its DID and its did:key (repeat; none clears the list)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        coop = self._coop(options.get("coop"))
        try:
            getattr(self, f"handle_{action}")(
                coop, **{k: v for k, v in options.items() if k != "coop"}
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=1) from None

    def _coop(self, slug: str | None) -> Cooperative | None:
        if not slug:
            return None
        coop = Cooperative.objects.filter(slug=slug).first()
        if coop is None:
            raise CommandError(f"There is no cooperative {slug!r}.", returncode=2)
        return coop

    def _report(self, coop: Cooperative | None, message: str) -> None:
        log = didlogs.log_of(coop)
        self.stdout.write(
            json.dumps(
                {
                    "message": message,
                    "did": log.did if log else None,
                    "version": log.entries.order_by("-version_number").first().version_id
                    if log
                    else None,
                    "published": log.published_version if log else 0,
                    "key": Key.objects.filter(coop=coop, is_active=True)
                    .values_list("public_key_multibase", flat=True)
                    .first(),
                }
            )
        )

    def handle_rotate(self, coop: Cooperative | None, **options: Any) -> None:
        actions.rotate_key(coop=coop, actor=None)
        self._report(coop, "rotated")

    def handle_retire(self, coop: Cooperative | None, **options: Any) -> None:
        actions.retire_key(coop=coop, actor=None)
        self._report(coop, "retired")

    def handle_compromise(self, coop: Cooperative | None, **options: Any) -> None:
        try:
            since = datetime.datetime.fromisoformat(options["since"].replace("Z", "+00:00"))
        except ValueError:
            raise CommandError("--since is an ISO 8601 instant.", returncode=2) from None
        if since.tzinfo is None:
            raise CommandError("--since needs a time zone (Z or +hh:mm).", returncode=2)
        found = Key.objects.filter(coop=coop, is_next=False)
        key = (
            found.filter(public_key_multibase=options["key"]).first()
            if options.get("key")
            else found.filter(is_active=True).first()
        )
        if key is None:
            raise CommandError("No such key.", returncode=2)
        actions.declare_key_compromised(coop=coop, key=key, since=since, actor=None)
        self._report(coop, "compromised")
        if coop is not None:
            # The apps list what the key signed that must be re-issued (see identity.registry).
            for report in compromise_reports():
                for line in report(coop):
                    self.stdout.write(line)

    def handle_witnesses(self, coop: Cooperative | None, **options: Any) -> None:
        pairs = [(did, key_did) for did, key_did in options["witness"]]
        actions.set_witnesses(
            coop=coop, witnesses=pairs, threshold=options["threshold"], actor=None
        )
        self._report(coop, "witnesses set")

    def handle_init(self, coop: Cooperative | None, **options: Any) -> None:
        started = 0
        for owner in [None, *Cooperative.objects.order_by("pk")]:
            if didlogs.log_of(owner) is None and (
                owner is None or Key.objects.filter(coop=owner, is_active=True).exists()
            ):
                actions.ensure_did_log(coop=owner, actor=None)
                started += 1
        self.stdout.write(f"Started {started} did:webvh logs.")
