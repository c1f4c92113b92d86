from django.db.models import Count, Max, Q, QuerySet

from .models import Cooperative, Membership


def generation() -> tuple:
    """Changes whenever any cooperative is added, removed or edited (see core.cache)."""
    stats = Cooperative.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    return (stats["n"], stats["last"])


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
