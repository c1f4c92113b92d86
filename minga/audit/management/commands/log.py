"""`minga log verify | checkpoint | worker`: check the log, sign a checkpoint, keep signing."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections, connection

from minga.audit import integrity, log, witness


class Command(BaseCommand):
    help = "The public audit log: verify it, sign a checkpoint, or run the checkpoint worker."

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
        worker = actions.add_parser("worker", help="Sign checkpoints while entries arrive.")
        worker.add_argument(
            "--interval",
            type=float,
            default=settings.MINGA_LOG_CHECKPOINT_SECONDS,
            help="Seconds between checkpoints (default: MINGA_LOG_CHECKPOINT_SECONDS).",
        )
        worker.add_argument(
            "--iterations", type=int, default=0, help="Stop after this many rounds (0: never)."
        )

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

    def handle_worker(self, *, interval: float, iterations: int, **options: Any) -> None:
        self.stdout.write(f"Signing a checkpoint every {interval:g} s while entries arrive.")
        rounds = 0
        try:
            while True:
                self._round()
                rounds += 1
                if iterations and rounds >= iterations:
                    break
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def _round(self) -> None:
        if not connection.in_atomic_block:  # a worker holds its connection for days
            close_old_connections()
        try:
            checkpoint = log.create_checkpoint()
        except (log.LogError, DatabaseError) as error:
            # A worker outlives a locked database or a bad moment; the next round retries.
            self.stderr.write(f"No checkpoint this round: {error}")
            return
        if checkpoint is None:  # nothing new: a checkpoint may still wait for its witnesses
            waiting = log.latest_signed_checkpoint()
            if waiting is not None and waiting.published_at is None:
                witness.collect_cosignatures(waiting)
                if waiting.published_at is not None:
                    self.stdout.write(f"Checkpoint {waiting.size} published.")
            return
        cosigned = witness.collect_cosignatures(checkpoint)
        state = "published" if checkpoint.published_at else "waiting for its witnesses"
        self.stdout.write(f"Checkpoint {checkpoint.size} signed, {cosigned} cosignatures, {state}.")
