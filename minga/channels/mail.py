"""Outbound e-mail: queued in the caller's transaction, handed to SMTP by the worker.

Like SMS (`minga.channels.sms`), every e-mail says what it is: a notice keeps its text; a
message carrying a secret (a verification or reset link, an invitation) keeps a neutral label
once sent. A request never fails because SMTP is down: it only writes a row.
"""

from __future__ import annotations

from .delivery import enqueue
from .models import OutboundMessage


def send_email(*, to: str, subject: str, body: str, kind: str) -> OutboundMessage:
    """Queue one e-mail to `to` (see the module docstring)."""
    subject = " ".join(subject.split())
    return enqueue(
        channel=OutboundMessage.Channel.EMAIL, to=to, subject=subject, text=body, kind=kind
    )
