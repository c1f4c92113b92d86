"""The performance layer stays fenced in `minga.core.fast`, and says so when Django changes.

Two kinds of test. The fence: outside `minga/core/fast/` no module touches Django's private
API (instances built through `from_db`, `_state`, `connection.ops`, the connection wrapper's
internals, `_meta.concrete_fields`...): a fast path that needs one goes into core/fast with
the budget it serves named. `ALLOWED` lists the debts left, each with its reason; a line
that no longer matches anything fails too, so the list only shrinks.

The upgrade test: for each piece of core/fast, what it assumes of Django's internals is
asserted here, attribute by attribute and behaviour by behaviour, so that a Django upgrade
that changes one fails here by name rather than as a slow or wrong hot path somewhere else.
"""

from __future__ import annotations

import inspect
import re
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.backends import db as session_db
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.sqlite3 import base as sqlite_base
from django.db.models.expressions import Col
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from minga.core.fast import cursor as fast_cursor
from minga.core.fast import rowids, rows, sql
from minga.core.fast.sqlite import base as fast_sqlite

ROOT = Path(__file__).resolve().parent.parent / "minga"
FENCE = "core/fast/"

# Private API of Django: what a fast path may use only inside core/fast.
PRIVATE = re.compile(
    r"(?:^|[^_\w])from_db\("  # instances built from raw values (not refresh_from_db)
    r"|\._state\b"
    r"|_prefetched_objects_cache|_result_cache"
    r"|\.ops\."  # connection.ops: the backend's operations
    r"|_meta\.concrete_fields|_meta\.pk\b"
    r"|\b(?:health_check_done|close_if_health_check_failed|validate_thread_sharing"
    r"|wrap_database_errors|validate_no_broken_transaction|queries_logged"
    r"|_start_transaction_under_autocommit|get_db_converters)\b"
    r"|\.get_col\("
    r"|def _(?:commit|rollback|close)\(self"
)

# module under minga/ -> (touches, reason): debts left, none today; keep it that way.
ALLOWED: dict[str, tuple[int, str]] = {}


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        source = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{source}" or "/migrations/" in source:
            continue
        yield source, path.read_text(encoding="utf-8")


def _touches() -> Counter[str]:
    found: Counter[str] = Counter()
    for source, text in _sources():
        if source.startswith(FENCE):
            continue
        for line in text.splitlines():
            if PRIVATE.search(line):
                found[source] += 1
    return found


def test_the_pattern_finds_each_kind_of_touch() -> None:
    for line in [
        "poll = Poll.from_db(None, ['id'], [1])",
        "entry._state.adding = False",
        "if hasattr(a, '_prefetched_objects_cache'):",
        "quote = connection.ops.quote_name",
        "fields = User._meta.concrete_fields",
        "with db.wrap_database_errors:",
        "    def _commit(self):",
    ]:
        assert PRIVATE.search(line), line
    for line in ["key.refresh_from_db()", "sql.table(Poll)", "def _close_membership(x):"]:
        assert not PRIVATE.search(line), line


def test_no_private_django_api_outside_core_fast() -> None:
    found = _touches()
    unexpected = {
        source: count for source, count in found.items() if count > ALLOWED.get(source, (0, ""))[0]
    }
    assert not unexpected, (
        "private Django API outside minga/core/fast (move the fast path there, naming its "
        f"budget, or use public APIs): {unexpected}"
    )
    stale = {source for source, (count, _) in ALLOWED.items() if found[source] < count}
    assert not stale, f"debts paid, lower or remove them in ALLOWED: {sorted(stale)}"


def test_only_the_listed_modules_still_import_the_old_cursor_address() -> None:
    importers = {
        source
        for source, text in _sources()
        if re.search(r"minga\.core\.hotsql|from \.hotsql|core import hotsql", text)
    }
    assert not importers, sorted(importers)


