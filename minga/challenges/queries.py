"""Reads about needs that span relations: the catalogue, lists per person, who to notify."""

from django.db import connection
from django.db.models import Q, QuerySet

from minga.accounts.models import User
from minga.coops.models import Membership

from .models import Comment, Need, NeedTranslation

GENERATION_SQL = (
    "SELECT COUNT(*), MAX(n.updated_at), MAX(c.updated_at) "
    "FROM challenges_need n JOIN coops_cooperative c ON c.id = n.coop_id "
    "WHERE n.status = %s"
)


def generation() -> tuple:
    """Changes whenever the public pages of needs change (see minga.core.cache).

    Accepting a need, translating it or renaming its cooperative all move one of these. It
    runs on every anonymous page view, so it is one plain query, like the directory's.
    """
    with connection.cursor() as cursor:
        cursor.execute(GENERATION_SQL, [Need.Status.ACCEPTED.value])
        return tuple(cursor.fetchone())


def catalogue(
    *, q="", theme="", world_region="", country="", region="", sector=""
) -> QuerySet[Need]:
    """Accepted needs, newest decision first, filtered; search covers translations too."""
    needs = Need.objects.accepted().select_related("coop")
    if q:
        translated = NeedTranslation.objects.filter(
            Q(title__icontains=q) | Q(problem__icontains=q) | Q(how_might_we__icontains=q)
        ).values("need_id")
        needs = needs.filter(
            Q(title__icontains=q)
            | Q(problem__icontains=q)
            | Q(how_might_we__icontains=q)
            | Q(coop__name__icontains=q)
            | Q(pk__in=translated)
        )
    filters = {
        "theme": theme,
        "world_region": world_region,
        "country": country,
        "region": region,
        "sector": sector,
    }
    needs = needs.filter(**{name: value for name, value in filters.items() if value})
    return needs.order_by("-decided_at", "-pk")


def present_countries() -> list[str]:
    return sorted(set(Need.objects.accepted().values_list("country", flat=True)))


def present_regions() -> list[str]:
    regions = Need.objects.accepted().exclude(region="").values_list("region", flat=True)
    return sorted(set(regions))


def for_person(user: User) -> QuerySet[Need]:
    """Every need of the cooperatives `user` is an active member of, in any state."""
    return (
        Need.objects.filter(
            coop__memberships__person=user, coop__memberships__status=Membership.Status.ACTIVE
        )
        .select_related("coop")
        .order_by("-updated_at", "-pk")
    )


def review_queue() -> QuerySet[Need]:
    """For organisers: needs waiting for them, then needs waiting for their cooperative."""
    return (
        Need.objects.filter(status__in=[Need.Status.SUBMITTED, Need.Status.CHANGES_REQUESTED])
        .select_related("coop")
        .order_by("-status", "submitted_at", "pk")
    )


def thread(need: Need) -> QuerySet[Comment]:
    return need.comments.select_related("author")


def translation(need: Need, language: str) -> NeedTranslation | None:
    return need.translations.filter(language=language).select_related("translator").first()


def organisers() -> QuerySet[User]:
    """People who follow up needs: active administrators of organising cooperatives."""
    return User.objects.filter(
        is_active=True,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Membership.Role.ADMIN,
        memberships__coop__is_organiser=True,
    ).distinct()


def organisers_following(need: Need) -> QuerySet[User]:
    """Organisers who took part in a need's follow-up; all organisers once it is submitted."""
    involved = organisers().filter(
        Q(pk__in=need.comments.values("author_id")) | Q(pk=need.decided_by_id or 0)
    )
    if involved.exists() or need.status == Need.Status.DRAFT:
        return involved
    return organisers()


def coop_side(need: Need) -> QuerySet[User]:
    """The cooperative's people in a need's follow-up: who drafted it, its owner, who wrote."""
    members = Membership.objects.filter(coop=need.coop, status=Membership.Status.ACTIVE)
    return User.objects.filter(
        Q(pk=need.created_by_id or 0)
        | Q(pk=need.owner_id or 0)
        | Q(pk__in=need.comments.values("author_id")),
        is_active=True,
        pk__in=members.values("person_id"),
    ).distinct()
