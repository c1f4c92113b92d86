"""Lookups by a key that is unique only where it is set.

Several tables hold an optional outside key (a journal entry's reference, a payment's receipt,
a credential's source), blank when there is none, unique where it is set: a partial unique
index `... WHERE NOT (key = '')`. SQLite uses a partial index only when the query's WHERE
clause holds the index's own condition as a term (it cannot infer it from `key = ?` with a
bound value), so `filter(reference=x)` alone reads the whole table, once per payment or per
issuance. `keyed(reference=x)` is that filter with the index's condition added; PostgreSQL
plans it the same way. tests/test_lookups.py reads the query plans.
"""

from __future__ import annotations

from django.db.models import Q

_MATCHES = {"exact", "in"}


def keyed(**lookups: object) -> Q:
    """`Q(**lookups)`, each also excluding the blank key, so the partial unique index serves it
    (`keyed(reference=x)`, `keyed(entry__reference__in=xs)`)."""
    found = Q()
    for name, value in lookups.items():
        parts = name.split("__")
        if parts[-1] in _MATCHES and len(parts) > 1:
            parts = parts[:-1]
        found &= Q(**{name: value}) & ~Q(**{"__".join(parts): ""})
    return found
