"""What the events actions share: field lists, the log subject, the cancelled rule."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.core.slugs import unique_slug
from minga.events.models import PHASE_FIELDS, Event

EVENT_FIELDS = [
    "title",
    "summary",
    "series",
    "format",
    "location",
    "timezone",
    "languages",
    *PHASE_FIELDS,
    "team_min_size",
    "team_max_size",
    "who_may_register",
    "channels",
    "main_channel_url",
    "licence",
    "ownership",
    "ownership_note",
    "presentation_formats",
    "video_max_minutes",
    "presentation_note",
]
PROPOSAL_FIELDS = [
    "title",
    "summary",
    "problem",
    "solution",
    "cooperative_principles",
    "feasibility",
    "repository_url",
    "slides_url",
    "video_url",
]
REGISTRATION_FIELDS = [
    "skills",
    "roles",
    "languages",
    "timezone",
    "country",
    "day_starts_at_hour",
    "hours_per_day",
]


def log_subject(event: Event) -> str:
    """The audit log's subject for everything about `event`, judging included."""
    return f"event:{event.slug}"


def _slug(title: str) -> str:
    return unique_slug(title, Event.objects.all(), fallback="event")


def _touch(event: Event) -> None:
    event.updated_at = timezone.now()
    Event.objects.filter(pk=event.pk).update(updated_at=event.updated_at)


def refuse_if_cancelled(event: Event) -> None:
    """Nothing changes in a cancelled event, neither in events nor in judging."""
    if event.is_cancelled:
        raise ValidationError(
            _("This event was cancelled; nothing can change in it any more."), code="cancelled"
        )


def _phases(event: Event) -> dict[str, str]:
    return {name: getattr(event, name).isoformat() for name in PHASE_FIELDS}
