"""Plain statements on the hottest paths, without Django's per-statement cursor layers.

Budgets served: `ballots-per-second` (a ballot runs about ten statements), and through the
session store and person loader beside it `home-signed-in-server-time`; `notices-enqueue-10k`
(`channels.delivery`), `payment-callbacks-per-second` (`channels.payments.inbox`),
`treasury-postings` (`treasury.posting`) and `audit-appends` (`audit.log`).
Leans on: the connection wrapper's `connection`, `health_check_done`,
`close_if_health_check_failed`, `ensure_connection`, `validate_thread_sharing`,
`wrap_database_errors`, `validate_no_broken_transaction` and `queries_logged`, and on the
SQLite backend converting `%s` to `?` as `_qmark` does (all checked by tests/test_fast_layer.py).

Every signed-in request loads its session and person, and every ballot runs about ten
statements. Django's cursor wrapper rewrites each statement's placeholders for SQLite with a
regular expression, runs execute wrappers and signals, and costs about as much as SQLite takes
to run the statement. `hot_cursor` gives the driver's own cursor, with statements converted
once and remembered, database errors still raised as Django's (`IntegrityError`...), and the
transaction state still checked. When Django records queries (DEBUG, or a test counting them)
it gives Django's cursor instead, so every statement is still seen there.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

_FORMAT = re.compile(r"(?<!%)%s")


@functools.lru_cache(maxsize=512)
def _qmark(sql: str) -> str:
    """Django's "format" placeholders (%s) in SQLite's "qmark" style, as Django converts them."""
    return _FORMAT.sub("?", sql).replace("%%", "%")


class HotCursor:
    __slots__ = ("cursor", "db", "qmark")

    def __init__(self, db: Any) -> None:
        # Once a request has its connection checked, there is nothing left to check: this
        # skips the calls (and their event-loop probe) that would find exactly that.
        if db.connection is None or not db.health_check_done:
            db.close_if_health_check_failed()
            db.ensure_connection()
        db.validate_thread_sharing()
        self.db = db
        self.qmark = db.vendor == "sqlite"
        with db.wrap_database_errors:
            self.cursor = db.connection.cursor()

    def execute(self, sql: str, params: Any = ()) -> Any:
        self.db.validate_no_broken_transaction()
        with self.db.wrap_database_errors:
            return self.cursor.execute(_qmark(sql) if self.qmark else sql, params)

    def executemany(self, sql: str, param_list: Any) -> Any:
        self.db.validate_no_broken_transaction()
        with self.db.wrap_database_errors:
            return self.cursor.executemany(_qmark(sql) if self.qmark else sql, param_list)

    def fetchone(self) -> Any:
        with self.db.wrap_database_errors:
            return self.cursor.fetchone()

    def fetchall(self) -> Any:
        with self.db.wrap_database_errors:
            return self.cursor.fetchall()

    @property
    def rowcount(self) -> int:
        return self.cursor.rowcount

    def close(self) -> None:
        self.cursor.close()

    def __enter__(self) -> HotCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cursor.close()


def hot_cursor(db: Any = None) -> Any:
    """A cursor for `db` (default: the default connection) taking Django-style %s statements."""
    # Budgets: those of the module docstring.
    # The wrapper itself, not `django.db.connection`: every attribute read through that proxy
    # looks the connection up again in a context-local store.
    db = connections[DEFAULT_DB_ALIAS] if db is None else db
    if db.queries_logged:
        return db.cursor()
    return HotCursor(db)
