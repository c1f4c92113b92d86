"""Reads spanning relations, each page's data in a fixed number of queries."""

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Event, Proposal, Registration, Team, TeamMembership

ACTIVE = TeamMembership.Status.ACTIVE


def listed_events(user) -> QuerySet[Event]:
    """Published and cancelled events for everyone, plus drafts for their organisers."""
    from .permissions import organiser_coops  # noqa: PLC0415 (avoids an import cycle)

    visible = Q(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
    if user.is_authenticated:
        if user.is_staff:
            visible = Q()
        else:
            visible |= Q(organiser__in=organiser_coops(user))
    return (
        Event.objects.filter(visible)
        .select_related("organiser")
        .annotate(
            registered=Count(
                "registrations",
                filter=Q(registrations__status=Registration.Status.ACTIVE),
                distinct=True,
            )
        )
        .order_by("-challenges_released_at")
    )


def active_members() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=TeamMembership.objects.filter(status=ACTIVE).select_related(
            "registration__person", "registration__coop"
        ),
        to_attr="active_members",
    )


def teams(event: Event) -> QuerySet[Team]:
    return (
        event.teams.select_related("challenge")
        .prefetch_related(active_members())
        .annotate(size=Count("memberships", filter=Q(memberships__status=ACTIVE)))
        .order_by("name")
    )


def team_detail(team: Team) -> Team:
    return (
        Team.objects.select_related(
            "event", "challenge", "challenge__owner", "challenge__owner_coop"
        )
        .prefetch_related(active_members())
        .get(pk=team.pk)
    )


def pending(team: Team) -> QuerySet[TeamMembership]:
    return team.memberships.filter(
        status__in=[TeamMembership.Status.INVITED, TeamMembership.Status.REQUESTED]
    ).select_related("registration__person")


def registrations(event: Event) -> QuerySet[Registration]:
    return (
        event.registrations.filter(status=Registration.Status.ACTIVE)
        .select_related("person", "coop")
        .prefetch_related(
            Prefetch(
                "team_memberships",
                queryset=TeamMembership.objects.filter(status=ACTIVE).select_related("team__event"),
                to_attr="active_teams",
            )
        )
        .order_by("coop__name", "person__name")
    )


def invitable(event: Event) -> QuerySet[Registration]:
    """Registrants without a team: the people a team may invite."""
    in_team = TeamMembership.objects.filter(team__event=event, status=ACTIVE).values(
        "registration_id"
    )
    return (
        event.registrations.filter(status=Registration.Status.ACTIVE)
        .exclude(pk__in=in_team)
        .select_related("person")
        .order_by("person__name")
    )


def proposal_of(team: Team) -> Proposal | None:
    return Proposal.objects.filter(team=team).select_related("event").first()
