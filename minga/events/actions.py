"""Every change to events, registrations, teams and proposals: atomic, audited, notices on commit.

Time rules (registration window, sealed challenges, the proposal deadline) are checked here,
against the clock at the moment of the change, so no view, API or script can get round them.
"""

import datetime
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from minga import audit
from minga.accounts.models import User
from minga.coops.models import Cooperative, Membership
from minga.core.slugs import unique_slug

from . import notify
from .models import (
    PHASE_FIELDS,
    Attachment,
    Event,
    EventChallenge,
    FaqEntry,
    Prize,
    Proposal,
    ProposalVersion,
    Registration,
    Team,
    TeamMembership,
)
from .text import format_instant
from .uploads import check_upload

EVENT_FIELDS = [
    "title",
    "summary",
    "series",
    "format",
    "location",
    "timezone",
    "languages",
    *PHASE_FIELDS,
    "team_min_size",
    "team_max_size",
    "who_may_register",
    "channels",
    "main_channel_url",
    "licence",
    "ownership",
    "ownership_note",
    "presentation_formats",
    "video_max_minutes",
    "presentation_note",
]
PROPOSAL_FIELDS = [
    "title",
    "summary",
    "problem",
    "solution",
    "cooperative_principles",
    "feasibility",
    "repository_url",
    "slides_url",
    "video_url",
]
REGISTRATION_FIELDS = [
    "skills",
    "roles",
    "languages",
    "timezone",
    "country",
    "day_starts_at_hour",
    "hours_per_day",
]


def _subject(event: Event) -> str:
    return f"event:{event.slug}"


def _slug(title: str) -> str:
    return unique_slug(title, Event.objects.all(), fallback="event")


def _touch(event: Event) -> None:
    event.updated_at = timezone.now()
    Event.objects.filter(pk=event.pk).update(updated_at=event.updated_at)


def _refuse_if_cancelled(event: Event) -> None:
    if event.is_cancelled:
        raise ValidationError(
            _("This event was cancelled; nothing can change in it any more."), code="cancelled"
        )


def _phases(event: Event) -> dict[str, str]:
    return {name: getattr(event, name).isoformat() for name in PHASE_FIELDS}


# --- events ---


@transaction.atomic
def create_event(*, actor: User, organiser: Cooperative, **fields) -> Event:
    """Create a draft event; organisers publish it when the rules and dates are right."""
    if not (actor.is_staff or organiser.is_organiser):
        raise ValidationError(
            _("Only cooperatives that organise coop-a-thons can create events."),
            code="not_organiser",
        )
    slug = fields.pop("slug", None) or _slug(fields["title"])
    series = fields.pop("series", "") or slug
    event = Event(organiser=organiser, created_by=actor, slug=slug, series=series, **fields)
    event.full_clean()
    event.save()
    audit.record(
        "event.created",
        _subject(event),
        {"title": event.title, "organiser": organiser.slug, "timezone": event.timezone},
        actor,
    )
    return event


