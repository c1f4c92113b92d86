"""What every page of an event shows around its own content, for the events and judging views."""

import datetime

from django.utils import timezone

from .models import STAGE_LABELS, Event
from .permissions import can_manage


def event_context(request, event: Event, *, now: datetime.datetime | None = None, **extra) -> dict:
    """The event, the instant the page is drawn at, the stage it is in, and whether the visitor
    organises it (the page then offers the organisers' links); `extra` adds the page's own."""
    now = now or timezone.now()
    stage = event.stage(now)
    return {
        "event": event,
        "now": now,
        "stage": stage,
        "stage_label": STAGE_LABELS[stage],
        "can_manage": can_manage(request.user, event),
        **extra,
    }