def test_every_piece_names_its_budget_and_what_it_leans_on() -> None:
    package = ROOT / "core" / "fast"
    # The budgets' names, as bench/README.md and the scripts write them.
    bench = ROOT.parent / "bench"
    budgets: set[str] = set()
    for text in [p.read_text(encoding="utf-8") for p in bench.glob("*.*")]:
        written = r"(?:\n\s*|budget\()[`\"]([a-z0-9]+(?:-[a-z0-9]+)+)[`\"][:,]"
        budgets |= set(re.findall(written, text))
        budgets |= set(re.findall(r"\| `([a-z0-9]+(?:-[a-z0-9]+)+)`", text))
    overview = (package / "__init__.py").read_text(encoding="utf-8")
    for path in sorted(package.rglob("*.py")):
        if path.name == "__init__.py":
            continue
        doc = inspect.cleandoc(path.read_text(encoding="utf-8").split('"""')[1])
        named = set(re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`", doc))
        assert "Budgets served" in doc and named, f"{path.name} names no budget"
        assert named <= budgets, f"{path.name} names budgets bench/ lacks: {named - budgets}"
        assert "Leans on" in doc, f"{path.name} says nothing of what it leans on"
        module = path.relative_to(package).with_suffix("").as_posix().replace("/base", "")
        assert f"`{module}`" in overview, f"the package docstring does not list {module}"


# --- upgrade tests: core.fast.cursor -------------------------------------------------------


def test_the_connection_wrapper_has_what_the_hot_cursor_uses() -> None:
    for name in (
        "close_if_health_check_failed",
        "ensure_connection",
        "validate_thread_sharing",
        "validate_no_broken_transaction",
    ):
        assert callable(getattr(BaseDatabaseWrapper, name)), name
    wrapper = connections[DEFAULT_DB_ALIAS]
    assert isinstance(wrapper.health_check_done, bool)  # type: ignore[attr-defined]  # private
    assert isinstance(wrapper.queries_logged, bool)
    assert hasattr(wrapper.wrap_database_errors, "__enter__")
    assert hasattr(wrapper, "connection")  # the driver's connection, None until opened


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT %s",
        "SELECT 1 WHERE 'a' LIKE 'a%%' AND x = %s",
        "SELECT '%%s', %s, %s",
        "UPDATE t SET a = %s WHERE b = %s AND c LIKE '%%%%'",
    ],
)
def test_placeholders_are_converted_as_djangos_sqlite_backend_converts_them(statement) -> None:
    django_cursor = sqlite_base.SQLiteCursorWrapper.__new__(sqlite_base.SQLiteCursorWrapper)
    assert fast_cursor._qmark(statement) == django_cursor.convert_query(statement)


@pytest.mark.django_db(transaction=True)
def test_the_hot_cursor_raises_djangos_errors_and_checks_the_transaction() -> None:
    wrapper = connections[DEFAULT_DB_ALIAS]
    with fast_cursor.hot_cursor(wrapper) as cursor:
        assert isinstance(cursor, fast_cursor.HotCursor)
        cursor.execute("SELECT %s, '%%'", [7])
        assert tuple(cursor.fetchone()) == (7, "%")
        with pytest.raises(IntegrityError):
            cursor.execute(
                f"INSERT INTO {sql.table(session_db.SessionStore.get_model_class())} "  # noqa: S608
                "(session_key, session_data, expire_date) VALUES (NULL, NULL, NULL)"
            )
    with transaction.atomic():
        wrapper.needs_rollback = True
        with pytest.raises(TransactionManagementError), fast_cursor.hot_cursor(wrapper) as cursor:
            cursor.execute("SELECT 1")
        wrapper.needs_rollback = False


@pytest.mark.django_db
def test_recorded_queries_still_see_the_hot_statements() -> None:
    wrapper = connections[DEFAULT_DB_ALIAS]
    with CaptureQueriesContext(wrapper) as captured, fast_cursor.hot_cursor(wrapper) as cursor:
        cursor.execute("SELECT %s", [1])
    assert [q["sql"] for q in captured.captured_queries][-1].startswith("SELECT")


# --- core.fast.sqlite ------------------------------------------------------------------------


def test_the_sqlite_backend_still_begins_transactions_where_the_queue_waits() -> None:
    django = sqlite_base.DatabaseWrapper
    for name in ("_start_transaction_under_autocommit", "_commit", "_rollback", "_close"):
        assert name in vars(django) or hasattr(django, name), name
        assert list(inspect.signature(getattr(django, name)).parameters) == ["self"], name
    assert list(inspect.signature(django.get_new_connection).parameters) == [
        "self",
        "conn_params",
    ]
    assert callable(django.is_in_memory_db)
    # Django starts an atomic block on SQLite through the hook the writers queue overrides...
    assert "_start_transaction_under_autocommit()" in inspect.getsource(
        BaseDatabaseWrapper.set_autocommit
    )
    # ...and names the BEGIN mode from OPTIONS["transaction_mode"], as the override does.
    hook = django._start_transaction_under_autocommit  # type: ignore[attr-defined]  # private
    assert "transaction_mode" in inspect.getsource(hook)
    assert issubclass(fast_sqlite.DatabaseWrapper, django)


# --- core.fast.sessions ----------------------------------------------------------------------


def test_djangos_database_session_store_has_what_the_fast_store_uses() -> None:
    store = session_db.SessionStore
    for name in ("_get_session", "_get_or_create_session_key", "get_expiry_date", "decode"):
        assert callable(getattr(store, name)), name
    private = store._get_session  # type: ignore[attr-defined]  # the private API it checks
    assert "no_load" in inspect.signature(private).parameters
    assert list(inspect.signature(store.save).parameters) == ["self", "must_create"]
    made = store("k" * 32)
    assert made._session_key == "k" * 32
    assert made.model is made.get_model_class()
    assert issubclass(CreateError, Exception) and issubclass(UpdateError, Exception)


# --- core.fast.rows and core.fast.sql --------------------------------------------------------


def test_from_db_builds_a_saved_instance_with_the_left_out_fields_deferred() -> None:
    from minga.identity.models import Key

    from_db = models.Model.from_db.__func__  # type: ignore[attr-defined]  # the classmethod's function
    assert list(inspect.signature(from_db).parameters)[:4] == [
        "cls",
        "db",
        "field_names",
        "values",
    ]
    key = rows.build(Key, DEFAULT_DB_ALIAS, {"id": 3, "public_key_multibase": "z6Mk"})
    assert key._state.adding is False and key._state.db == DEFAULT_DB_ALIAS
    assert "encrypted_private_key" in key.get_deferred_fields()
    assert "public_key_multibase" not in key.get_deferred_fields()
    handle = rows.handle(Key, 5)
    assert handle.pk == 5 and "public_key_multibase" in handle.get_deferred_fields()


def test_the_orm_converts_columns_through_the_hooks_the_loader_calls() -> None:
    from minga.accounts.models import User

    field = User._meta.get_field("languages")
    column = field.get_col(User._meta.db_table)
    assert isinstance(column, Col)
    functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    assert functions, "a JSON column is converted when read"
    for function in functions:
        assert len(inspect.signature(function).parameters) == 3  # (value, expression, connection)


@pytest.mark.django_db
def test_mark_saved_makes_save_update_the_row() -> None:
    from minga.audit.models import LogHead

    head = LogHead(id=1, size=4)
    with fast_cursor.hot_cursor() as cursor:
        cursor.execute(f"INSERT INTO {sql.table(LogHead)} (id, size) VALUES (1, 4)")  # noqa: S608
    rows.mark_saved(head, DEFAULT_DB_ALIAS)
    head.size = 5
    head.save()  # an INSERT would fail on the key
    assert LogHead.objects.get(pk=1).size == 5


def test_the_public_field_list_is_the_one_the_orm_stores() -> None:
    from django.apps import apps

    for model in apps.get_models():
        assert list(sql.concrete_fields(model)) == list(model._meta.concrete_fields), model


@pytest.mark.parametrize("name", ["index", "order", "user", "coops_cooperative", '"quoted"'])
def test_names_are_quoted_as_the_backend_quotes_them(name) -> None:
    assert sql.quote(name) == connection.ops.quote_name(name)
    assert sql.quote(sql.quote(name)) == sql.quote(name)


def test_values_are_prepared_as_the_backend_adapts_them() -> None:
    import datetime

    from django.contrib.sessions.models import Session

    now = datetime.datetime(2030, 1, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)
    assert sql.db_value(Session, "expire_date", now, connection) == (
        connection.ops.adapt_datetimefield_value(now)
    )
    ballot_id = uuid.uuid4()
    from minga.decisions.models import Ballot

    assert sql.db_value(Ballot, "id", ballot_id, connection) == (
        Ballot._meta.pk.get_db_prep_value(ballot_id, connection)
    )


# --- core.fast.rowids ------------------------------------------------------------------------


def test_the_field_hooks_the_row_id_keys_override_still_shape_the_column() -> None:
    sqlite = sqlite_base.DatabaseWrapper(
        {"NAME": ":memory:", "ENGINE": "django.db.backends.sqlite3", **_SETTINGS}
    )
    assert models.BigAutoField().db_type_suffix(sqlite) == "AUTOINCREMENT"
    assert rowids.RowIdAutoField().db_type_suffix(sqlite) is None
    assert models.BigIntegerField().db_type(sqlite) == "bigint"
    assert rowids.RowIdField().db_type(sqlite) == "integer"


_SETTINGS: dict[str, Any] = {
    "OPTIONS": {},
    "TIME_ZONE": None,
    "CONN_MAX_AGE": 0,
    "CONN_HEALTH_CHECKS": False,
    "AUTOCOMMIT": True,
    "ATOMIC_REQUESTS": False,
    "USER": "",
    "PASSWORD": "",
    "HOST": "",
    "PORT": "",
    "TEST": {},
}
