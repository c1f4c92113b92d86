"""Notices to the people of an event, by e-mail and SMS, each sent exactly once.

A `Notification` row is written for each person and occasion before anything is sent; its
unique constraint makes a second writer (a repeated or concurrent `minga events notify`) fail
and skip, and the messages leave on commit, so a rolled-back change sends nothing. Each
message is written in the person's language and gives every time in their zone, with the
event's zone beside it.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from minga.accounts.models import User
from minga.channels.mail import send_email
from minga.channels.sms import send_sms

from .models import Event, Notification, Registration
from .text import format_instant

# Phase changes are announced only this long after they happen, so starting the command
# for the first time does not flood people with news of long-past phases.
GRACE = datetime.timedelta(hours=48)
REMINDERS = [
    ("reminder-24h", datetime.timedelta(hours=24)),
    ("reminder-1h", datetime.timedelta(hours=1)),
]

MESSAGES = {
    "released": (
        _("%(event)s: the challenges are out"),
        _(
            "The challenges of %(event)s are released. Choose one with your team and write "
            "your proposal. Proposals are due %(deadline)s."
        ),
        _("Minga: %(event)s challenges are out. Proposals due %(deadline)s."),
    ),
    "deadline-passed": (
        _("%(event)s: proposals are closed"),
        _(
            "The proposal deadline of %(event)s has passed and proposals are read-only now. "
            "Winners are announced %(announcement)s."
        ),
        _("Minga: %(event)s proposals are closed. Winners announced %(announcement)s."),
    ),
    "announced": (
        _("%(event)s: the results are out"),
        _("The winners of %(event)s are announced. See the results on the event's page."),
        _("Minga: %(event)s results are out."),
    ),
    "reminder-24h": (
        _("%(event)s: 24 hours left"),
        _(
            "Proposals for %(event)s are due %(deadline)s, in 24 hours. Proposals lock at "
            "that instant."
        ),
        _("Minga: %(event)s proposals due %(deadline)s (24 h left)."),
    ),
    "reminder-1h": (
        _("%(event)s: one hour left"),
        _(
            "Proposals for %(event)s are due %(deadline)s, in one hour. Save your proposal "
            "before then: it locks at that instant."
        ),
        _("Minga: %(event)s proposals due %(deadline)s (1 h left)."),
    ),
    "extended": (
        _("%(event)s: the deadline is extended"),
        _(
            "The proposal deadline of %(event)s moved from %(old_deadline)s to %(deadline)s. "
            "%(reason)s"
        ),
        _("Minga: %(event)s deadline extended to %(deadline)s."),
    ),
    "cancelled": (
        _("%(event)s is cancelled"),
        _(
            "The organisers cancelled %(event)s. Their reason: %(reason)s Your registration, "
            "team and proposal are kept."
        ),
        _("Minga: %(event)s is cancelled. %(reason)s"),
    ),
    "team-invitation": (
        _("%(event)s: an invitation to join the team %(team)s"),
        _(
            "%(inviter)s invites you to the team %(team)s in %(event)s. Accept or decline on "
            "the team's page."
        ),
        _("Minga: %(inviter)s invites you to the team %(team)s (%(event)s)."),
    ),
}
SMS_LIMIT = 300


def registrants(event: Event):
    return User.objects.filter(
        event_registrations__event=event,
        event_registrations__status=Registration.Status.ACTIVE,
    ).order_by("pk")


def notify_registrants(*, event: Event, kind: str, key: str, context: dict) -> int:
    return notify_people(
        event=event, people=registrants(event), kind=kind, key=key, context=context
    )


def notify_people(
    *, event: Event, people: Iterable[User], kind: str, key: str, context: dict
) -> int:
    """Record and (on commit) send one notice per person not yet told; returns how many."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notice {kind!r}")
    sent = 0
    with transaction.atomic():
        for person in people:
            channels = ",".join(
                name for name, has in (("email", person.email), ("sms", person.phone)) if has
            )
            try:
                with transaction.atomic():
                    Notification.objects.create(
                        event=event, person=person, kind=kind, key=key, channels=channels
                    )
            except IntegrityError:
                continue
            sent += 1
            deliver(event=event, person=person, kind=kind, context=context)
    return sent


def render(*, event: Event, person: User, kind: str, context: dict) -> tuple[str, str, str]:
    """Subject, e-mail body and SMS text, in the person's language and time zone."""
    subject, body, sms = MESSAGES[kind]
    with translation.override(person.preferred_language):
        values = {
            "event": event.title,
            "deadline": both_zones(event.proposals_due_at, person.timezone, event.timezone),
            "announcement": both_zones(event.announcement_at, person.timezone, event.timezone),
            "reason": "",
        }
        for name, value in context.items():
            if isinstance(value, datetime.datetime):
                value = both_zones(value, person.timezone, event.timezone)
            values[name] = str(value)
        if kind == "cancelled":
            values["reason"] = event.cancellation_reason
        link = settings.MINGA_PUBLIC_URL + event.get_absolute_url()
        text = str(body) % values
        greeting = _("Hello %(name)s,") % {"name": person.name}
        signature = _("Minga, for the organisers of %(event)s") % {"event": event.title}
        full = f"{greeting}\n\n{text.strip()}\n\n{link}\n\n-- \n{signature}\n"
        return str(subject) % values, full, (str(sms) % values)[:SMS_LIMIT]


def both_zones(value: datetime.datetime, person_zone: str, event_zone: str) -> str:
    mine = format_instant(value, person_zone)
    if person_zone == event_zone:
        return mine
    return f"{mine} = {format_instant(value, event_zone)}"


def deliver(*, event: Event, person: User, kind: str, context: dict) -> None:
    subject, body, sms = render(event=event, person=person, kind=kind, context=context)
    if person.email:
        send_email(to=person.email, subject=subject, body=body, kind="notice")
    if person.phone:
        send_sms(to=person.phone, text=sms, kind="notice")


def due_notices(now: datetime.datetime) -> int:
    """Send every phase-change notice and deadline reminder due at `now`; returns the count.

    Safe to run as often as wanted, from cron or a loop: what was sent is never sent again,
    and a deadline that moved earns fresh reminders (the key is the deadline itself).
    """
    sent = 0
    events = Event.objects.filter(
        status=Event.Status.PUBLISHED, announcement_at__gt=now - GRACE
    ).order_by("pk")
    for event in events:
        for kind, at in (
            ("released", event.challenges_released_at),
            ("deadline-passed", event.proposals_due_at),
            ("announced", event.announcement_at),
        ):
            if at <= now < at + GRACE:
                sent += notify_registrants(event=event, kind=kind, key=at.isoformat(), context={})
        due = event.proposals_due_at
        for position, (kind, before) in enumerate(REMINDERS):
            later = REMINDERS[position + 1][1] if position + 1 < len(REMINDERS) else None
            # Each reminder has its own window; a late start skips the stale one.
            window_end = due - later if later else due
            if due - before <= now < window_end:
                sent += notify_registrants(event=event, kind=kind, key=due.isoformat(), context={})
    return sent
