"""The statements behind `actions.post_entry`, in plain SQL.

A fenced fast path for one budget: >= 1,000 audited postings per second on 2 cores
(DESIGN.md; `bench/bench_treasury.py`). Through the ORM a posting cost about ten times its
SQL: building queries, not running them. Each function here is one or two statements on
`core.fast`'s cursor (names and values through `core.fast.sql`); the rules stay in `actions`
and, again, in the database's triggers.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import functools
from collections.abc import Iterator
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections

from minga.core.fast import rows
from minga.core.fast.cursor import hot_cursor
from minga.core.fast.sql import db_value, quote, table

from .models import Account, Books, FiscalYear, JournalEntry, Line, Period


class AccountRow(NamedTuple):
    id: int
    code: str
    root: str
    role: str
    is_active: bool
    name_en: str


def _db() -> Any:
    return connections[DEFAULT_DB_ALIAS]


_once: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "treasury_posting_reads", default=None
)


@contextlib.contextmanager
def reading_once() -> Iterator[None]:
    """Within, in one transaction, `books_of` and `accounts` read each question once: for
    several entries posted together (the payment inbox settles its chunks in one transaction,
    `payments.Handler.prepare`), the books' currency and zone and the accounts the lines name
    are read by the first entry and shared by the others. Budget
    payment-callbacks-per-second."""
    token = _once.set({})
    try:
        yield
    finally:
        _once.reset(token)


def _remembered(question: tuple, read: Any) -> Any:
    known = _once.get()
    if known is None:
        return read()
    if question not in known:
        known[question] = read()
    return known[question]


@functools.cache
def _sql(vendor: str) -> dict[str, str]:
    q = quote
    books = table(Books)
    year, period = table(FiscalYear), table(Period)
    entry, line = table(JournalEntry), table(Line)
    from minga.coops.models import Membership

    membership = table(Membership)
    header = (
        "id", "coop_id", "fiscal_year_id", "number", "date", "narration", "kind", "reference",
        "reverses_id", "actor_id", "line_count", "total", "salt", "prev_hash", "hash",
        "audit_index", "posted_at",
    )  # fmt: skip
    return {
        "books": f"SELECT currency, time_zone, (SELECT role FROM {membership} "  # noqa: S608
        "WHERE coop_id = %s AND person_id = %s AND status = 'active') "
        f"FROM {books} WHERE coop_id = %s",
        "year": f"SELECT y.id, y.start, y.{q('end')}, y.status, (SELECT COUNT(*) FROM {period} p "  # noqa: S608
        f"WHERE p.fiscal_year_id = y.id AND p.closed_at IS NOT NULL "
        f"AND p.start <= %s AND p.{q('end')} >= %s) FROM {year} y "
        f"WHERE y.coop_id = %s AND y.start <= %s AND y.{q('end')} >= %s",
        # The unique index is partial: SQLite uses it only with its condition in the query
        # (`core.lookups`).
        "reference": f"SELECT 1 FROM {entry} WHERE coop_id = %s AND reference = %s "  # noqa: S608
        "AND NOT (reference = '')",
        "take": f"UPDATE {year} SET last_number = last_number + 1 "  # noqa: S608
        f"WHERE coop_id = %s AND start <= %s AND {q('end')} >= %s AND status = 'open' "
        f"AND NOT EXISTS (SELECT 1 FROM {period} p WHERE p.fiscal_year_id = {year}.id "
        f"AND p.closed_at IS NOT NULL AND p.start <= %s AND p.{q('end')} >= %s) "
        f"RETURNING id, start, {q('end')}, last_number, last_hash",
        "chain": f"UPDATE {year} SET last_hash = %s WHERE id = %s",  # noqa: S608
        "line": f"INSERT INTO {line} (entry_id, coop_id, account_id, member_id, amount, date) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s)",
        "header": f"INSERT INTO {entry} ({', '.join(q(c) for c in header)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(header))})",
    }


def _date(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def accounts(coop_id: int, keys: set) -> dict[Any, AccountRow]:
    """The accounts of a cooperative named by `keys` (ids, codes or roles), found by each."""
    return _remembered(("accounts", coop_id, frozenset(keys)), lambda: _accounts(coop_id, keys))


def _accounts(coop_id: int, keys: set) -> dict[Any, AccountRow]:
    ids = [key for key in keys if isinstance(key, int)]
    names = [key for key in keys if isinstance(key, str)]
    with hot_cursor(_db()) as cursor:
        cursor.execute(
            _accounts_sql(_db().vendor, len(ids), len(names)), [coop_id, *ids, *names, *names]
        )
        rows = [AccountRow(*row[:4], bool(row[4]), row[5]) for row in cursor.fetchall()]
    found: dict[Any, AccountRow] = {}
    for row in rows:
        found[row.id] = found[row.code] = row
        if row.role:
            found.setdefault(row.role, row)
    return found


@functools.lru_cache(maxsize=64)
def _accounts_sql(vendor: str, ids: int, names: int) -> str:
    accounts = table(Account)
    wanted = []
    if ids:
        wanted.append(f"id IN ({', '.join(['%s'] * ids)})")
    if names:
        marks = ", ".join(["%s"] * names)
        wanted += [f"code IN ({marks})", f"role IN ({marks})"]
    return (
        f"SELECT id, code, root, role, is_active, name_en FROM {accounts} "  # noqa: S608
        f"WHERE coop_id = %s AND ({' OR '.join(wanted) or '0 = 1'})"
    )


def books_of(coop_id: int, person_id: int | None) -> tuple[str, str, str | None] | None:
    """(currency, time zone, the person's active membership role or None) of the cooperative's
    books; None if it keeps none here."""
    return _remembered(("books", coop_id, person_id), lambda: _books_of(coop_id, person_id))


def _books_of(coop_id: int, person_id: int | None) -> tuple[str, str, str | None] | None:
    with hot_cursor(_db()) as cursor:
        cursor.execute(_sql(_db().vendor)["books"], [coop_id, person_id, coop_id])
        return cursor.fetchone()


def year_for(
    coop_id: int, date: datetime.date
) -> tuple[int, datetime.date, datetime.date, bool] | None:
    """(year id, start, end, whether the year or the date's period is closed), None if no year
    covers `date`."""
    day = db_value(JournalEntry, "date", date, _db())
    with hot_cursor(_db()) as cursor:
        cursor.execute(_sql(_db().vendor)["year"], [day, day, coop_id, day, day])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, start, end, status, closed = row
    return pk, _date(start), _date(end), status != FiscalYear.Status.OPEN or bool(closed)


def has_reference(coop_id: int, reference: str) -> bool:
    with hot_cursor(_db()) as cursor:
        cursor.execute(_sql(_db().vendor)["reference"], [coop_id, reference])
        return cursor.fetchone() is not None


def take_number(
    coop_id: int, date: datetime.date
) -> tuple[int, datetime.date, datetime.date, int, bytes] | None:
    """(year id, start, end, number, the hash it chains on) for an entry dated `date`, from the
    open year and period covering it; None when none is open (`year_for` says why).

    The year's row stays locked until the transaction ends: postings to one year queue here,
    one at a time, so numbers have no gaps and the chain no forks.
    """
    day = db_value(JournalEntry, "date", date, _db())
    with hot_cursor(_db()) as cursor:
        cursor.execute(_sql(_db().vendor)["take"], [coop_id, day, day, day, day])
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0], _date(row[1]), _date(row[2]), row[3], bytes(row[4])


def write(
    *,
    entry: JournalEntry,
    lines: list[tuple[int, int | None, int]],
) -> None:
    """The lines (account id, member id, amount), then the header that seals them, then the
    year's new chain head."""
    db = _db()
    sql = _sql(db.vendor)
    day = db_value(JournalEntry, "date", entry.date, db)
    with hot_cursor(db) as cursor:
        cursor.executemany(
            sql["line"],
            [
                (entry.pk, entry.coop_id, account, member, amount, day)
                for account, member, amount in lines
            ],
        )
        cursor.execute(
            sql["header"],
            [
                entry.pk, entry.coop_id, entry.fiscal_year_id, entry.number, day, entry.narration,
                entry.kind, entry.reference, entry.reverses_id, entry.actor_id, entry.line_count,
                entry.total, entry.salt, entry.prev_hash, entry.hash, entry.audit_index,
                db_value(JournalEntry, "posted_at", entry.posted_at, db),
            ],
        )  # fmt: skip
        cursor.execute(sql["chain"], [entry.hash, entry.fiscal_year_id])
    rows.mark_saved(entry, db.alias)
