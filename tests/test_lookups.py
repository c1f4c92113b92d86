"""The lookups by an optional outside key use its partial unique index (minga.core.lookups).

Each test runs the code's own lookup, reads the statement it sent, and asks the database how it
plans it: a lookup that reads the whole table (once per payment, per issuance) fails here by
the table's name. On PostgreSQL, whose planner prefers reading a test's tiny tables whole,
sequential scans are turned off for the question, so a plan still reading the table means no
index can serve the lookup.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from minga.channels.models import Payment
from minga.channels.payments import inbox
from minga.core.lookups import keyed
from minga.credentials.models import Achievement, Credential
from minga.treasury import posting
from minga.treasury.models import JournalEntry

pytestmark = pytest.mark.django_db
SQLITE = connection.vendor == "sqlite"


def plans(run, table: str) -> list[str]:
    """The database's plan of each statement `run` sends that reads `table`."""
    with CaptureQueriesContext(connection) as sent:
        run()
    found = []
    with transaction.atomic(), connection.cursor() as cursor:
        if not SQLITE:
            cursor.execute("SET LOCAL enable_seqscan = off")
        for query in sent.captured_queries:
            if f'"{table}"' in query["sql"] or f" {table} " in query["sql"]:
                explain = "EXPLAIN QUERY PLAN " if SQLITE else "EXPLAIN "
                cursor.execute(explain + query["sql"])
                found.append(" / ".join(str(row[-1]) for row in cursor.fetchall()))
    assert found, f"nothing read {table}"
    return found


def uses_index(plan: str, table: str, index: str) -> bool:
    whole = f"SCAN {table}" if SQLITE else f"Seq Scan on {table}"
    return whole not in plan and index in plan


def test_keyed_adds_the_index_condition_to_each_lookup():
    assert keyed(reference="X") == Q(reference="X") & ~Q(reference="")
    assert keyed(entry__reference__in=["X"]) == Q(entry__reference__in=["X"]) & ~Q(
        entry__reference=""
    )


@pytest.mark.parametrize(
    ("run", "table", "index"),
    [
        (lambda: posting.has_reference(1, "RCPT1"), "treasury_journalentry",
         "treasury_one_entry_per_reference"),
        (lambda: JournalEntry.objects.filter(keyed(reference="RCPT1"), coop_id=1).exists(),
         "treasury_journalentry", "treasury_one_entry_per_reference"),
        (lambda: inbox._has_payment("mpesa", "RCPT1"), "channels_payment",
         "one_payment_per_provider_receipt"),
        (lambda: inbox._answered("RCPT1"), "channels_payment", "one_payment_per_provider_receipt"),
        (lambda: Payment.objects.filter(keyed(provider_ref="ws_CO_1"), provider="mpesa").first(),
         "channels_payment", "one_payment_per_provider_request"),
        (lambda: Credential.objects.filter(keyed(source="training:1:2")).first(),
         "credentials_credential", "credentials_one_per_source"),
        (lambda: Achievement.objects.filter(keyed(key="event-1"), coop_id=1).first(),
         "credentials_achievement", "credentials_one_achievement_per_key"),
    ],
)  # fmt: skip
def test_a_lookup_by_key_uses_the_partial_unique_index(run, table, index):
    for plan in plans(run, table):
        assert uses_index(plan, table, index), plan


@pytest.mark.skipif(not SQLITE, reason="PostgreSQL proves the condition from the literal itself")
def test_a_plain_filter_would_read_the_whole_table():
    """Why `keyed` exists: the same lookup without the index's condition is a full scan."""
    plan = plans(
        lambda: JournalEntry.objects.filter(reference="RCPT1", coop_id=1).exists(),
        "treasury_journalentry",
    )[0]
    assert "SCAN treasury_journalentry" in plan
