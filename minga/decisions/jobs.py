"""Decisions' periodic jobs, run by `minga worker` (registered in DecisionsConfig.ready) and
once by hand with `minga decisions close-due` / `notify`: both call these functions, so a step
added here runs in both."""

from __future__ import annotations

import datetime

from . import actions, notices


def close_due(now: datetime.datetime) -> str | None:
    """Close and count every open poll whose closing time has passed."""
    closed = actions.close_due_polls(now=now)
    if not closed:
        return None
    return f"{len(closed)} polls closed: " + ", ".join(f"#{poll.pk}" for poll in closed)


def notify(now: datetime.datetime) -> str | None:
    """Queue the SMS notices due (a poll opening, a day before it closes)."""
    sent = notices.due_notices(now)
    return f"{sent} notices queued" if sent else None
