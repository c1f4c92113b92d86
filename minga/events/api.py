"""Public events over JSON: the event, its phases, and its challenges once released."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema

from .models import Event

router = Router(tags=["events"])

PUBLIC = [Event.Status.PUBLISHED, Event.Status.CANCELLED]


class PhaseOut(Schema):
    key: str
    label: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None


class PrizeOut(Schema):
    name: str
    description: str


class EventOut(Schema):
    slug: str
    title: str
    summary: str
    organiser: str
    format: str
    timezone: str
    status: str
    stage: str
    series: str
    edition: int
    languages: list[str]
    team_min_size: int
    team_max_size: int
    who_may_register: str
    licence: str
    ownership: str
    presentation_formats: list[str]
    video_max_minutes: int
    cancellation_reason: str
    original_proposals_due_at: datetime.datetime | None
    phases: list[PhaseOut]
    prizes: list[PrizeOut]

    @staticmethod
    def resolve_organiser(obj: Event) -> str:
        return obj.organiser.slug

    @staticmethod
    def resolve_stage(obj: Event) -> str:
        return obj.stage(timezone.now())

    @staticmethod
    def resolve_phases(obj: Event) -> list[dict]:
        return [
            {"key": p.key, "label": str(p.label), "starts_at": p.starts_at, "ends_at": p.ends_at}
            for p in obj.phases()
        ]

    @staticmethod
    def resolve_prizes(obj: Event) -> list:
        return list(obj.prizes.all())


class ChallengeOut(Schema):
    id: int
    title: str
    summary: str
    theme: str
    cooperative: str | None
    need: int | None

    @staticmethod
    def resolve_cooperative(obj) -> str | None:
        return obj.owner_coop.slug if obj.owner_coop else None

    @staticmethod
    def resolve_need(obj) -> int | None:
        return obj.need_id


class ChallengesOut(Schema):
    released_at: datetime.datetime
    is_released: bool
    challenges: list[ChallengeOut]


@router.get("/", response=list[EventOut], summary="List public events")
def list_events(request):
    return (
        Event.objects.filter(status__in=PUBLIC)
        .select_related("organiser")
        .prefetch_related("prizes")
        .order_by("-challenges_released_at")
    )


@router.get("/{slug}", response=EventOut, summary="One event and its phases")
def get_event(request, slug: str):
    return get_object_or_404(
        Event.objects.select_related("organiser"), slug=slug, status__in=PUBLIC
    )


@router.get(
    "/{slug}/challenges",
    response=ChallengesOut,
    summary="An event's challenges (an empty list until their release)",
)
def list_challenges(request, slug: str):
    event = get_object_or_404(Event, slug=slug, status__in=PUBLIC)
    released = event.are_challenges_released(timezone.now())
    challenges = event.challenges.select_related("owner_coop") if released else []
    return {
        "released_at": event.challenges_released_at,
        "is_released": released,
        "challenges": list(challenges),
    }
