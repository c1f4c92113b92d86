"""Mobile-money pages: a member pays from their own phone and follows the payment; the
treasurer, the board and the supervisory committee see the payments that need a look."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minga.channels.models import Payment

from . import actions, payments, permissions, reconciliation
from .models import MemberAccount


class PayForm(forms.Form):
    purpose = forms.ChoiceField(
        label=gettext_lazy("Pay into"),
        choices=[
            ("savings", gettext_lazy("Savings")),
            ("contribution", gettext_lazy("Contributions")),
            ("shares", gettext_lazy("Shares")),
        ],
    )
    amount = forms.CharField(label=gettext_lazy("Amount"), max_length=24)


def _own_account(request, slug: str) -> MemberAccount:
    member = (
        MemberAccount.objects.select_related("coop", "membership__person")
        .filter(coop__slug=slug, membership__person=request.user, membership__status="active")
        .first()
    )
    if member is None:
        raise Http404
    return member


@login_required
def pay(request, slug):
    """The member asks their own phone to pay (STK push / request-to-pay); then follows it."""
    member = _own_account(request, slug)
    form = PayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        books = member.coop.books
        try:
            amount = actions.parse_amount(books, form.cleaned_data["amount"])
            payments.request_payment(
                member=member,
                amount=amount,
                purpose=form.cleaned_data["purpose"],
                actor=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _(
                    "Confirm the payment on your phone. It shows here once the provider "
                    "confirms it."
                ),
            )
            return redirect("treasury:payments", slug)
    mine = Payment.objects.filter(
        account__owner=payments.owner_of(member.coop), reference=member.ref
    ).order_by("-created_at")[:20]
    context = {"member": member, "coop": member.coop, "form": form, "payments": mine}
    return render(request, "treasury/pay.html", context, status=400 if form.errors else 200)


@login_required
def payment_exceptions(request, slug):
    """Money in suspense, failed payments and those the provider never answered about; and
    the latest payments in and out, whatever became of them."""
    books = permissions.get_books(request.user, slug, need="read")
    rows = payments.exceptions(books.coop)[:200]
    recent = (
        Payment.objects.filter(account__owner=payments.owner_of(books.coop))
        .select_related("account")
        .order_by("-created_at")[:20]
    )
    context = {"books": books, "payments": rows, "recent": recent}
    return render(request, "treasury/payment_exceptions.html", context)


class StatementForm(forms.Form):
    statement = forms.FileField(label=gettext_lazy("Statement (CSV)"))


KINDS = {
    "unreadable": gettext_lazy("unreadable line"),
    "missing-in-books": gettext_lazy("receipt without an entry"),
    "missing-in-statement": gettext_lazy("entry without a statement line"),
    "amount": gettext_lazy("amounts differ"),
    "duplicate": gettext_lazy("receipt twice in the statement"),
}


@login_required
def reconcile(request, slug):
    """Upload a provider's statement; see every difference with the books, line by line."""
    books = permissions.get_books(request.user, slug, need="read")
    form = StatementForm(request.POST or None, request.FILES or None)
    problems = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["statement"]
        rows = (raw.decode("utf-8-sig", errors="replace") for raw in upload)
        try:
            found = reconciliation.reconcile_statement(books=books, rows=rows, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            problems = [(KINDS[p.kind], p) for p in found]
    context = {"books": books, "form": form, "problems": problems}
    return render(request, "treasury/reconcile.html", context, status=400 if form.errors else 200)
