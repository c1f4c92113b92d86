"""Inbound USSD steps and SMS: stored first, deduplicated, then handed to the menu once.

Africa's Talking posts each USSD step with the whole input so far in `text` (`1*2*1234`) and
retries a step it got no answer to. Each step is stored before anything acts on it, keyed by a
hash of `sessionId` and the number of inputs, and claimed by one conditional update (`received`
to `handling`): only the attempt that claimed it runs the menu as the step, so nothing is done
twice; a retry finds it claimed and is answered as a retry (below). A session whose first step
is older than `MINGA_USSD_SESSION_SECONDS` is stale: its later steps answer "dial again" and
change nothing. The menu itself is stateless: it rebuilds its state from `text` at every step,
and the step that acts checks, through `Shown`, that the member saw the confirmation screen it
is about to act on.

The menu runs outside any transaction of this module's: it only reads, and the action it may
end with (`cast_ballot`, a PIN check, confirming a proxy) owns its transaction. On SQLite,
where a transaction holds the database's one write lock from its start, a step so holds it for
its short writes only (storing, claiming, the action's own, the row's final update), never
while the menu is rebuilt: sessions of other members are not kept waiting behind it, and
`cast_ballot` still prepares its ballot outside the lock.

What is kept, and why (secret ballots, see `minga.decisions.secrecy`): a row holds the phone
number, the session, the provider's fields and ids, times and status, never the text typed (the
menu path, a PIN, an SMS "NO 42") nor the screen answered ("Your vote: ..."). The one link to a
screen is `screen_digest`, a keyed hash (key derived from the master key, outside the database)
that the next step checks and then blanks; those of abandoned sessions are blanked when they go
stale. A retried step that may have acted is answered neutrally, not with its screen. An SMS
keeps a keyed hash of its text for disputes, dropped once the handler says it carried a vote;
the answer it got is kept only when it is a notice (see `minga.channels.sms`).

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
from django.utils.translation import gettext as _

from minga.core.clients import client_address

from . import handlers
from .handlers import Answer, Reply
from .models import InboundMessage
from .sms import send_sms, stored_text

__all__ = ["Answer", "Reply", "Shown", "receive_sms", "receive_ussd"]

log = logging.getLogger("minga.channels")

MAX_TEXT = 1000  # longer inputs are cut when stored and refused by the menus
NOT_KEPT = ("text",)  # provider fields never stored: what the member typed


@dataclass(frozen=True)
class Shown:
    """What the previous USSD step showed, as its digest: `Shown(...)(screen)` tells whether
    `screen` is the one the member saw, without the screen being stored."""

    session_id: str
    digest: str

    def __call__(self, screen: str) -> bool:
        return bool(self.digest) and hmac.compare_digest(
            self.digest, keyed_hash("screen", self.session_id, screen)
        )


def _key() -> bytes:
    return hashlib.sha256(b"minga inbound key\n" + handlers.secret()).digest()


def keyed_hash(*parts: str) -> str:
    """A digest of `parts` that reveals nothing without the master key (kept outside the
    database): deduplication keys and the screen and text digests."""
    message = "\x1f".join(parts).encode()
    return hmac.new(_key(), message, "sha256").hexdigest()


def language_of(phone: str) -> str:
    """The language of the account with this (verified) phone number, else the site's."""
    return handlers.language_of(phone) or settings.LANGUAGE_CODE


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
            address = ipaddress.ip_address(client_address(request))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(net, strict=False) for net in allowed)
    return True


def _store(**fields) -> InboundMessage:
    """Write the raw callback in its own transaction, or find the earlier copy of a retry."""
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(**fields)
    except IntegrityError:
        return InboundMessage.objects.get(
            provider=fields["provider"], kind=fields["kind"], key=fields["key"]
        )


def _depth(text: str) -> int:
    return text.count("*") + 1 if text else 0


