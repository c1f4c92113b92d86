"""Issue 17, item 3: every outflow and every manual entry through maker-checker(-members), in
the actions themselves, whatever the path (web, API, USSD, SMS, import, admin, worker)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from minga.treasury import actions, approvals
from minga.treasury.actions import TreasuryError, credit, debit
from minga.treasury.models import Account, JournalEntry
from minga.treasury.models_members import ApprovalCheck, ApprovalRequest

from .conftest import approved

pytestmark = pytest.mark.django_db


@pytest.fixture
def saver(books, treasurer, member_account):
    actions.receive_from_member(
        member=member_account, amount=5_000_00, purpose="savings", actor=treasurer
    )
    actions.buy_shares(member=member_account, shares=5, actor=treasurer)
    return member_account


def account(code):
    return Account.objects.get(code=code).pk


def posted_count():
    return JournalEntry.objects.count()


DIRECT = {
    "withdrawal": lambda coop, m, actor: actions.withdraw_savings(
        member=m, amount=100_00, actor=actor
    ),
    "redemption": lambda coop, m, actor: actions.redeem_shares(member=m, shares=1, actor=actor),
    "manual": lambda coop, m, actor: actions.post_entry(
        coop=coop, actor=actor, lines=[debit("5100", 100_00), credit("cash", 100_00)],
        narration="Rent",
    ),
    "manual-without-money": lambda coop, m, actor: actions.post_entry(
        coop=coop, actor=actor, lines=[debit("5100", 100_00), credit("4900", 100_00)],
        narration="Reclassified",
    ),
    # An outflow dressed as an inflow's kind is still an outflow.
    "outflow-as-savings": lambda coop, m, actor: actions.post_entry(
        coop=coop, actor=actor, lines=[debit("member-savings", 100_00, m),
                                       credit("cash", 100_00)],
        narration="Savings", kind="savings",
    ),
    # A direct kind is direct only for its own shape of lines.
    "savings-into-shares": lambda coop, m, actor: actions.post_entry(
        coop=coop, actor=actor, lines=[debit("cash", 100_00), credit("member-shares", 100_00, m)],
        narration="Savings", kind="savings",
    ),
    "contribution-from-expenses": lambda coop, m, actor: actions.post_entry(
        coop=coop, actor=actor,
        lines=[debit("5100", 100_00), credit("member-contributions", 100_00, m)],
        narration="Contribution", kind="contribution",
    ),
    "transfer-to-oneself": lambda coop, m, actor: actions.post_entry(
        coop=coop, actor=actor,
        lines=[debit("member-shares", 100_00, m), credit("member-shares", 100_00, m)],
        narration="Transfer", kind="share-transfer",
    ),
    "reversal-of-nothing": lambda coop, m, actor: actions.post_entry(
        coop=coop, actor=actor, lines=[debit("cash", 100_00), credit("4100", 100_00)],
        narration="Reversal", kind="reversal",
    ),
}  # fmt: skip


@pytest.mark.parametrize("path", sorted(DIRECT))
@pytest.mark.parametrize("as_platform", [False, True])
def test_an_outflow_or_manual_entry_without_approval_is_refused(
    coop, treasurer, saver, path, as_platform
):
    before = posted_count()
    with pytest.raises(TreasuryError) as refused:
        DIRECT[path](coop, saver, None if as_platform else treasurer)
    assert refused.value.code == "needs_approval"
    assert posted_count() == before


def test_inflows_stay_direct(coop, treasurer, member_account):
    actions.receive_from_member(
        member=member_account, amount=10_00, purpose="contribution", actor=treasurer
    )
    actions.buy_shares(member=member_account, shares=1, actor=treasurer)
    actions.receive_unidentified(coop=coop, amount=5_00, actor=treasurer)
    assert posted_count() == 3


def test_the_new_entry_form_creates_a_request_and_posts_nothing(
    treasurer_client, books, coop, treasurer
):
    response = treasurer_client.post(
        reverse("treasury:entry-new", args=[coop.slug]),
        {"debit": account("5100"), "credit": account("1000"), "amount": "250.00",
         "narration": "March rent", "date": "2026-03-16", "reference": ""},
        follow=True,
    )  # fmt: skip
    assert response.redirect_chain[-1][0] == reverse("treasury:approvals", args=[coop.slug])
    assert "waiting for the checkers" in response.content.decode()
    request = ApprovalRequest.objects.get()
    assert (request.operation, request.amount, request.maker) == ("manual", 250_00, treasurer)
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize(
    ("operation", "amount", "kind", "value"),
    [("withdrawal", "120.00", "savings-withdrawal", 120_00), ("redeem", "2", "share-redemption",
                                                               200_00)],
)  # fmt: skip
def test_the_member_operation_form_requests_outflows(
    treasurer_client, coop, saver, operation, amount, kind, value
):
    before = posted_count()
    response = treasurer_client.post(
        reverse("treasury:member-operation", args=[coop.slug, saver.ref]),
        {"operation": operation, "amount": amount, "via": "cash", "date": "2026-03-16"},
    )
    assert response.url == reverse("treasury:approvals", args=[coop.slug])
    request = ApprovalRequest.objects.get()
    assert (request.operation, request.amount, request.member) == (kind, value, saver)
    assert posted_count() == before


def test_an_approved_request_posts_exactly_once(coop, treasurer, checker, saver):
    request = approvals.request_approval(
        coop=coop, actor=treasurer, operation="savings-withdrawal", amount=100_00,
        narration="School fees", member=saver,
    )  # fmt: skip
    before = posted_count()
    request = approvals.check_request(request=request, actor=checker, approve=True)
    assert request.status == "posted" and request.entry.kind == "savings-withdrawal"
    assert posted_count() == before + 1
    with pytest.raises(TreasuryError) as refused:  # the same approval, executed again
        actions.withdraw_savings(member=saver, amount=100_00, actor=None, approval=request)
    assert refused.value.code == "needs_approval"
    assert posted_count() == before + 1


def test_the_maker_cannot_be_the_checker(coop, treasurer, saver):
    request = approved(coop, treasurer, [], "Rent", operation="savings-withdrawal",
                       member=saver, amount=100_00)  # fmt: skip
    ApprovalCheck.objects.filter(request=request).delete()
    with pytest.raises((PermissionDenied, TreasuryError)):
        approvals.check_request(request=request, actor=treasurer, approve=True)
    # Even a check recorded in the maker's name behind the actions' back does not count.
    ApprovalCheck.objects.create(
        request=request, checker=treasurer, approved=True, created_at=request.created_at
    )
    with pytest.raises(TreasuryError) as refused:
        actions.withdraw_savings(member=saver, amount=100_00, actor=None, approval=request)
    assert refused.value.code == "needs_approval"


def test_an_approval_is_for_its_own_lines_only(coop, treasurer, saver, other_account):
    request = approved(coop, treasurer, [], "Fees", operation="savings-withdrawal",
                       member=saver, amount=100_00)  # fmt: skip
    for member, amount in ((saver, 900_00), (other_account, 100_00)):
        with pytest.raises(TreasuryError):
            actions.withdraw_savings(member=member, amount=amount, actor=None, approval=request)
    with pytest.raises(TreasuryError):  # a person cannot use it either
        actions.withdraw_savings(member=saver, amount=100_00, actor=treasurer, approval=request)
    actions.withdraw_savings(member=saver, amount=100_00, actor=None, approval=request)


def test_a_request_waiting_for_members_does_not_post(coop, treasurer, checker, saver):
    request = approved(coop, treasurer, [], "Fees", operation="savings-withdrawal",
                       member=saver, amount=100_00)  # fmt: skip
    ApprovalRequest.objects.filter(pk=request.pk).update(members_needed=1)
    with pytest.raises(TreasuryError):
        actions.withdraw_savings(member=saver, amount=100_00, actor=None, approval=request)


def test_an_approved_request_posts_with_its_date_and_reference(coop, treasurer, checker, saver):
    day = JournalEntry.objects.latest("id").date
    request = approvals.request_approval(
        coop=coop, actor=treasurer, operation="savings-withdrawal", amount=100_00,
        narration="School fees", member=saver, date=day, reference="CHQ-0042",
    )  # fmt: skip
    assert (request.date, request.reference) == (day, "CHQ-0042")
    request = approvals.check_request(request=request, actor=checker, approve=True)
    assert (request.entry.date, request.entry.reference) == (day, "CHQ-0042")


@pytest.mark.parametrize(
    ("date", "reference", "code"),
    [("1990-01-01", "", "no_year"), (None, "TAKEN-1", "duplicate_reference"),
     (None, "x" * 65, "reference")],
)  # fmt: skip
def test_a_request_with_a_date_or_reference_the_books_refuse_is_refused_now(
    coop, treasurer, saver, date, reference, code
):
    import datetime

    actions.receive_from_member(
        member=saver, amount=1_00, purpose="savings", actor=treasurer, reference="TAKEN-1"
    )
    with pytest.raises(TreasuryError) as refused:
        approvals.request_approval(
            coop=coop, actor=treasurer, operation="savings-withdrawal", amount=100_00,
            narration="School fees", member=saver, reference=reference,
            date=datetime.date.fromisoformat(date) if date else None,
        )  # fmt: skip
    assert refused.value.code == code
    assert not ApprovalRequest.objects.exists()


def test_the_member_operation_form_gives_the_request_its_date_and_reference(
    treasurer_client, coop, saver
):
    treasurer_client.post(
        reverse("treasury:member-operation", args=[coop.slug, saver.ref]),
        {"operation": "withdrawal", "amount": "1.00", "via": "cash", "date": "2026-03-16",
         "reference": "CHQ-7"},
    )  # fmt: skip
    request = ApprovalRequest.objects.get()
    assert (str(request.date), request.reference) == ("2026-03-16", "CHQ-7")
    assert "CHQ-7" not in request.narration