@transaction.atomic
def update_event(*, event: Event, actor: User, changes: dict) -> Event:
    """Change an event's details; moving the deadline later goes through `extend_deadline`."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _refuse_if_cancelled(event)
    new_due = changes.get("proposals_due_at")
    if event.is_published and new_due is not None and new_due > event.proposals_due_at:
        raise ValidationError(
            _(
                "To move the proposal deadline later, use “Extend the deadline”: everyone "
                "registered is told, and the extension is recorded."
            ),
            code="use_extend_deadline",
        )
    for name, value in changes.items():
        setattr(event, name, value)
    event.full_clean()
    event.updated_at = timezone.now()
    event.save()
    data: dict = {"fields": sorted(changes)}
    if any(name in PHASE_FIELDS for name in changes):
        data["phases"] = _phases(event)
    audit.record("event.updated", _subject(event), data, actor)
    return event


@transaction.atomic
def publish_event(*, event: Event, actor: User) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    _refuse_if_cancelled(event)
    if event.is_published:
        return event
    event.status = Event.Status.PUBLISHED
    event.published_at = event.updated_at = timezone.now()
    event.save(update_fields=["status", "published_at", "updated_at"])
    audit.record("event.published", _subject(event), _phases(event), actor)
    return event


@transaction.atomic
def extend_deadline(
    *, event: Event, actor: User, proposals_due_at: datetime.datetime, reason: str = ""
) -> Event:
    """Move the proposal deadline later and tell everyone registered.

    Judging and the announcement move by the same amount when the new deadline would
    otherwise run into them. Versions saved before the old deadline stay valid.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    _refuse_if_cancelled(event)
    now = timezone.now()
    if proposals_due_at <= event.proposals_due_at:
        raise ValidationError(
            _("The new deadline must be later than the current one (%(deadline)s).")
            % {"deadline": format_instant(event.proposals_due_at, event.timezone)},
            code="not_later",
        )
    if proposals_due_at <= now:
        raise ValidationError(_("The new deadline must be in the future."), code="past")
    if now >= event.judging_ends_at:
        raise ValidationError(
            _("Judging is over; the deadline can no longer be extended."), code="judged"
        )
    old = event.proposals_due_at
    shift = proposals_due_at - old
    if event.original_proposals_due_at is None:
        event.original_proposals_due_at = old
    event.proposals_due_at = proposals_due_at
    if event.judging_ends_at < proposals_due_at:
        event.judging_ends_at += shift
        event.announcement_at += shift
    event.updated_at = now
    event.full_clean()
    event.save()
    audit.record(
        "event.deadline_extended",
        _subject(event),
        {"from": old.isoformat(), "to": proposals_due_at.isoformat(), "reason": reason},
        actor,
    )
    notify.notify_registrants(
        event=event,
        kind="extended",
        key=proposals_due_at.isoformat(),
        context={"old_deadline": old, "reason": reason},
    )
    return event


