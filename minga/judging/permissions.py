"""Who may do what in judging: the one place each view and action asks.

Views ask first, for a friendly page; each action asks again about its `actor` (organisers'
actions through `check_manage`, which raises `PermissionDenied`), whoever calls it.

Organisers (as the events app defines them) run the jury and see results before anyone else.
Jurors see and score only the proposals assigned to them. Members of the cooperatives whose
needs are the event's challenges vote in the members' choice. Everyone sees the results from
the announcement instant on.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from minga.coops.models import Cooperative, Membership
from minga.events.models import Event
from minga.events.permissions import can_manage, check_manage

from .models import Assignment, Juror

__all__ = ["can_manage", "check_manage"]


def juror_of(user, event: Event) -> Juror | None:
    if not user.is_authenticated:
        return None
    return Juror.objects.filter(event=event, person=user).first()


def is_judging_open(event: Event, now: datetime.datetime) -> bool:
    """Jurors score, and members vote, from the proposal deadline until judging ends."""
    return event.is_published and event.proposals_due_at <= now < event.judging_ends_at


def can_see_results(user, event: Event, now: datetime.datetime) -> bool:
    """Results are hidden from everyone but the organisers until the announcement instant."""
    return event.are_results_announced(now) or can_manage(user, event)


def is_assigned(user, assignment: Assignment) -> bool:
    """Is `user` the juror `assignment` gives the proposal to?"""
    return user.is_authenticated and assignment.juror.person_id == user.pk


def get_assignment(user, event: Event, proposal_pk: int) -> Assignment:
    """The signed-in juror's assignment to score proposal `proposal_pk`; 403 for anyone else."""
    juror = juror_of(user, event)
    if juror is None:
        raise PermissionDenied
    return get_object_or_404(
        Assignment.objects.select_related("proposal__team__challenge", "juror__person"),
        juror=juror,
        proposal_id=proposal_pk,
    )


def voter_coops(event: Event) -> QuerySet[Cooperative]:
    """The cooperatives whose needs (or own challenges) are challenges of the event."""
    return Cooperative.objects.filter(
        Q(needs__event_challenges__event=event) | Q(pk__in=event.challenges.values("owner_coop"))
    ).distinct()


def can_vote(user, event: Event) -> bool:
    """One member, one vote: signed-in active members of the challenge owners' cooperatives."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        person=user, status=Membership.Status.ACTIVE, coop__in=voter_coops(event)
    ).exists()
