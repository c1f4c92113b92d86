"""Teams: starting one, invitations and requests to join, leaving, the challenge chosen."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga import audit
from minga.accounts.models import User
from minga.events import notify, permissions
from minga.events.models import Event, EventChallenge, Registration, Team, TeamMembership
from minga.events.text import format_instant

from .common import log_subject, refuse_if_cancelled


def _check_teams_open(event: Event) -> None:
    refuse_if_cancelled(event)
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
    permissions.check_own(actor, registration)
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
        log_subject(event),
        {"team": team.pk, "name": team.name},
        actor,
        private={"person": audit.person(registration.person_id)},
    )
    return team


@transaction.atomic
def update_team(*, team: Team, actor: User, changes: dict) -> Team:
    """Change a team's details. A team renamed once the results are announced keeps, in the
    results and its certificates, the name they were announced under."""
    permissions.check_team_member(actor, team)
    refuse_if_cancelled(team.event)
    stored, announced = Team.objects.values_list("name", "announced_name").get(pk=team.pk)
    renamed = "name" in changes and changes["name"] != stored
    if renamed and not announced and team.event.are_results_announced(timezone.now()):
        team.announced_name = stored
    for name, value in changes.items():
        setattr(team, name, value)
    team.full_clean(exclude=["event", "challenge"])
    team.save()
    audit.record(
        "team.updated", log_subject(team.event), {"team": team.pk, "fields": sorted(changes)}, actor
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
    permissions.check_team_member(actor, team)
    _check_teams_open(team.event)
    if registration.event_id != team.event_id or not registration.is_active:
        raise ValidationError(_("Only people registered for this event can join its teams."))
    membership = _ask(team, registration, TeamMembership.Status.INVITED, actor, "team.invited")
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
    permissions.check_own(actor, registration)
    _check_teams_open(team.event)
    if registration.event_id != team.event_id or not registration.is_active:
        raise ValidationError(_("Register for the event first."), code="not_registered")
    if not team.is_open:
        raise ValidationError(
            _("This team does not take requests to join; ask a member to invite you."),
            code="team_closed",
        )
    return _ask(team, registration, TeamMembership.Status.REQUESTED, actor, "team.join_requested")


def _ask(
    team: Team, registration: Registration, status: str, actor: User, kind: str
) -> TeamMembership:
    """A pending membership (an invitation or a request to join), logged as `kind`, for a
    registrant in no team yet, while the team has room (its row locked)."""
    _refuse_if_in_team(registration)
    _refuse_if_full(Team.objects.select_for_update().get(pk=team.pk))
    membership = _pending(team, registration, status, actor)
    audit.record(
        kind,
        log_subject(team.event),
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
        log_subject(team.event),
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
    if not permissions.is_invitee(actor, membership):
        raise ValidationError(_("Only the person invited can accept."), code="not_invitee")
    if membership.status != TeamMembership.Status.INVITED:
        raise ValidationError(_("This invitation is no longer open."), code="stale")
    return _activate(membership=membership, actor=actor)


@transaction.atomic
def accept_request(*, membership: TeamMembership, actor: User) -> TeamMembership:
    """A team member accepts someone's request to join."""
    permissions.check_team_member(actor, membership.team)
    _check_teams_open(membership.team.event)
    if membership.status != TeamMembership.Status.REQUESTED:
        raise ValidationError(_("This request is no longer open."), code="stale")
    return _activate(membership=membership, actor=actor)


@transaction.atomic
def decline(*, membership: TeamMembership, actor: User) -> TeamMembership:
    """Decline an invitation (the invitee) or a request (a team member), or withdraw either."""
    permissions.check_party(actor, membership)
    if membership.status not in (TeamMembership.Status.INVITED, TeamMembership.Status.REQUESTED):
        raise ValidationError(_("This invitation or request is no longer open."), code="stale")
    return _close_membership(
        membership, status=TeamMembership.Status.DECLINED, kind="team.declined", actor=actor
    )


@transaction.atomic
def leave_team(*, membership: TeamMembership, actor: User) -> TeamMembership:
    permissions.check_own(actor, membership.registration)
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
        log_subject(membership.team.event),
        {"team": membership.team_id},
        actor,
        private={"person": audit.person(membership.registration.person_id)},
        owner=membership.registration.person,
    )
    return membership


@transaction.atomic
def choose_challenge(*, team: Team, challenge: EventChallenge | None, actor: User) -> Team:
    """A team picks the challenge it works on, once challenges are released."""
    permissions.check_team_member(actor, team)
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
        log_subject(event),
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
