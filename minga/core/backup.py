"""Backups: the database, uploads and other files under `MINGA_VAR_DIR`, sealed in one file.

`minga backup` writes, and `minga restore` reads, a file of this shape:

    MINGA-BACKUP 1\\n
    <header: one line of JSON, {"vendor", "created_at", "key_id", "chunk_size"}>\\n
    frames: 4-byte big-endian length, then AES-256-GCM(nonce (12) || ciphertext+tag)

The frames carry a tar archive (`database.sqlite3` or `database.pgdump`, then `files/...`),
split into chunks of `chunk_size` bytes. Each chunk is sealed under a key derived from the
master key (HKDF-SHA256, "minga backup v1"), with the header, the chunk's number and whether
it is the last as associated data: a reordered, truncated, spliced or altered backup fails to
open, and one sealed under another master key says so before anything is restored. The master
key itself is never inside: keep it apart from the backups (a backup is of no use without it,
and of no use to whoever steals it alone).

The database is copied consistently while the server runs: SQLite through its online backup
API, PostgreSQL through `pg_dump --format=custom` (restored with `pg_restore`). Pure of the
apps: the commands in `minga.identity` hand over the master key.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, connections

MAGIC = b"MINGA-BACKUP 1\n"
CHUNK_SIZE = 1 << 20
_NONCE = 12
_LENGTH = struct.Struct(">I")
# Never copied as files: the live database (copied through its own API instead) and the key.
_DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal", "-writers")


class BackupError(Exception):
    """A backup that cannot be written or opened; the message says why, for a person."""


def _key(master_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"minga backup v1").derive(
        master_key
    )


def _aad(header: bytes, number: int, last: bool) -> bytes:
    return header + struct.pack(">Q?", number, last)


class _SealingWriter(io.RawIOBase):
    """A write-only stream that seals what it is given, chunk by chunk, into `out`."""

    def __init__(self, out: IO[bytes], master_key: bytes, header: bytes) -> None:
        self._out, self._aead, self._header = out, AESGCM(_key(master_key)), header
        self._buffer = bytearray()
        self._number = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK_SIZE:  # keep at least one byte for the last chunk
            self._seal(bytes(self._buffer[:CHUNK_SIZE]), last=False)
            del self._buffer[:CHUNK_SIZE]
        return len(data)

    def finish(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        nonce = os.urandom(_NONCE)
        sealed = nonce + self._aead.encrypt(nonce, chunk, _aad(self._header, self._number, last))
        self._out.write(_LENGTH.pack(len(sealed)) + sealed)
        self._number += 1


def _opened_chunks(source: IO[bytes], master_key: bytes) -> Iterator[bytes]:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("This is not a Minga backup file.")
    header = source.readline()
    try:
        key_id = json.loads(header)["key_id"]
    except (ValueError, KeyError, TypeError):
        raise BackupError("The backup's header is damaged.") from None
    if key_id != key_fingerprint(master_key):
        raise BackupError(
            "This backup was sealed under another master key: set MINGA_MASTER_KEY (or "
            "MINGA_MASTER_KEY_FILE) to the key of the instance it was made on."
        )
    aead = AESGCM(_key(master_key))
    number, last = 0, False
    while not last:
        size = source.read(_LENGTH.size)
        if len(size) != _LENGTH.size:
            raise BackupError("The backup ends early: it was cut short.")
        sealed = source.read(_LENGTH.unpack(size)[0])
        nonce, body = sealed[:_NONCE], sealed[_NONCE:]
        for last in (False, True):
            try:
                chunk = aead.decrypt(nonce, body, _aad(header, number, last))
                break
            except Exception:  # noqa: S112 (cryptography's InvalidTag: try the other flag)
                continue
        else:
            raise BackupError(f"The backup is damaged or was altered (part {number + 1}).")
        number += 1
        yield chunk
    if source.read(1):
        raise BackupError("The backup has data after its end: it was altered.")


class _OpeningReader(io.RawIOBase):
    def __init__(self, source: IO[bytes], master_key: bytes) -> None:
        self._chunks = _opened_chunks(source, master_key)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self._pending))
        target[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def key_fingerprint(master_key: bytes) -> str:
    """Which master key sealed a backup, without revealing it."""
    return _key(master_key + b"\x00fingerprint")[:8].hex()


def _database_files() -> set[Path]:
    if connection.vendor != "sqlite":
        return set()
    name = Path(str(connection.settings_dict["NAME"])).resolve()
    return {Path(f"{name}{suffix}") for suffix in _DATABASE_SUFFIXES}


def _kept_files(var_dir: Path, skip: set[Path]) -> Iterator[Path]:
    """Every file under `var_dir` worth keeping: uploads, tiles, keys of this instance."""
    if not var_dir.is_dir():
        return
    for root, dirs, files in os.walk(var_dir):
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            if path.resolve() not in skip and path.is_file():
                yield path


def _dump_database(workdir: Path) -> tuple[str, Path]:
    if connection.vendor == "sqlite":
        target = workdir / "database.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)  # consistent while others keep writing
        finally:
            copy.close()
        return "sqlite", target
    if connection.vendor == "postgresql":
        target = workdir / "database.pgdump"
        _run_pg("pg_dump", "--format=custom", "--no-owner", f"--file={target}")
        return "postgresql", target
    raise BackupError(f"Backups of a {connection.vendor} database are not supported.")


def _pg_environment() -> dict[str, str]:
    settings_dict = connections["default"].settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _run_pg(program: str, *args: str) -> None:
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (Debian: apt install postgresql-client).")
    done = subprocess.run(  # noqa: S603 (a fixed program, arguments of our own)
        [program, *args], env=_pg_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{program} failed: {done.stderr.strip()[-500:]}")


def write_backup(out: IO[bytes], master_key: bytes) -> dict[str, Any]:
    """Seal the database and the files under MINGA_VAR_DIR into `out`; returns what was kept."""
    var_dir = Path(settings.VAR_DIR).resolve()
    skip = _database_files()
    for key_file in (settings.MINGA_MASTER_KEY_FILE,):
        if key_file:
            skip.add(Path(key_file).resolve())
    header = (
        json.dumps(
            {
                "vendor": connection.vendor,
                "created_at": datetime.datetime.now(tz=datetime.UTC).isoformat(),
                "key_id": key_fingerprint(master_key),
                "chunk_size": CHUNK_SIZE,
            },
            sort_keys=True,
        ).encode()
        + b"\n"
    )
    out.write(MAGIC + header)
    sealing = _SealingWriter(out, master_key, header)
    files = 0
    with tempfile.TemporaryDirectory(prefix="minga-backup-") as workdir:
        vendor, dump = _dump_database(Path(workdir))
        with tarfile.open(fileobj=sealing, mode="w|") as archive:
            archive.add(dump, arcname=dump.name)
            for path in _kept_files(var_dir, skip):
                archive.add(path, arcname=f"files/{path.relative_to(var_dir).as_posix()}")
                files += 1
    sealing.finish()
    return {"vendor": vendor, "files": files}


def read_backup(source: IO[bytes], master_key: bytes, workdir: Path) -> dict[str, Any]:
    """Open a backup into `workdir` (`database.*` and `files/`), checking every chunk."""
    stream = io.BufferedReader(_OpeningReader(source, master_key), buffer_size=CHUNK_SIZE)
    try:
        with tarfile.open(fileobj=stream, mode="r|") as archive:
            archive.extractall(workdir, filter="data")
        while stream.read(CHUNK_SIZE):  # tar stops at its end marker: check every chunk after it
            pass
    except tarfile.TarError as error:
        raise BackupError(f"The backup's archive is damaged: {error}") from None
    databases = sorted(workdir.glob("database.*"))
    if len(databases) != 1:
        raise BackupError("The backup holds no database.")
    vendor = "sqlite" if databases[0].suffix == ".sqlite3" else "postgresql"
    return {"vendor": vendor, "database": databases[0], "files": workdir / "files"}


def restore_database(vendor: str, dump: Path) -> None:
    """Replace the configured database's contents with `dump` (same engine only)."""
    if vendor != connection.vendor:
        raise BackupError(
            f"This backup holds a {vendor} database; the configured one is {connection.vendor}."
        )
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)  # page by page, through SQLite's own API
        finally:
            source.close()
        return
    connection.close()
    _run_pg(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        f"--dbname={connections['default'].settings_dict['NAME']}",
        str(dump),
    )


def restore_files(files: Path) -> int:
    """Copy the backup's files back under MINGA_VAR_DIR; returns how many."""
    var_dir = Path(settings.VAR_DIR)
    count = 0
    if not files.is_dir():
        return count
    for root, _dirs, names in os.walk(files):
        for name in names:
            source = Path(root, name)
            target = var_dir / source.relative_to(files)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            count += 1
    return count


def database_is_empty() -> bool:
    """Whether the configured database holds nobody yet: no tables, or migrated with no account.

    A freshly migrated database already holds rows (content types, permissions), so "empty"
    means what a person would: nobody has signed up, nothing was recorded.
    """
    tables = set(connection.introspection.table_names())
    users = get_user_model()
    if users._meta.db_table not in tables:
        return True
    return not users.objects.exists()
