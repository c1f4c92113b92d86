"""The audit app's public reading API for other apps (see the package docstring).

Other apps never query the log's tables: they read entries, the values entries hold,
checkpoints and inclusion proofs here, and register checks that `minga log verify` runs after
the log's own (an app whose rows each cite a log entry can prove both still agree). What they
get are plain values (`LoggedEntry`, `SignedCheckpoint`), never the log's model instances.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Field

from minga.core.hotsql import hot_cursor

from . import merkle, note
from .log import inclusion_proof, open_checkpoint
from .models import Checkpoint, Entry


@dataclass(frozen=True)
class LoggedEntry:
    """One entry as the log holds it: its public data, its leaf hash, its time, its bytes."""

    index: int
    kind: str
    subject: str
    data: dict[str, Any]
    leaf_hash: bytes
    at: datetime.datetime
    body: bytes  # the canonical JSON that was hashed: what a proof of inclusion proves


@dataclass(frozen=True)
class SignedCheckpoint:
    """A signed tree head: the log's first `size` entries, and its signed note (C2SP
    tlog-checkpoint, without witness cosignatures)."""

    size: int
    note: str


class NotProven(Exception):
    """An entry could not be proven in a checkpoint (bad signature, proof or root)."""


def _logged(index: int, kind: str, subject: str, body: bytes, leaf: bytes, at) -> LoggedEntry:
    body = bytes(body)
    return LoggedEntry(index, kind, subject, json.loads(body)["data"], bytes(leaf), at, body)


_COLUMNS = ("index", "kind", "subject", "body", "leaf_hash", "created_at")


def entry(index: int) -> LoggedEntry | None:
    """The entry at `index`, or None if the log has none there."""
    row = Entry.objects.filter(index=index).values_list(*_COLUMNS).first()
    return _logged(*row) if row else None


def entries(*, kind: str, subject_prefix: str = "") -> Iterator[LoggedEntry]:
    """Every entry of `kind` (whose subject starts with `subject_prefix`), in log order."""
    rows = Entry.objects.filter(kind=kind)
    if subject_prefix:
        rows = rows.filter(subject__startswith=subject_prefix)
    for row in rows.order_by("index").values_list(*_COLUMNS).iterator(chunk_size=2000):
        yield _logged(*row)


def count_entries(*, kind: str, subject: str) -> int:
    """How many entries of `kind` the log holds about `subject` (exactly that subject)."""
    return Entry.objects.filter(kind=kind, subject=subject).count()


def logged_values(*, kind: str, subject: str, name: str) -> list[Any]:
    """The public value `name` of every entry of `kind` about `subject`, in log order: e.g.
    every ballot commitment logged for a poll. Reads only the entries' bytes, however many."""
    bodies = (
        Entry.objects.filter(kind=kind, subject=subject)
        .order_by("index")
        .values_list("body", flat=True)
    )
    return [json.loads(bytes(body))["data"][name] for body in bodies.iterator(chunk_size=5000)]


def first_index_since(moment: datetime.datetime) -> int | None:
    """The index of the first entry recorded at or after `moment`; None when none was yet."""
    return (
        Entry.objects.filter(created_at__gte=moment)
        .order_by("index")
        .values_list("index", flat=True)
        .first()
    )


def checkpoint_covering(index: int) -> SignedCheckpoint | None:
    """The first checkpoint signed over entry `index` (published or still waiting for its
    witnesses); None until one is."""
    row = Checkpoint.objects.filter(size__gt=index).order_by("size").values_list("size", "note")
    found = row.first()
    return SignedCheckpoint(*found) if found else None


def prove_inclusion(logged: LoggedEntry, checkpoint: SignedCheckpoint) -> int:
    """Prove that `logged` is in the tree `checkpoint` signs, and return that tree's size.

    The checkpoint's signature is checked against every platform key ever used, its tree is
    rebuilt from the stored tiles, and the leaf is recomputed from the entry's bytes: a
    stored entry altered since cannot be proven. Raises `NotProven` saying what failed.
    """
    try:
        size, root = open_checkpoint(checkpoint.note)
        proof = inclusion_proof(logged.index, size)
        merkle.verify_inclusion(merkle.leaf_hash(logged.body), logged.index, size, proof, root)
    except (merkle.ProofError, note.NoteError) as error:
        raise NotProven(str(error)) from error
    return size


# --- fast path: credential verification ---------------------------------------------------------
# Budget: `credential-verifications-per-core` >= 200/s (bench/bench_credentials.py). Every
# verification of a credential issued here reads its issuance entry and the latest checkpoint;
# building these two queries through the ORM costs far more than running them, so they are
# plain SQL, built once, run on `core.hotsql`'s cursor (as the log's own appends are).


def _column(name: str) -> str:
    """The column of the entry's field `name` (each of `_COLUMNS` is a concrete field)."""
    field = Entry._meta.get_field(name)
    assert isinstance(field, Field) and field.column is not None
    return field.column


@functools.cache
def _fast_sql() -> tuple[str, str]:
    quote = connection.ops.quote_name
    entries_table, checkpoints = quote(Entry._meta.db_table), quote(Checkpoint._meta.db_table)
    columns = ", ".join(quote(_column(name)) for name in _COLUMNS)
    index, size = quote("index"), quote("size")
    return (
        f"SELECT {columns} FROM {entries_table} "  # noqa: S608 (constant names)
        f"WHERE subject = %s AND kind = %s ORDER BY {index} LIMIT 1",
        f"SELECT {size}, note FROM {checkpoints} ORDER BY {size} DESC LIMIT 1",  # noqa: S608
    )


def _aware(value: str | datetime.datetime) -> datetime.datetime:
    """A time column as read without the ORM: text or naive on SQLite, aware on PostgreSQL."""
    moment = datetime.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)


def first_entry(*, kind: str, subject: str) -> LoggedEntry | None:
    """The first entry of `kind` about `subject` (exactly that subject), or None: e.g. the
    issuance of a credential."""
    with hot_cursor() as cursor:
        cursor.execute(_fast_sql()[0], [subject, kind])
        row = cursor.fetchone()
    if row is None:
        return None
    index, kind, subject, body, leaf, at = row
    return _logged(int(index), kind, subject, body, leaf, _aware(at))


def newest_checkpoint() -> SignedCheckpoint | None:
    """The latest checkpoint signed (published or still waiting for its witnesses), or None
    before the first."""
    with hot_cursor() as cursor:
        cursor.execute(_fast_sql()[1])
        row = cursor.fetchone()
    return None if row is None else SignedCheckpoint(int(row[0]), str(row[1]))


# --- checks of other apps -----------------------------------------------------------------------

# name -> a function returning the problems it found (an empty list when all agrees).
_CHECKS: dict[str, Callable[[], list[str]]] = {}


def register_check(name: str, check: Callable[[], list[str]]) -> None:
    """Have `minga log verify` also run `check` (an app's rows against the entries they cite)."""
    _CHECKS[name] = check


def registered_checks() -> dict[str, Callable[[], list[str]]]:
    return dict(_CHECKS)
