"""Fixtures for the members' side of the books: money in a member's savings, ordinary members
with verified phones who can be drawn, and the statutes' approval rule."""

import pytest

from conftest import make_person
from minga.accounts.actions import record_phone_verified
from minga.coops.models import Membership
from minga.decisions import delegation
from minga.treasury import actions, approvals
from minga.treasury.models import MemberAccount

from .conftest import join

__all__ = [
    "PIN",
    "RULE_FROM",
    "_callbacks_from_the_test_client",
    "drawable",
    "phone",
    "rule",
    "savings",
    "savings_of",
    "withdrawal",
]

PIN = "48265"
RULE_FROM = 50_000_00  # KES 50,000.00


def phone(n: int) -> str:
    return f"+2547120000{n:02d}"


@pytest.fixture(autouse=True)
def _callbacks_from_the_test_client(settings):
    """Callbacks are refused until an allow-list or token is set; the test client is local."""
    settings.AFRICASTALKING_CALLBACK_IPS = ["127.0.0.1/32"]


@pytest.fixture
def drawable(books, coop, owner, treasurer, other_member):
    """Four ordinary members with verified phones and voting PINs, and their accounts; the
    other member, who may be drawn too, gets a phone and a PIN as well."""
    other_member.phone = phone(99)
    other_member.save(update_fields=["phone"])
    record_phone_verified(user=other_member, actor=other_member)
    delegation.set_voting_pin(person=other_member, pin=PIN, actor=other_member)
    people = []
    for n in range(1, 5):
        person = make_person(f"Ordinary Member {n}", phone=phone(n), phone_verified=True)
        join(coop, owner, person, Membership.Role.MEMBER)
        delegation.set_voting_pin(person=person, pin=PIN, actor=person)
        people.append(person)
    actions.open_member_accounts(books=books, actor=treasurer)
    return people


@pytest.fixture
def savings(member_account, treasurer):
    actions.receive_from_member(
        member=member_account, amount=100_000_00, purpose="savings", actor=treasurer
    )
    return member_account


@pytest.fixture
def rule(coop, checker, books):
    return approvals.set_rule(
        coop=coop,
        actor=checker,
        operation="savings-withdrawal",
        min_amount=RULE_FROM,
        checkers=1,
        members=2,
        hours=48,
    )


def withdrawal(coop, treasurer, member, amount=60_000_00, narration="Withdrawal for school fees"):
    return approvals.request_approval(
        coop=coop,
        actor=treasurer,
        operation="savings-withdrawal",
        amount=amount,
        narration=narration,
        member=member,
    )


def savings_of(member: MemberAccount) -> int:
    return -actions.member_balance(member, "member-savings")
