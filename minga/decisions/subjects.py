"""How the audit log's pages name a vote (`poll:<pk>`): its question only for those who may
read it (members; everyone once it is closed and public)."""

from __future__ import annotations

from .models import Poll
from .permissions import can_read, is_public


def find_poll(pk: str, viewer: object) -> tuple[str, str] | None:
    if not pk.isdigit():
        return None
    poll = Poll.objects.select_related("coop").filter(pk=int(pk)).first()
    if poll is None or not (is_public(poll) or can_read(viewer, poll.coop)):
        return None
    return poll.title, poll.get_absolute_url()
