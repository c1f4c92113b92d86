"""The agents' pages: the treasurer's (agents, their float, counts, transactions; officers read
them) and the agent's own (float, transactions, a member's deposit or withdrawal, the count).
Short views that ask `permissions`, validate a form and call one action."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minga.accounts.models import User
from minga.accounts.queries import person_by_verified_phone
from minga.coops.models import Cooperative
from minga.treasury import actions as books
from minga.treasury import permissions
from minga.treasury.models import Books

from . import actions, reconcile
from .models import Agent, AgentTransaction, CashCount, FloatMovement


class RegisterForm(forms.Form):
    person = forms.CharField(
        label=gettext_lazy("The person's e-mail or verified phone"), max_length=254
    )
    phone = forms.CharField(label=gettext_lazy("Agent's phone"), max_length=20)

    def clean_person(self) -> User:
        text = self.cleaned_data["person"].strip()
        found = (
            User.objects.filter(email__iexact=text).first()
            if "@" in text
            else person_by_verified_phone(text)
        )
        if found is None:
            raise ValidationError(_("Nobody on Minga has this e-mail or verified phone."))
        return found


class FloatForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Operation"), choices=FloatMovement.Kind.choices)
    amount = forms.CharField(label=gettext_lazy("Amount"), max_length=20)


class StartForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Operation"), choices=AgentTransaction.Kind.choices)
    member_ref = forms.CharField(label=gettext_lazy("Member reference"), max_length=20)
    amount = forms.CharField(label=gettext_lazy("Amount"), max_length=20)


class ConfirmForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("The code the member received"), max_length=12, required=False
    )
    pin = forms.CharField(
        label=gettext_lazy("Or the member's PIN"),
        max_length=12,
        required=False,
        widget=forms.PasswordInput,
    )

    def clean(self):
        data = super().clean()
        assert data is not None  # a form's clean() gives its cleaned_data
        if not data.get("code") and not data.get("pin"):
            raise ValidationError(_("Enter the member's code or PIN."))
        return data


class CountForm(forms.Form):
    counted = forms.CharField(label=gettext_lazy("Cash in hand"), max_length=20)


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _books(user, slug: str, need: str) -> Books:
    return permissions.get_books(user, slug, need=need)


def _agent(books_: Books, pk: int) -> Agent:
    return get_object_or_404(
        Agent.objects.select_related("user", "account", "coop"), coop_id=books_.coop_id, pk=pk
    )


def _day(request) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return None


def _rows(agents_) -> list[dict]:
    now = timezone.now()
    return [
        {
            "agent": agent,
            "held": actions.float_balance(agent),
            "available": actions.available(agent, now),
        }
        for agent in agents_
    ]


@login_required
def agents(request, slug):
    book = _books(request.user, slug, "read")
    form = RegisterForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, book.coop, "keep")
        if form.is_valid():
            try:
                agent = actions.register_agent(
                    coop=book.coop,
                    actor=request.user,
                    user=form.cleaned_data["person"],
                    phone=form.cleaned_data["phone"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The agent is registered."))
                return redirect("agents:agent", slug, agent.pk)
    listed = Agent.objects.filter(coop=book.coop).select_related("user", "account")
    context = {
        "books": book,
        "rows": _rows(listed),
        "form": form,
        "can_keep": permissions.can_keep_books(request.user, book.coop),
        "transactions": AgentTransaction.objects.filter(coop=book.coop).select_related(
            "agent__user", "member", "entry__fiscal_year"
        )[:50],
    }
    return render(request, "agents/agents.html", context, status=400 if form.errors else 200)


@login_required
def agent(request, slug, pk):
    book = _books(request.user, slug, "read")
    found = _agent(book, pk)
    context = {
        "books": book,
        "agent": found,
        "held": actions.float_balance(found),
        "available": actions.available(found),
        "movements": found.movements.select_related("request", "request__entry__fiscal_year"),
        "transactions": found.transactions.select_related("member", "entry__fiscal_year")[:100],
        "counts": found.counts.all()[:60],
        "form": FloatForm(),
        "can_keep": permissions.can_keep_books(request.user, book.coop),
    }
    return render(request, "agents/agent.html", context)


@login_required
@require_POST
def float_request(request, slug, pk):
    book = _books(request.user, slug, "keep")
    found = _agent(book, pk)
    form = FloatForm(request.POST)
    if form.is_valid():
        try:
            actions.request_float(
                agent=found,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                amount=books.parse_amount(book, form.cleaned_data["amount"]),
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(
                request, _("The request is waiting for the checkers: it is posted once approved.")
            )
    else:
        messages.error(request, _("Choose the operation and enter an amount."))
    return redirect("agents:agent", slug, pk)


@login_required
@require_POST
def set_active(request, slug, pk):
    book = _books(request.user, slug, "keep")
    found = _agent(book, pk)
    try:
        actions.set_active(
            agent=found, actor=request.user, active=request.POST.get("active") == "1"
        )
    except ValidationError as error:
        _errors(request, error)
    return redirect("agents:agent", slug, pk)


@login_required
def counts(request, slug):
    book = _books(request.user, slug, "read")
    day = _day(request) or book.today()
    context = {
        "books": book,
        "day": day,
        "counts": CashCount.objects.filter(agent__coop=book.coop, date=day).select_related(
            "agent__user"
        ),
        "exceptions": reconcile.shortfalls(book.coop, day),
    }
    return render(request, "agents/counts.html", context)


# --- the agent's own pages ----------------------------------------------------------------------


def _own(request, slug: str) -> Agent:
    coop = get_object_or_404(Cooperative, slug=slug)
    found = actions.agent_of(request.user, coop)
    if found is None:
        if permissions.treasury_role(request.user, coop):
            raise PermissionDenied
        raise Http404
    return found


@login_required
def me(request, slug):
    found = _own(request, slug)
    book = Books.objects.get(coop=found.coop)
    now = timezone.now()
    context = {
        "books": book,
        "agent": found,
        "held": actions.float_balance(found),
        "available": actions.available(found, now),
        "pending": found.transactions.filter(
            status=AgentTransaction.Status.PENDING, expires_at__gt=now
        ).select_related("member"),
        "transactions": found.transactions.select_related("member", "entry__fiscal_year")[:50],
        "counts": found.counts.all()[:14],
        "start_form": StartForm(),
        "confirm_form": ConfirmForm(),
        "count_form": CountForm(),
    }
    return render(request, "agents/me.html", context)


@login_required
@require_POST
def me_start(request, slug):
    found = _own(request, slug)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the operation, the member and the amount."))
        return redirect("agents:me", slug)
    try:
        actions.start_transaction(
            agent=found,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            member_ref=form.cleaned_data["member_ref"],
            amount=books.parse_amount(
                Books.objects.get(coop=found.coop), form.cleaned_data["amount"]
            ),
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Waiting for the member: they got a code by SMS."))
    return redirect("agents:me", slug)


@login_required
@require_POST
def me_confirm(request, slug, pk):
    found = _own(request, slug)
    txn = get_object_or_404(AgentTransaction, agent=found, pk=pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        for message in form.non_field_errors():  # an ErrorList yields the messages
            messages.error(request, str(message))
        return redirect("agents:me", slug)
    try:
        txn = actions.confirm_transaction(
            txn=txn,
            actor=request.user,
            code=form.cleaned_data["code"],
            pin=form.cleaned_data["pin"],
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        assert txn.entry is not None  # a confirmed transaction is posted
        messages.success(
            request, _("Confirmed and posted as entry %(entry)s.") % {"entry": txn.entry.code}
        )
    return redirect("agents:me", slug)


@login_required
@require_POST
def me_cancel(request, slug, pk):
    found = _own(request, slug)
    txn = get_object_or_404(AgentTransaction, agent=found, pk=pk)
    try:
        actions.cancel_transaction(txn=txn, actor=request.user)
    except ValidationError as error:
        _errors(request, error)
    return redirect("agents:me", slug)


@login_required
@require_POST
def me_count(request, slug):
    found = _own(request, slug)
    form = CountForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Enter the cash in hand."))
        counted = books.parse_amount(
            Books.objects.get(coop=found.coop), form.cleaned_data["counted"]
        )
        actions.declare_count(agent=found, actor=request.user, counted=counted)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Cash count recorded."))
    return redirect("agents:me", slug)
