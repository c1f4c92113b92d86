"""Pages for members and their committees: statements, disputes, approvals, the allocation.

Short functions: fetch through `permissions`, call one action, redirect with its message.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import actions, approvals, dividends, permissions, statements
from .models import FiscalYear, MemberAccount
from .models_members import (
    Allocation,
    ApprovalRequest,
    Channel,
    Dispute,
    MemberConfirmation,
    Operation,
)


def _fail(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _own_account(request, slug: str) -> MemberAccount:
    books = permissions.get_books(request.user, slug, need="reports")
    member = MemberAccount.objects.filter(coop=books.coop, membership__person=request.user).first()
    if member is None:
        raise Http404
    return member


def _statement(request, member: MemberAccount, *, own: bool):
    return render(
        request,
        "treasury/statement.html",
        {
            "coop": member.coop,
            "member": member,
            "own": own,
            "currency": statements.currency_of(member.coop_id),
            "balances": statements.balances(member),
            "movements": statements.movements(member, limit=200),
            "disputes": member.disputes.select_related("entry__fiscal_year")[:50],
            "witness": getattr(member, "witness", None),
        },
    )


@login_required
def statement(request, slug):
    return _statement(request, _own_account(request, slug), own=True)


@login_required
@require_POST
def dispute_new(request, slug):
    member = _own_account(request, slug)
    try:
        entry = statements.find_entry(member.coop, request.POST.get("entry", ""))
        statements.open_dispute(
            entry=entry,
            member=member,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            channel=Channel.WEB,
        )
        messages.success(
            request, _("Your dispute is recorded. The supervisory committee will answer.")
        )
    except ValidationError as error:
        _fail(request, error)
    return redirect("treasury:statement", slug)


@login_required
@require_POST
def witness(request, slug):
    member = _own_account(request, slug)
    try:
        statements.name_witness(
            member=member,
            actor=request.user,
            phone=request.POST.get("phone", ""),
            name=request.POST.get("name", ""),
        )
        messages.success(request, _("Your receipts will go to your witness's phone."))
    except ValidationError as error:
        _fail(request, error)
    return redirect("treasury:statement", slug)


@login_required
def disputes(request, slug):
    books = permissions.get_books(request.user, slug, need="read")
    return render(
        request,
        "treasury/disputes.html",
        {
            "coop": books.coop,
            "disputes": statements.open_disputes(books.coop)[:200],
            "can_answer": permissions.treasury_role(request.user, books.coop)
            == permissions.SUPERVISORY,
        },
    )


@login_required
@require_POST
def dispute_answer(request, slug, pk):
    books = permissions.get_books(request.user, slug, need="read")
    dispute = get_object_or_404(Dispute, coop=books.coop, pk=pk)
    try:
        statements.answer_dispute(
            dispute=dispute, actor=request.user, answer=request.POST.get("answer", "")
        )
        messages.success(request, _("Your answer is recorded and sent to the member."))
    except ValidationError as error:
        _fail(request, error)
    return redirect("treasury:disputes", slug)


@login_required
def approval_list(request, slug):
    books = permissions.get_books(request.user, slug, need="read")
    coop = books.coop
    return render(
        request,
        "treasury/approvals.html",
        {
            "coop": coop,
            "currency": books.currency,
            "pending": approvals.pending_queue(coop),
            "recent": ApprovalRequest.objects.filter(coop=coop)
            .exclude(status__in=ApprovalRequest.PENDING)
            .select_related("entry__fiscal_year")[:50],
            "can_make": permissions.can_keep_books(request.user, coop),
            "can_check": permissions.can_check(request.user, coop),
            "operations": [
                (value, label) for value, label in Operation.choices if value != Operation.MANUAL
            ],
        },
    )


def _optional_date(text: str) -> datetime.date | None:
    """A date typed as YYYY-MM-DD (what a date field sends), None when left empty."""
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("Enter the date as YYYY-MM-DD."), code="date") from None


@login_required
@require_POST
def approval_new(request, slug):
    books = permissions.get_books(request.user, slug, need="keep")
    coop = books.coop
    try:
        ref = request.POST.get("member", "").strip()
        member = actions.find_member(coop, ref) if ref else None
        operation = request.POST.get("operation", "")
        shares = request.POST.get("shares", "").strip()
        approvals.request_approval(
            coop=coop,
            actor=request.user,
            operation=operation,
            amount=actions.parse_amount(books, request.POST.get("amount", "") or "0")
            if operation != Operation.SHARE_REDEMPTION
            else 0,
            narration=request.POST.get("narration", ""),
            member=member,
            account=request.POST.get("account", "").strip(),
            paid_from=request.POST.get("paid_from", "cash").strip() or "cash",
            shares=int(shares) if shares.isdigit() else 0,
            date=_optional_date(request.POST.get("date", "")),
            reference=request.POST.get("reference", ""),
        )
        messages.success(request, _("The request waits for the checkers."))
    except ValidationError as error:
        _fail(request, error)
    return redirect("treasury:approvals", slug)


@login_required
@require_POST
def approval_check(request, slug, pk):
    books = permissions.get_books(request.user, slug, need="check")
    approval = get_object_or_404(ApprovalRequest, coop=books.coop, pk=pk)
    try:
        approvals.check_request(
            request=approval,
            actor=request.user,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Your check is recorded."))
    except ValidationError as error:
        _fail(request, error)
    return redirect("treasury:approvals", slug)


def _my_confirmation(request, pk) -> MemberConfirmation:
    confirmation = get_object_or_404(
        MemberConfirmation.objects.select_related("request__coop", "member__membership"), pk=pk
    )
    if confirmation.member.membership.person_id != request.user.pk:
        raise Http404
    return confirmation


@login_required
def confirmation(request, pk):
    found = _my_confirmation(request, pk)
    if request.method == "POST":
        try:
            approvals.answer_confirmation(
                confirmation=found,
                actor=request.user,
                confirm=request.POST.get("answer") == "yes",
                channel=Channel.WEB,
            )
            messages.success(request, _("Your answer is recorded."))
        except ValidationError as error:
            _fail(request, error)
        return redirect("treasury:confirmation", pk)
    return render(
        request,
        "treasury/confirmation.html",
        {
            "confirmation": found,
            "approval": found.request,
            "amount": approvals.format_amount(found.request.coop_id, found.request.amount),
            "is_open": found.request.status == ApprovalRequest.Status.CONFIRMING
            and not found.answer
            and found.request.deadline is not None
            and timezone.now() < found.request.deadline,
        },
    )


@login_required
def allocation_list(request, slug):
    books = permissions.get_books(request.user, slug, need="reports")
    coop = books.coop
    return render(
        request,
        "treasury/allocations.html",
        {
            "coop": coop,
            "allocations": Allocation.objects.filter(coop=coop).select_related("fiscal_year"),
            "closed_years": FiscalYear.objects.filter(coop=coop, status="closed"),
            "can_propose": permissions.can_keep_books(request.user, coop),
            "rules": dividends.rules_of(coop),
        },
    )


@login_required
def allocation_detail(request, slug, pk):
    books = permissions.get_books(request.user, slug, need="reports")
    allocation = get_object_or_404(
        Allocation.objects.select_related("fiscal_year", "poll", "entry__fiscal_year"),
        coop=books.coop,
        pk=pk,
    )
    shares = list(allocation.shares.select_related("member__membership"))
    mine = [s for s in shares if s.member.membership.person_id == request.user.pk]
    return render(
        request,
        "treasury/allocation.html",
        {
            "coop": books.coop,
            "currency": books.currency,
            "allocation": allocation,
            "shares": shares if permissions.can_read_books(request.user, books.coop) else mine,
            "count": len(shares),
            "mine": mine[0] if mine else None,
            "can_keep": permissions.can_keep_books(request.user, books.coop),
        },
    )


@login_required
@require_POST
def allocation_new(request, slug):
    books = permissions.get_books(request.user, slug, need="keep")
    year = get_object_or_404(FiscalYear, coop=books.coop, pk=request.POST.get("year") or 0)
    try:
        allocation = dividends.propose_allocation(
            year=year,
            actor=request.user,
            dividend_rate=request.POST.get("dividend_rate", ""),
            patronage_percent=request.POST.get("patronage_percent", ""),
        )
    except ValidationError as error:
        _fail(request, error)
        return redirect("treasury:allocations", slug)
    return redirect("treasury:allocation", slug, allocation.pk)


@login_required
@require_POST
def allocation_vote(request, slug, pk):
    books = permissions.get_books(request.user, slug, need="keep")
    allocation = get_object_or_404(Allocation, coop=books.coop, pk=pk)
    days = request.POST.get("days", "14")
    try:
        dividends.put_to_vote(
            allocation=allocation,
            actor=request.user,
            closes_at=timezone.now() + datetime.timedelta(days=int(days) if days.isdigit() else 14),
        )
        messages.success(request, _("The members' poll is open."))
    except ValidationError as error:
        _fail(request, error)
    return redirect("treasury:allocation", slug, pk)


@login_required
@require_POST
def allocation_post(request, slug, pk):
    books = permissions.get_books(request.user, slug, need="keep")
    allocation = get_object_or_404(Allocation, coop=books.coop, pk=pk)
    try:
        dividends.post_allocation(allocation=allocation, actor=request.user)
    except ValidationError as error:
        _fail(request, error)
    return redirect("treasury:allocation", slug, pk)
