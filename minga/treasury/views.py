"""The treasury's pages: short views that ask `permissions`, validate a form, call one action."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minga.coops.models import Cooperative, Membership

from . import actions, approvals, permissions, queries, reports
from .forms import (
    AccountForm,
    EntryForm,
    MemberOperationForm,
    PatronageForm,
    ReopenForm,
    ReverseForm,
    SetupForm,
    TransferForm,
)
from .models import Account, Books, FiscalYear, JournalEntry, Line, MemberAccount, Period
from .models_members import Operation


def _day(request, name: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _may_set_up(user, coop) -> bool:
    membership = permissions.membership_of(user, coop)
    return membership is not None and membership.role in {
        Membership.Role.TREASURER,
        Membership.Role.ADMIN,
    }


def home(request, slug):
    coop = get_object_or_404(Cooperative, slug=slug)
    books = Books.objects.filter(coop=coop).first()
    role = permissions.treasury_role(request.user, coop)
    if books is None:
        if not _may_set_up(request.user, coop):
            raise Http404
        return render(request, "treasury/setup.html", {"coop": coop, "form": SetupForm()})
    if not role and not books.publishes_annual_accounts:
        raise Http404
    mine = MemberAccount.objects.filter(coop=coop, membership__person_id=request.user.pk).first()
    return render(
        request,
        "treasury/home.html",
        {
            "coop": coop,
            "books": books,
            "role": role,
            "mine": mine,
            "until": reports.visible_until(request.user, books),
            "years": queries.years(books),
        },
    )


@login_required
@require_POST
def setup(request, slug):
    coop = get_object_or_404(Cooperative, slug=slug)
    if not _may_set_up(request.user, coop):
        raise Http404
    form = SetupForm(request.POST)
    if form.is_valid():
        try:
            actions.setup_books(coop=coop, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The books are open."))
            return redirect("treasury:home", slug)
    return render(request, "treasury/setup.html", {"coop": coop, "form": form}, status=400)


@login_required
def accounts(request, slug):
    books = permissions.get_books(request.user, slug, need="read")
    form = AccountForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, books.coop, "keep")
        if form.is_valid():
            try:
                actions.add_account(books=books, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("treasury:accounts", slug)
    chart = Account.objects.filter(coop_id=books.coop_id).order_by("code")
    can_keep = permissions.can_keep_books(request.user, books.coop)
    status = 400 if form.errors else 200
    context = {"books": books, "accounts": chart, "form": form, "can_keep": can_keep}
    return render(request, "treasury/accounts.html", context, status=status)


@login_required
def entries(request, slug):
    books = permissions.get_books(request.user, slug, need="read")
    recent = queries.recent_entries(books, limit=100)
    return render(request, "treasury/entries.html", {"books": books, "entries": recent})


@login_required
def entry_new(request, slug):
    books = permissions.get_books(request.user, slug, need="keep")
    form = EntryForm(request.POST or None, coop=books.coop, initial={"date": books.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            amount = actions.parse_amount(books, data["amount"])
            approvals.request_approval(
                coop=books.coop,
                actor=request.user,
                operation=Operation.MANUAL,
                amount=amount,
                lines=[
                    actions.debit(data["debit"], amount),
                    actions.credit(data["credit"], amount),
                ],
                narration=data["narration"],
                date=data["date"],
                reference=data["reference"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, WAITING)
            return redirect("treasury:approvals", slug)
    status = 400 if form.errors else 200
    return render(request, "treasury/entry_new.html", {"books": books, "form": form}, status=status)


@login_required
def entry_detail(request, slug, pk):
    books = permissions.get_books(request.user, slug, need="read")
    entry = get_object_or_404(
        JournalEntry.objects.select_related("fiscal_year", "reverses"), coop=books.coop, pk=pk
    )
    lines = entry.lines.select_related("account", "member").order_by("id")
    context = {
        "books": books,
        "entry": entry,
        "lines": lines,
        "reversal": JournalEntry.objects.filter(reverses=entry).first(),
        "can_keep": permissions.can_keep_books(request.user, books.coop),
        "form": ReverseForm(),
    }
    return render(request, "treasury/entry_detail.html", context)


@login_required
@require_POST
def entry_reverse(request, slug, pk):
    books = permissions.get_books(request.user, slug, need="keep")
    entry = get_object_or_404(JournalEntry, coop=books.coop, pk=pk)
    form = ReverseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the entry is reversed."))
        reversal = actions.reverse_entry(
            entry=entry, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect("treasury:entry-detail", slug, pk)
    return redirect("treasury:entry-detail", slug, reversal.pk)


@login_required
def periods(request, slug):
    books = permissions.get_books(request.user, slug, need="read")
    years = FiscalYear.objects.filter(coop_id=books.coop_id).prefetch_related("periods")
    context = {
        "books": books,
        "years": years.order_by("-start"),
        "can_keep": permissions.can_keep_books(request.user, books.coop),
        "can_check": permissions.can_check(request.user, books.coop),
        "reopen_form": ReopenForm(),
    }
    return render(request, "treasury/periods.html", context)


def _period(user, slug, pk, need) -> Period:
    books = permissions.get_books(user, slug, need=need)
    return get_object_or_404(
        Period.objects.select_related("fiscal_year__coop"), fiscal_year__coop=books.coop, pk=pk
    )


@login_required
@require_POST
def period_close(request, slug, pk):
    period = _period(request.user, slug, pk, "keep")
    try:
        actions.close_period(period=period, actor=request.user)
    except ValidationError as error:
        _errors(request, error)
    return redirect("treasury:periods", slug)


@login_required
@require_POST
def period_reopen(request, slug, pk):
    period = _period(request.user, slug, pk, "check")
    form = ReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Cite the board's decision to reopen the period."))
        actions.reopen_period(period=period, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        _errors(request, error)
    return redirect("treasury:periods", slug)


@login_required
@require_POST
def year_close(request, slug, pk):
    books = permissions.get_books(request.user, slug, need="keep")
    year = get_object_or_404(FiscalYear, coop=books.coop, pk=pk)
    try:
        actions.close_fiscal_year(year=year, actor=request.user)
    except ValidationError as error:
        _errors(request, error)
    return redirect("treasury:periods", slug)


@login_required
@require_POST
def year_open(request, slug):
    books = permissions.get_books(request.user, slug, need="keep")
    try:
        actions.open_fiscal_year(books=books, actor=request.user)
    except ValidationError as error:
        _errors(request, error)
    return redirect("treasury:periods", slug)


REPORTS = {
    "trial-balance": "reports",
    "balance-sheet": "reports",
    "income-statement": "reports",
    "share-register": "read",
    "arrears": "read",
}


def report(request, slug, kind):
    if kind not in REPORTS:
        raise Http404
    need = REPORTS[kind]
    books = permissions.get_books(request.user, slug, need="public" if need == "reports" else need)
    as_of = reports.report_date(request.user, books, _day(request, "as_of"))
    table = None
    if as_of is not None:
        table = _table(books, kind, as_of, _day(request, "since"))
        if request.GET.get("format") == "csv":
            return reports.csv_response(table, f"{books.coop.slug}-{kind}-{as_of.isoformat()}")
    context = {"books": books, "kind": kind, "as_of": as_of, "table": table}
    return render(request, "treasury/report.html", context)


def _table(books, kind, as_of, since) -> reports.Table:
    if kind == "trial-balance":
        return reports.trial_balance_table(books, as_of)[0]
    if kind == "balance-sheet":
        return reports.balance_sheet_table(books, as_of)
    if kind == "income-statement":
        year = FiscalYear.objects.filter(coop_id=books.coop_id, start__lte=as_of).first()
        start = year.start if year else as_of
        return reports.income_statement_table(books, max(since or start, start), as_of)
    if kind == "share-register":
        return reports.share_register_table(books, as_of)
    return reports.arrears_table(books, as_of)


@login_required
def members(request, slug):
    books = permissions.get_books(request.user, slug, need="read")
    if request.method == "POST":
        permissions.require(request.user, books.coop, "keep")
        count = actions.open_member_accounts(books=books, actor=request.user)
        messages.success(request, _("Member accounts opened: %(count)s.") % {"count": count})
        return redirect("treasury:members", slug)
    accounts_ = MemberAccount.objects.filter(coop_id=books.coop_id).select_related(
        "membership__person"
    )
    context = {
        "books": books,
        "accounts": accounts_,
        "can_keep": permissions.can_keep_books(request.user, books.coop),
    }
    return render(request, "treasury/members.html", context)


def _member(user, slug, ref) -> tuple[Books, MemberAccount]:
    books = permissions.get_books(user, slug, need="reports")
    member = get_object_or_404(
        MemberAccount.objects.select_related("membership__person", "coop"),
        coop_id=books.coop_id,
        ref=ref,
    )
    if not permissions.can_see_member(user, member):
        raise PermissionDenied
    return books, member


@login_required
def member_statement(request, slug, ref):
    books, member = _member(request.user, slug, ref)
    until = _day(request, "until") or books.today()
    year = FiscalYear.objects.filter(coop_id=books.coop_id, start__lte=until).first()
    since = _day(request, "since") or (year.start if year else until)
    csv = request.GET.get("format") == "csv"  # the export holds every line of the dates
    before = request.GET.get("before", "")
    try:
        statement = queries.member_statement(
            member,
            since=since,
            until=until,
            limit=None if csv else queries.STATEMENT_PAGE,
            before=int(before) if before.isdigit() else None,
        )
    except Line.DoesNotExist:
        raise Http404 from None
    table = reports.statement_table(books, statement)
    if csv:
        return reports.csv_response(table, f"{books.coop.slug}-{member.ref}-{until.isoformat()}")
    can_keep = permissions.can_keep_books(request.user, books.coop)
    context = {
        "books": books,
        "member": member,
        "statement": statement,
        "table": table,
        "can_keep": can_keep,
        "operation_form": MemberOperationForm(initial={"date": books.today()}),
        "transfer_form": TransferForm(initial={"date": books.today()}),
        "patronage_form": PatronageForm(initial={"date": books.today()}),
    }
    return render(request, "treasury/member_statement.html", context)


@login_required
def my_statement(request, slug):
    member = MemberAccount.objects.filter(
        coop__slug=slug, membership__person=request.user, membership__status="active"
    ).first()
    if member is None:
        raise Http404
    return redirect("treasury:member-statement", slug, member.ref)


WAITING = gettext_lazy(
    "Your request is waiting for the checkers' approval: it is posted once everyone agreed."
)
OPERATIONS = {
    "savings": lambda m, n, via, **kw: actions.receive_from_member(
        member=m, amount=n, purpose="savings", paid_into=via, **kw
    ),
    "contribution": lambda m, n, via, **kw: actions.receive_from_member(
        member=m, amount=n, purpose="contribution", paid_into=via, **kw
    ),
}
# Outflows: the treasurer's form prepares a request for the checkers (`approvals`).
OUTFLOWS = {"withdrawal": Operation.SAVINGS_WITHDRAWAL, "redeem": Operation.SHARE_REDEMPTION}


@login_required
@require_POST
def member_operation(request, slug, ref):
    books = permissions.get_books(request.user, slug, need="keep")
    member = get_object_or_404(MemberAccount, coop_id=books.coop_id, ref=ref)
    form = MemberOperationForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(next(iter(form.errors.values()))))
        if form.cleaned_data["operation"] in OUTFLOWS:
            _request_outflow(books, member, request.user, form.cleaned_data)
            messages.success(request, WAITING)
            return redirect("treasury:approvals", slug)
        _operate(books, member, request.user, form.cleaned_data)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Posted."))
    return redirect("treasury:member-statement", slug, ref)


def _shares(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValidationError(_("The number of shares is a whole number above zero.")) from None


def _request_outflow(books, member, actor, data) -> None:
    operation = OUTFLOWS[data["operation"]]
    if operation == Operation.SHARE_REDEMPTION:
        shares, amount = _shares(data["amount"]), 0
        narration = _("Redemption of %(shares)s shares by %(ref)s") % {
            "shares": shares,
            "ref": member.ref,
        }
    else:
        shares, amount = 0, actions.parse_amount(books, data["amount"])
        narration = _("Savings withdrawal by %(ref)s") % {"ref": member.ref}
    approvals.request_approval(
        coop=books.coop,
        actor=actor,
        operation=operation,
        amount=amount,
        shares=shares,
        member=member,
        paid_from=data["via"],
        narration=narration,
        date=data["date"],
        reference=data["reference"],
    )


def _operate(books, member, actor, data) -> None:
    operation, via, date = data["operation"], data["via"], data["date"]
    if operation in OPERATIONS:
        amount = actions.parse_amount(books, data["amount"])
        OPERATIONS[operation](
            member, amount, via, actor=actor, date=date, reference=data["reference"]
        )
        return
    actions.buy_shares(member=member, shares=_shares(data["amount"]), actor=actor, paid_into=via,
                       date=date, reference=data["reference"])  # fmt: skip


@login_required
@require_POST
def member_transfer(request, slug, ref):
    books = permissions.get_books(request.user, slug, need="keep")
    giver = get_object_or_404(MemberAccount, coop_id=books.coop_id, ref=ref)
    form = TransferForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(next(iter(form.errors.values()))))
        data = form.cleaned_data
        receiver = actions.find_member(books.coop, data["receiver"])
        actions.transfer_shares(giver=giver, receiver=receiver, shares=data["shares"],
                                actor=request.user, date=data["date"])  # fmt: skip
    except ValidationError as error:
        _errors(request, error)
    return redirect("treasury:member-statement", slug, ref)


@login_required
@require_POST
def member_patronage(request, slug, ref):
    books = permissions.get_books(request.user, slug, need="keep")
    member = get_object_or_404(MemberAccount, coop_id=books.coop_id, ref=ref)
    form = PatronageForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(next(iter(form.errors.values()))))
        data = dict(form.cleaned_data)
        data["value"] = actions.parse_amount(books, data["value"])
        actions.record_patronage(member=member, actor=request.user, **data)
    except ValidationError as error:
        _errors(request, error)
    return redirect("treasury:member-statement", slug, ref)


def agm_pack(request, slug, pk):
    books = permissions.get_books(request.user, slug, need="public")
    year = get_object_or_404(FiscalYear, coop_id=books.coop_id, pk=pk)
    limit = reports.visible_until(request.user, books)
    if limit is None or limit < year.end:
        raise PermissionDenied
    from .agm import agm_pack_pdf

    return agm_pack_pdf(request, books, year)
