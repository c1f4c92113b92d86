"""Decisions pages: short functions that fetch through `permissions`, validate, call one action."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minga import audit
from minga.core.cache import count_hit
from minga.core.clients import client_address
from minga.core.pages import fail

from . import actions, counting, home, queries, secrecy
from .forms import (
    CommentForm,
    DiscussionForm,
    OutcomeForm,
    PollForm,
    ReceiptForm,
    choice_from_post,
)
from .models import Ballot, Comment, Poll, Statutes
from .permissions import (
    can_manage,
    can_read,
    can_start_discussion,
    get_coop,
    get_discussion,
    get_poll,
)

RECEIPTS_PER_PAGE = 500
ALL_OPEN_POLLS = 500  # on "Decisions", the page the home page's list continues on
RECEIPT_CHECKS = 20  # per address, in RECEIPT_CHECK_SECONDS
RECEIPT_CHECK_SECONDS = 600


@login_required
def mine(request):
    """Every open poll the person may vote in (and where they voted), proxies waiting for
    them and their cooperatives' news: the home page's decisions, on a page of their own."""
    found = home.section(request.user, timezone.now(), limit=ALL_OPEN_POLLS)
    return render(request, "decisions/mine.html", {"section": found})


def index(request, slug):
    coop = get_coop(request.user, slug)
    polls = list(queries.polls_of(coop)[:100])
    return render(
        request,
        "decisions/discussion_list.html",
        {
            "coop": coop,
            "discussions": queries.discussions_of(coop)[:100],
            "polls": polls,
            "voted": queries.voted_polls(request.user, polls),
            "can_start": can_start_discussion(request.user, coop),
            "open_polls": queries.open_polls_for(request.user),
        },
    )


@login_required
def discussion_new(request, slug):
    coop = get_coop(request.user, slug)
    if not can_start_discussion(request.user, coop):
        raise PermissionDenied
    form = DiscussionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            discussion = actions.start_discussion(
                coop=coop, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            fail(request, error)
        else:
            return redirect(discussion)
    return render(request, "decisions/discussion_new.html", {"coop": coop, "form": form})


def discussion(request, slug, pk):
    discussion = get_discussion(request.user, slug, pk)
    comments = list(discussion.comments.select_related("author"))
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
    for comment in comments:
        comment.thread = replies.get(comment.pk, [])
    return render(
        request,
        "decisions/discussion_detail.html",
        {
            "coop": discussion.coop,
            "discussion": discussion,
            "comments": [c for c in comments if not c.parent_id],
            "polls": discussion.polls.all(),
            "form": CommentForm(),
            "can_manage": can_manage(request.user, discussion.coop),
        },
    )


@require_POST
def comment_add(request, slug, pk):
    discussion = get_discussion(request.user, slug, pk)
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(
                pk=form.cleaned_data["parent"], discussion=discussion
            ).first()
        try:
            actions.add_comment(
                discussion=discussion,
                actor=request.user,
                body=form.cleaned_data["body"],
                parent=parent,
                attachment=form.cleaned_data["attachment"],
            )
        except ValidationError as error:
            fail(request, error)
        else:
            messages.success(request, _("Your comment is posted."))
    else:
        fail(request, ValidationError([e for errs in form.errors.values() for e in errs]))
    return redirect(discussion)


def attachment(request, slug, pk, comment):
    discussion = get_discussion(request.user, slug, pk)
    found = get_object_or_404(Comment, pk=comment, discussion=discussion)
    if not found.attachment:
        raise Http404
    return FileResponse(found.attachment.open("rb"), as_attachment=True)


def _statutes_defaults(coop) -> dict:
    """A new poll starts from the rules the cooperative's statutes set, when it has them."""
    statutes = Statutes.objects.filter(coop=coop).first()
    if statutes is None:
        return {}
    return {
        "electorate": statutes.electorate,
        "quorum_kind": statutes.quorum_kind,
        "quorum_value": statutes.quorum_value,
    }


