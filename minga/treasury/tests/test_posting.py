"""post_entry and reverse_entry: balanced, numbered without gaps, hashed, logged."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from minga import audit
from minga.coops.models import Membership
from minga.treasury import actions
from minga.treasury.actions import TreasuryError, credit, debit
from minga.treasury.models import DailyBalance, JournalEntry, Line, MemberBalance

from .conftest import post_approved

pytestmark = pytest.mark.django_db


def post(coop, actor, amount=1000, **options):
    """A manual entry: prepared by `actor`, approved, posted by the platform."""
    lines = [debit("cash", amount), credit("4900", amount)]
    if actor is None:
        actor = Membership.objects.get(coop=coop, role=Membership.Role.TREASURER).person
    return post_approved(coop, actor, lines, "Sale of old chairs", **options)


def test_it_numbers_entries_without_gaps_and_chains_their_hashes(books, coop, treasurer):
    first, second = post(coop, treasurer), post(coop, treasurer, 2500)
    assert (first.number, second.number) == (1, 2)
    assert bytes(first.prev_hash) == bytes(32)
    assert bytes(second.prev_hash) == bytes(first.hash)
    assert first.code == "2026-1"
    assert first.date == datetime.date(2026, 3, 16)


def test_it_records_the_entry_hash_in_the_audit_log(books, coop, treasurer):
    entry = post(coop, treasurer)
    logged = audit.entry(entry.audit_index)
    assert logged.kind == "treasury.entry_posted"
    assert logged.data == {"coop": coop.slug, "entry": "2026-1", "hash": entry.hash_hex}


def test_it_keeps_daily_and_member_balances_from_the_lines(books, coop, treasurer, member_account):
    actions.receive_from_member(
        member=member_account, amount=5000, purpose="savings", actor=treasurer
    )
    actions.receive_from_member(
        member=member_account, amount=700, purpose="savings", actor=treasurer
    )
    assert actions.member_balance(member_account, "member-savings") == -5700
    day = DailyBalance.objects.get(account__role="cash", date=datetime.date(2026, 3, 16))
    assert (day.movement, day.debits, day.credits) == (5700, 5700, 0)
    assert MemberBalance.objects.count() == 1


def test_it_refuses_unbalanced_lines_and_changes_nothing(books, coop, treasurer):
    with pytest.raises(TreasuryError) as error:
        actions.post_entry(
            coop=coop,
            actor=treasurer,
            lines=[debit("cash", 1000), credit("4900", 999)],
            narration="Wrong",
        )
    assert error.value.code == "unbalanced"
    assert not JournalEntry.objects.exists() and not Line.objects.exists()


def test_it_refuses_a_member_ledger_line_without_its_member(books, coop, treasurer):
    with pytest.raises(TreasuryError):
        actions.post_entry(
            coop=coop,
            actor=treasurer,
            lines=[debit("cash", 1000), credit("member-savings", 1000)],
            narration="Whose?",
        )


@pytest.mark.parametrize("persona", ["checker", "supervisor", "member", "outsider", "owner"])
def test_it_lets_only_the_treasurer_post(books, coop, persona, request):
    with pytest.raises(PermissionDenied):
        post(coop, request.getfixturevalue(persona))
    assert not JournalEntry.objects.exists()


def test_it_reverses_an_entry_with_a_mirror_that_cites_it(books, coop, treasurer):
    entry = post(coop, treasurer)
    reversal = actions.reverse_entry(entry=entry, actor=treasurer, reason="Typed twice")
    assert reversal.reverses == entry and reversal.number == 2
    assert [line.amount for line in reversal.lines.all()] == [-1000, 1000]
    assert DailyBalance.objects.get(account__role="cash").movement == 0
    with pytest.raises(TreasuryError) as error:
        actions.reverse_entry(entry=entry, actor=treasurer, reason="Again")
    assert error.value.code == "already_reversed"


def test_it_refuses_a_reference_twice(books, coop, treasurer):
    post(coop, treasurer, reference="QBX41H2K9Z")
    with pytest.raises(TreasuryError) as error:
        post(coop, treasurer, reference="QBX41H2K9Z")
    assert error.value.code == "duplicate_reference"
    assert JournalEntry.objects.count() == 1


def test_it_posts_for_the_platform_itself(books, coop):
    entry = post(coop, None)
    assert entry.actor is None and entry.number == 1


def test_entries_posted_together_read_their_books_and_accounts_once(
    books, member_account, other_account
):
    """The payment inbox's chunks: within `posting.reading_once`, the second entry reads
    neither the books nor the accounts again, and is numbered and chained as ever."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from minga.treasury import posting

    def reads(sent):
        return [
            q["sql"]
            for q in sent.captured_queries
            if 'FROM "treasury_account"' in q["sql"] or 'FROM "treasury_books"' in q["sql"]
        ]

    with CaptureQueriesContext(connection) as alone:
        actions.receive_from_member(
            member=member_account, amount=100, purpose="savings", actor=None, reference="R1"
        )
    with CaptureQueriesContext(connection) as together, posting.reading_once():
        first = actions.receive_from_member(
            member=member_account, amount=200, purpose="savings", actor=None, reference="R2"
        )
        second = actions.receive_from_member(
            member=other_account, amount=300, purpose="savings", actor=None, reference="R3"
        )
    assert len(reads(together)) == len(reads(alone)) == 2
    assert second.number == first.number + 1 and second.prev_hash == first.hash
    assert MemberBalance.objects.get(member=other_account).balance == -300
