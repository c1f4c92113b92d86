"""Inbound USSD steps and SMS: stored raw first, deduplicated, then handed to the menu once.

Africa's Talking posts each USSD step with the whole input so far in `text` (`1*2*1234`) and
retries a step it got no answer to. Each step is stored before anything acts on it, keyed by a
hash of `sessionId` and `text`; a retry finds the stored row, waits for the first attempt to
finish (the row is locked while it is handled) and gets the same answer, so nothing is done
twice. A session whose first step is older than `MINGA_USSD_SESSION_SECONDS` is stale: its
later steps answer "dial again" and change nothing. The menu itself is stateless: it rebuilds
its state from `text` at every step; it is given the previous step's stored answer so the step
that acts can check that the member confirmed what it is about to do.

Inbound SMS are keyed by the provider's message id; a repeated delivery is stored once and
answered once.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import InboundMessage
from .sms import send_sms

log = logging.getLogger("minga.channels")

# The menus answering USSD and SMS (imported when first used, so channels needs no app).
USSD_MENU = "minga.decisions.ussd.respond"
SMS_HANDLER = "minga.decisions.sms.respond"
MAX_TEXT = 1000  # longer inputs are cut when stored and refused by the menus
MASK = "****"


@dataclass(frozen=True)
class Reply:
    """A USSD answer: `text` starts with "CON " or "END "; `asks_secret` when it asks a PIN."""

    text: str
    asks_secret: bool = False


def keyed_hash(*parts: str) -> str:
    """A deduplication key that does not reveal its inputs (a PIN may be among them)."""
    message = "\x1f".join(parts).encode()
    key = hashlib.sha256(b"minga inbound key\n" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, message, "sha256").hexdigest()


def language_of(phone: str) -> str:
    """The language of the account with this phone number, else the site's."""
    from minga.accounts.models import User

    found = User.objects.filter(phone=phone).values_list("preferred_language", flat=True).first()
    return found or settings.LANGUAGE_CODE


def callback_allowed(request) -> bool:
    """The shared secret (`?token=`) and address allow-list for provider callbacks.

    A callback names the phone it comes from, so anyone able to post one could act as any
    member: outside DEBUG, callbacks are refused until at least one of the two is configured.
    """
    token = settings.AFRICASTALKING_CALLBACK_TOKEN
    if not token and not settings.AFRICASTALKING_CALLBACK_IPS and not settings.DEBUG:
        log.warning("callback refused: set AFRICASTALKING_CALLBACK_TOKEN or _IPS to accept it")
        return False
    if token and not hmac.compare_digest(request.GET.get("token", ""), token):
        return False
    allowed = settings.AFRICASTALKING_CALLBACK_IPS
    if allowed:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(net, strict=False) for net in allowed)
    return True


def _store(**fields) -> InboundMessage:  # type: ignore[no-untyped-def]
    """Write the raw callback in its own transaction, or find the earlier copy of a retry."""
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(**fields)
    except IntegrityError:
        return InboundMessage.objects.get(
            provider=fields["provider"], kind=fields["kind"], key=fields["key"]
        )


def receive_ussd(
    *,
    provider: str,
    session_id: str,
    phone: str,
    text: str,
    payload: dict[str, str],
    menu: Callable[..., Reply] | None = None,
) -> str:
    """Store one USSD step and answer it (the stored answer again for a retried step)."""
    text = text[:MAX_TEXT]
    previous = None
    if text:
        prefix = text.rpartition("*")[0] if "*" in text else ""
        previous = InboundMessage.objects.filter(
            provider=provider, kind=InboundMessage.Kind.USSD, key=keyed_hash(session_id, prefix)
        ).first()
    stored = {name: str(value)[:MAX_TEXT] for name, value in payload.items()}
    if previous is not None and previous.asks_secret:
        head, star, _last = text.rpartition("*")
        stored["text"] = f"{head}{star}{MASK}" if star else MASK
    row = _store(
        provider=provider,
        kind=InboundMessage.Kind.USSD,
        key=keyed_hash(session_id, text),
        session_id=session_id[:100],
        phone=phone[:32],
        payload=stored,
    )
    with transaction.atomic():
        row = InboundMessage.objects.select_for_update().get(pk=row.pk)
        if row.status != InboundMessage.Status.RECEIVED:
            return row.response
        reply = _answer_ussd(row, phone, text, previous, menu or import_string(USSD_MENU))
        row.response = reply.text
        row.asks_secret = reply.asks_secret
        row.handled_at = timezone.now()
        row.save(update_fields=["response", "asks_secret", "status", "handled_at"])
    return reply.text


def _answer_ussd(row, phone, text, previous, menu) -> Reply:  # type: ignore[no-untyped-def]
    first = (
        InboundMessage.objects.filter(
            provider=row.provider, kind=row.kind, session_id=row.session_id
        )
        .order_by("received_at", "pk")
        .values_list("received_at", flat=True)
        .first()
    )
    age = timezone.now() - (first or row.received_at)
    if age > datetime.timedelta(seconds=settings.MINGA_USSD_SESSION_SECONDS):
        row.status = InboundMessage.Status.HANDLED
        with translation.override(language_of(phone)):
            return Reply("END " + _("This session has expired. Nothing was changed. Dial again."))
    try:
        with transaction.atomic():
            reply = menu(phone=phone, text=text, previous=previous.response if previous else None)
        row.status = InboundMessage.Status.HANDLED
        return reply
    except Exception:
        log.exception("USSD step %s failed", row.pk)
        row.status = InboundMessage.Status.FAILED
        with translation.override(language_of(phone)):
            return Reply("END " + _("Sorry, something went wrong. Nothing was changed."))


def receive_sms(
    *,
    provider: str,
    message_id: str,
    phone: str,
    text: str,
    payload: dict[str, str],
    handler: Callable[..., str | None] | None = None,
) -> InboundMessage:
    """Store one inbound SMS and act on it once; the handler's answer goes back by SMS."""
    stored = {name: str(value)[:MAX_TEXT] for name, value in payload.items()}
    key = message_id[:128] or keyed_hash(phone, stored.get("date", ""), text)
    row = _store(
        provider=provider, kind=InboundMessage.Kind.SMS, key=key, phone=phone[:32], payload=stored
    )
    with transaction.atomic():
        row = InboundMessage.objects.select_for_update().get(pk=row.pk)
        if row.status != InboundMessage.Status.RECEIVED:
            return row
        handle = handler or import_string(SMS_HANDLER)
        try:
            with transaction.atomic():
                answer = handle(phone=phone, text=text[:MAX_TEXT])
            row.status = InboundMessage.Status.HANDLED
        except Exception:
            log.exception("SMS %s failed", row.pk)
            row.status = InboundMessage.Status.FAILED
            answer = None
        row.response = answer or ""
        row.handled_at = timezone.now()
        row.save(update_fields=["response", "status", "handled_at"])
        if answer:
            transaction.on_commit(lambda: send_sms(to=phone, text=answer))
    return row
