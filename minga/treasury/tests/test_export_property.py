"""The beancount export: bean-check accepts it, and its balances are Minga's trial balance,
for any sequence of postings and reversals (Hypothesis; the examples share one set of
books, so each checks the books all the earlier ones left), which also keep every trial balance at
zero."""

import datetime
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import data
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minga.treasury import actions, beancount, queries
from minga.treasury.actions import LineSpec
from minga.treasury.models import Account, JournalEntry, MemberAccount

from .conftest import post_approved

pytestmark = pytest.mark.django_db


def export(books) -> str:
    out = io.StringIO()
    beancount.write(books, out)
    return out.getvalue()


def beancount_balances(text: str) -> dict[str, Decimal]:
    entries, errors, _options = loader.load_string(text)
    assert errors == [], errors
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                totals[posting.account] += posting.units.number
    return totals


def assert_export_matches(books, as_of):
    text = export(books)
    assert " pad " not in text
    found = beancount_balances(text)
    rolled: dict[str, Decimal] = defaultdict(Decimal)
    for name, amount in found.items():
        rolled[name.split(":M")[0]] += amount  # members' sub-accounts into their control account
    trial = queries.trial_balance(books, as_of=as_of)
    assert trial.total_debit == trial.total_credit
    minga = {beancount.account_name(row.account): row.balance for row in trial.rows}
    exponent = books.exponent
    assert {k: v for k, v in rolled.items() if v} == {
        name: Decimal(amount).scaleb(-exponent) for name, amount in minga.items()
    }


def test_bean_check_accepts_the_export_with_daily_assertions(
    books, coop, treasurer, member_account, other_account
):
    actions.buy_shares(member=member_account, shares=3, actor=treasurer)
    actions.receive_from_member(
        member=other_account, amount=12_345, purpose="savings", actor=treasurer,
        date=datetime.date(2026, 3, 2), reference='M"PESA\\1',
    )  # fmt: skip
    entry = actions.receive_from_member(
        member=member_account, amount=500, purpose="contribution", actor=treasurer
    )
    actions.reverse_entry(entry=entry, actor=treasurer, reason="Wrong member")
    text = export(books)
    savings = f"Liabilities:A2100-MembersSavingsAndDeposits:M{other_account.ref}"
    assert f"2026-03-03 balance {savings} -123.45 KES" in text
    assert "2026-03-17 balance Assets:A1000-Cash 423.45 KES" in text
    assert_export_matches(books, datetime.date(2026, 12, 31))


def test_the_command_writes_the_file(books, coop, treasurer, tmp_path):
    post_approved(coop, treasurer, [actions.debit("5100", 20_000), actions.credit("cash", 20_000)],
                  "Rent")  # fmt: skip
    target = tmp_path / "books.beancount"
    call_command("treasury", "export", "--coop", coop.slug, "--format", "beancount",
                 "--output", str(target))  # fmt: skip
    assert "Expenses:A5100-Rent  200.00 KES" in target.read_text()


DAYS = [datetime.date(2026, 3, day) for day in (1, 2, 9, 16)]
ROLES = ["cash", "bank", "4900", "5100", "member-savings", "member-shares"]


def _specs(coop):
    members = list(MemberAccount.objects.filter(coop=coop))

    def line(role, amount, pick):
        account = Account.objects.get(coop=coop, code=role) if role.isdigit() else role
        member = members[pick % len(members)] if role.startswith("member-") else None
        return LineSpec(account, amount, member)

    return line


posting = st.tuples(
    st.sampled_from(ROLES), st.sampled_from(ROLES), st.integers(1, 10**9), st.integers(0, 9),
    st.sampled_from(DAYS),
)  # fmt: skip
step = st.one_of(
    st.tuples(st.just("post"), posting), st.tuples(st.just("reverse"), st.integers(0, 50))
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_any_postings_and_reversals_keep_the_books_balanced_and_the_export_equal(
    books, coop, treasurer, steps
):
    line = _specs(coop)
    posted = []
    for kind, value in steps:
        if kind == "post":
            left, right, amount, pick, day = value
            entry = post_approved(
                coop, treasurer, [line(left, amount, pick), line(right, -amount, pick + 1)],
                "Property", date=day,
            )  # fmt: skip
            posted.append(entry)
        elif posted:
            entry = posted[value % len(posted)]
            is_reversed = JournalEntry.objects.filter(reverses=entry).exists()
            if entry.reverses_id is None and not is_reversed:
                posted.append(actions.reverse_entry(entry=entry, actor=treasurer, reason="x"))
        for day in DAYS:
            trial = queries.trial_balance(books, as_of=day)
            assert trial.total_debit == trial.total_credit
    assert_export_matches(books, DAYS[-1])
