"""The coop-a-thons section of a person's home page (see `minga.core.home`): their teams in
events not yet over, each with its next deadline. Two queries, whatever the counts."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q

from minga.core.home import LIMIT

from .models import Event, Team, TeamMembership

ORDER = 30  # its place on the home page (see minga.core.home)


def section(person, now: datetime.datetime) -> dict | None:
    teams = list(
        Team.objects.filter(
            memberships__registration__person=person,
            memberships__status=TeamMembership.Status.ACTIVE,
            event__status=Event.Status.PUBLISHED,
            event__announcement_at__gt=now,
        )
        .select_related("event")
        .annotate(size=Count("memberships", filter=Q(memberships__status="active"), distinct=True))
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
