"""Maker, checker, members: the attacks the approvals must stop, and the draw from the log."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from minga import audit
from minga.coops import actions as coop_actions
from minga.coops.models import Membership
from minga.core import schedule
from minga.treasury import approvals, sampling
from minga.treasury.actions import TreasuryError
from minga.treasury.models import ApprovalRequest, JournalEntry, MemberConfirmation

from .members_fixtures import *  # noqa: F403 (fixtures and helpers)
from .members_fixtures import savings_of, withdrawal

pytestmark = pytest.mark.django_db
Status = ApprovalRequest.Status


def test_it_posts_a_small_outflow_once_a_checker_approves(coop, treasurer, checker, savings):
    request = withdrawal(coop, treasurer, savings, amount=10_000_00)
    assert request.status == Status.CHECKING
    assert savings_of(savings) == 100_000_00
    approvals.check_request(request=request, actor=checker, approve=True)
    request.refresh_from_db()
    assert request.status == Status.POSTED
    assert request.entry.kind == "savings-withdrawal"
    assert savings_of(savings) == 90_000_00


def test_it_refuses_the_maker_as_checker(coop, owner, treasurer, checker, savings):
    request = withdrawal(coop, treasurer, savings)
    with pytest.raises(PermissionDenied):  # a treasurer does not check
        approvals.check_request(request=request, actor=treasurer, approve=True)
    # Even moved to the board, the maker cannot check what they made.
    membership = Membership.objects.get(coop=coop, person=treasurer)
    coop_actions.change_membership(membership=membership, actor=owner, role=Membership.Role.BOARD)
    with pytest.raises(TreasuryError) as refused:
        approvals.check_request(request=request, actor=treasurer, approve=True)
    assert refused.value.code == "maker_checks"
    request.refresh_from_db()
    assert request.status == Status.CHECKING
    assert not request.checks.exists()


def test_a_checker_cannot_initiate(coop, checker, supervisor, savings):
    for person in (checker, supervisor):
        with pytest.raises(PermissionDenied):
            withdrawal(coop, person, savings)
    assert not ApprovalRequest.objects.exists()


def test_it_refuses_a_duplicate_pending_request(coop, treasurer, checker, savings):
    first = withdrawal(coop, treasurer, savings)
    with pytest.raises(TreasuryError) as refused:
        withdrawal(coop, treasurer, savings)
    assert refused.value.code == "duplicate"
    assert ApprovalRequest.objects.count() == 1
    approvals.check_request(request=first, actor=checker, approve=False)
    assert withdrawal(coop, treasurer, savings).status == Status.CHECKING


def test_it_refuses_bad_input_and_changes_nothing(coop, treasurer, savings):
    before = audit_size()
    for amount in (0, -5, 1.5, 200_000_00):
        with pytest.raises(TreasuryError):
            withdrawal(coop, treasurer, savings, amount=amount)
    with pytest.raises(TreasuryError):
        withdrawal(coop, treasurer, savings, narration="   ")
    assert not ApprovalRequest.objects.exists()
    assert audit_size() == before


def audit_size() -> int:
    return sum(1 for _ in audit.entries(kind="treasury.approval_requested"))


def test_it_draws_the_members_reproducibly_from_the_log(
    coop, treasurer, checker, savings, drawable, rule
):
    request = withdrawal(coop, treasurer, savings)
    assert request.members_needed == 2
    approvals.check_request(request=request, actor=checker, approve=True)
    request.refresh_from_db()
    assert request.status == Status.CONFIRMING
    assert request.deadline == request.checks.get().created_at + datetime.timedelta(hours=48)
    drawn = sorted(request.confirmations.values_list("member__ref", flat=True))
    assert len(drawn) == 2
    # Anyone holding the log redoes the draw: the seed is the approval entry's leaf hash.
    logged = audit.entry(request.seed_entry)
    assert logged.kind == "treasury.approval_checked"
    seed = sampling.seed_from(logged.leaf_hash, request.pk)
    candidates = approvals.eligible_refs(request)
    assert sorted(sampling.draw(seed, candidates, 2)) == drawn
    recorded = list(audit.entries(kind="treasury.members_drawn"))[-1]
    assert recorded.data["seed"] == seed.hex()
    assert recorded.data["seed_entry"] == logged.index
    assert recorded.data["candidates_digest"] == sampling.candidates_digest(candidates)
    assert approvals.redraw_check(request)
    # Neither the maker, the checker nor the member paid is ever drawn.
    assert savings.ref not in candidates
    assert len(candidates) == 5  # the four ordinary members and `other_member`


def test_it_lapses_when_the_members_do_not_confirm_in_time(
    coop, treasurer, checker, savings, drawable, rule
):
    request = withdrawal(coop, treasurer, savings)
    approvals.check_request(request=request, actor=checker, approve=True)
    request.refresh_from_db()
    confirmation = request.confirmations.first()
    person = confirmation.member.membership.person
    with time_machine.travel(request.deadline + datetime.timedelta(minutes=1), tick=False):
        with pytest.raises(TreasuryError):
            approvals.answer_confirmation(
                confirmation=confirmation, actor=person, confirm=True, channel="web"
            )
        schedule.register("treasury.lapse-approvals", approvals.lapse_due, every=60)
        reports = schedule.run_due()
    assert reports["treasury.lapse-approvals"] == 1
    request.refresh_from_db()
    assert request.status == Status.LAPSED
    assert request.entry is None
    assert savings_of(savings) == 100_000_00
    assert list(audit.entries(kind="treasury.approval_lapsed"))


def test_a_member_refusal_stops_the_outflow(coop, treasurer, checker, savings, drawable, rule):
    request = withdrawal(coop, treasurer, savings)
    approvals.check_request(request=request, actor=checker, approve=True)
    first, second = MemberConfirmation.objects.filter(request=request)
    approvals.answer_confirmation(
        confirmation=first, actor=first.member.membership.person, confirm=True, channel="web"
    )
    approvals.answer_confirmation(
        confirmation=second, actor=second.member.membership.person, confirm=False, channel="web"
    )
    request.refresh_from_db()
    assert request.status == Status.REFUSED
    assert savings_of(savings) == 100_000_00


def test_only_the_member_drawn_answers(
    coop, treasurer, checker, savings, drawable, rule, other_member
):
    request = withdrawal(coop, treasurer, savings)
    approvals.check_request(request=request, actor=checker, approve=True)
    confirmation = request.confirmations.exclude(member__membership__person=other_member).first()
    for intruder in (other_member, checker, treasurer):
        with pytest.raises(PermissionDenied):
            approvals.answer_confirmation(
                confirmation=confirmation, actor=intruder, confirm=True, channel="web"
            )
    assert not MemberConfirmation.objects.exclude(answer="").exists()


def test_the_drawn_members_are_asked_by_sms_with_the_details(
    coop, treasurer, checker, savings, drawable, rule, sms_outbox, run_tasks
):
    request = withdrawal(coop, treasurer, savings)
    approvals.check_request(request=request, actor=checker, approve=True)
    run_tasks()
    asked = [sent for sent in sms_outbox if "drawn to confirm" in sent.text]
    assert len(asked) == 2
    assert all("60,000.00 KES" in sent.text and "school fees" in sent.text for sent in asked)


def test_the_last_confirmation_posts(coop, treasurer, checker, savings, drawable, rule):
    request = withdrawal(coop, treasurer, savings)
    approvals.check_request(request=request, actor=checker, approve=True)
    for confirmation in MemberConfirmation.objects.filter(request=request):
        approvals.answer_confirmation(
            confirmation=confirmation,
            actor=confirmation.member.membership.person,
            confirm=True,
            channel="web",
            now=timezone.now(),
        )
    request.refresh_from_db()
    assert request.status == Status.POSTED
    assert JournalEntry.objects.filter(approval=request).exists()
    assert savings_of(savings) == 40_000_00
