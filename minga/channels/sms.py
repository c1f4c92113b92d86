"""Outbound SMS behind one interface: a console provider by default, Africa's Talking by env."""

import json
import logging
import urllib.parse
import urllib.request

from django.conf import settings

from .models import OutboundMessage

log = logging.getLogger("minga.channels")

AFRICASTALKING_URL = "https://api.africastalking.com/version1/messaging"


def send_sms(*, to: str, text: str) -> OutboundMessage:
    """Send `text` to the E.164 number `to` and keep a record of it.

    Call it from `transaction.on_commit` so no message leaves for a change that rolled back.
    """
    if settings.SMS_PROVIDER == "africastalking":
        status, provider_id = _send_africastalking(to, text)
    else:
        log.info("SMS to %s: %s", to, text)
        status, provider_id = OutboundMessage.Status.SENT, ""
    return OutboundMessage.objects.create(
        to=to, text=text, provider=settings.SMS_PROVIDER, provider_id=provider_id, status=status
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