def forget_stale_screens(now: datetime.datetime | None = None) -> int:
    """Blank the screen digests of sessions gone stale (abandoned at a confirmation)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.MINGA_USSD_SESSION_SECONDS)
    return (
        InboundMessage.objects.filter(received_at__lt=cutoff)
        .exclude(screen_digest="")
        .update(screen_digest="")
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
    """Store one USSD step and answer it (a retried step that may have acted: neutrally)."""
    text = text[:MAX_TEXT]
    depth = _depth(text)
    if depth == 0:
        forget_stale_screens()
    previous = None
    if depth:
        previous = InboundMessage.objects.filter(
            provider=provider,
            kind=InboundMessage.Kind.USSD,
            key=keyed_hash("ussd", session_id, str(depth - 1)),
        ).first()
    stored = {
        name: str(value)[:MAX_TEXT] for name, value in payload.items() if name not in NOT_KEPT
    }
    stored["inputs"] = str(depth)
    row = _store(
        provider=provider,
        kind=InboundMessage.Kind.USSD,
        key=keyed_hash("ussd", session_id, str(depth)),
        session_id=session_id[:100],
        phone=phone[:32],
        payload=stored,
    )
    menu = menu or handlers.ussd_menu()
    claimed = InboundMessage.objects.filter(
        pk=row.pk, status=InboundMessage.Status.RECEIVED
    ).update(status=InboundMessage.Status.HANDLING)
    if not claimed:
        row.refresh_from_db()
        return _retried(row, phone, text, previous, menu)
    shown = Shown(row.session_id, previous.screen_digest if previous else "")
    reply = _answer_ussd(row, phone, text, shown, menu)
    row.asks_secret = reply.asks_secret
    row.screen_digest = _screen_digest(row, reply)
    row.handled_at = timezone.now()
    with transaction.atomic():  # the step's final write
        row.save(update_fields=["asks_secret", "screen_digest", "status", "handled_at"])
        if previous is not None and previous.screen_digest:
            # Checked: the screen this step answered is no longer needed.
            InboundMessage.objects.filter(pk=previous.pk).update(screen_digest="")
    return reply.text


def _retried(row, phone, text, previous, menu) -> str:
    """The answer to a step the provider sent again.

    A step answering a PIN prompt may have acted (a vote): it gets a neutral answer, never the
    screen (which would name the choice). Any other step acts on nothing, so the menu answers it
    again, and the digest follows the screen shown last; while the first attempt is still
    being handled, that attempt writes the row when it ends, so the retry leaves it alone.
    """
    with translation.override(language_of(phone)):
        if previous is not None and previous.asks_secret:
            return "END " + _("Your answer was received. Dial again to see where things stand.")
    in_progress = row.status == InboundMessage.Status.HANDLING
    reply = _answer_ussd(row, phone, text, Shown(row.session_id, ""), menu)
    if not in_progress:  # (its status, set again by the replay, is not saved)
        row.asks_secret = reply.asks_secret
        row.screen_digest = _screen_digest(row, reply)
        row.save(update_fields=["asks_secret", "screen_digest"])
    return reply.text


def _screen_digest(row: InboundMessage, reply: Reply) -> str:
    """The digest of a screen that waits for an answer ("CON"); an ending screen needs none."""
    if not reply.text.startswith("CON"):
        return ""
    return keyed_hash("screen", row.session_id, reply.text)


def _answer_ussd(row, phone, text, shown, menu) -> Reply:
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
        # No transaction around the menu: what it changes, it changes through an action that
        # owns its transaction (see the module's docstring).
        reply = menu(phone=phone, text=text, shown=shown)
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
    handler: Callable[..., Answer | str | None] | None = None,
) -> InboundMessage:
    """Store one inbound SMS and act on it once; the handler's answer goes back by SMS."""
    stored = {
        name: str(value)[:MAX_TEXT] for name, value in payload.items() if name not in NOT_KEPT
    }
    # Without the provider's id, the sender and the provider's time stand for the message: the
    # text is left out, so the key says nothing about it even to whoever holds the master key.
    key = message_id[:128] or keyed_hash("sms", phone, stored.get("date", ""))
    row = _store(
        provider=provider,
        kind=InboundMessage.Kind.SMS,
        key=key,
        phone=phone[:32],
        payload=stored,
        text_digest=keyed_hash("sms text", provider, key, text[:MAX_TEXT]),
    )
    with transaction.atomic():
        row = InboundMessage.objects.select_for_update().get(pk=row.pk)
        if row.status != InboundMessage.Status.RECEIVED:
            return row
        handle = handler or handlers.sms_handler()
        try:
            with transaction.atomic():
                answer = handle(phone=phone, text=text[:MAX_TEXT])
            row.status = InboundMessage.Status.HANDLED
        except Exception:
            log.exception("SMS %s failed", row.pk)
            row.status = InboundMessage.Status.FAILED
            answer = None
        if isinstance(answer, str):
            answer = Answer(answer)
        if answer is not None and answer.carried_vote:
            row.text_digest = ""  # a guess at the text could be checked against it
        row.response = stored_text(answer.text, answer.kind) if answer else ""
        row.handled_at = timezone.now()
        row.save(update_fields=["response", "status", "handled_at", "text_digest"])
        if answer is not None and answer.text:
            send_sms(to=phone, text=answer.text, kind=answer.kind)
    return row
