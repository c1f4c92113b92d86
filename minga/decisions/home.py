"""The decisions section of a person's home page (see `minga.core.home`).

Open polls they can vote in, and which of them they already voted in, read from
participations (that an elector voted), never from ballots: a secret ballot stays unlinked
from its voter. Proxies waiting for their confirmation, and their cooperatives' notices (new
discussions, polls recently closed). A fixed number of queries, whatever the counts.
"""

from __future__ import annotations

import datetime

from django.db.models import Count

from minga.coops.models import Membership
from minga.core.home import LIMIT

from .models import Discussion, Elector, Poll, Proxy
from .queries import _electors_query

ORDER = 20  # its place on the home page (see minga.core.home)

NOTICES = 5
NOTICE_DAYS = 30


def section(person, now: datetime.datetime, limit: int = LIMIT) -> dict | None:
    # Their cooperatives read once: the notices come from all, the votes of member
    # cooperatives from those they administer (subqueries would be built twice each).
    memberships = list(
        Membership.objects.filter(person=person, status=Membership.Status.ACTIVE).values_list(
            "coop_id", "role"
        )
    )
    coops = [coop for coop, _role in memberships]
    administered = [coop for coop, role in memberships if role == Membership.Role.ADMIN]
    electors = Elector.objects.filter(_electors_query(person, administered=administered))
    polls = list(
        Poll.objects.filter(
            status=Poll.Status.OPEN, closes_at__gt=now, pk__in=electors.values("poll_id")
        )
        .select_related("coop")
        .only("pk", "title", "closes_at", "coop__slug", "coop__name")
        # Votes cast through any of their electors, counted from participations
        # (`queries.voted_polls`), in the same query.
        .annotate(
            votes=Count(
                "participations",
                filter=_electors_query(
                    person, administered=administered, prefix="participations__elector__"
                ),
            )
        )
        .order_by("closes_at", "pk")[: limit + 1]
    )
    for poll in polls:
        poll.has_voted = poll.votes > 0
    since = now - datetime.timedelta(days=NOTICE_DAYS)
    discussions = list(
        Discussion.objects.filter(coop__in=coops, created_at__gte=since)
        .select_related("coop")
        .only("pk", "title", "created_at", "coop__slug", "coop__name")
        .order_by("-created_at", "-pk")[:NOTICES]
    )
    closed = list(
        Poll.objects.filter(coop__in=coops, status=Poll.Status.CLOSED, closed_at__gte=since)
        .select_related("coop")
        .only("pk", "title", "closed_at", "coop__slug", "coop__name")  # not the stored result
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
        .only("pk", "poll__title", "poll__coop__slug", "poll__coop__name", "holder__name")
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
