"""`minga did resolve DID`: print a DID document, or the spec's error name and exit 1."""

import json
import sys

from django.core.management.base import BaseCommand, CommandParser

from minga.identity.didcore import DidError
from minga.identity.resolution import resolve


class Command(BaseCommand):
    help = (
        "Resolve DIDs: did:key offline, this instance's did:web from the database, "
        "other hosts' did:web over HTTPS (with a timeout and a cache)."
    )
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        resolve_parser = actions.add_parser("resolve", help="Print the DID document as JSON.")
        resolve_parser.add_argument("did", metavar="DID")

    def handle(self, *args: object, **options: object) -> None:
        did = str(options["did"])
        try:
            document = resolve(did)
        except DidError as exc:
            self.stderr.write(f"{exc.code}: {exc.message}")
            sys.exit(1)
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
