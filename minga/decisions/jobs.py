"""Decisions' periodic jobs, run by `minga worker` (registered in DecisionsConfig.ready) and
once by hand with `minga decisions close-due` / `notify`: both call these functions, so a step
added here runs in both."""

from __future__ import annotations

import datetime

from . import actions, notices, sealed


def close_due(now: datetime.datetime) -> str | None:
    """Close and count every open poll whose closing time has passed, and move the waiting
    commitments of secret ballots into the audit log in shuffled batches (a receipt reads
    "pending" until its batch is logged)."""
    closed = actions.close_due_polls(now=now)
    logged = actions.flush_commitments()
    sealed.retry_pending_wipe()
    if not closed and not logged:
        return None
    names = "".join(f" #{poll.pk}" for poll in closed)
    return f"{len(closed)} polls closed.{names} {logged} ballot commitments logged."


def notify(now: datetime.datetime) -> str | None:
    """Queue the SMS notices due (a poll opening, a day before it closes)."""
    sent = notices.due_notices(now)
    return f"{sent} notices queued" if sent else None
