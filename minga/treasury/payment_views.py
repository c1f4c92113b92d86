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

from . import actions, payments, permissions
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
    """Money in suspense, failed payments and those the provider never answered about."""
    books = permissions.get_books(request.user, slug, need="read")
    rows = payments.exceptions(books.coop)[:200]
    return render(request, "treasury/payment_exceptions.html", {"books": books, "payments": rows})
