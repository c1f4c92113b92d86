"""Keys stored as SQLite's row id (minga.core.fast.rowids), and Django's own on PostgreSQL."""

import datetime

import pytest
from django.db import connection

from minga.audit.models import Entry
from minga.channels.models import Payment, PaymentCallback
from minga.decisions.models import Participation

pytestmark = pytest.mark.django_db


def table_sql(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [table])
        return cursor.fetchone()[0]


def test_on_sqlite_the_keys_need_no_second_btree():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: on PostgreSQL the keys are Django's own (tested below)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
            [Entry._meta.db_table],
        )
        indexes = [name for (name,) in cursor.fetchall()]
    assert not [name for name in indexes if name.startswith("sqlite_autoindex")]
    assert '"index" integer NOT NULL PRIMARY KEY' in table_sql(Entry._meta.db_table)
    for model in (Participation, Payment, PaymentCallback):
        created = table_sql(model._meta.db_table)
        assert '"id" integer NOT NULL PRIMARY KEY' in created, model.__name__
        assert "AUTOINCREMENT" not in created, model.__name__


def test_the_keys_hold_64_bit_values_on_every_database():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, column_name, data_type, is_identity "
                "FROM information_schema.columns WHERE (table_name, column_name) IN "
                "(('audit_entry', 'index'), ('decisions_participation', 'id'))"
            )
            found = {(table, column): (kind, identity) for table, column, kind, identity in cursor}
        assert found == {
            ("audit_entry", "index"): ("bigint", "NO"),
            ("decisions_participation", "id"): ("bigint", "YES"),
        }
    largest = 2**63 - 1
    Entry.objects.create(
        index=largest,
        kind="k",
        subject="s",
        body=b"{}",
        leaf_hash=b"x" * 32,
        created_at=datetime.datetime(2026, 11, 23, tzinfo=datetime.UTC),
    )
    assert Entry.objects.get(index=largest).kind == "k"