@transaction.atomic
def cancel_event(*, event: Event, actor: User, reason: str) -> Event:
    """Cancel, keeping every registration, team and proposal; tell everyone registered."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        return event
    if not reason.strip():
        raise ValidationError(_("Say why the event is cancelled."), code="no_reason")
    event.status = Event.Status.CANCELLED
    event.cancelled_at = event.updated_at = timezone.now()
    event.cancellation_reason = reason.strip()
    event.save(update_fields=["status", "cancelled_at", "cancellation_reason", "updated_at"])
    audit.record("event.cancelled", _subject(event), {"reason": event.cancellation_reason}, actor)
    notify.notify_registrants(event=event, kind="cancelled", key="", context={})
    return event


def shift_phases(event: Event, new_release: datetime.datetime) -> dict[str, datetime.datetime]:
    """Every phase moved so that challenges are released at `new_release`.

    The shift is applied to wall-clock times in the event's zone, so 15:00 in Paris stays
    15:00 in Paris even when a daylight-saving change lies between the two editions.
    """
    zone = event.zone
    old_local = event.challenges_released_at.astimezone(zone).replace(tzinfo=None)
    delta = new_release.astimezone(zone).replace(tzinfo=None) - old_local
    shifted = {}
    for name in PHASE_FIELDS:
        local = getattr(event, name).astimezone(zone).replace(tzinfo=None) + delta
        shifted[name] = timezone.make_aware(local, zone)
    return shifted


@transaction.atomic
def clone_event(
    *,
    event: Event,
    actor: User,
    title: str,
    challenges_released_at: datetime.datetime,
    slug: str | None = None,
) -> Event:
    """Start the next edition of a series: same rules, prizes and FAQ, phases shifted."""
    fields = {name: getattr(event, name) for name in EVENT_FIELDS if name not in PHASE_FIELDS}
    fields.update(shift_phases(event, challenges_released_at))
    fields["title"] = title
    fields["series"] = event.series or event.slug
    edition = (
        Event.objects.filter(series=fields["series"]).aggregate(n=Max("edition"))["n"] or 0
    ) + 1
    clone = Event(
        organiser=event.organiser,
        created_by=actor,
        slug=slug or _slug(title),
        edition=edition,
        cloned_from=event,
        **fields,
    )
    clone.full_clean()
    clone.save()
    Prize.objects.bulk_create(
        Prize(event=clone, position=p.position, name=p.name, description=p.description)
        for p in event.prizes.all()
    )
    FaqEntry.objects.bulk_create(
        FaqEntry(event=clone, position=f.position, question=f.question, answer=f.answer)
        for f in event.faq_entries.all()
    )
    audit.record(
        "event.cloned",
        _subject(clone),
        {"from": event.slug, "series": clone.series, "edition": clone.edition},
        actor,
    )
    return clone


@transaction.atomic
def add_prize(*, event: Event, actor: User, name: str, description: str = "") -> Prize:
    _refuse_if_cancelled(event)
    position = (event.prizes.aggregate(n=Max("position"))["n"] or 0) + 1
    prize = Prize.objects.create(event=event, position=position, name=name, description=description)
    audit.record("event.prize_added", _subject(event), {"prize": name}, actor)
    _touch(event)
    return prize


@transaction.atomic
def remove_prize(*, prize: Prize, actor: User) -> None:
    _refuse_if_cancelled(prize.event)
    audit.record("event.prize_removed", _subject(prize.event), {"prize": prize.name}, actor)
    prize.delete()


@transaction.atomic
def add_faq_entry(*, event: Event, actor: User, question: str, answer: str) -> FaqEntry:
    position = (event.faq_entries.aggregate(n=Max("position"))["n"] or 0) + 1
    entry = FaqEntry.objects.create(
        event=event, position=position, question=question, answer=answer
    )
    audit.record("event.faq_added", _subject(event), {"question": question}, actor)
    return entry


@transaction.atomic
def remove_faq_entry(*, entry: FaqEntry, actor: User) -> None:
    audit.record("event.faq_removed", _subject(entry.event), {"question": entry.question}, actor)
    entry.delete()


# --- challenges ---


@transaction.atomic
def add_challenge(
    *,
    event: Event,
    actor: User,
    need=None,
    title: str = "",
    summary: str = "",
    theme: str = "",
) -> EventChallenge:
    """Add a challenge: an accepted need (its title, owner and cooperative come along) or,
    for themes the organisers set themselves, a title and summary."""
    _refuse_if_cancelled(event)
    if need is not None:
        if not need.is_public:
            raise ValidationError(
                _("Only accepted needs can become challenges."), code="need_not_accepted"
            )
        if event.challenges.filter(need=need).exists():
            raise ValidationError(
                _("This need is already a challenge of the event."), code="duplicate"
            )
        title = title or need.title
        summary = summary or getattr(need, "how_might_we", "") or getattr(need, "problem", "")
        theme = theme or need.theme
    if not title:
        raise ValidationError(_("A challenge needs a title."), code="no_title")
    position = (event.challenges.aggregate(n=Max("position"))["n"] or 0) + 1
    challenge = EventChallenge(
        event=event,
        need=need,
        title=title,
        summary=summary,
        theme=theme,
        owner=getattr(need, "owner", None),
        owner_coop=getattr(need, "coop", None),
        position=position,
        added_by=actor,
    )
    challenge.full_clean()
    challenge.save()
    audit.record(
        "event.challenge_added",
        _subject(event),
        {"challenge": challenge.pk, "need": need.pk if need else None},
        actor,
    )
    _touch(event)
    return challenge


@transaction.atomic
def remove_challenge(*, challenge: EventChallenge, actor: User) -> None:
    event = challenge.event
    _refuse_if_cancelled(event)
    if event.are_challenges_released(timezone.now()) and challenge.teams.exists():
        raise ValidationError(
            _("Teams already work on this challenge; it cannot be removed."), code="in_use"
        )
    audit.record("event.challenge_removed", _subject(event), {"challenge": challenge.pk}, actor)
    challenge.delete()
    _touch(event)


# --- registration ---


def profile_defaults(person: User) -> dict:
    """A registration's answers, prefilled from the person's profile and cooperative."""
    membership = (
        Membership.objects.filter(person=person, status=Membership.Status.ACTIVE)
        .select_related("coop")
        .order_by("-coop__sector", "pk")
        .first()
    )
    return {
        "skills": list(person.skills),
        "roles": list(person.roles),
        "languages": list(person.languages),
        "timezone": person.timezone,
        "country": str(membership.coop.country) if membership else "",
    }


def check_registration_open(event: Event) -> None:
    """A ValidationError saying why `event` takes no registration now (cancelled, not yet
    open, closed), so a page can say so before anyone fills in the form."""
    _refuse_if_cancelled(event)
    now = timezone.now()
    if not event.is_open_for_registration(now):
        if now < event.registration_opens_at:
            message = _("Registration opens at %(when)s.")
            when = event.registration_opens_at
        else:
            message = _("Registration closed at %(when)s.")
            when = event.registration_closes_at
        raise ValidationError(
            message % {"when": format_instant(when, event.timezone)}, code="registration_closed"
        )


def _register(
    *, event: Event, person: User, actor: User, kind: str, coop: Cooperative | None, answers: dict
) -> Registration:
    registration = Registration.objects.filter(event=event, person=person).first()
    fields = {**profile_defaults(person), **answers}
    if registration is None:
        registration = Registration(event=event, person=person)
    elif registration.is_active:
        raise ValidationError(
            _("%(name)s is already registered for this event.") % {"name": person.name},
            code="already_registered",
        )
    registration.kind, registration.coop, registration.registered_by = kind, coop, actor
    registration.status = Registration.Status.ACTIVE
    registration.created_at = timezone.now()
    for name in REGISTRATION_FIELDS:
        setattr(registration, name, fields.get(name, getattr(registration, name)))
    registration.full_clean(exclude=["event", "person"])
    registration.save()
    return registration


@transaction.atomic
def register_person(*, event: Event, person: User, answers: dict | None = None) -> Registration:
    """A person registers for themselves."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    check_registration_open(event)
    if not event.accepts_people:
        raise ValidationError(
            _("This event takes registrations from organisations only."), code="people_not_allowed"
        )
    registration = _register(
        event=event,
        person=person,
        actor=person,
        kind=Registration.Kind.PERSON,
        coop=None,
        answers=answers or {},
    )
    audit.record(
        "event.registered",
        _subject(event),
        {"kind": "person"},
        person,
        private={"person": audit.person(person)},
    )
    return registration


