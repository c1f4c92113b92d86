"""`minga restore FILE [--force]`: put a backup written by `minga backup` back in place.

Every part of the file is checked before the database is touched. The database must be empty
(a fresh `DATABASE_URL`, or a new `MINGA_VAR_DIR`) unless `--force` replaces what is there.
Run `minga migrate` afterwards when the backup comes from an older release, then
`minga log verify`. Exit status 0 restored, 2 could not (nothing changed).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minga.core.backup import (
    BackupError,
    database_is_empty,
    read_backup,
    restore_database,
    restore_files,
)
from minga.identity.keys import master_key


class Command(BaseCommand):
    help = "Restore a backup written by `minga backup` into an empty database (or --force)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="The backup, or - for standard input.")
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that already holds data."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if not options["force"] and not database_is_empty():
                raise BackupError(
                    "the database already holds data: restore into a fresh one, or add --force "
                    "to replace it."
                )
            key = master_key()
            with tempfile.TemporaryDirectory(prefix="minga-restore-") as workdir:
                if options["file"] == "-":
                    opened = read_backup(sys.stdin.buffer, key, Path(workdir))
                else:
                    with open(options["file"], "rb") as source:
                        opened = read_backup(source, key, Path(workdir))
                restore_database(opened["vendor"], opened["database"])
                files = restore_files(opened["files"])
        except (BackupError, OSError) as error:
            raise CommandError(f"Nothing was restored: {error}", returncode=2) from None
        self.stderr.write(
            f"Restored the {opened['vendor']} database and {files} files. "
            "Next: minga migrate, then minga log verify."
        )
