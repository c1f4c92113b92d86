"""Event pages: short functions that fetch through `permissions`, validate, call one action."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from minga.coops.models import Membership
from minga.core.pages import fail

from . import actions, ical, queries, suggestions
from .forms import (
    CancelForm,
    ChallengeChoiceForm,
    ChallengeForm,
    CloneForm,
    EventForm,
    ExtendForm,
    FaqEntryForm,
    InviteForm,
    OrganisationForm,
    PrizeForm,
    ProposalForm,
    RegistrationForm,
    StartTeamForm,
    TeamForm,
)
from .models import STAGE_LABELS, Attachment, EventChallenge, FaqEntry, Prize, TeamMembership
from .pages import event_context
from .permissions import (
    can_create_events,
    can_manage,
    can_see_challenges,
    get_event,
    get_team,
    is_team_member,
    membership_of,
    organiser_coops,
    registration_of,
)
from .workspace import checklist

# Long lists (500 teams, 2,000 registrations) are read a page at a time.
PAGE_SIZE = 50


# --- events ---


def event_list(request):
    return render(
        request,
        "events/event_list.html",
        {
            "events": queries.listed_events(request.user),
            "can_create": can_create_events(request.user),
            "now": timezone.now(),
            "stage_labels": STAGE_LABELS,
        },
    )


@login_required
def event_create(request):
    organisers = organiser_coops(request.user)
    if not organisers.exists():
        raise PermissionDenied
    form = EventForm(request.POST or None, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        fields = {
            name: form.cleaned_data[name] for name in actions.EVENT_FIELDS if name in form.fields
        }
        organiser = fields.pop("organiser", None) or form.cleaned_data["organiser"]
        try:
            event = actions.create_event(actor=request.user, organiser=organiser, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The event is saved as a draft. Publish it when ready."))
            return redirect(event)
    return render(request, "events/event_form.html", {"form": form, "is_new": True})


def event_detail(request, slug):
    event = get_event(request.user, slug)
    now = timezone.now()
    return render(
        request,
        "events/event_detail.html",
        event_context(
            request,
            event,
            phases=event.phases(),
            prizes=event.prizes.all(),
            challenges=event.challenges.select_related("owner_coop")
            if can_see_challenges(request.user, event, now)
            else None,
            registration=registration_of(request.user, event),
            membership=membership_of(request.user, event),
            registered=event.registrations.filter(status="active").count(),
            team_count=event.teams.count(),
        ),
    )


def _shown_unchanged(new, old) -> bool:
    """True when `new` is `old` as the form showed it: date fields show whole minutes, so
    saving the form untouched must not round a deadline such as 15:00:30 down."""
    if isinstance(new, datetime.datetime) and isinstance(old, datetime.datetime):
        return new == old or new == old.replace(second=0, microsecond=0)
    return new == old


@login_required
def event_edit(request, slug):
    event = get_event(request.user, slug, need="manage")
    before = {name: getattr(event, name) for name in actions.EVENT_FIELDS}
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        changes = {
            name: form.cleaned_data[name]
            for name in actions.EVENT_FIELDS
            if name in form.cleaned_data
            and not _shown_unchanged(form.cleaned_data[name], before[name])
        }
        try:
            actions.update_event(event=event, actor=request.user, changes=changes)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect(event)
    return render(request, "events/event_form.html", event_context(request, event, form=form))


@login_required
@require_POST
def event_publish(request, slug):
    event = get_event(request.user, slug, need="manage")
    try:
        actions.publish_event(event=event, actor=request.user)
    except ValidationError as error:
        fail(request, error)
    else:
        messages.success(request, _("The event is published."))
    return redirect(event)


@login_required
def event_extend(request, slug):
    event = get_event(request.user, slug, need="manage")
    form = ExtendForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            actions.extend_deadline(event=event, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The deadline is extended; everyone registered is told."))
            return redirect(event)
    return render(request, "events/event_extend.html", event_context(request, event, form=form))


@login_required
def event_cancel(request, slug):
    event = get_event(request.user, slug, need="manage")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.cancel_event(event=event, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The event is cancelled; everyone registered is told."))
        return redirect(event)
    return render(request, "events/event_cancel.html", event_context(request, event, form=form))


@login_required
def event_clone(request, slug):
    event = get_event(request.user, slug, need="manage")
    form = CloneForm(request.POST or None, event=event, initial={"title": event.title})
    if request.method == "POST" and form.is_valid():
        try:
            clone = actions.clone_event(event=event, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The next edition is ready as a draft."))
            return redirect(clone)
    return render(request, "events/event_clone.html", event_context(request, event, form=form))


def event_faq(request, slug):
    event = get_event(request.user, slug)
    return render(
        request,
        "events/event_faq.html",
        event_context(request, event, prizes=event.prizes.all(), entries=event.faq_entries.all()),
    )


def event_calendar(request, slug):
    event = get_event(request.user, slug)
    response = HttpResponse(
        ical.to_ical(event, now=timezone.now(), base_url=request.build_absolute_uri("/")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@login_required
def event_prizes(request, slug):
    event = get_event(request.user, slug, need="manage")
    form = PrizeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_prize(event=event, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("events:prizes", slug=event.slug)
    return render(
        request,
        "events/event_prizes.html",
        event_context(request, event, form=form, prizes=event.prizes.all()),
    )


@login_required
@require_POST
def prize_remove(request, slug, pk):
    event = get_event(request.user, slug, need="manage")
    try:
        actions.remove_prize(prize=get_object_or_404(Prize, event=event, pk=pk), actor=request.user)
    except ValidationError as error:
        fail(request, error)
    return redirect("events:prizes", slug=event.slug)


@login_required
def faq_manage(request, slug):
    event = get_event(request.user, slug, need="manage")
    form = FaqEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.add_faq_entry(event=event, actor=request.user, **form.cleaned_data)
        return redirect("events:faq-manage", slug=event.slug)
    return render(
        request,
        "events/faq_manage.html",
        event_context(request, event, form=form, entries=event.faq_entries.all()),
    )


@login_required
@require_POST
def faq_remove(request, slug, pk):
    event = get_event(request.user, slug, need="manage")
    entry = get_object_or_404(FaqEntry, event=event, pk=pk)
    actions.remove_faq_entry(entry=entry, actor=request.user)
    return redirect("events:faq-manage", slug=event.slug)


# --- challenges ---


def event_challenges(request, slug):
    event = get_event(request.user, slug)
    is_manager = can_manage(request.user, event)
    form = ChallengeForm(request.POST or None, event=event) if is_manager else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.add_challenge(event=event, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The challenge is added."))
                return redirect("events:challenges", slug=event.slug)
    visible = can_see_challenges(request.user, event, timezone.now())
    challenges = (
        event.challenges.select_related("need", "owner_coop", "owner").prefetch_related("teams")
        if visible
        else None
    )
    return render(
        request,
        "events/event_challenges.html",
        event_context(request, event, form=form, challenges=challenges),
    )


@login_required
@require_POST
def challenge_remove(request, slug, pk):
    event = get_event(request.user, slug, need="manage")
    challenge = get_object_or_404(EventChallenge, event=event, pk=pk)
    try:
        actions.remove_challenge(challenge=challenge, actor=request.user)
    except ValidationError as error:
        fail(request, error)
    return redirect("events:challenges", slug=event.slug)


# --- registration ---


@login_required
def register(request, slug):
    event = get_event(request.user, slug)
    registration = registration_of(request.user, event)
    closed = None  # why a newcomer cannot register, said before the form rather than after
    if registration is None:
        try:
            actions.check_registration_open(event)
        except ValidationError as error:
            closed = error.messages[0]
    initial = None if registration else actions.profile_defaults(request.user)
    form = RegistrationForm(request.POST or None, instance=registration, initial=initial)
    if request.method == "POST" and closed is None and form.is_valid():
        try:
            if registration is None:
                actions.register_person(event=event, person=request.user, answers=form.cleaned_data)
                messages.success(request, _("You are registered. Find or start a team next."))
            else:
                actions.update_registration(
                    registration=registration, actor=request.user, changes=form.cleaned_data
                )
                messages.success(request, _("Your answers are saved."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("events:teams", slug=event.slug)
    return render(
        request,
        "events/register.html",
        event_context(request, event, form=form, registration=registration, closed=closed),
    )


@login_required
def register_organisation(request, slug):
    event = get_event(request.user, slug)
    coops = [
        m.coop
        for m in Membership.objects.filter(
            person=request.user, status=Membership.Status.ACTIVE, role=Membership.Role.ADMIN
        ).select_related("coop")
    ]
    coop = next((c for c in coops if c.slug == request.GET.get("coop")), None)
    if coop is None and len(coops) == 1:
        coop = coops[0]
    form = None
    if coop is not None:
        members = coop.memberships.filter(status=Membership.Status.ACTIVE).values("person")
        form = OrganisationForm(
            request.POST or None,
            members=request.user.__class__.objects.filter(pk__in=members).order_by("name"),
        )
        if request.method == "POST" and form.is_valid():
            try:
                done = actions.register_organisation(
                    event=event, coop=coop, people=form.cleaned_data["people"], actor=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(coop)s is registered with %(count)s person.",
                        "%(coop)s is registered with %(count)s people.",
                        len(done),
                    )
                    % {"coop": coop.name, "count": len(done)},
                )
                return redirect(event)
    return render(
        request,
        "events/register_organisation.html",
        event_context(request, event, coops=coops, coop=coop, form=form),
    )


@login_required
@require_POST
def withdraw(request, slug):
    event = get_event(request.user, slug)
    registration = registration_of(request.user, event)
    if registration is None:
        raise PermissionDenied
    actions.withdraw_registration(registration=registration, actor=request.user)
    messages.success(request, _("You withdrew from the event."))
    return redirect(event)


@login_required
def registrations(request, slug):
    event = get_event(request.user, slug, need="manage")
    return render(
        request,
        "events/registrations.html",
        event_context(
            request,
            event,
            page=Paginator(queries.registrations(event), PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
        ),
    )


# --- teams ---


def teams(request, slug):
    event = get_event(request.user, slug)
    registration = registration_of(request.user, event)
    membership = membership_of(request.user, event)
    form = TeamForm(request.POST or None) if registration and not membership else None
    if request.method == "POST":
        if form is None or registration is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                team = actions.create_team(
                    registration=registration,
                    actor=request.user,
                    name=data["name"],
                    description=data["description"],
                    channel_url=data["channel_url"],
                )
                if not data["is_open"]:
                    actions.update_team(team=team, actor=request.user, changes={"is_open": False})
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your team is started. Invite people to join."))
                return redirect(team)
    invitations = (
        registration.team_memberships.filter(status=TeamMembership.Status.INVITED).select_related(
            "team"
        )
        if registration
        else []
    )
    return render(
        request,
        "events/teams.html",
        event_context(
            request,
            event,
            page=Paginator(queries.teams(event), PAGE_SIZE).get_page(request.GET.get("page")),
            form=form,
            registration=registration,
            membership=membership,
            invitations=invitations,
        ),
    )


def team_detail(request, slug, pk):
    event = get_event(request.user, slug)
    team = queries.team_detail(get_team(request.user, event, pk))
    is_member = is_team_member(request.user, team)
    sees_workspace = is_member or can_manage(request.user, event)
    registration = registration_of(request.user, event)
    own = team.memberships.filter(registration=registration).first() if registration else None
    now = timezone.now()
    context = event_context(
        request,
        event,
        team=team,
        members=team.active_members,
        is_member=is_member,
        sees_workspace=sees_workspace,
        registration=registration,
        own=own,
        can_request=bool(
            registration
            and not is_member
            and team.is_open
            and membership_of(request.user, event) is None
            and event.is_open_for_teams(now)
        ),
    )
    if sees_workspace:
        proposal = queries.proposal_of(team)
        context.update(
            pending=queries.pending(team),
            proposal=proposal,
            latest=proposal.latest_version() if proposal else None,
            checklist=checklist(team, proposal, now),
            released=event.are_challenges_released(now),
        )
    if is_member:
        context.update(
            invite_form=InviteForm(candidates=queries.invitable(event)),
            challenge_form=ChallengeChoiceForm(
                event=event, initial={"challenge": team.challenge_id}
            ),
        )
    return render(request, "events/team_detail.html", context)


@login_required
def team_edit(request, slug, pk):
    event = get_event(request.user, slug)
    team = get_team(request.user, event, pk, need="member")
    form = TeamForm(
        request.POST or None,
        initial={
            "name": team.name,
            "description": team.description,
            "channel_url": team.channel_url,
            "is_open": team.is_open,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_team(team=team, actor=request.user, changes=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(team)
    return render(
        request, "events/team_form.html", event_context(request, event, team=team, form=form)
    )


@login_required
@require_POST
def team_invite(request, slug, pk):
    event = get_event(request.user, slug)
    team = get_team(request.user, event, pk, need="member")
    form = InviteForm(request.POST, candidates=queries.invitable(event))
    if form.is_valid():
        try:
            actions.invite_to_team(
                team=team, registration=form.cleaned_data["registration"], actor=request.user
            )
        except ValidationError as error:
            fail(request, error)
        else:
            messages.success(request, _("The invitation is sent."))
    else:
        messages.error(request, _("Choose someone registered who has no team yet."))
    return redirect(team)


@login_required
@require_POST
def team_request(request, slug, pk):
    event = get_event(request.user, slug)
    team = get_team(request.user, event, pk)
    registration = registration_of(request.user, event)
    if registration is None:
        messages.error(request, _("Register for the event first."))
        return redirect("events:register", slug=event.slug)
    try:
        actions.request_to_join(team=team, registration=registration, actor=request.user)
    except ValidationError as error:
        fail(request, error)
    else:
        messages.success(request, _("Your request is sent to the team."))
    return redirect(team)


@login_required
@require_POST
def team_respond(request, slug, pk, membership_pk):
    """Accept or decline: the invitee answers an invitation, a member answers a request."""
    event = get_event(request.user, slug)
    team = get_team(request.user, event, pk)
    membership = get_object_or_404(
        TeamMembership.objects.select_related("registration", "team__event"),
        team=team,
        pk=membership_pk,
    )
    is_invitee = membership.registration.person_id == request.user.pk
    is_member = is_team_member(request.user, team)
    invited = membership.status == TeamMembership.Status.INVITED
    if not ((invited and (is_invitee or is_member)) or (not invited and (is_member or is_invitee))):
        raise PermissionDenied
    accept = request.POST.get("decision") == "accept"
    try:
        if accept and invited and is_invitee:
            actions.accept_invitation(membership=membership, actor=request.user)
            messages.success(request, _("Welcome to the team!"))
        elif accept and not invited and is_member:
            actions.accept_request(membership=membership, actor=request.user)
            messages.success(request, _("The new member is in."))
        elif accept:
            raise PermissionDenied
        else:
            actions.decline(membership=membership, actor=request.user)
    except ValidationError as error:
        fail(request, error)
    return redirect(team)


@login_required
@require_POST
def team_leave(request, slug, pk):
    event = get_event(request.user, slug)
    team = get_team(request.user, event, pk, need="member")
    membership = team.memberships.get(
        registration__person=request.user, status=TeamMembership.Status.ACTIVE
    )
    try:
        actions.leave_team(membership=membership, actor=request.user)
    except ValidationError as error:
        fail(request, error)
        return redirect(team)
    messages.success(request, _("You left the team."))
    return redirect("events:teams", slug=event.slug)


@login_required
@require_POST
def team_challenge(request, slug, pk):
    event = get_event(request.user, slug)
    team = get_team(request.user, event, pk, need="member")
    form = ChallengeChoiceForm(request.POST, event=event)
    if form.is_valid():
        try:
            actions.choose_challenge(
                team=team, challenge=form.cleaned_data["challenge"], actor=request.user
            )
        except ValidationError as error:
            fail(request, error)
    return redirect(team)


# --- matching ---


def matching(request, slug):
    event = get_event(request.user, slug)
    is_manager = can_manage(request.user, event)
    registration = registration_of(request.user, event)
    if not (is_manager or registration):
        raise PermissionDenied
    suggested, unmatched = suggestions.suggest(event)
    mine = next((s for s in suggested if registration and registration in s.registrations), None)
    return render(
        request,
        "events/matching.html",
        event_context(
            request,
            event,
            suggestions=suggested if is_manager else [],
            mine=mine,
            unmatched=unmatched if is_manager else [],
            registration=registration,
            start_form=StartTeamForm(),
        ),
    )


@login_required
@require_POST
def matching_start(request, slug):
    event = get_event(request.user, slug)
    registration = registration_of(request.user, event)
    if registration is None:
        raise PermissionDenied
    form = StartTeamForm(request.POST)
    suggested, _unmatched = suggestions.suggest(event)
    mine = next((s for s in suggested if registration in s.registrations), None)
    if mine is None or not form.is_valid():
        messages.error(request, _("There is no suggestion for you any more; see the teams."))
        return redirect("events:matching", slug=event.slug)
    try:
        team = actions.start_team_with(
            registration=registration,
            actor=request.user,
            name=form.cleaned_data["name"],
            others=mine.registrations,
        )
    except ValidationError as error:
        fail(request, error)
        return redirect("events:matching", slug=event.slug)
    messages.success(request, _("Your team is started and the others are invited."))
    return redirect(team)


# --- proposals ---


def proposal(request, slug, pk):
    event = get_event(request.user, slug)
    team = get_team(request.user, event, pk, need="workspace")
    existing = queries.proposal_of(team)
    latest = existing.latest_version() if existing else None
    now = timezone.now()
    editable = is_team_member(request.user, team) and event.is_open_for_proposals(now)
    too_small = None  # said before the form, which stays hidden until the team is big enough
    if editable:
        try:
            actions.check_team_size(team)
        except ValidationError as error:
            too_small, editable = error.messages[0], False
    attachments = list(latest.attachments.all()) if latest else []
    form = None
    if editable or request.method == "POST":
        form = ProposalForm(
            request.POST or None,
            request.FILES or None,
            instance=None,
            initial={name: getattr(latest, name) for name in actions.PROPOSAL_FIELDS}
            if latest
            else None,
            attachments=attachments,
        )
    if request.method == "POST":
        if not is_team_member(request.user, team):
            raise PermissionDenied
        assert form is not None  # made for every POST
        if form.is_valid():
            data = form.cleaned_data
            try:
                version = actions.save_proposal(
                    team=team,
                    actor=request.user,
                    fields={name: data[name] for name in actions.PROPOSAL_FIELDS},
                    new_files=data.get("new_files") or [],
                    remove_attachments=[int(pk) for pk in data.get("remove") or []],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Version %(number)s is saved.") % {"number": version.number}
                )
                return redirect("events:proposal", slug=event.slug, pk=team.pk)
    return render(
        request,
        "events/proposal.html",
        event_context(
            request,
            event,
            team=team,
            form=form if editable or request.method == "POST" else None,
            latest=latest,
            attachments=attachments,
            versions=existing.versions.all() if existing else [],
            for_jury=existing.version_for_jury() if existing else None,
            too_small=too_small,
        ),
        status=400 if request.method == "POST" else 200,
    )


def proposal_version(request, slug, pk, number):
    event = get_event(request.user, slug)
    team = get_team(request.user, event, pk, need="workspace")
    existing = queries.proposal_of(team)
    if existing is None:
        raise Http404
    version = get_object_or_404(existing.versions, number=number)
    return render(
        request,
        "events/proposal_version.html",
        event_context(
            request, event, team=team, version=version, attachments=version.attachments.all()
        ),
    )


def attachment(request, slug, pk, key):
    event = get_event(request.user, slug)
    team = get_team(request.user, event, pk, need="workspace")
    item = get_object_or_404(Attachment, proposal__team=team, key=key)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
