"""`minga log verify | checkpoint | monitor`: check the log, sign a checkpoint now, watch a log.

Checkpoints are signed periodically by `minga worker` (`minga.audit.jobs`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minga.audit import integrity, log, witness


class Command(BaseCommand):
    help = "The public audit log: verify it, sign a checkpoint, or monitor another log."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "verify",
            help="Recompute every leaf, tile and checkpoint from the database; exit 1 if altered.",
        )
        actions.add_parser("checkpoint", help="Sign a checkpoint now and ask witnesses to cosign.")
        monitor = actions.add_parser(
            "monitor",
            help="Check a log's latest checkpoint against the last one verified "
            "(see minga.audit.monitor); exit 1 on rollback, fork or missing quorum.",
            add_help=False,
        )
        monitor.add_argument("arguments", nargs=argparse.REMAINDER)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(**options)

    def handle_monitor(self, **options: Any) -> None:
        from minga.audit.monitor import main as monitor

        code = monitor(options["arguments"])
        if code:
            sys.exit(code)

    def handle_verify(self, **options: Any) -> None:
        try:
            report = integrity.verify_log()
        except integrity.TamperError as error:
            where = "" if error.index is None else f" at index {error.index}"
            raise CommandError(f"The log was tampered with{where}: {error}", returncode=1) from None
        self.stdout.write(
            f"The log is intact: {report.entries} entries, {report.tiles} tiles and "
            f"{report.checkpoints} checkpoints verified in {report.seconds:.1f} s."
        )

    def handle_checkpoint(self, **options: Any) -> None:
        try:
            checkpoint = log.create_checkpoint()
        except log.LogError as error:
            raise CommandError(str(error), returncode=1) from None
        if checkpoint is None:
            checkpoint = log.latest_signed_checkpoint()
            self.stdout.write("No new entries since the latest checkpoint.")
        if checkpoint is not None:
            witness.collect_cosignatures(checkpoint)
            self.stdout.write(checkpoint.signed_note, ending="")
