"""SMS notices to electors: when a poll opens, and a day before it closes to those who have not
voted. Run periodically by `minga worker` (`decisions.jobs.notify`), or once by hand with
`minga decisions notify`.

Each notice is promised once: a `channels.Notice` row keyed by poll, occasion and person is
written in the transaction that queues the message, and its unique key makes a repeated or
concurrent run skip it. A reminder is never sent to someone who has voted, by any channel.
Polls opened more than `GRACE` ago get no opening notice, so a worker started late does not
announce long-open polls; the reminder still reaches them. A poll open for a day or less gets
no reminder: its opening notice is one.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from minga.channels import delivery
from minga.channels.models import Notice

from . import sms
from .models import Elector, Poll
from .ussd import short_time

GRACE = datetime.timedelta(hours=48)
REMIND_BEFORE = datetime.timedelta(hours=24)

OPENED = gettext_noop("Minga: vote open in %(coop)s: '%(poll)s'. Closes %(time)s.")
REMINDER = gettext_noop("Minga: '%(poll)s' closes %(time)s and you have not voted yet.")
BY_SMS = gettext_noop("Reply YES %(code)s, NO %(code)s or ABSTAIN %(code)s.")
BY_USSD = gettext_noop("Dial %(ussd)s to vote with your PIN.")
BY_WEB = gettext_noop("Vote on Minga.")


def render(poll: Poll, person, occasion: str) -> str:
    """The SMS text, in the person's language and time zone."""
    with translation.override(person.preferred_language):
        values = {
            "coop": poll.coop.name[:40],
            "poll": poll.title[:60],
            "time": short_time(poll.closes_at, person.timezone),
            "code": poll.pk,
            "ussd": settings.MINGA_USSD_CODE,
        }
        message = OPENED if occasion == "opened" else REMINDER
        parts = [_(message) % values]
        if sms.answerable(poll):
            parts.append(_(BY_SMS) % values)
        if settings.MINGA_USSD_CODE:
            parts.append(_(BY_USSD) % values)
        if len(parts) == 1:
            parts.append(_(BY_WEB))
        return " ".join(parts)


def _electors(poll: Poll, *, not_voted: bool):
    electors = Elector.objects.filter(
        poll=poll, person__isnull=False, person__phone__isnull=False, person__is_active=True
    ).exclude(person__phone="")
    if not_voted:
        electors = electors.filter(participation__isnull=True)
    return electors.select_related("person").order_by("pk")


def notify_poll(poll: Poll, occasion: str) -> int:
    """Promise and queue, in the same transaction, one notice per elector not yet told; returns
    how many.

    The promises and messages are written in bulk (a poll opening for 10,000 members: budget
    in bench/bench_notices.py); when a concurrent run promised some of them first, the bulk
    insert fails as a whole and each is promised on its own instead, skipping those taken.
    """
    with transaction.atomic():
        electors = list(_electors(poll, not_voted=occasion == "reminder"))
        keys = {e.person_id: f"poll:{poll.pk}:{occasion}:{e.person_id}" for e in electors}
        told = set(Notice.objects.filter(key__in=keys.values()).values_list("key", flat=True))
        electors = [e for e in electors if keys[e.person_id] not in told]
        try:
            with transaction.atomic():
                Notice.objects.bulk_create([Notice(key=keys[e.person_id]) for e in electors])
        except IntegrityError:
            electors = [e for e in electors if _promise(keys[e.person_id])]
        delivery.enqueue_many(
            [
                delivery.new_message(
                    channel="sms",
                    to=e.person.phone,
                    text=render(poll, e.person, occasion),
                    kind="notice",
                )
                for e in electors
            ]
        )
    return len(electors)


def _promise(key: str) -> bool:
    try:
        with transaction.atomic():
            Notice.objects.create(key=key)
    except IntegrityError:
        return False
    return True


def due_notices(now: datetime.datetime | None = None) -> int:
    """Send every notice due at `now`; safe to run again at any time."""
    now = now or timezone.now()
    open_polls = Poll.objects.filter(status=Poll.Status.OPEN, closes_at__gt=now).select_related(
        "coop"
    )
    sent = 0
    for poll in open_polls.filter(opened_at__gte=now - GRACE).order_by("pk"):
        sent += notify_poll(poll, "opened")
    for poll in open_polls.filter(closes_at__lte=now + REMIND_BEFORE).order_by("pk"):
        if poll.opened_at and poll.closes_at - poll.opened_at > REMIND_BEFORE:
            sent += notify_poll(poll, "reminder")
    return sent
