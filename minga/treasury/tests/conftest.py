"""Treasury personas on top of the root ones, built through the actions: books in KES with the
savings and credit chart, a treasurer (maker), a board member (checker), a supervisory committee
member, the root `member` and another member, each with a member account; `outsider` as is."""

import datetime

import pytest
import time_machine

from conftest import client_for, make_person
from minga.channels.payments import standin
from minga.coops import actions as coop_actions
from minga.coops.models import Membership
from minga.treasury import actions, payments
from minga.treasury.models import Books, MemberAccount

# Every treasury test runs on this day (Nairobi time): books dated "today" stay reproducible.
TODAY = datetime.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _frozen_day():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 9, 0, tzinfo=datetime.UTC), tick=True):
        yield


def join(coop, owner, person, role) -> Membership:
    invitation = coop_actions.create_invitation(
        coop=coop, actor=owner, role=role, base_url="http://testserver"
    )
    return coop_actions.accept_invitation(token=invitation.token, person=person)


def joined(coop, owner, name, email, role):
    """A new person, invited into `coop` with `role` and accepted."""
    person = make_person(name, email)
    join(coop, owner, person, role)
    return person


@pytest.fixture
def treasurer(coop, owner):
    return joined(coop, owner, "Coop Treasurer", "treasurer@example.org", Membership.Role.TREASURER)


@pytest.fixture
def checker(coop, owner):
    return joined(coop, owner, "Board Member", "board@example.org", Membership.Role.BOARD)


@pytest.fixture
def supervisor(coop, owner):
    return joined(
        coop, owner, "Supervisory Member", "supervisory@example.org", Membership.Role.SUPERVISORY
    )


@pytest.fixture
def other_member(coop, owner):
    return joined(coop, owner, "Other Member", "other@example.org", Membership.Role.MEMBER)


@pytest.fixture
def books(coop, treasurer, checker, supervisor, member, other_member) -> Books:
    books = actions.setup_books(
        coop=coop,
        actor=treasurer,
        currency="KES",
        template="savings-credit",
        time_zone="Africa/Nairobi",
    )
    actions.update_statutes(
        books=books, actor=treasurer, share_par_value=100_00, share_minimum=2, share_maximum=1000
    )
    actions.open_member_accounts(books=books, actor=treasurer)
    return books


def account_of(coop, person) -> MemberAccount:
    return MemberAccount.objects.get(coop=coop, membership__person=person)


@pytest.fixture
def member_account(books, coop, member) -> MemberAccount:
    return account_of(coop, member)


@pytest.fixture
def other_account(books, coop, other_member) -> MemberAccount:
    return account_of(coop, other_member)


@pytest.fixture
def treasurer_client(client, treasurer):
    return client_for(client, treasurer)


def approved(coop, maker, lines, narration, operation="manual", **extra):
    """A request of `maker`'s for `lines`, approved by one of the board (recorded as the
    checkers' action would), not yet posted: what the platform executes."""
    from django.utils import timezone

    from minga.treasury import approvals
    from minga.treasury.models_members import ApprovalCheck

    amount = extra.pop("amount", sum(line.amount for line in lines if line.amount > 0))
    request = approvals.request_approval(
        coop=coop,
        actor=maker,
        operation=operation,
        amount=amount,
        narration=narration,
        lines=lines,
        **extra,
    )
    board = (
        Membership.objects.filter(
            coop=coop, role__in=[Membership.Role.BOARD, Membership.Role.ADMIN]
        )
        .exclude(person=maker)
        .first()
    )
    ApprovalCheck.objects.create(
        request=request, checker=board.person, approved=True, created_at=timezone.now()
    )
    return request


def post_approved(coop, maker, lines, narration, **options):
    """A manual entry, approved, posted by the platform executing its request."""
    from django.utils import timezone

    from minga.treasury import approvals

    request = approved(coop, maker, lines, narration)
    entry = actions.post_entry(
        coop=coop, actor=None, lines=lines, narration=narration, approval=request, **options
    )
    approvals.posted(request, entry, timezone.now())
    return entry


# --- mobile money through the provider stand-in ----------------------------------------------

TOKEN = "treasury-callback-secret"


@pytest.fixture
def provider(settings):
    settings.MINGA_PAYMENTS_STANDIN_DELIVERY = "collect"
    settings.MPESA_BASE_URL = settings.MOMO_BASE_URL = "standin"
    settings.MPESA_CALLBACK_TOKEN = settings.MOMO_CALLBACK_TOKEN = TOKEN
    settings.MPESA_CALLBACK_IPS = settings.MOMO_CALLBACK_IPS = []
    standin.reset()
    yield standin
    standin.reset()


@pytest.fixture
def paybill(books, treasurer, provider):
    return payments.add_mobile_money_account(
        books=books, provider="mpesa", account="600638", actor=treasurer
    )
