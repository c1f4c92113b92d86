"""Model instances from rows read by plain statements, as the ORM would have built them.

Budgets served: `home-signed-in-server-time` and `ballots-per-second` (`load` gives every
signed-in request its person, `accounts.backends`), `credential-issuances-per-core` (`build`
gives the signing key, `identity.keys`), `audit-appends`, `ballots-per-second` and
`treasury-postings` (`mark_saved` after a plain INSERT, `audit.log`).
Leans on: `Model.from_db` (documented, with deferred fields for the columns left out),
`ModelState` (`_state.adding`, `_state.db`), and the
converters the ORM applies to a column (`connection.ops.get_db_converters`,
`Field.get_col`, `Col.get_db_converters`); tests/test_fast_layer.py checks each.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.db import connections, router
from django.db.models import Model

from .cursor import hot_cursor
from .sql import column, concrete_fields, quote, table


@functools.cache
def _select_by_pk(label: str, alias: str) -> tuple[str, list[str], list[tuple]]:
    """The SELECT of every column of a row of the model `label` by key, the attribute names
    in column order, and for each column needing them the converters the ORM would apply
    (dates, JSON lists...)."""
    model = apps.get_model(label)
    connection = connections[alias]
    fields = concrete_fields(model)
    sql = (
        f"SELECT {', '.join(quote(f.column) for f in fields)} FROM {table(model)} "  # noqa: S608 (names quoted)
        f"WHERE {column(model, model._meta.pk.name)} = %s"
    )
    converters = []
    for position, field in enumerate(fields):
        col = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if functions:
            converters.append((position, col, functions))
    return sql, [f.attname for f in fields], converters


def load[M: Model](model: type[M], pk: Any) -> M | None:
    """The row of `model` with key `pk`, as `model.objects.get(pk=pk)` would return it, or
    None: one plain statement, where building the ORM query costs many times the lookup."""
    connection = connections[router.db_for_read(model)]
    sql, names, converters = _select_by_pk(model._meta.label, connection.alias)
    with hot_cursor(connection) as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, col, functions in converters:
        value = values[position]
        for function in functions:
            value = function(value, col, connection)
        values[position] = value
    return model.from_db(connection.alias, names, values)


def build[M: Model](model: type[M], alias: str, values: Mapping[str, Any]) -> M:
    """An instance of `model` from the columns of a plain statement (attribute name to
    value, already converted); the fields left out are deferred, loaded if read."""
    names = [f.attname for f in concrete_fields(model) if f.attname in values]
    return model.from_db(alias, names, [values[name] for name in names])


def mark_saved(instance: Model, alias: str) -> None:
    """Tell the ORM that `instance`, written by a plain INSERT, is now a row of `alias` (so a
    later `save()` updates it rather than inserting it again)."""
    instance._state.adding = False
    instance._state.db = alias


def handle[M: Model](model: type[M], pk: Any) -> M:
    """An instance of `model` holding only its key (every other field deferred), for an
    action that reads the live row itself: unlike `model(pk=pk)`, no field's default is
    computed, which on the ballot path cost several times the rest of the view's own work
    (budget `ballots-per-second`, `decisions.api`)."""
    return model.from_db(None, [model._meta.pk.attname], [pk])
