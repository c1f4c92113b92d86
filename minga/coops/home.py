"""The cooperatives section of a person's home page (see `minga.core.home`): the cooperatives
they belong to, each one link from its page and its decisions. One query."""

from __future__ import annotations

import datetime

from minga.core.home import LIMIT

from .models import Cooperative, Membership
from .queries import generation as front_page_generation

ORDER = 50  # after the sections of the apps above (see minga.core.home)

__all__ = ["front_page_figures", "front_page_generation", "section"]


def front_page_figures() -> dict[str, int]:
    """The front page's figures: how many cooperatives, from how many countries."""
    return {
        "coops": Cooperative.objects.count(),
        "countries": Cooperative.objects.values("country").distinct().count(),
    }


def section(person, now: datetime.datetime) -> dict | None:
    memberships = list(
        Membership.objects.filter(person=person, status=Membership.Status.ACTIVE)
        .select_related("coop")
        .only("role", "coop__slug", "coop__name")
        .order_by("coop__name")[:LIMIT]
    )
    return {"memberships": memberships} if memberships else None
