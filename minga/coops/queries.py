from collections.abc import Mapping

from django.db import connection
from django.db.models import Count, Q, QuerySet

from .models import Cooperative, Membership

GENERATION_SQL = "SELECT COUNT(*), MAX(updated_at) FROM coops_cooperative"


def generation() -> tuple:
    """Changes whenever any cooperative is added, removed or edited (see core.cache).

    It runs on every anonymous page view, so it is one plain indexed query: building it
    through the ORM would cost more than serving the cached page.
    """
    with connection.cursor() as cursor:
        cursor.execute(GENERATION_SQL)
        return tuple(cursor.fetchone())


def directory(*, q="", country="", region="", sector="", language="") -> QuerySet[Cooperative]:
    coops = Cooperative.objects.all()
    if q:
        coops = coops.filter(
            Q(name__icontains=q) | Q(description__icontains=q) | Q(region__icontains=q)
        )
    if country:
        coops = coops.filter(country=country)
    if region:
        coops = coops.filter(region__icontains=region)
    if sector:
        coops = coops.filter(sector=sector)
    if language:
        coops = coops.filter(languages__has=language)
    return coops.only(
        "name", "slug", "country", "region", "sector", "member_count", "languages", "founded_year"
    )


def country_counts() -> dict[str, int]:
    rows = Cooperative.objects.values("country").annotate(n=Count("pk")).order_by("country")
    return {row["country"]: row["n"] for row in rows}


def members(coop: Cooperative) -> QuerySet[Membership]:
    return coop.memberships.select_related("person").order_by("status", "role", "person__name")


def member_coop_ids(person_id: int) -> QuerySet[Membership, Mapping[str, object]]:
    """The ids of the cooperatives `person_id` is an active member of, as a subquery."""
    return Membership.objects.filter(person_id=person_id, status=Membership.Status.ACTIVE).values(
        "coop_id"
    )
