"""The audit app's public reading API for other apps (see the package docstring).

Other apps never query the log's tables: they read entries here, by index or by kind, and
register checks that `minga log verify` runs after the log's own (an app whose rows each cite
a log entry can prove both still agree).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .models import Entry


@dataclass(frozen=True)
class LoggedEntry:
    """One entry as the log holds it: its public data, its leaf hash, its time."""

    index: int
    kind: str
    subject: str
    data: dict[str, Any]
    leaf_hash: bytes
    at: datetime.datetime


def _logged(index: int, kind: str, subject: str, body: bytes, leaf: bytes, at) -> LoggedEntry:
    return LoggedEntry(index, kind, subject, json.loads(bytes(body))["data"], bytes(leaf), at)


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


# name -> a function returning the problems it found (an empty list when all agrees).
_CHECKS: dict[str, Callable[[], list[str]]] = {}


def register_check(name: str, check: Callable[[], list[str]]) -> None:
    """Have `minga log verify` also run `check` (an app's rows against the entries they cite)."""
    _CHECKS[name] = check


def registered_checks() -> dict[str, Callable[[], list[str]]]:
    return dict(_CHECKS)
