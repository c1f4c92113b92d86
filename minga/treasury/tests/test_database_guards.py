"""Raw SQL against the books: the database refuses it, or `minga treasury verify` and
`minga log verify` find it (each of these passed silently before the treasury's triggers)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from minga.audit import integrity
from minga.treasury import actions, verify
from minga.treasury.actions import credit, debit
from minga.treasury.models import Account, FiscalYear, JournalEntry, Line

from .conftest import post_approved

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(books, coop, treasurer):
    return post_approved(
        coop, treasurer, [debit("cash", 1000), credit("4900", 1000)], "Sale of old chairs"
    )


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_it_refuses_a_raw_update_of_a_posted_line(entry):
    with pytest.raises(IntegrityError):
        raw("UPDATE treasury_line SET amount = amount * 10 WHERE entry_id = %s", [entry.pk])
    assert sorted(Line.objects.values_list("amount", flat=True)) == [-1000, 1000]


def test_it_refuses_a_raw_update_or_delete_of_an_entry(entry):
    with pytest.raises(IntegrityError):
        raw("UPDATE treasury_journalentry SET narration = 'Nothing' WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError):
        raw("DELETE FROM treasury_line WHERE entry_id = %s", [entry.pk])
    with pytest.raises(IntegrityError):
        raw("DELETE FROM treasury_journalentry WHERE id = %s", [entry.pk])


def test_it_refuses_a_line_added_to_a_posted_entry(entry):
    account = Account.objects.get(role="cash")
    with pytest.raises(IntegrityError):
        raw(
            "INSERT INTO treasury_line (entry_id, coop_id, account_id, member_id, amount, date) "
            "VALUES (%s, %s, %s, NULL, 500, %s)",
            [entry.pk, entry.coop_id, account.pk, entry.date],
        )


def _forge(entry, amounts, *, number=None, total=None):
    """Raw lines then a raw header for the next entry of `entry`'s year, as an intruder would."""
    year = FiscalYear.objects.get(pk=entry.fiscal_year_id)
    number = number or year.last_number + 1
    pk = year.pk * 1_000_000_000 + number
    cash, other = Account.objects.get(role="cash"), Account.objects.get(code="4900")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE treasury_fiscalyear SET last_number = %s WHERE id = %s", [number, year.pk]
        )
        for account, amount in zip([cash, other], amounts, strict=True):
            cursor.execute(
                "INSERT INTO treasury_line (entry_id, coop_id, account_id, member_id, amount, date)"
                " VALUES (%s, %s, %s, NULL, %s, %s)",
                [pk, entry.coop_id, account.pk, amount, entry.date],
            )
        cursor.execute(
            "INSERT INTO treasury_journalentry (id, coop_id, fiscal_year_id, number, date, "
            "narration, kind, reference, line_count, total, salt, prev_hash, hash, posted_at) "
            "VALUES (%s, %s, %s, %s, %s, 'Forged', 'manual', '', 2, %s, %s, %s, %s, %s)",
            [
                pk, entry.coop_id, year.pk, number, entry.date, total or max(amounts), b"s" * 16,
                bytes(entry.hash), b"h" * 32, entry.posted_at,
            ],
        )  # fmt: skip


def test_it_refuses_a_raw_unbalanced_insert(entry):
    with pytest.raises(IntegrityError):
        _forge(entry, [5000, -1000])
    assert JournalEntry.objects.count() == 1 and Line.objects.count() == 2


def test_it_refuses_lines_without_their_header(entry):
    """The lines' foreign key is checked at commit: lines whose header never comes are refused
    (`check_constraints` does now what the commit would do inside a test's transaction)."""
    cash = Account.objects.get(role="cash")
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO treasury_line (entry_id, coop_id, account_id, member_id, amount, "
                "date) VALUES (%s, %s, %s, NULL, 500, %s)",
                [entry.pk + 7, entry.coop_id, cash.pk, entry.date],
            )
        connection.check_constraints(table_names=["treasury_line"])
    assert Line.objects.count() == 2


def test_it_refuses_a_number_out_of_sequence(entry):
    with pytest.raises(IntegrityError):
        _forge(entry, [700, -700], number=5)


def test_verify_finds_a_balanced_forgery_that_was_never_logged(entry):
    _forge(entry, [700, -700])
    problems = verify.verify_all()
    assert any("no longer matches its hash" in p for p in problems)
    assert any("no record of its posting" in p for p in problems)
    with pytest.raises(CommandError) as error:
        call_command("treasury", "verify", stdout=io.StringIO(), stderr=io.StringIO())
    assert error.value.returncode == 1
    with pytest.raises(integrity.TamperError, match="treasury"):
        integrity.verify_log()


def test_verify_finds_changed_lines_once_the_triggers_are_dropped(entry):
    """Whoever can drop a trigger can change a line; the hashes and the log still tell."""
    if connection.vendor == "sqlite":
        raw("DROP TRIGGER treasury_line_no_update")
        raw("UPDATE treasury_line SET amount = -amount WHERE entry_id = %s", [entry.pk])
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
            cursor.execute(
                "UPDATE treasury_line SET amount = -amount WHERE entry_id = %s", [entry.pk]
            )
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    problems = verify.verify_all()
    assert any("no longer matches its hash" in p for p in problems)
    assert any("stored movement" in p for p in problems)


def test_verify_finds_a_changed_stored_balance(entry):
    raw("UPDATE treasury_dailybalance SET movement = movement + 1")
    assert any("stored movement" in p for p in verify.verify_all())


def test_verify_passes_intact_books(books, coop, treasurer, member_account, entry):
    actions.receive_from_member(
        member=member_account, amount=900, purpose="savings", actor=treasurer
    )
    actions.buy_shares(member=member_account, shares=3, actor=treasurer)
    actions.reverse_entry(entry=entry, actor=treasurer, reason="Wrong chairs")
    assert verify.verify_all() == []
    out = io.StringIO()
    call_command("treasury", "verify", stdout=out)
    assert "intact" in out.getvalue()
    integrity.verify_log()
