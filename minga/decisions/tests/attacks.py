"""Attacks on secret ballots, run as someone holding the database would run them.

Reusable by any test that records votes (any channel): `file_database` moves the test's data
into an SQLite file in WAL mode (the production default) so that the attacks read real files;
`Reader` is what the attacker holds (every byte of every database file, every table, the
audit log, and after closing possibly the master key); each `*_attack` returns the pairing it
found, as {elector id: canonical choice}, and `beyond_chance` says whether a pairing knows
more than the public result alone implies.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import sqlite3
import struct
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from minga.audit.models import Entry
from minga.decisions import secrecy
from minga.decisions.models import Participation, Poll

# A stored choice, as JSON text: what a ballot row holds in clear.
CHOICE = re.compile(rb'\{"(?:choice|approve|scores|ranking|consent)":[^\x00{}]{0,300}?\}+')
WAL_HEADER, FRAME_HEADER = 32, 24


@pytest.fixture
def file_database(tmp_path) -> Iterator[Path]:
    """The test database as an SQLite file in WAL mode, through the project's own engine and
    options, with what the test built so far copied in. Yields the file's path. Needs
    `django_db(transaction=True)` (the closing's durable wipe runs after its commit)."""
    if connection.vendor != "sqlite":
        pytest.skip("reads an SQLite database's files")
    path = tmp_path / "minga.sqlite3"
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    original = connections["default"]
    settings = {**original.settings_dict, "NAME": str(path)}
    wrapper = original.__class__(settings, alias="default")
    connections["default"] = wrapper
    try:
        wrapper.ensure_connection()
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            # As commands run it. A server process (anything that imported minga.wsgi, as
            # another test of this process may have) checkpoints from a thread instead, with
            # automatic checkpoints off; the closing's truncating checkpoint serves both.
            cursor.execute("PRAGMA wal_autocheckpoint=1000")
        yield path
    finally:
        wrapper.close()
        connections["default"] = original


def database_files(path: Path) -> dict[str, bytes]:
    """Every file of the database, as an attacker copying the directory would get them."""
    return {
        candidate.name: candidate.read_bytes()
        for candidate in sorted(path.parent.glob(path.name + "*"))
        if candidate.is_file()
    }


def copy_files(path: Path, into: Path) -> Path:
    into.mkdir(exist_ok=True)
    for candidate in path.parent.glob(path.name + "*"):
        shutil.copy(candidate, into / candidate.name)
    return into / path.name


def found_in(files: dict[str, bytes], needles: dict[str, bytes]) -> set[tuple[str, str]]:
    """(needle's name, file's name) for every needle some file holds."""
    return {
        (name, file)
        for name, needle in needles.items()
        for file, data in files.items()
        if needle in data
    }


def canonical(choice: Any) -> str:
    if isinstance(choice, bytes | str):
        choice = json.loads(choice)
    return secrecy.canonical(choice)


def beyond_chance(pairing: dict[int, str], truth: dict[int, str]) -> bool:
    """Whether `pairing` gets more voters right than the public result alone would: guessing,
    for the same voters, the choice most of them made."""
    guessed = [elector for elector in pairing if elector in truth]
    right = sum(pairing[elector] == truth[elector] for elector in guessed)
    baseline = max(Counter(truth[elector] for elector in guessed).values(), default=0)
    return right > baseline


def voting_order(poll: Poll) -> list[int]:
    """Electors in the order their participation rows were first written (ids follow it)."""
    return list(
        Participation.objects.filter(poll=poll).order_by("pk").values_list("elector_id", flat=True)
    )


def _physical_rows(table: str) -> list[tuple]:
    quote = connection.ops.quote_name
    order = ""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [table])
            row = cursor.fetchone()
            order = "" if row and "WITHOUT ROWID" in (row[0] or "").upper() else " ORDER BY rowid"
        else:
            order = " ORDER BY ctid"
        cursor.execute(f"SELECT * FROM {quote(table)}{order}")  # noqa: S608 (table names)
        return cursor.fetchall()


def clear_choices_in_tables(poll: Poll | None = None) -> list[str]:
    """Every choice readable in clear in any table, each table read in its physical order
    (rows of other polls left out when `poll` is given)."""
    found = []
    for table in connection.introspection.table_names():
        if table.startswith("audit_"):
            continue  # the public log: see log_attack
        rows, columns = _physical_rows(table), _columns(table)
        where = columns.index("poll_id") if poll is not None and "poll_id" in columns else None
        for row in rows:
            if where is not None and row[where] != poll.pk:
                continue
            for value in row:
                text = (
                    bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
                )
                if isinstance(value, dict):
                    text = json.dumps(value, separators=(",", ":")).encode()
                found += [canonical(match) for match in _choices(text)]
    return found


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    return [column.name for column in description]


def _choices(data: bytes) -> list[bytes]:
    out = []
    for match in CHOICE.finditer(data):
        text = match.group(0)
        while text:
            try:
                json.loads(text)
            except ValueError:
                text = text[:-1] if text.endswith(b"}") else b""
                continue
            out.append(text)
            break
    return out


