"""Pages for statutes, voting PINs, proxies, agents and paper counts (see the package)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minga.coops.models import Cooperative
from minga.core.pages import fail

from .. import secrecy
from ..forms import choice_from_post
from ..models import Agent, Elector, PaperCount, Participation, Poll, Proxy, VotingPin
from ..permissions import active_agent, can_set_rules, get_poll, is_teller
from ..queries import own_elector
from . import actions
from .forms import (
    AgentForm,
    AgentVoteForm,
    AppointProxyForm,
    PaperCountForm,
    PinForm,
    ProxyCodeForm,
    StatutesForm,
    parse_ranked_lines,
)
from .paper import RANKED_KINDS, confirm_paper_count, enter_paper_count, reject_paper_count


def _admin_coop(user, slug: str) -> Cooperative:
    coop = get_object_or_404(Cooperative, slug=slug)
    if not can_set_rules(user, coop):
        raise PermissionDenied
    return coop


def _receipt_message(code: str) -> str:
    return _("Recorded. The receipt is %(code)s: it checks that the ballot is counted.") % {
        "code": secrecy.format_receipt(code)
    }


# --- statutes ----------------------------------------------------------------------------------


@login_required
def statutes_edit(request, slug):
    coop = _admin_coop(request.user, slug)
    statutes = actions.statutes_of(coop)
    form = StatutesForm(
        request.POST or None,
        initial={
            "max_proxies_per_holder": statutes.max_proxies_per_holder,
            "allow_agents": statutes.allow_agents,
            "electorate": statutes.electorate,
            "quorum_kind": statutes.quorum_kind,
            "quorum_value": statutes.quorum_value,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_statutes(coop=coop, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The voting rules are saved."))
            return redirect("decisions:statutes", coop.slug)
    status = 400 if request.method == "POST" else 200
    context = {"coop": coop, "form": form, "statutes": statutes}
    return render(request, "decisions/statutes_edit.html", context, status=status)


# --- voting PIN --------------------------------------------------------------------------------


@login_required
def pin_edit(request):
    form = PinForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_voting_pin(
                person=request.user, pin=form.cleaned_data["pin"], actor=request.user
            )
        except ValidationError as error:
            form.add_error("pin", error)
        else:
            messages.success(request, _("Your voting PIN is saved."))
            return redirect("decisions:pin")
    record = VotingPin.objects.filter(person=request.user).first()
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "decisions/pin_edit.html",
        {"form": form, "record": record, "attempts": actions.PIN_ATTEMPTS},
        status=status,
    )


# --- proxies -----------------------------------------------------------------------------------


def _proxy_context(request, poll: Poll, **extra) -> dict:
    elector = own_elector(request.user, poll)
    mine = None
    if elector is not None:
        mine = (
            Proxy.objects.filter(elector=elector, status__in=actions.LIVE_PROXY)
            .select_related("holder")
            .first()
        )
    return {
        "coop": poll.coop,
        "poll": poll,
        "elector": elector,
        "mine": mine,
        "held": actions.proxies_held(request.user, poll),
        "limit": actions.statutes_of(poll.coop).max_proxies_per_holder,
        "accepting": poll.is_accepting_votes(),
        "appoint_form": AppointProxyForm(),
        "code_form": ProxyCodeForm(),
        **extra,
    }


@login_required
def proxy_manage(request, slug, pk):
    poll = get_poll(request.user, slug, pk)
    if request.method == "POST":
        form = AppointProxyForm(request.POST)
        if form.is_valid():
            try:
                proxy, _code = actions.appoint_proxy(
                    poll=poll, actor=request.user, holder=form.cleaned_data["holder"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if proxy.status == Proxy.Status.PENDING:
                    messages.success(
                        request,
                        _("We sent you a code by SMS: confirm with it here, by SMS or on USSD."),
                    )
                else:
                    messages.success(request, _("Your proxy is confirmed."))
                return redirect("decisions:proxy", slug, pk)
        context = _proxy_context(request, poll, appoint_form=form)
        return render(request, "decisions/proxy_manage.html", context, status=400)
    return render(request, "decisions/proxy_manage.html", _proxy_context(request, poll))


def _my_proxy(request, slug, pk, proxy_pk) -> Proxy:
    poll = get_poll(request.user, slug, pk)
    proxy = get_object_or_404(Proxy.objects.select_related("elector"), poll=poll, pk=proxy_pk)
    if proxy.elector.person_id != request.user.pk:
        raise PermissionDenied
    return proxy


@login_required
@require_POST
def proxy_confirm(request, slug, pk, proxy_pk):
    proxy = _my_proxy(request, slug, pk, proxy_pk)
    form = ProxyCodeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Enter the code from the SMS."))
        actions.confirm_proxy_by_code(
            person=request.user, code=form.cleaned_data["code"], channel="web"
        )
    except ValidationError as error:
        fail(request, error)
    else:
        messages.success(request, _("Your proxy is confirmed."))
    return redirect("decisions:proxy", slug, proxy.poll_id)


@login_required
@require_POST
def proxy_revoke(request, slug, pk, proxy_pk):
    proxy = _my_proxy(request, slug, pk, proxy_pk)
    try:
        actions.revoke_proxy(proxy=proxy, actor=request.user)
    except ValidationError as error:
        fail(request, error)
    else:
        messages.success(request, _("Your proxy is revoked: your vote is yours again."))
    return redirect("decisions:proxy", slug, proxy.poll_id)


@login_required
def proxy_vote(request, slug, pk, proxy_pk):
    poll = get_poll(request.user, slug, pk)
    proxy = get_object_or_404(
        Proxy.objects.select_related("elector__person"), poll=poll, pk=proxy_pk
    )
    if proxy.holder_id != request.user.pk:
        raise PermissionDenied
    options = list(poll.options.all())
    if request.method == "POST":
        try:
            choice = choice_from_post(poll, options, request.POST)
            code = actions.vote_as_proxy(
                proxy=proxy,
                holder=request.user,
                choice=choice,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as error:
            fail(request, error)
        else:
            messages.success(request, _receipt_message(code))
            return redirect("decisions:proxy", slug, pk)
    context = {"coop": poll.coop, "poll": poll, "proxy": proxy, "options": options}
    status = 400 if request.method == "POST" else 200
    return render(request, "decisions/proxy_vote.html", context, status=status)


# --- agents ------------------------------------------------------------------------------------


@login_required
def agent_list(request, slug):
    coop = _admin_coop(request.user, slug)
    form = AgentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.register_agent(
                coop=coop, person=form.cleaned_data["person"], actor=request.user
            )
        except ValidationError as error:
            form.add_error("person", error)
        else:
            messages.success(request, _("The agent is registered."))
            return redirect("decisions:agents", slug)
    agents = Agent.objects.filter(coop=coop, is_active=True).select_related("person")
    status = 400 if request.method == "POST" else 200
    context = {
        "coop": coop,
        "form": form,
        "agents": agents.order_by("person__name"),
        "allowed": actions.statutes_of(coop).allow_agents,
    }
    return render(request, "decisions/agent_list.html", context, status=status)


@login_required
@require_POST
def agent_remove(request, slug, agent_pk):
    coop = _admin_coop(request.user, slug)
    agent = get_object_or_404(Agent, coop=coop, pk=agent_pk)
    try:
        actions.deregister_agent(agent=agent, actor=request.user)
    except ValidationError as error:
        fail(request, error)
    else:
        messages.success(request, _("The agent is removed."))
    return redirect("decisions:agents", slug)


@login_required
def agent_vote(request, slug, pk):
    poll = get_poll(request.user, slug, pk)
    if active_agent(request.user, poll.coop) is None:
        raise PermissionDenied
    electors = list(actions.phoneless_electors(poll))
    form = AgentVoteForm(request.POST or None, electors=electors)
    options = list(poll.options.all())
    if request.method == "POST" and form.is_valid():
        elector = next(e for e in electors if e.pk == form.cleaned_data["elector"])
        try:
            choice = choice_from_post(poll, options, request.POST)
            code = actions.record_agent_vote(
                poll=poll,
                elector=elector,
                actor=request.user,
                choice=choice,
                reason=request.POST.get("reason", ""),
                witness=form.cleaned_data["witness"],
                relative_phone=form.cleaned_data["relative_phone"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            context = {"coop": poll.coop, "poll": poll, "elector": elector, "code": code}
            context["shown_code"] = secrecy.format_receipt(code)
            return render(request, "decisions/agent_vote_done.html", context)
    context = {"coop": poll.coop, "poll": poll, "form": form, "options": options}
    status = 400 if request.method == "POST" else 200
    return render(request, "decisions/agent_vote.html", context, status=status)


# --- paper counts ------------------------------------------------------------------------------


def _teller_poll(request, slug, pk) -> Poll:
    poll = get_poll(request.user, slug, pk)
    if not is_teller(request.user, poll.coop):
        raise PermissionDenied
    return poll


def _counts_from_post(poll: Poll, data, form: PaperCountForm) -> list:
    options = list(poll.options.all())
    if poll.kind in RANKED_KINDS:
        return parse_ranked_lines(form.cleaned_data.get("ballots", ""), len(options))
    counts = []
    for option in options:
        value = (data.get(f"count-{option.position}") or "0").strip()
        if not value.isdigit():
            raise ValidationError(_("A count is a whole number, 0 or more."))
        counts.append(int(value))
    return counts


@login_required
def paper_list(request, slug, pk):
    poll = _teller_poll(request, slug, pk)
    form = PaperCountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            counts = _counts_from_post(poll, request.POST, form)
            people = form.cleaned_data["register"]
            electors = list(Elector.objects.filter(poll=poll, person__in=people))
            if len(electors) != len(people):
                raise ValidationError(_("Someone on the register does not vote in this poll."))
            entered = enter_paper_count(
                poll=poll,
                actor=request.user,
                meeting=form.cleaned_data["meeting"],
                counts=counts,
                electors=electors,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The count is entered. A second teller must confirm it."))
            return redirect("decisions:paper-count", slug, pk, entered.pk)
    context = {
        "coop": poll.coop,
        "poll": poll,
        "form": form,
        "options": list(poll.options.all()),
        "ranked": poll.kind in RANKED_KINDS,
        "counts": PaperCount.objects.filter(poll=poll).select_related("entered_by", "confirmed_by"),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "decisions/paper_list.html", context, status=status)


@login_required
def paper_detail(request, slug, pk, paper_pk):
    poll = _teller_poll(request, slug, pk)
    paper = get_object_or_404(
        PaperCount.objects.select_related("entered_by", "confirmed_by"), poll=poll, pk=paper_pk
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "confirm":
                confirm_paper_count(paper=paper, actor=request.user)
                messages.success(request, _("The count is confirmed and merged into the results."))
            else:
                reject_paper_count(
                    paper=paper, actor=request.user, note=request.POST.get("note", "")
                )
                messages.success(request, _("The count is rejected. It can be entered again."))
        except ValidationError as error:
            fail(request, error)
        return redirect("decisions:paper-count", slug, pk, paper.pk)
    options = list(poll.options.all())
    rows = []
    if poll.kind in RANKED_KINDS:
        for number, ranking in paper.counts:
            rows.append((" > ".join(options[r[0]].label for r in ranking), number))
    else:
        rows = list(zip((o.label for o in options), paper.counts, strict=False))
    register = paper.electors.select_related("person").order_by("person__name")
    voted_online = set(
        Participation.objects.filter(elector__in=register)
        .exclude(channel="paper")
        .values_list("elector_id", flat=True)
    )
    context = {
        "coop": poll.coop,
        "poll": poll,
        "paper": paper,
        "rows": rows,
        "register": register,
        "voted_online": voted_online,
        "can_check": paper.status == PaperCount.Status.ENTERED
        and paper.entered_by_id != request.user.pk,
    }
    return render(request, "decisions/paper_detail.html", context)
