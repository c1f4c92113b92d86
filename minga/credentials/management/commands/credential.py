"""`minga credential verify FILE`: verify a credential and print the report as JSON.

`minga credential reissue-contact-hashes`: re-issue every credential whose subject is a
salted hash of an e-mail address or phone number (as earlier versions issued them), revoke
the old ones and tell their holders (`actions.reissue_contact_hashes`; safe to run again).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minga.credentials.jsonld import MAX_INPUT_BYTES
from minga.credentials.verification import verify_credential


class Command(BaseCommand):
    help = (
        "Credentials: verify one and print a JSON report (exit 0 valid, 1 invalid, 2 could not "
        "check: the issuer's host, a status list or the audit log out of reach)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = actions.add_parser(
            "verify",
            help="Check structure, issuer, signature, dates, status and the audit log.",
        )
        verify.add_argument("file", metavar="FILE", help="The credential (JSON); - reads stdin.")
        actions.add_parser(
            "reissue-contact-hashes",
            help="Re-issue credentials that carry a hash of a contact; revoke the old ones.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action'].replace('-', '_')}")(**options)

    def handle_verify(self, *, file: str, **options: Any) -> None:
        data = self._read(file)
        report = verify_credential(data)
        self.stdout.write(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
        if not report.is_valid:
            raise SystemExit(2 if report.could_not_check else 1)

    def handle_reissue_contact_hashes(self, **options: Any) -> None:
        from minga.credentials.actions import reissue_contact_hashes

        replaced = reissue_contact_hashes(actor=None)
        self.stdout.write(
            f"Re-issued {len(replaced)} credential(s) that carried a hash of a contact; "
            "the old ones are revoked and their holders told."
        )

    def _read(self, file: str) -> bytes:
        # One byte more than the limit is enough for the verifier to say the input is too large.
        try:
            if file == "-":
                return sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
            with Path(file).open("rb") as handle:
                return handle.read(MAX_INPUT_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.", returncode=2) from None
