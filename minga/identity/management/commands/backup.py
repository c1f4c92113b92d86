"""`minga backup [--output FILE]`: the database, uploads and files, sealed under the master key.

See `minga.core.backup` for the format. The command lives beside the keys: the backup is
sealed under a key derived from the master key, which is never written into it. Exit status
0 written, 2 could not (nothing is left half-written under the output name).
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minga.core.backup import BackupError, write_backup
from minga.identity.keys import master_key


class Command(BaseCommand):
    help = (
        "Write a backup: the database (copied consistently while the server runs), uploads and "
        "the other files under MINGA_VAR_DIR, sealed under the master key. Keep the master key "
        "apart from the backups."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        parser.add_argument(
            "--output",
            default=f"minga-{stamp}.backup",
            help="File to write, or - for standard output (default: minga-<time>.backup).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"]
        try:
            key = master_key()
            if output == "-":
                kept = write_backup(sys.stdout.buffer, key)
            else:
                partial = Path(f"{output}.partial")
                try:
                    with open(partial, "wb") as out:
                        os.fchmod(out.fileno(), 0o600)
                        kept = write_backup(out, key)
                    partial.replace(output)
                finally:
                    partial.unlink(missing_ok=True)
        except (BackupError, OSError) as error:
            raise CommandError(f"The backup was not written: {error}", returncode=2) from None
        if output != "-":
            self.stderr.write(
                f"Wrote {output}: the {kept['vendor']} database and {kept['files']} files."
            )
