"""The monthly balance check on the web: the drawn member answers; the committees see results.

Short functions: fetch through `permissions`, call one action, redirect with its message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import circularisation, permissions, statements
from .models_circularisation import BalanceCheck
from .models_members import Channel


def _my_check(request, pk) -> BalanceCheck:
    check = get_object_or_404(
        BalanceCheck.objects.select_related(
            "circularisation__coop", "member__membership", "dispute"
        ),
        pk=pk,
    )
    if check.member.membership.person_id != request.user.pk:
        raise Http404
    return check


@login_required
def balance_check(request, pk):
    check = _my_check(request, pk)
    if request.method == "POST":
        try:
            circularisation.answer_check(
                check=check,
                actor=request.user,
                confirm=request.POST.get("answer") == "yes",
                channel=Channel.WEB,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("Your answer is recorded."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("treasury:balance-check", pk)
    return render(
        request,
        "treasury/balance_check.html",
        {
            "check": check,
            "coop": check.circularisation.coop,
            "currency": statements.currency_of(check.circularisation.coop_id),
            "is_open": not check.answer and check.member.membership.is_active,
        },
    )


@login_required
def balance_checks(request, slug):
    books = permissions.get_books(request.user, slug, need="read")
    return render(
        request,
        "treasury/balance_checks.html",
        {
            "coop": books.coop,
            "currency": books.currency,
            "checks": circularisation.results(books.coop)[:500],
        },
    )