@transaction.atomic
def register_organisation(
    *, event: Event, coop: Cooperative, people: Iterable[User], actor: User
) -> list[Registration]:
    """A cooperative registers with its roster: each person must be an active member."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    check_registration_open(event)
    if not event.accepts_organisations:
        raise ValidationError(
            _("This event takes registrations from people only, each for themselves."),
            code="organisations_not_allowed",
        )
    people = list(people)
    if not people:
        raise ValidationError(_("Choose at least one person for the roster."), code="empty")
    members = set(
        Membership.objects.filter(
            coop=coop, status=Membership.Status.ACTIVE, person__in=people
        ).values_list("person_id", flat=True)
    )
    outsiders = [person.name for person in people if person.pk not in members]
    if outsiders:
        raise ValidationError(
            _("Not members of %(coop)s: %(names)s.")
            % {"coop": coop.name, "names": ", ".join(outsiders)},
            code="not_members",
        )
    registrations = [
        _register(
            event=event,
            person=person,
            actor=actor,
            kind=Registration.Kind.ORGANISATION,
            coop=coop,
            answers={},
        )
        for person in people
    ]
    audit.record(
        "event.registered",
        _subject(event),
        {"coop": coop.slug, "kind": "organisation", "registered": len(people)},
        actor,
        private={"roster": sorted(audit.person(p) for p in people)},
        audience=coop,
    )
    return registrations


@transaction.atomic
def update_registration(*, registration: Registration, actor: User, changes: dict) -> Registration:
    _refuse_if_cancelled(registration.event)
    for name, value in changes.items():
        if name in REGISTRATION_FIELDS:
            setattr(registration, name, value)
    registration.full_clean(exclude=["event", "person"])
    registration.save()
    audit.record(
        "event.registration_updated",
        _subject(registration.event),
        {"fields": sorted(changes)},
        actor,
        private={"person": audit.person(registration.person_id)},
        owner=registration.person,
    )
    return registration


@transaction.atomic
def withdraw_registration(*, registration: Registration, actor: User) -> Registration:
    """Withdraw from the event; the person also leaves their team."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_active:
        return registration
    registration.team_memberships.filter(
        status__in=[
            TeamMembership.Status.ACTIVE,
            TeamMembership.Status.INVITED,
            TeamMembership.Status.REQUESTED,
        ]
    ).update(status=TeamMembership.Status.LEFT, updated_at=timezone.now())
    registration.status = Registration.Status.WITHDRAWN
    registration.save(update_fields=["status"])
    audit.record(
        "event.withdrawn",
        _subject(registration.event),
        {},
        actor,
        private={"person": audit.person(registration.person_id)},
        owner=registration.person,
    )
    return registration


