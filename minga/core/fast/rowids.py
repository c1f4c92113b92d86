"""Primary keys that SQLite stores as the row id itself.

SQLite keeps each table in a b-tree ordered by its row id. A column declared exactly
`integer PRIMARY KEY` is that row id. Django declares a BigIntegerField key as
`bigint PRIMARY KEY`, which is not one, so SQLite keeps a second b-tree from the key to the
row id and every insert writes both. Auto keys are declared `integer PRIMARY KEY
AUTOINCREMENT`, which makes every insert also update `sqlite_sequence`. On the ballot path
(a participation, a ballot and a log entry in one transaction) these two cost two of the
eleven pages each commit writes. On PostgreSQL both fields are Django's own.

Budgets served: `ballots-per-second` (participations, `decisions.models`), `audit-appends`
(log entries, `audit.models`) and `payment-callbacks-per-second` (payments and their raw
callbacks, `channels.models`). Leans on: `Field.db_type` and `db_type_suffix` (the latter
undocumented; tests/test_fast_layer.py and core/tests/test_rowids.py check the tables).
"""

from django.db import models


class RowIdField(models.BigIntegerField):
    """A 64-bit integer key given by the application, stored as SQLite's row id."""

    def db_type(self, connection):
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)


class RowIdAutoField(models.BigAutoField):
    """A 64-bit auto key without SQLite's AUTOINCREMENT: a new row takes the highest key plus
    one, so the key of a deleted last row may be given again. For rows nothing outside refers
    to by key."""

    def db_type_suffix(self, connection):
        return None if connection.vendor == "sqlite" else super().db_type_suffix(connection)