def poll_new(request, slug, pk):
    discussion = get_discussion(request.user, slug, pk, need="manage")
    form = PollForm(request.POST or None, initial=_statutes_defaults(discussion.coop))
    if request.method == "POST" and form.is_valid():
        try:
            poll = actions.create_poll(
                discussion=discussion, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The poll is ready. Open it when members may vote."))
            return redirect(poll)
    return render(
        request,
        "decisions/poll_new.html",
        {"coop": discussion.coop, "discussion": discussion, "form": form},
    )


def _open_ballots(poll: Poll, options) -> list[Ballot]:
    if poll.is_secret:
        return []
    labels = [option.label for option in options]
    ballots = list(queries.open_ballots(poll))
    for ballot in ballots:
        ballot.shown = queries.describe_choice(poll, labels, ballot.choice)
    return ballots


def _poll_context(request, poll: Poll, **extra) -> dict:
    electors = queries.electors_for(request.user, poll)
    voted = queries.voted_electors(electors) if electors else set()
    on_paper = queries.paper_electors(electors) if voted else set()
    visible = queries.results_visible(poll, request.user, electors)
    options = list(poll.options.all())
    result = counting.current_result(poll) if visible else None
    return {
        "coop": poll.coop,
        "poll": poll,
        "options": options,
        "rules": queries.rules_in_words(poll),
        "electors": electors,
        "voted": voted,
        "voted_on_paper": bool(electors) and len(on_paper) == len(electors),
        "accepting": poll.is_accepting_votes(),
        "can_manage": can_manage(request.user, poll.coop),
        "results_visible": visible,
        "result": result,
        "rows": queries.result_rows(result),
        "rounds": queries.rounds_in_words(result),
        "reasons": queries.reasons_in_words(result),
        "channel_counts": queries.channel_counts(result),
        "open_ballots": _open_ballots(poll, options) if visible else [],
        "participation": queries.participation_count(poll),
        **extra,
    }


def poll(request, slug, pk):
    found = get_poll(request.user, slug, pk, need="public")
    if found.status == Poll.Status.CLOSED and not can_read(request.user, found.coop):
        return redirect("decisions:poll-results", slug, pk)
    return render(request, "decisions/poll_detail.html", _poll_context(request, found))


@require_POST
def poll_vote(request, slug, pk):
    found = get_poll(request.user, slug, pk)
    options = list(found.options.all())
    try:
        elector = queries.elector_for(request.user, found, request.POST.get("elector"))
        choice = choice_from_post(found, options, request.POST)
        code = actions.cast_ballot(
            poll=found,
            elector=elector,
            choice=choice,
            reason=request.POST.get("reason", ""),
            channel="web",
            actor=request.user,
        )
    except ValidationError as error:
        fail(request, error)
        return redirect(found)
    messages.success(request, _("Your ballot is recorded."))
    return redirect(receipt_url(found, code))


def receipt_url(poll: Poll, code: str) -> str:
    """The receipt page of `code`: the voter's own copy, to bookmark, print or send to their
    phone. The code travels in the query string, which Minga's logs never record (see
    `core.logs`); nothing on the server keeps it with the voter."""
    page = reverse("decisions:receipt", args=[poll.coop.slug, poll.pk])
    return f"{page}?{urlencode({'code': code})}"


def _receipt_code(request) -> str | None:
    return secrecy.clean_receipt(request.GET.get("code") or request.POST.get("code") or "")


def receipt(request, slug, pk):
    """A voter's receipt, from the link they were given when they voted: shows the code, checks
    it (as the public receipt check does, never showing the choice) and offers to send it to
    their own phone. The page is the voter's to keep: not cached by anyone else, and links from
    it carry no referrer."""
    found = get_poll(request.user, slug, pk, need="public")
    code = _receipt_code(request)
    if code is None or found.status not in (Poll.Status.OPEN, Poll.Status.CLOSED):
        raise Http404
    checked = None
    if _may_check_receipt(request):
        checked = actions.check_receipt(poll=found, code=code)
    electors = queries.electors_for(request.user, found)
    response = render(
        request,
        "decisions/poll_receipt.html",
        {
            "coop": found.coop,
            "poll": found,
            "code": code,
            "shown_code": secrecy.format_receipt(code),
            "checked": checked,
            "accepting": found.is_accepting_votes(),
            "can_send": bool(electors) and request.user.is_phone_verified,
        },
    )
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_POST
def receipt_sms(request, slug, pk):
    """Send the receipt to the voter's own verified phone (an elector of this poll only)."""
    found = get_poll(request.user, slug, pk)
    code = _receipt_code(request)
    if code is None:
        raise Http404
    if not queries.electors_for(request.user, found) or not request.user.is_phone_verified:
        raise PermissionDenied
    try:
        actions.send_receipt_sms(poll=found, code=code, actor=request.user)
    except ValidationError as error:
        fail(request, error)
    else:
        messages.success(request, _("The receipt is on its way to your phone."))
    return redirect(receipt_url(found, code))


def _manage_step(request, slug, pk, step):
    found = get_poll(request.user, slug, pk, need="manage")
    try:
        step(found)
    except ValidationError as error:
        fail(request, error)
    return redirect(found)


@require_POST
def poll_open(request, slug, pk):
    return _manage_step(
        request, slug, pk, lambda poll: actions.open_poll(poll=poll, actor=request.user)
    )


@require_POST
def poll_close(request, slug, pk):
    return _manage_step(
        request, slug, pk, lambda poll: actions.close_poll(poll=poll, actor=request.user)
    )


@require_POST
def poll_cancel(request, slug, pk):
    return _manage_step(
        request, slug, pk, lambda poll: actions.cancel_poll(poll=poll, actor=request.user)
    )


@require_POST
def poll_outcome(request, slug, pk):
    found = get_poll(request.user, slug, pk, need="manage")
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        fail(request, ValidationError(list(form.errors["outcome"])))
        return redirect(found)
    try:
        actions.record_outcome(poll=found, actor=request.user, outcome=form.cleaned_data["outcome"])
    except ValidationError as error:
        fail(request, error)
    return redirect("decisions:poll-results", slug, pk)


def poll_results(request, slug, pk):
    found = get_poll(request.user, slug, pk, need="public")
    context = _poll_context(request, found, outcome_form=OutcomeForm())
    if not context["results_visible"]:
        raise Http404
    return render(request, "decisions/poll_results.html", context)


def _checkpoint_for(index: int | None) -> audit.SignedCheckpoint | None:
    if index is None:
        return None
    return audit.checkpoint_covering(index)


def minutes(request, slug, pk):
    found = get_poll(request.user, slug, pk, need="public")
    if found.status != Poll.Status.CLOSED:
        raise Http404
    result = counting.current_result(found)  # the stored result, its chart in the reader's words
    return render(
        request,
        "decisions/minutes.html",
        {
            "coop": found.coop,
            "poll": found,
            "result": result,
            "rows": queries.result_rows(result),
            "rounds": queries.rounds_in_words(result),
            "reasons": queries.reasons_in_words(result),
            "channel_counts": queries.channel_counts(result),
            "rules": queries.rules_in_words(found),
            "checkpoint": _checkpoint_for(found.closing_log_index),
            "open_ballots": _open_ballots(found, list(found.options.all())),
            "printed_at": timezone.now(),
        },
    )


def _may_check_receipt(request) -> bool:
    """A public check recomputes a commitment for every ballot of the poll (about a second at
    300,000 ballots): each address gets RECEIPT_CHECKS of them per RECEIPT_CHECK_SECONDS."""
    key = f"receipt-checks:{client_address(request)}"
    return count_hit(key, RECEIPT_CHECK_SECONDS) <= RECEIPT_CHECKS


def receipts(request, slug, pk):
    found = get_poll(request.user, slug, pk, need="public")
    if found.status not in (Poll.Status.OPEN, Poll.Status.CLOSED):
        raise Http404
    form = ReceiptForm(request.GET or None)
    checked = None
    if form.is_bound and form.is_valid():
        try:
            if not _may_check_receipt(request):
                raise ValidationError(
                    _("Too many receipts were checked from here. Wait a few minutes and try again.")
                )
            checked = actions.check_receipt(poll=found, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
    page = None
    counted = 0
    if found.status == Poll.Status.CLOSED:
        listing = actions.logged_commitments(found)
        page = Paginator(listing, RECEIPTS_PER_PAGE).get_page(request.GET.get("page"))
        counted = Ballot.objects.filter(poll=found).count()
    return render(
        request,
        "decisions/poll_receipts.html",
        {
            "coop": found.coop,
            "poll": found,
            "form": form,
            "checked": checked,
            "page": page,
            "counted": counted,
        },
    )