# --- teams ---


def _check_teams_open(event: Event) -> None:
    _refuse_if_cancelled(event)
    if not event.is_open_for_teams(timezone.now()):
        raise ValidationError(
            _("Teams are fixed since the proposal deadline (%(deadline)s).")
            % {"deadline": format_instant(event.proposals_due_at, event.timezone)},
            code="teams_closed",
        )


def _active_team(registration: Registration) -> Team | None:
    membership = registration.team_memberships.filter(status=TeamMembership.Status.ACTIVE).first()
    return membership.team if membership else None


def _refuse_if_in_team(registration: Registration) -> None:
    team = _active_team(registration)
    if team is not None:
        raise ValidationError(
            _("%(name)s is already in the team “%(team)s”.")
            % {"name": registration.person.name, "team": team.name},
            code="already_in_team",
        )


@transaction.atomic
def create_team(
    *,
    registration: Registration,
    actor: User,
    name: str,
    description: str = "",
    channel_url: str = "",
) -> Team:
    """A registrant starts a team and is its first member."""
    event = registration.event
    _check_teams_open(event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_active:
        raise ValidationError(_("Register for the event first."), code="not_registered")
    _refuse_if_in_team(registration)
    if event.teams.filter(name__iexact=name).exists():
        raise ValidationError(_("Another team already has this name."), code="team_name_taken")
    team = Team(
        event=event, name=name, description=description, channel_url=channel_url, created_by=actor
    )
    team.full_clean(exclude=["event"])
    team.save()
    TeamMembership.objects.create(
        team=team, registration=registration, status=TeamMembership.Status.ACTIVE, invited_by=actor
    )
    audit.record(
        "team.created",
        _subject(event),
        {"team": team.pk, "name": team.name},
        actor,
        private={"person": audit.person(registration.person_id)},
    )
    return team


@transaction.atomic
def update_team(*, team: Team, actor: User, changes: dict) -> Team:
    """Change a team's details. A team renamed once the results are announced keeps, in the
    results and its certificates, the name they were announced under."""
    _refuse_if_cancelled(team.event)
    stored, announced = Team.objects.values_list("name", "announced_name").get(pk=team.pk)
    renamed = "name" in changes and changes["name"] != stored
    if renamed and not announced and team.event.are_results_announced(timezone.now()):
        team.announced_name = stored
    for name, value in changes.items():
        setattr(team, name, value)
    team.full_clean(exclude=["event", "challenge"])
    team.save()
    audit.record(
        "team.updated", _subject(team.event), {"team": team.pk, "fields": sorted(changes)}, actor
    )
    return team


def _pending(team: Team, registration: Registration, status: str, actor: User) -> TeamMembership:
    """Record an invitation or a request to join, reusing the row of an earlier one."""
    membership = TeamMembership.objects.filter(team=team, registration=registration).first()
    if membership is not None and membership.status in (
        TeamMembership.Status.INVITED,
        TeamMembership.Status.REQUESTED,
    ):
        if membership.status != status:
            # An invitation meets a request: both sides want it, so it is agreed.
            return _activate(membership=membership, actor=actor)
        return membership
    if membership is None:
        membership = TeamMembership(team=team, registration=registration)
    membership.status, membership.invited_by = status, actor
    membership.created_at = membership.updated_at = timezone.now()
    membership.save()
    return membership


@transaction.atomic
def invite_to_team(*, team: Team, registration: Registration, actor: User) -> TeamMembership:
    """A team member invites a registrant who has no team yet."""
    _check_teams_open(team.event)
    if registration.event_id != team.event_id or not registration.is_active:
        raise ValidationError(_("Only people registered for this event can join its teams."))
    _refuse_if_in_team(registration)
    _refuse_if_full(Team.objects.select_for_update().get(pk=team.pk))
    membership = _pending(team, registration, TeamMembership.Status.INVITED, actor)
    audit.record(
        "team.invited",
        _subject(team.event),
        {"team": team.pk},
        actor,
        private={"person": audit.person(registration.person_id)},
        owner=registration.person,
    )
    if membership.status == TeamMembership.Status.INVITED:
        notify.notify_people(
            event=team.event,
            people=[registration.person],
            kind="team-invitation",
            key=str(membership.pk),
            context={"team": team, "inviter": actor},
        )
    return membership


@transaction.atomic
def request_to_join(*, team: Team, registration: Registration, actor: User) -> TeamMembership:
    _check_teams_open(team.event)
    if registration.event_id != team.event_id or not registration.is_active:
        raise ValidationError(_("Register for the event first."), code="not_registered")
    if not team.is_open:
        raise ValidationError(
            _("This team does not take requests to join; ask a member to invite you."),
            code="team_closed",
        )
    _refuse_if_in_team(registration)
    _refuse_if_full(Team.objects.select_for_update().get(pk=team.pk))
    membership = _pending(team, registration, TeamMembership.Status.REQUESTED, actor)
    audit.record(
        "team.join_requested",
        _subject(team.event),
        {"team": team.pk},
        actor,
        private={"person": audit.person(registration.person_id)},
        owner=registration.person,
    )
    return membership


def _refuse_if_full(team: Team) -> None:
    size = team.memberships.filter(status=TeamMembership.Status.ACTIVE).count()
    if size >= team.event.team_max_size:
        raise ValidationError(
            _("The team “%(team)s” is full: teams have at most %(max)s members.")
            % {"team": team.name, "max": team.event.team_max_size},
            code="team_full",
        )


def _activate(*, membership: TeamMembership, actor: User) -> TeamMembership:
    """Make a pending membership active, within the size limit, under the team's row lock.

    The lock serialises everyone joining the same team, so two people racing for the last
    seat cannot both get it: the second one sees a full team and nothing changes.
    """
    team = Team.objects.select_for_update().select_related("event").get(pk=membership.team_id)
    registration = Registration.objects.select_for_update().get(pk=membership.registration_id)
    membership.refresh_from_db()
    if membership.status not in (TeamMembership.Status.INVITED, TeamMembership.Status.REQUESTED):
        raise ValidationError(_("This invitation or request is no longer open."), code="stale")
    _refuse_if_in_team(registration)
    _refuse_if_full(team)
    membership.status = TeamMembership.Status.ACTIVE
    membership.updated_at = timezone.now()
    try:
        with transaction.atomic():
            membership.save(update_fields=["status", "updated_at"])
    except IntegrityError:
        raise ValidationError(
            _("%(name)s joined another team meanwhile.") % {"name": registration.person.name},
            code="already_in_team",
        ) from None
    # Other invitations and requests of this person lapse: one team per event.
    TeamMembership.objects.filter(
        registration=registration,
        status__in=[TeamMembership.Status.INVITED, TeamMembership.Status.REQUESTED],
    ).update(status=TeamMembership.Status.DECLINED, updated_at=timezone.now())
    audit.record(
        "team.joined",
        _subject(team.event),
        {"team": team.pk},
        actor,
        private={"person": audit.person(registration.person_id)},
        owner=registration.person,
    )
    return membership


@transaction.atomic
def accept_invitation(*, membership: TeamMembership, actor: User) -> TeamMembership:
    """The invited person accepts."""
    _check_teams_open(membership.team.event)
    if membership.registration.person_id != actor.pk:
        raise ValidationError(_("Only the person invited can accept."), code="not_invitee")
    if membership.status != TeamMembership.Status.INVITED:
        raise ValidationError(_("This invitation is no longer open."), code="stale")
    return _activate(membership=membership, actor=actor)


@transaction.atomic
def accept_request(*, membership: TeamMembership, actor: User) -> TeamMembership:
    """A team member accepts someone's request to join."""
    _check_teams_open(membership.team.event)
    if membership.status != TeamMembership.Status.REQUESTED:
        raise ValidationError(_("This request is no longer open."), code="stale")
    return _activate(membership=membership, actor=actor)


@transaction.atomic
def decline(*, membership: TeamMembership, actor: User) -> TeamMembership:
    """Decline an invitation (the invitee) or a request (a team member), or withdraw either."""
    if membership.status not in (TeamMembership.Status.INVITED, TeamMembership.Status.REQUESTED):
        raise ValidationError(_("This invitation or request is no longer open."), code="stale")
    return _close_membership(
        membership, status=TeamMembership.Status.DECLINED, kind="team.declined", actor=actor
    )


@transaction.atomic
def leave_team(*, membership: TeamMembership, actor: User) -> TeamMembership:
    _check_teams_open(membership.team.event)
    if membership.status != TeamMembership.Status.ACTIVE:
        raise ValidationError(_("You are not in this team."), code="not_member")
    return _close_membership(
        membership, status=TeamMembership.Status.LEFT, kind="team.left", actor=actor
    )


def _close_membership(
    membership: TeamMembership, *, status: str, kind: str, actor: User
) -> TeamMembership:
    """Set a team membership's final status and record it (inside the caller's transaction)."""
    membership.status = status
    membership.updated_at = timezone.now()
    membership.save(update_fields=["status", "updated_at"])
    audit.record(
        kind,
        _subject(membership.team.event),
        {"team": membership.team_id},
        actor,
        private={"person": audit.person(membership.registration.person_id)},
        owner=membership.registration.person,
    )
    return membership


@transaction.atomic
def choose_challenge(*, team: Team, challenge: EventChallenge | None, actor: User) -> Team:
    """A team picks the challenge it works on, once challenges are released."""
    event = team.event
    _check_teams_open(event)
    if not event.are_challenges_released(timezone.now()):
        raise ValidationError(
            _("Challenges are released at %(when)s; choose one then.")
            % {"when": format_instant(event.challenges_released_at, event.timezone)},
            code="not_released",
        )
    if challenge is not None and challenge.event_id != event.pk:
        raise ValidationError(_("This challenge belongs to another event."), code="other_event")
    team.challenge = challenge
    team.save(update_fields=["challenge"])
    audit.record(
        "team.challenge_chosen",
        _subject(event),
        {"team": team.pk, "challenge": challenge.pk if challenge else None},
        actor,
    )
    return team


@transaction.atomic
def start_team_with(
    *, registration: Registration, actor: User, name: str, others: Iterable[Registration]
) -> Team:
    """Start a team from a matching suggestion: create it and invite the others."""
    team = create_team(registration=registration, actor=actor, name=name)
    for other in others:
        if other.pk != registration.pk:
            invite_to_team(team=team, registration=other, actor=actor)
    return team


# --- proposals ---


def _check_proposals_open(event: Event) -> None:
    _refuse_if_cancelled(event)
    now = timezone.now()
    if now >= event.proposals_due_at:
        raise ValidationError(
            _(
                "The deadline for proposals passed at %(deadline)s. Proposals are read-only "
                "now; nothing was saved."
            )
            % {"deadline": format_instant(event.proposals_due_at, event.timezone)},
            code="deadline_passed",
        )
    if not event.is_open_for_proposals(now):
        raise ValidationError(
            _("Proposals open when the challenges are released, at %(when)s.")
            % {"when": format_instant(event.challenges_released_at, event.timezone)},
            code="not_open",
        )


def check_team_size(team: Team) -> None:
    """A team below the event's minimum size cannot put a proposal before the jury."""
    size = team.memberships.filter(status=TeamMembership.Status.ACTIVE).count()
    minimum = team.event.team_min_size
    if size < minimum:
        raise ValidationError(
            ngettext(
                "A team needs at least %(minimum)s member to submit a proposal; "
                "yours has %(size)s. Invite teammates first.",
                "A team needs at least %(minimum)s members to submit a proposal; "
                "yours has %(size)s. Invite teammates first.",
                minimum,
            )
            % {"minimum": minimum, "size": size},
            code="team_too_small",
        )


@transaction.atomic
def save_proposal(
    *,
    team: Team,
    actor: User,
    fields: dict,
    new_files: Iterable[UploadedFile] = (),
    remove_attachments: Iterable[int] = (),
) -> ProposalVersion:
    """Save the team's proposal as a new version; refused from the deadline's instant on.

    The licence is the event's, copied into each version. Attachments carry over from the
    previous version unless removed, so each version shows exactly what the team had then.
    """
    # Lock the team so two members saving at once get consecutive version numbers.
    team = Team.objects.select_for_update().select_related("event").get(pk=team.pk)
    event = team.event
    _check_proposals_open(event)
    if not team.memberships.filter(
        registration__person=actor, status=TeamMembership.Status.ACTIVE
    ).exists():
        raise ValidationError(_("Only team members can edit the proposal."), code="not_member")
    if team.challenge_id is None:
        raise ValidationError(
            _("Choose your team's challenge before writing the proposal."), code="no_challenge"
        )
    check_team_size(team)
    new_files = list(new_files)
    for upload in new_files:
        check_upload(upload)
    now = timezone.now()
    proposal, _created = Proposal.objects.get_or_create(
        team=team, defaults={"event": event, "created_at": now}
    )
    previous = proposal.latest_version()
    version = ProposalVersion(
        proposal=proposal,
        number=(previous.number + 1) if previous else 1,
        licence=event.licence,
        created_by=actor,
        created_at=now,
        **{name: fields.get(name, "") for name in PROPOSAL_FIELDS},
    )
    version.full_clean(exclude=["proposal"])
    version.save()
    kept = [] if previous is None else list(previous.attachments.exclude(pk__in=remove_attachments))
    for upload in new_files:
        assert upload.name is not None and upload.size is not None  # as every upload has
        attachment = Attachment(
            proposal=proposal,
            key=secrets.token_hex(16),
            name=upload.name[:200],
            size=upload.size,
            content_type=getattr(upload, "content_type", "") or "",
            uploaded_by=actor,
            created_at=now,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        kept.append(attachment)
    version.attachments.set(kept)
    proposal.updated_at = now
    proposal.save(update_fields=["updated_at"])
    audit.record(
        "proposal.saved",
        _subject(event),
        {"team": team.pk, "version": version.number, "attachments": len(kept)},
        actor,
    )
    return version