def row_order_attack(poll: Poll) -> dict[int, str]:
    """Pair the i-th voter (participation ids follow insertion order) with the i-th choice
    found in clear in the tables read in physical order (row ids follow insertion order)."""
    choices = clear_choices_in_tables(poll)
    electors = voting_order(poll)
    if not choices or len(choices) < len(electors):
        return {}
    return dict(zip(electors, choices[-len(electors) :], strict=True))


def log_attack(poll: Poll) -> dict[int, str]:
    """Pair voters with choices through the public log: each `ballot.cast` entry's commitment
    and time, in log order, beside the voting order, joined to any stored row that still
    holds that commitment next to a choice."""
    entries = Entry.objects.filter(kind="ballot.cast", subject=f"poll:{poll.pk}").order_by("index")
    commitments = [json.loads(bytes(entry.body))["data"]["commitment"] for entry in entries]
    electors = voting_order(poll)
    if (
        len(commitments) != len(electors)
        or len({json.loads(bytes(e.body))["at"] for e in entries}) < 2
    ):
        return {}  # not one entry per voter at its own moment
    by_commitment: dict[str, str] = {}
    for table in connection.introspection.table_names():
        if table.startswith("audit_"):
            continue
        for row in _physical_rows(table):
            values = [str(value) for value in row]
            for commitment in set(commitments).intersection(values):
                for value in row:
                    if isinstance(value, dict) or isinstance(value, str) and value.startswith("{"):
                        by_commitment[commitment] = canonical(value)
    return {
        elector: by_commitment[commitment]
        for elector, commitment in zip(electors, commitments, strict=True)
        if commitment in by_commitment
    }


def wal_commits(wal: bytes) -> list[list[tuple[int, bytes]]]:
    """The -wal file's frames, grouped by the transaction that wrote them, oldest first."""
    if len(wal) < WAL_HEADER:
        return []
    page_size = struct.unpack(">I", wal[8:12])[0]
    commits, current, offset = [], [], WAL_HEADER
    while offset + FRAME_HEADER + page_size <= len(wal):
        page, size_after = struct.unpack(">II", wal[offset : offset + 8])
        current.append((page, wal[offset + FRAME_HEADER : offset + FRAME_HEADER + page_size]))
        offset += FRAME_HEADER + page_size
        if size_after:
            commits.append(current)
            current = []
    return commits


def wal_frame_attack(poll: Poll, files: dict[str, bytes]) -> dict[int, str]:
    """Diff each commit's pages against their previous versions: a commit that adds a choice
    in clear is one voter's request, and the commits come in the voting order."""
    wal = next((data for name, data in files.items() if name.endswith("-wal")), b"")
    last: dict[int, bytes] = {}
    added: list[str] = []
    for commit in wal_commits(wal):
        new = []
        for page, data in commit:
            before = Counter(_choices(last.get(page, b"")))
            for text in _choices(data):
                if before[text]:
                    before[text] -= 1
                else:
                    new.append(canonical(text))
            last[page] = data
        if len(new) == 1:
            added.append(new[0])
    electors = voting_order(poll)
    if len(added) < len(electors):
        return {}
    return dict(zip(electors, added[-len(electors) :], strict=True))


def key_attack(
    poll_id: int, electors: list[int], files: dict[str, bytes], salt: bytes, key: bytes
) -> dict[int, str]:
    """With the master key and a salt found in the files: recompute each elector's token,
    find it in the files, and read (or open) the ballot stored beside it."""
    if not any(salt in data for data in files.values()):
        return {}
    sealer = secrecy.Sealer(poll_id, salt, key) if hasattr(secrecy, "Sealer") else None
    pairing: dict[int, str] = {}
    for elector in electors:
        token = secrecy.ballot_token(salt, elector, key)
        for data in files.values():
            at = data.find(token)
            while at >= 0 and elector not in pairing:
                near = data[at : at + 600]
                clear = _choices(near)
                if clear:
                    pairing[elector] = canonical(clear[0])
                # A sealed ballot right after its token: on PostgreSQL after a length header of
                # 1 byte, or of 4 bytes aligned to 4 for values over 126 bytes (padded seals).
                for start, size in itertools.product(range(32, 44), range(40, 560)):
                    if sealer is None:
                        break
                    try:
                        _id, choice, _weight = sealer.open(token, near[start : start + size])
                    except (ValueError, IndexError):
                        continue
                    pairing[elector] = canonical(choice)
                    break
                at = data.find(token, at + 1)
    return pairing


def postgres_pages() -> dict[str, bytes]:
    """PostgreSQL's counterpart of `database_files`: every page of every table, index and
    TOAST relation of the database, read raw (pageinspect, as a superuser can), dead row
    versions and free space included. The write-ahead log is not read: see `secrecy`."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute(
            "SELECT c.oid::regclass::text, "
            "pg_relation_size(c.oid) / current_setting('block_size')::int "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname IN ('public', 'pg_toast') AND c.relkind IN ('r', 'i', 't', 'm') "
            "AND c.relpersistence = 'p'"
        )
        relations = cursor.fetchall()
        pages: dict[str, bytes] = {}
        for name, count in relations:
            chunks = []
            for block in range(count):
                cursor.execute("SELECT get_raw_page(%s, 'main', %s)", [name, block])
                chunks.append(bytes(cursor.fetchone()[0]))
            pages[name] = b"".join(chunks)
        return pages
