"""The coop-a-thons section of a person's home page (see `minga.core.home`): their teams in
events not yet over, each with its next deadline. One query, whatever the counts."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q

from minga.core.home import LIMIT

from .models import Event, Team, TeamMembership

ORDER = 30  # its place on the home page (see minga.core.home)

# What the partial shows of a team and its event (the rest of an event is long texts).
SHOWN_FIELDS = (
    "pk",
    "name",
    "event__slug",
    "event__title",
    "event__proposals_due_at",
    "event__announcement_at",
    "event__team_min_size",
)


def section(person, now: datetime.datetime) -> dict | None:
    # The person's teams through a subquery, so that the size counts every active member:
    # filtering on a join of their own membership would count that membership alone.
    theirs = TeamMembership.objects.filter(
        registration__person=person, status=TeamMembership.Status.ACTIVE
    ).values("team_id")
    teams = list(
        Team.objects.filter(
            pk__in=theirs,
            event__status=Event.Status.PUBLISHED,
            event__announcement_at__gt=now,
        )
        .select_related("event")
        .only(*SHOWN_FIELDS)
        .annotate(
            size=Count("memberships", filter=Q(memberships__status=TeamMembership.Status.ACTIVE))
        )
        .order_by("event__proposals_due_at", "name", "pk")[:LIMIT]
    )
    if not teams:
        return None
    for team in teams:
        team.is_too_small = team.size < team.event.team_min_size
        team.is_before_deadline = now < team.event.proposals_due_at
    return {"teams": teams}


SHOWN_EVENTS = 10


def coop_section(coop, user, now: datetime.datetime) -> dict | None:
    """The coop-a-thons a cooperative organises (published or cancelled), latest first."""
    events = list(
        Event.objects.filter(organiser=coop)
        .exclude(status=Event.Status.DRAFT)
        .order_by("-announcement_at", "-pk")[:SHOWN_EVENTS]
    )
    return {"events": events, "now": now} if events else None
