"""Server-side sessions in Django's own table, read and written with one plain statement each.

Every signed-in request loads its session first. Django's database store builds an ORM query for
it, which costs far more than the indexed lookup itself; this store keeps the same table
(`django_session`), the same signed encoding, the same expiry rule and the same errors, so a
session stays revocable on the server (signing out, `flush`, deleting the row) exactly as before.
Only the synchronous path, the one the WSGI server uses, is rewritten; the async methods are
Django's.

Budgets served: `home-signed-in-server-time` and `ballots-per-second` (each ballot is a
signed-in request). Leans on: the database store's `model`, `_get_session`,
`_get_or_create_session_key`, `_session_key` and `get_expiry_date`, and `CreateError` /
`UpdateError` meaning what they mean to Django's own store (tests/test_fast_layer.py).
"""

from __future__ import annotations

import functools

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from .cursor import hot_cursor
from .sql import column, db_value
from .sql import table as table_of


@functools.cache
def _statements() -> dict[str, str]:
    from django.contrib.sessions.models import Session

    table = table_of(Session)
    key, data, expiry = (
        column(Session, name) for name in ("session_key", "session_data", "expire_date")
    )
    return {
        "load": f"SELECT {data} FROM {table} WHERE {key} = %s AND {expiry} > %s",  # noqa: S608
        "exists": f"SELECT 1 FROM {table} WHERE {key} = %s",  # noqa: S608
        "insert": f"INSERT INTO {table} ({key}, {data}, {expiry}) VALUES (%s, %s, %s)",  # noqa: S608
        "update": f"UPDATE {table} SET {data} = %s, {expiry} = %s WHERE {key} = %s",  # noqa: S608
    }


class SessionStore(db.SessionStore):
    def _connection(self, *, write: bool):
        route = router.db_for_write if write else router.db_for_read
        return connections[route(self.model)]

    def _sql(self, connection, name: str) -> str:
        return _statements()[name]

    def _expiry(self, connection, value):
        return db_value(self.model, "expire_date", value, connection)

    def load(self):
        connection = self._connection(write=False)
        now = self._expiry(connection, timezone.now())
        with hot_cursor(connection) as cursor:
            cursor.execute(self._sql(connection, "load"), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            # Unknown or expired: as Django's store does, forget the key so a new one is made.
            self._session_key = None
            return {}
        return self.decode(row[0])

    def exists(self, session_key):
        connection = self._connection(write=False)
        with connection.cursor() as cursor:
            cursor.execute(self._sql(connection, "exists"), [session_key])
            return cursor.fetchone() is not None

    def save(self, must_create=False):
        """Insert (`must_create`, CreateError when the key is taken) or update the row
        (UpdateError when it is gone, e.g. the session was ended elsewhere meanwhile)."""
        if self.session_key is None:
            return self.create()
        # Django's private session API, fenced here (tests/test_fast_layer.py checks it).
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        key = self._get_or_create_session_key()  # type: ignore[attr-defined]
        encoded = self.encode(data)
        connection = self._connection(write=True)
        expiry = self._expiry(connection, self.get_expiry_date())
        # A savepoint when nested, so a refused insert leaves the caller's transaction usable.
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                if must_create:
                    cursor.execute(self._sql(connection, "insert"), [key, encoded, expiry])
                    return
                cursor.execute(self._sql(connection, "update"), [encoded, expiry, key])
                updated = cursor.rowcount
        except IntegrityError:
            if must_create:
                raise CreateError from None
            raise
        if updated != 1:
            raise UpdateError
