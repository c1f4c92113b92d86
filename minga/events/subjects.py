"""How the audit log's pages name a coop-a-thon (`event:<slug>`): drafts stay unnamed."""

from __future__ import annotations

from .models import Event
from .permissions import can_view


def find_event(slug: str, viewer: object) -> tuple[str, str] | None:
    event = Event.objects.select_related("organiser").filter(slug=slug).first()
    if event is None or not can_view(viewer, event):
        return None
    return event.title, event.get_absolute_url()
