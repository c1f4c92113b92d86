"""Names and values for the plain statements of the hot paths, through public APIs only.

Budgets served: every hot statement of the apps is written with these (`ballots-per-second`,
`close-secret-poll-300k`, `credential-verifications-per-core`, `credential-issuances-per-core`,
`audit-appends`, `audit-inclusion-proof-p95`, `audit-verify`, `notices-enqueue-10k`,
`payment-callbacks-per-second`, `home-signed-in-server-time`).
Leans on: nothing private. Tables and columns come from the documented `Meta.db_table` and
`_meta.get_field()`; names are quoted as standard SQL quotes them, which is what SQLite and
PostgreSQL (the two databases Minga runs on) read, and values are prepared by the field's own
public `get_db_prep_value`. tests/test_fast_layer.py checks both against Django's backends.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field, Model


def quote(name: str) -> str:
    """`name`, a constant name of a table or column, as a quoted SQL identifier ("index",
    "order"...: words SQL reserves); a name already quoted is left as it is."""
    if name.startswith('"') and name.endswith('"'):
        return name
    return f'"{name}"'


def table(model: type[Model]) -> str:
    """The quoted table of `model`."""
    return quote(model._meta.db_table)


def _field(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise TypeError(f"{model.__name__}.{name} is not a column of its table")
    return field


def column(model: type[Model], name: str) -> str:
    """The quoted column of the field `name` of `model`."""
    return quote(_field(model, name).column)  # type: ignore[arg-type]  # checked by _field


def db_value(model: type[Model], name: str, value: Any, connection: Any) -> Any:
    """`value` as the field `name` of `model` hands it to `connection`'s driver (an aware
    date-time as SQLite stores it, a UUID as text...): the field's public
    `get_db_prep_value`, so a plain statement compares and stores what the ORM would."""
    return _field(model, name).get_db_prep_value(value, connection, prepared=False)


def concrete_fields(model: type[Model]) -> tuple[Any, ...]:
    """The fields of `model` stored in its own table's columns, in table order: those
    `_meta.get_fields()` lists as concrete (`Field.concrete`), many-to-many ones left out."""
    return tuple(
        f for f in model._meta.get_fields() if getattr(f, "concrete", False) and not f.many_to_many
    )
