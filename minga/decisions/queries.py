"""Reads for decisions: who may cast which vote, open polls, lists and results."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from minga.coops.models import Cooperative, Membership

from .models import Ballot, Discussion, Elector, Participation, Poll

if TYPE_CHECKING:
    from minga.accounts.models import User


def _coops_administered(person: User) -> QuerySet[Cooperative]:
    return Cooperative.objects.filter(
        memberships__person=person,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Membership.Role.ADMIN,
    )


def _electors_query(person: User) -> Q:
    return Q(person=person) | Q(member_coop__in=_coops_administered(person))


def electors_for(person: User, poll: Poll) -> list[Elector]:
    """The votes `person` may cast in `poll`: their own, and each member cooperative's they
    administer (federation polls). Empty for associates, outsiders and the anonymous."""
    if not getattr(person, "is_authenticated", False):
        return []
    return list(
        Elector.objects.filter(_electors_query(person), poll=poll)
        .select_related("member_coop")
        .order_by("member_coop__name", "pk")
    )


def open_polls_for(person: User, now=None) -> list[Poll]:  # type: ignore[no-untyped-def]
    """Polls accepting votes in which `person` may cast at least one vote, soonest closing first."""
    if not getattr(person, "is_authenticated", False):
        return []
    now = now or timezone.now()
    electors = Elector.objects.filter(_electors_query(person))
    return list(
        Poll.objects.filter(status=Poll.Status.OPEN, closes_at__gt=now, electors__in=electors)
        .select_related("coop")
        .prefetch_related("options")
        .distinct()
        .order_by("closes_at", "pk")
    )


def voted_electors(electors: list[Elector]) -> set[int]:
    return set(
        Participation.objects.filter(elector__in=electors).values_list("elector_id", flat=True)
    )


def discussions_of(coop: Cooperative) -> QuerySet[Discussion]:
    return Discussion.objects.filter(coop=coop).select_related("author")


def polls_of(coop: Cooperative, *, public_only: bool = False) -> QuerySet[Poll]:
    polls = Poll.objects.filter(coop=coop).select_related("coop")
    if public_only:
        polls = polls.filter(status=Poll.Status.CLOSED)
    return polls.exclude(status=Poll.Status.DRAFT) if public_only else polls


def participation_count(poll: Poll) -> tuple[int, int]:
    """(electors who voted, their total weight)."""
    rows = Participation.objects.filter(poll=poll).values_list("elector__weight", flat=True)
    weights = list(rows)
    return len(weights), sum(weights)


def open_ballots(poll: Poll) -> QuerySet[Ballot]:
    """Who voted what, with reasons: open polls only."""
    return (
        Ballot.objects.filter(poll=poll, elector__isnull=False)
        .select_related("elector__person", "elector__member_coop")
        .order_by("elector__person__name", "elector__member_coop__name")
    )


def results_visible(poll: Poll, user, electors: list[Elector] | None = None) -> bool:
    """Results never show before closing unless the poll says voters may see them."""
    if poll.status == Poll.Status.CLOSED:
        return True
    if poll.status != Poll.Status.OPEN:
        return False
    if poll.results_visibility != Poll.ResultsVisibility.AFTER_VOTE:
        return False
    if electors is None:
        electors = electors_for(user, poll)
    return bool(electors) and bool(voted_electors(electors))
