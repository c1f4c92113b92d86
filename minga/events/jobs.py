"""Events' periodic job, run by `minga worker` (registered in EventsConfig.ready)."""

from __future__ import annotations

import datetime

from . import notify as notices


def notify(now: datetime.datetime) -> str | None:
    """Queue the phase notices and deadline reminders due now."""
    sent = notices.due_notices(now)
    return f"{sent} notices queued" if sent else None
