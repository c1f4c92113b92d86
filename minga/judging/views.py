"""Judging pages: short functions that fetch through `permissions`, validate, call one action."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minga.core.pages import fail
from minga.events.models import Attachment, Proposal
from minga.events.pages import event_context
from minga.events.permissions import get_event

from . import actions, queries
from .forms import JurorForm, RubricFormSet, ScoreForm, SettingsForm, VoteForm
from .models import SCALE_MAX, SCALE_MIN, Juror, VoteReceipt
from .permissions import (
    can_see_results,
    can_vote,
    get_assignment,
    is_judging_open,
    juror_of,
)

RESULTS_PER_PAGE = 50
CHOICES_SHOWN = 10
AWARDS_PER_PAGE = 100


def _context(request, event, **extra) -> dict:
    """The events pages' frame, with where the jury and the vote stand."""
    now = timezone.now()
    return event_context(
        request,
        event,
        now=now,
        is_juror=juror_of(request.user, event) is not None,
        judging_open=is_judging_open(event, now),
        results_public=event.are_results_announced(now),
        has_vote=queries.settings_of(event).members_choice,
        **extra,
    )


def _results_or_404(request, slug):
    """The event, if its results may be shown to this visitor (404 hides them otherwise)."""
    event = get_event(request.user, slug)
    if not can_see_results(request.user, event, timezone.now()):
        raise Http404
    return event


# --- public: how we judge ---


def how_we_judge(request, slug):
    event = get_event(request.user, slug)
    criteria = queries.rubric(event)
    return render(
        request,
        "judging/how_we_judge.html",
        _context(
            request,
            event,
            criteria=criteria,
            weights_total=sum(c.weight for c in criteria),
            settings=queries.settings_of(event),
            scale=(SCALE_MIN, SCALE_MAX),
        ),
    )


# --- organisers: the jury ---


@login_required
def jury(request, slug):
    event = get_event(request.user, slug, need="manage")
    judging = queries.settings_of(event)
    return render(
        request,
        "judging/jury.html",
        _context(
            request,
            event,
            settings=judging,
            settings_form=SettingsForm(
                initial={
                    "jurors_per_proposal": judging.jurors_per_proposal,
                    "members_choice": judging.members_choice,
                }
            ),
            juror_form=JurorForm(),
            jurors=queries.jurors(event),
            coverage=queries.coverage(event, judging.jurors_per_proposal),
            criteria=queries.rubric(event),
            rules_open=timezone.now() < event.proposals_due_at,
        ),
    )


@login_required
@require_POST
def jury_settings(request, slug):
    event = get_event(request.user, slug, need="manage")
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            actions.update_settings(event=event, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            fail(request, error)
        else:
            messages.success(request, _("The judging settings are saved."))
    else:
        fail(request, ValidationError(list(form.errors.values())))
    return redirect("judging:jury", slug=event.slug)


@login_required
def rubric(request, slug):
    event = get_event(request.user, slug, need="manage")
    criteria = queries.rubric(event)
    initial = [
        {"key": c.key, "name": c.label, "description": c.description, "weight": c.weight}
        for c in criteria
    ]
    formset = RubricFormSet(request.POST or None, initial=initial, prefix="criteria")
    if request.method == "POST" and formset.is_valid():
        try:
            actions.save_rubric(event=event, actor=request.user, criteria=formset.criteria())
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, _("The rubric is saved."))
            return redirect("judging:jury", slug=event.slug)
    return render(
        request,
        "judging/rubric.html",
        _context(
            request,
            event,
            formset=formset,
            editable=timezone.now() < event.proposals_due_at and not event.is_cancelled,
        ),
    )


@login_required
@require_POST
def juror_add(request, slug):
    event = get_event(request.user, slug, need="manage")
    form = JurorForm(request.POST)
    if form.is_valid():
        person = form.cleaned_data["identifier"]
        try:
            actions.add_juror(event=event, actor=request.user, person=person)
        except ValidationError as error:
            fail(request, error)
        else:
            messages.success(request, _("%(name)s is on the jury.") % {"name": person.name})
    else:
        fail(request, ValidationError(list(form.errors["identifier"])))
    return redirect("judging:jury", slug=event.slug)


@login_required
@require_POST
def juror_remove(request, slug, pk):
    event = get_event(request.user, slug, need="manage")
    juror = get_object_or_404(Juror.objects.select_related("person", "event"), event=event, pk=pk)
    try:
        actions.remove_juror(juror=juror, actor=request.user)
    except ValidationError as error:
        fail(request, error)
    return redirect("judging:jury", slug=event.slug)


@login_required
@require_POST
def assign(request, slug):
    event = get_event(request.user, slug, need="manage")
    try:
        plan = actions.assign_jurors(event=event, actor=request.user)
    except ValidationError as error:
        fail(request, error)
        return redirect("judging:jury", slug=event.slug)
    messages.success(
        request,
        _("New assignments: %(new)s. Proposals still short of jurors: %(short)s.")
        % {"new": len(plan.new), "short": len(plan.short)},
    )
    if plan.short:
        messages.error(
            request,
            _(
                "Some proposals have too few jurors without a conflict of interest (someone "
                "on the team belongs to their cooperative). Add jurors from other "
                "cooperatives, then assign again."
            ),
        )
    return redirect("judging:jury", slug=event.slug)


# --- jurors ---


