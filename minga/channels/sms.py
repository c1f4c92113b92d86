"""Outbound SMS behind one interface: a console provider by default, Africa's Talking by env.

Every message says what it is (`kind`). A notice is kept as sent, for support and audits. Any
other kind carries a secret (a vote receipt, a password reset link, a proxy code, a verification
code, a PIN unlock code, an invitation link): its text waits sealed until the provider has it
and is never written anywhere in clear, so the record keeps the status, the provider's id and a
neutral label such as "[vote receipt]". The console provider logs such a text only with DEBUG
on (the demo reads links there).

`send_sms` queues the message in the caller's transaction; the worker hands it over
(`minga.channels.delivery`).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from minga.core.tls import client_context

from .delivery import PermanentFailure, TemporaryFailure, enqueue, stored_text
from .models import OutboundMessage

log = logging.getLogger("minga.channels")

AFRICASTALKING_URL = "https://api.africastalking.com/version1/messaging"
AFRICASTALKING_SANDBOX_URL = "https://api.sandbox.africastalking.com/version1/messaging"
# Per-recipient status codes of Africa's Talking's send response that mean "accepted".
ACCEPTED = {100, 101, 102}  # Processed, Success, Queued
Kind = OutboundMessage.Kind

__all__ = ["Sent", "outbox", "send_sms", "stored_text", "hand_over_sms"]


@dataclass(frozen=True)
class Sent:
    """One message the "memory" provider (tests only) handed over: like Django's mail.outbox."""

    to: str
    text: str
    kind: str


outbox: list[Sent] = []


def send_sms(*, to: str, text: str, kind: str) -> OutboundMessage:
    """Queue `text` for the E.164 number `to`, in the caller's transaction (see the module
    docstring). `kind` is required, so no caller can forget to say that its text is a secret."""
    return enqueue(channel=OutboundMessage.Channel.SMS, to=to, text=text, kind=kind)


def hand_over_sms(message: OutboundMessage, text: str) -> str:
    """Give one SMS to the configured provider; return its id for the message."""
    if message.provider == "africastalking":
        return _send_africastalking(message.to, text)
    if message.provider == "memory":
        outbox.append(Sent(to=message.to, text=text, kind=message.kind))
    shown = text if settings.DEBUG else stored_text(text, message.kind)
    log.info("SMS to %s: %s", message.to, shown)
    return ""


def _send_africastalking(to: str, text: str) -> str:
    username = settings.AFRICASTALKING_USERNAME
    url = AFRICASTALKING_SANDBOX_URL if username == "sandbox" else AFRICASTALKING_URL
    body = urllib.parse.urlencode({"username": username, "to": to, "message": text}).encode()
    request = urllib.request.Request(  # noqa: S310 (fixed https URL)
        url,
        data=body,
        headers={"apiKey": settings.AFRICASTALKING_API_KEY, "Accept": "application/json"},
    )
    try:
        context = client_context(settings.MINGA_TLS_CA_BUNDLE)
        with urllib.request.urlopen(request, timeout=10, context=context) as response:  # noqa: S310
            data = json.load(response)
    except urllib.error.HTTPError as error:
        if 400 <= error.code < 500 and error.code not in (408, 429):
            raise PermanentFailure(f"Africa's Talking answered HTTP {error.code}") from error
        raise TemporaryFailure(f"Africa's Talking answered HTTP {error.code}") from error
    except (TimeoutError, urllib.error.URLError, OSError) as error:
        raise TemporaryFailure(f"Africa's Talking did not answer: {error}") from error
    except ValueError as error:
        raise TemporaryFailure("Africa's Talking answered something unreadable") from error
    try:
        recipient = data["SMSMessageData"]["Recipients"][0]
    except (KeyError, IndexError, TypeError) as error:
        message = (
            str((data.get("SMSMessageData") or {}).get("Message", ""))
            if isinstance(data, dict)
            else ""
        )
        raise PermanentFailure(f"no recipient accepted: {message or data!r}"[:500]) from error
    code, status = recipient.get("statusCode"), str(recipient.get("status", ""))
    accepted = code in ACCEPTED if code is not None else status == "Success"
    if not accepted:
        reason = f"refused by Africa's Talking: {status or 'unknown'} ({code})"
        if isinstance(code, int) and code >= 500:
            raise TemporaryFailure(reason)
        raise PermanentFailure(reason)
    return str(recipient.get("messageId", ""))
