"""Dividend and patronage refund from the books, previewed, voted one member one vote, posted.

Hand-computed (KES, in cents; par value 100.00 = 10,000; cap 10%, reserve 20%):
- shares bought on 2026-03-16, held 291 days to 2026-12-31: member 10 (2,910 share-days),
  other member 5 (1,455);
- dividend at 10%: 10,000 x 10% x 2,910 / 365 = 7,972.6 -> 7,972; 1,455 -> 3,986.3 -> 3,986;
- surplus: fees income of 500,000.00 = 50,000,000; reserve 20% = 10,000,000;
- left 50,000,000 - 10,000,000 - 11,958 = 39,988,042; patronage 50% = 19,994,021;
- patronage bases 3,000.00 and 1,000.00: 14,995,515.75 and 4,998,505.25; the unit left goes to
  the larger remainder: 14,995,516 and 4,998,505.
"""

import datetime

import pytest
import time_machine

from minga import audit
from minga.decisions import actions as decisions
from minga.decisions import delegation
from minga.decisions.models import Poll
from minga.treasury import actions, dividends
from minga.treasury.actions import TreasuryError
from minga.treasury.models import Allocation, FiscalYear

from .conftest import post_approved

pytestmark = pytest.mark.django_db
AGM = datetime.datetime(2027, 2, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def closed_year(books, coop, treasurer, member_account, other_account):
    actions.buy_shares(member=member_account, shares=10, actor=treasurer)
    actions.buy_shares(member=other_account, shares=5, actor=treasurer)
    post_approved(
        coop,
        treasurer,
        [actions.debit("cash", 50_000_000), actions.credit("fees", 50_000_000)],
        "Fees of the year",
    )
    day = datetime.date(2026, 3, 16)
    for account, value in ((member_account, 300_000), (other_account, 100_000)):
        actions.record_patronage(
            member=account, actor=treasurer, kind="purchase", quantity=1, value=value, date=day
        )
    with time_machine.travel(AGM, tick=True):
        actions.open_fiscal_year(books=books, actor=treasurer)
        year = FiscalYear.objects.get(coop=coop, start=datetime.date(2026, 1, 1))
        actions.close_fiscal_year(year=year, actor=treasurer)
        yield year


def test_it_computes_the_allocation_from_the_books(
    closed_year, treasurer, member_account, other_account
):
    allocation = dividends.propose_allocation(
        year=closed_year, actor=treasurer, dividend_rate="10", patronage_percent="50"
    )
    assert allocation.surplus == 50_000_000
    assert allocation.reserve == 10_000_000
    lines = {
        s.member.ref: (s.share_days, s.dividend, s.patronage_base, s.refund)
        for s in allocation.shares.all()
    }
    assert lines[member_account.ref] == (2910, 7972, 300_000, 14_995_516)
    assert lines[other_account.ref] == (1455, 3986, 100_000, 4_998_505)


def test_it_refuses_a_rate_above_the_cap_and_changes_nothing(closed_year, treasurer):
    for rate, code in (("10.5", "rate-above-cap"), ("abc", "percent"), ("1.234", "percent")):
        with pytest.raises(TreasuryError) as refused:
            dividends.propose_allocation(
                year=closed_year, actor=treasurer, dividend_rate=rate, patronage_percent="50"
            )
        assert refused.value.code == code
    assert not Allocation.objects.exists()


def test_only_the_treasurer_proposes(closed_year, checker, member):
    from django.core.exceptions import PermissionDenied

    for person in (checker, member):
        with pytest.raises(PermissionDenied):
            dividends.propose_allocation(
                year=closed_year, actor=person, dividend_rate="5", patronage_percent="50"
            )


def _vote(poll, person, yes):
    elector = delegation.own_elector(person, poll)
    decisions.cast_ballot(
        poll=poll, elector=elector, choice={"choice": 0 if yes else 1}, channel="web", actor=person
    )


def test_it_posts_only_after_the_members_poll_passes(
    closed_year, treasurer, owner, member, other_member, checker, member_account
):
    allocation = dividends.propose_allocation(
        year=closed_year, actor=treasurer, dividend_rate="10", patronage_percent="50"
    )
    poll = dividends.put_to_vote(
        allocation=allocation, actor=treasurer, closes_at=AGM + datetime.timedelta(days=7)
    )
    assert poll.electorate == Poll.Electorate.MEMBER  # one member, one vote
    assert {e.weight for e in poll.electors.all()} == {1}
    with pytest.raises(TreasuryError):
        dividends.post_allocation(allocation=allocation, actor=treasurer)
    for person, yes in ((member, True), (other_member, True), (owner, True), (checker, False)):
        _vote(poll, person, yes)
    with time_machine.travel(AGM + datetime.timedelta(days=8), tick=True):
        decisions.close_poll(poll=poll)
        before = -actions.member_balance(member_account, "member-savings")
        allocation = dividends.post_allocation(allocation=allocation, actor=treasurer)
    assert allocation.status == Allocation.Status.POSTED
    assert -actions.member_balance(member_account, "member-savings") - before == 7972 + 14_995_516
    assert f"poll {poll.pk}" in allocation.entry.narration
    posted = list(audit.entries(kind="treasury.allocation_posted"))[-1]
    assert posted.data["poll"] == poll.pk and posted.data["passed"] is True
    assert (
        posted.data["poll_closing_entry"]
        == poll.__class__.objects.get(pk=poll.pk).closing_log_index
    )


def test_a_poll_that_fails_rejects_the_allocation(
    closed_year, treasurer, member, other_member, checker, member_account
):
    allocation = dividends.propose_allocation(
        year=closed_year, actor=treasurer, dividend_rate="10", patronage_percent="50"
    )
    poll = dividends.put_to_vote(
        allocation=allocation, actor=treasurer, closes_at=AGM + datetime.timedelta(days=7)
    )
    for person, yes in ((member, False), (other_member, False), (checker, True)):
        _vote(poll, person, yes)
    with time_machine.travel(AGM + datetime.timedelta(days=8), tick=True):
        decisions.close_poll(poll=poll)
        allocation = dividends.post_allocation(allocation=allocation, actor=treasurer)
    assert allocation.status == Allocation.Status.REJECTED
    assert allocation.entry is None
    assert actions.member_balance(member_account, "member-savings") == 0
