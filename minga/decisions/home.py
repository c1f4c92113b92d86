"""The decisions section of a person's home page (see `minga.core.home`).

Open polls they can vote in, and which of them they already voted in, read from
participations (that an elector voted), never from ballots: a secret ballot stays unlinked
from its voter. Proxies waiting for their confirmation, and their cooperatives' notices (new
discussions, polls recently closed). A fixed number of queries, whatever the counts.
"""

from __future__ import annotations

import datetime

from minga.core.home import LIMIT

from .models import Discussion, Elector, Poll, Proxy
from .queries import _electors_query, voted_polls

ORDER = 20  # its place on the home page (see minga.core.home)

NOTICES = 5
NOTICE_DAYS = 30


def section(person, now: datetime.datetime, limit: int = LIMIT) -> dict | None:
    electors = Elector.objects.filter(_electors_query(person))
    polls = list(
        Poll.objects.filter(status=Poll.Status.OPEN, closes_at__gt=now, electors__in=electors)
        .select_related("coop")
        .only("pk", "title", "closes_at", "is_secret", "coop__slug", "coop__name")
        .distinct()
        .order_by("closes_at", "pk")[: limit + 1]
    )
    voted = voted_polls(person, polls)
    for poll in polls:
        poll.has_voted = poll.pk in voted
    coops = person.memberships.filter(status="active").values("coop_id")
    since = now - datetime.timedelta(days=NOTICE_DAYS)
    discussions = list(
        Discussion.objects.filter(coop__in=coops, created_at__gte=since)
        .select_related("coop")
        .order_by("-created_at", "-pk")[:NOTICES]
    )
    closed = list(
        Poll.objects.filter(coop__in=coops, status=Poll.Status.CLOSED, closed_at__gte=since)
        .select_related("coop")
        .order_by("-closed_at", "-pk")[:NOTICES]
    )
    # As `delegation.pending_proxies_of`, with the cooperative each link needs.
    proxies = list(
        Proxy.objects.filter(
            elector__person=person,
            status=Proxy.Status.PENDING,
            poll__status=Poll.Status.OPEN,
            poll__closes_at__gt=now,
        )
        .select_related("poll__coop", "holder")
        .order_by("poll__closes_at", "pk")[:limit]
    )
    if not (polls or proxies or discussions or closed):
        return None
    return {
        "polls": polls[:limit],
        "more_polls": len(polls) > limit,
        "proxies": proxies,
        "discussions": discussions,
        "closed": closed,
    }


def coop_section(coop, user, now: datetime.datetime) -> dict | None:
    """A cooperative's open decisions: their titles for its members, their number for others
    (open polls are for members; closed ones are public, with their results)."""
    from .permissions import can_read

    polls = Poll.objects.filter(coop=coop, status=Poll.Status.OPEN, closes_at__gt=now)
    if not can_read(user, coop):
        count = polls.count()
        return {"count": count, "coop": coop} if count else None
    shown = list(polls.order_by("closes_at", "pk")[:LIMIT])
    return {"polls": shown, "coop": coop} if shown else None
