"""Who may do what in an event: the one place each view and action asks.

Organisers are staff, or active administrators of the cooperative that organises the event
(which must be flagged as an organiser to create one). Registrants are people with an active
registration; team members have an active team membership.

Views ask the `can_*` and `get_*` functions first, for a friendly page; every action asks
again through a `check_*` function, which raises `PermissionDenied`, so the rule holds
whatever calls the action (the API, the admin, a script).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from minga.coops.models import Cooperative, Membership
from minga.coops.permissions import can_edit

from .models import Event, Registration, Team, TeamMembership


def organiser_coops(user) -> QuerySet[Cooperative]:
    """Cooperatives on whose behalf `user` may create events."""
    if not user.is_authenticated:
        return Cooperative.objects.none()
    coops = Cooperative.objects.filter(is_organiser=True)
    if user.is_staff:
        return coops
    return coops.filter(
        memberships__person=user,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Membership.Role.ADMIN,
    )


def can_create_events(user) -> bool:
    return organiser_coops(user).exists()


def check_create_for(user, coop: Cooperative) -> None:
    """Refuse unless `user` may create events on behalf of `coop` (staff may for any)."""
    if (
        not (user.is_authenticated and user.is_staff)
        and not organiser_coops(user).filter(pk=coop.pk).exists()
    ):
        raise PermissionDenied


def can_manage(user, event: Event) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(
        coop_id=event.organiser_id,
        person=user,
        status=Membership.Status.ACTIVE,
        role=Membership.Role.ADMIN,
    ).exists()


def check_manage(user, event: Event) -> None:
    """Refuse unless `user` organises `event`."""
    if not can_manage(user, event):
        raise PermissionDenied


def can_view(user, event: Event) -> bool:
    """Published and cancelled events are public; drafts only for their organisers."""
    return event.status != Event.Status.DRAFT or can_manage(user, event)


def get_event(user, slug: str, *, need: str = "view") -> Event:
    """The event `slug` if `user` may `need` it ("view" or "manage"); 404 hides drafts."""
    event = get_object_or_404(Event.objects.select_related("organiser"), slug=slug)
    if not can_view(user, event):
        raise Http404
    if need == "manage" and not can_manage(user, event):
        raise PermissionDenied
    return event


def check_view(user, event: Event) -> None:
    """Refuse a draft event to anyone but its organisers."""
    if not can_view(user, event):
        raise PermissionDenied


def check_register_for(user, coop: Cooperative) -> None:
    """Refuse unless `user` administers `coop`, whose roster they register."""
    if not can_edit(user, coop):
        raise PermissionDenied


def check_own(user, registration: Registration) -> None:
    """Refuse unless `registration` is `user`'s own."""
    if not (user.is_authenticated and registration.person_id == user.pk):
        raise PermissionDenied


def registration_of(user, event: Event) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(
        event=event, person=user, status=Registration.Status.ACTIVE
    ).first()


def membership_of(user, event: Event) -> TeamMembership | None:
    """The person's active team membership in this event, if any."""
    if not user.is_authenticated:
        return None
    return (
        TeamMembership.objects.select_related("team")
        .filter(
            team__event=event,
            registration__person=user,
            registration__status=Registration.Status.ACTIVE,
            status=TeamMembership.Status.ACTIVE,
        )
        .first()
    )


def is_team_member(user, team: Team) -> bool:
    if not user.is_authenticated:
        return False
    return team.memberships.filter(
        registration__person=user, status=TeamMembership.Status.ACTIVE
    ).exists()


def check_team_member(user, team: Team) -> None:
    """Refuse unless `user` is an active member of `team`."""
    if not is_team_member(user, team):
        raise PermissionDenied


def is_invitee(user, membership: TeamMembership) -> bool:
    """Is `user` the person a pending membership is about (invited, or asking to join)?"""
    return user.is_authenticated and membership.registration.person_id == user.pk


def check_party(user, membership: TeamMembership) -> None:
    """Refuse unless `user` is one side of an invitation or a request to join: the person
    invited or asking, or a member of the team."""
    if not (is_invitee(user, membership) or is_team_member(user, membership.team)):
        raise PermissionDenied


def can_see_workspace(user, team: Team) -> bool:
    """Members and organisers see a team's workspace: its channel, checklist and proposal."""
    return is_team_member(user, team) or can_manage(user, team.event)


def get_team(user, event: Event, pk: int, *, need: str = "view") -> Team:
    """A team of `event`; need "member" (members only) or "workspace" (members, organisers)."""
    team = get_object_or_404(
        Team.objects.select_related("event", "challenge", "challenge__owner"), event=event, pk=pk
    )
    if need == "member" and not is_team_member(user, team):
        raise PermissionDenied
    if need == "workspace" and not can_see_workspace(user, team):
        raise PermissionDenied
    return team


def can_see_challenges(user, event: Event, now) -> bool:
    """Challenges stay sealed until their release instant, except for the organisers."""
    return event.are_challenges_released(now) or can_manage(user, event)
