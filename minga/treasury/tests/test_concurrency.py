"""200 postings at once to one account on PostgreSQL: numbered without gaps, balances exact."""

import pytest
from django.db import connection

from conftest import run_at_once
from minga.treasury import actions, verify
from minga.treasury.models import DailyBalance, JournalEntry

POSTINGS = 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_200_simultaneous_postings_to_one_account_are_numbered_without_gaps(
    books, treasurer, member_account
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks only mean something on PostgreSQL: run with DATABASE_URL=postgres://..."
        )

    def deposit(amount):
        return lambda: actions.receive_from_member(
            member=member_account, amount=amount, purpose="savings", actor=treasurer
        )

    amounts = [100 + i for i in range(POSTINGS)]
    assert run_at_once([deposit(amount) for amount in amounts]) == []
    numbers = sorted(JournalEntry.objects.values_list("number", flat=True))
    assert numbers == list(range(1, POSTINGS + 1))
    assert actions.member_balance(member_account, "member-savings") == -sum(amounts)
    assert DailyBalance.objects.get(account__role="cash").movement == sum(amounts)
    assert verify.verify_all() == []
