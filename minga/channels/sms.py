"""Outbound SMS behind one interface: a console provider by default, Africa's Talking by env.

Every message says what it is (`kind`). A notice is kept as sent, for support and audits. Any
other kind carries a secret (a vote receipt, a password reset link, a proxy code, a verification
code, a PIN unlock code, an invitation link): its text is handed to the provider and never
written anywhere, so the record keeps the status, the provider's id and a neutral label such as
"[vote receipt]". The console provider logs such a text only with DEBUG on (the demo reads links
there).
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from .models import OutboundMessage

log = logging.getLogger("minga.channels")

AFRICASTALKING_URL = "https://api.africastalking.com/version1/messaging"
Kind = OutboundMessage.Kind


@dataclass(frozen=True)
class Sent:
    """One message the "memory" provider (tests only) handed over: like Django's mail.outbox."""

    to: str
    text: str
    kind: str


outbox: list[Sent] = []


def stored_text(text: str, kind: str) -> str:
    """What the record keeps of `text`: the text of a notice, a neutral label for a secret."""
    return text if kind == Kind.NOTICE else OutboundMessage.label_of(kind)


def send_sms(*, to: str, text: str, kind: str) -> OutboundMessage:
    """Send `text` to the E.164 number `to` and keep a record of it (see the module docstring).

    `kind` is required, so no caller can forget to say that its text is a secret. Call it from
    `transaction.on_commit` so no message leaves for a change that rolled back.
    """
    kind = Kind(kind)
    if settings.SMS_PROVIDER == "africastalking":
        status, provider_id = _send_africastalking(to, text)
    else:
        if settings.SMS_PROVIDER == "memory":
            outbox.append(Sent(to=to, text=text, kind=kind))
        shown = text if settings.DEBUG else stored_text(text, kind)
        log.info("SMS to %s: %s", to, shown)
        status, provider_id = OutboundMessage.Status.SENT, ""
    return OutboundMessage.objects.create(
        to=to,
        text=stored_text(text, kind),
        kind=kind,
        provider=settings.SMS_PROVIDER,
        provider_id=provider_id,
        status=status,
    )


def _send_africastalking(to: str, text: str) -> tuple[str, str]:
    body = urllib.parse.urlencode(
        {"username": settings.AFRICASTALKING_USERNAME, "to": to, "message": text}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (fixed https URL)
        AFRICASTALKING_URL,
        data=body,
        headers={"apiKey": settings.AFRICASTALKING_API_KEY, "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            data = json.load(response)
        recipient = data["SMSMessageData"]["Recipients"][0]
        return OutboundMessage.Status.SENT, recipient.get("messageId", "")
    except (OSError, ValueError, KeyError, IndexError):
        log.exception("SMS to %s failed", to)
        return OutboundMessage.Status.FAILED, ""