@login_required
def my_reviews(request, slug):
    event = get_event(request.user, slug)
    juror = juror_of(request.user, event)
    if juror is None:
        raise PermissionDenied
    assignments = queries.my_assignments(juror)
    return render(
        request,
        "judging/my_reviews.html",
        _context(
            request,
            event,
            assignments=assignments,
            done=sum(1 for a in assignments if a.is_scored),
        ),
    )


@login_required
def score(request, slug, pk):
    event = get_event(request.user, slug)
    assignment = get_assignment(request.user, event, pk)
    version = assignment.proposal.version_for_jury()
    if version is None:
        raise Http404
    criteria = list(event.criteria.all())
    initial = {f"c{s.criterion_id}": s.value for s in assignment.scores.all()}
    form = ScoreForm(
        request.POST or None,
        criteria=criteria,
        initial={**initial, "comment": assignment.comment},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.score_proposal(
                assignment=assignment,
                actor=request.user,
                values=form.values(),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Your scores are saved. You can change them until judging closes.")
            )
            return redirect("judging:my-reviews", slug=event.slug)
    return render(
        request,
        "judging/score.html",
        _context(
            request,
            event,
            assignment=assignment,
            team=assignment.proposal.team,
            version=version,
            attachments=version.attachments.all(),
            form=form,
        ),
        status=400 if request.method == "POST" else 200,
    )


@login_required
def jury_attachment(request, slug, pk, key):
    """A file of the version the jury sees, for the jurors assigned to it."""
    event = get_event(request.user, slug)
    assignment = get_assignment(request.user, event, pk)
    version = assignment.proposal.version_for_jury()
    if version is None:
        raise Http404
    item = get_object_or_404(Attachment, versions=version, key=key)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


# --- members' choice ---


def _vote_choices(event) -> list[tuple[str, str]]:
    return [(str(pk), f"{title} ({team})") for pk, title, team in queries.ballot_entries(event)]


@login_required
def vote(request, slug):
    event = get_event(request.user, slug)
    if not queries.settings_of(event).members_choice:
        raise Http404
    eligible = can_vote(request.user, event)
    voted = VoteReceipt.objects.filter(event=event, voter=request.user).exists()
    # The form is built for every member who may still vote; the action says when voting
    # is not open, so a ballot sent a second too late gets a clear answer.
    form = None
    if eligible and not voted:
        form = VoteForm(request.POST or None, choices=_vote_choices(event))
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            chosen = Proposal.objects.filter(
                event=event, pk__in=[int(pk) for pk in form.cleaned_data["proposals"]]
            )
            try:
                actions.cast_vote(event=event, voter=request.user, proposals=chosen)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you: your ballot is counted."))
                return redirect("judging:vote", slug=event.slug)
    return render(
        request,
        "judging/vote.html",
        _context(request, event, form=form, eligible=eligible, voted=voted),
        status=400 if request.method == "POST" else 200,
    )


# --- results ---


def results(request, slug):
    event = _results_or_404(request, slug)
    found = queries.results(
        event, page=request.GET.get("page"), per_page=RESULTS_PER_PAGE, choices=CHOICES_SHOWN
    )
    return render(request, "judging/results.html", _context(request, event, results=found))


def winners(request, slug):
    event = _results_or_404(request, slug)
    found = queries.results(event, rows=False, choices=0)
    gallery = queries.with_members(found.winners)
    return render(
        request,
        "judging/winners.html",
        _context(
            request,
            event,
            results=found,
            gallery=gallery,
            share_url=settings.MINGA_PUBLIC_URL + request.path,
        ),
    )


def _cell(value) -> str:
    """Text typed by people, as a CSV cell that a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def results_csv(request, slug):
    event = _results_or_404(request, slug)
    found = queries.results(event, choices=0)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-results.csv"'
    writer = csv.writer(response)
    header = [
        "rank",
        "team",
        "proposal",
        "challenge",
        "cooperative",
        "score",
        "raw_mean",
        *[f"criterion:{c.label}" for c in found.criteria],
        "jurors",
        "tie_break",
        "prize",
    ]
    if found.members_choice is not None:
        header.append("members_choice_approvals")
    writer.writerow([_cell(h) for h in header])
    for row in found.rows:
        line = [
            row.rank,
            _cell(row.entry.team),
            _cell(row.entry.title),
            _cell(row.entry.challenge),
            _cell(row.entry.cooperative),
            f"{row.standing.score:.4f}",
            f"{row.standing.raw:.4f}",
            *["" if v is None else f"{v:.4f}" for v in row.cells],
            row.standing.jurors,
            row.standing.tie_break or "",
            _cell(row.prize.name) if row.prize else "",
        ]
        if found.members_choice is not None:
            line.append(row.approvals)
        writer.writerow(line)
    return response


@login_required
def awards(request, slug):
    event = get_event(request.user, slug, need="manage")
    if request.method == "POST":
        try:
            created = actions.record_awards(event=event, actor=request.user)
        except ValidationError as error:
            fail(request, error)
        else:
            messages.success(request, _("Awards recorded: %(count)s.") % {"count": len(created)})
        return redirect("judging:awards", slug=event.slug)
    awarded = event.awards.select_related("person", "team", "challenge").order_by(
        "kind", "rank", "person__name", "pk"
    )
    return render(
        request,
        "judging/awards.html",
        _context(
            request,
            event,
            awards=Paginator(awarded, AWARDS_PER_PAGE).get_page(request.GET.get("page")),
        ),
    )
