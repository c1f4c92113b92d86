"""Events themselves: create, change, publish, extend, cancel and clone; prizes and FAQ."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from minga import audit
from minga.accounts.models import User
from minga.coops.models import Cooperative
from minga.events import notify, permissions
from minga.events.models import PHASE_FIELDS, Event, FaqEntry, Prize
from minga.events.text import format_instant

from .common import EVENT_FIELDS, _phases, _slug, _touch, log_subject, refuse_if_cancelled


@transaction.atomic
def create_event(*, actor: User, organiser: Cooperative, **fields) -> Event:
    """Create a draft event; organisers publish it when the rules and dates are right."""
    if not (actor.is_staff or organiser.is_organiser):
        raise ValidationError(
            _("Only cooperatives that organise coop-a-thons can create events."),
            code="not_organiser",
        )
    permissions.check_create_for(actor, organiser)
    slug = fields.pop("slug", None) or _slug(fields["title"])
    series = fields.pop("series", "") or slug
    event = Event(organiser=organiser, created_by=actor, slug=slug, series=series, **fields)
    event.full_clean()
    event.save()
    audit.record(
        "event.created",
        log_subject(event),
        {"title": event.title, "organiser": organiser.slug, "timezone": event.timezone},
        actor,
    )
    return event


@transaction.atomic
def update_event(*, event: Event, actor: User, changes: dict) -> Event:
    """Change an event's details; moving the deadline later goes through `extend_deadline`."""
    permissions.check_manage(actor, event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    refuse_if_cancelled(event)
    new_due = changes.get("proposals_due_at")
    if event.is_published and new_due is not None and new_due > event.proposals_due_at:
        raise ValidationError(
            _(
                "To move the proposal deadline later, use “Extend the deadline”: everyone "
                "registered is told, and the extension is recorded."
            ),
            code="use_extend_deadline",
        )
    for name, value in changes.items():
        setattr(event, name, value)
    event.full_clean()
    event.updated_at = timezone.now()
    event.save()
    data: dict = {"fields": sorted(changes)}
    if any(name in PHASE_FIELDS for name in changes):
        data["phases"] = _phases(event)
    audit.record("event.updated", log_subject(event), data, actor)
    return event


@transaction.atomic
def publish_event(*, event: Event, actor: User) -> Event:
    permissions.check_manage(actor, event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    refuse_if_cancelled(event)
    if event.is_published:
        return event
    event.status = Event.Status.PUBLISHED
    event.published_at = event.updated_at = timezone.now()
    event.save(update_fields=["status", "published_at", "updated_at"])
    audit.record("event.published", log_subject(event), _phases(event), actor)
    return event


@transaction.atomic
def extend_deadline(
    *, event: Event, actor: User, proposals_due_at: datetime.datetime, reason: str = ""
) -> Event:
    """Move the proposal deadline later and tell everyone registered.

    Judging and the announcement move by the same amount when the new deadline would
    otherwise run into them. Versions saved before the old deadline stay valid.
    """
    permissions.check_manage(actor, event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    refuse_if_cancelled(event)
    now = timezone.now()
    if proposals_due_at <= event.proposals_due_at:
        raise ValidationError(
            _("The new deadline must be later than the current one (%(deadline)s).")
            % {"deadline": format_instant(event.proposals_due_at, event.timezone)},
            code="not_later",
        )
    if proposals_due_at <= now:
        raise ValidationError(_("The new deadline must be in the future."), code="past")
    if now >= event.judging_ends_at:
        raise ValidationError(
            _("Judging is over; the deadline can no longer be extended."), code="judged"
        )
    old = event.proposals_due_at
    shift = proposals_due_at - old
    if event.original_proposals_due_at is None:
        event.original_proposals_due_at = old
    event.proposals_due_at = proposals_due_at
    if event.judging_ends_at < proposals_due_at:
        event.judging_ends_at += shift
        event.announcement_at += shift
    event.updated_at = now
    event.full_clean()
    event.save()
    audit.record(
        "event.deadline_extended",
        log_subject(event),
        {"from": old.isoformat(), "to": proposals_due_at.isoformat(), "reason": reason},
        actor,
    )
    notify.notify_registrants(
        event=event,
        kind="extended",
        key=proposals_due_at.isoformat(),
        context={"old_deadline": old, "reason": reason},
    )
    return event


@transaction.atomic
def cancel_event(*, event: Event, actor: User, reason: str) -> Event:
    """Cancel, keeping every registration, team and proposal; tell everyone registered."""
    permissions.check_manage(actor, event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        return event
    if not reason.strip():
        raise ValidationError(_("Say why the event is cancelled."), code="no_reason")
    event.status = Event.Status.CANCELLED
    event.cancelled_at = event.updated_at = timezone.now()
    event.cancellation_reason = reason.strip()
    event.save(update_fields=["status", "cancelled_at", "cancellation_reason", "updated_at"])
    audit.record(
        "event.cancelled", log_subject(event), {"reason": event.cancellation_reason}, actor
    )
    notify.notify_registrants(event=event, kind="cancelled", key="", context={})
    return event


def shift_phases(event: Event, new_release: datetime.datetime) -> dict[str, datetime.datetime]:
    """Every phase moved so that challenges are released at `new_release`.

    The shift is applied to wall-clock times in the event's zone, so 15:00 in Paris stays
    15:00 in Paris even when a daylight-saving change lies between the two editions.
    """
    zone = event.zone
    old_local = event.challenges_released_at.astimezone(zone).replace(tzinfo=None)
    delta = new_release.astimezone(zone).replace(tzinfo=None) - old_local
    shifted = {}
    for name in PHASE_FIELDS:
        local = getattr(event, name).astimezone(zone).replace(tzinfo=None) + delta
        shifted[name] = timezone.make_aware(local, zone)
    return shifted


@transaction.atomic
def clone_event(
    *,
    event: Event,
    actor: User,
    title: str,
    challenges_released_at: datetime.datetime,
    slug: str | None = None,
) -> Event:
    """Start the next edition of a series: same rules, prizes and FAQ, phases shifted."""
    permissions.check_manage(actor, event)
    fields = {name: getattr(event, name) for name in EVENT_FIELDS if name not in PHASE_FIELDS}
    fields.update(shift_phases(event, challenges_released_at))
    fields["title"] = title
    fields["series"] = event.series or event.slug
    edition = (
        Event.objects.filter(series=fields["series"]).aggregate(n=Max("edition"))["n"] or 0
    ) + 1
    clone = Event(
        organiser=event.organiser,
        created_by=actor,
        slug=slug or _slug(title),
        edition=edition,
        cloned_from=event,
        **fields,
    )
    clone.full_clean()
    clone.save()
    Prize.objects.bulk_create(
        Prize(event=clone, position=p.position, name=p.name, description=p.description)
        for p in event.prizes.all()
    )
    FaqEntry.objects.bulk_create(
        FaqEntry(event=clone, position=f.position, question=f.question, answer=f.answer)
        for f in event.faq_entries.all()
    )
    audit.record(
        "event.cloned",
        log_subject(clone),
        {"from": event.slug, "series": clone.series, "edition": clone.edition},
        actor,
    )
    return clone


@transaction.atomic
def add_prize(*, event: Event, actor: User, name: str, description: str = "") -> Prize:
    permissions.check_manage(actor, event)
    refuse_if_cancelled(event)
    position = (event.prizes.aggregate(n=Max("position"))["n"] or 0) + 1
    prize = Prize.objects.create(event=event, position=position, name=name, description=description)
    audit.record("event.prize_added", log_subject(event), {"prize": name}, actor)
    _touch(event)
    return prize


@transaction.atomic
def remove_prize(*, prize: Prize, actor: User) -> None:
    permissions.check_manage(actor, prize.event)
    refuse_if_cancelled(prize.event)
    audit.record("event.prize_removed", log_subject(prize.event), {"prize": prize.name}, actor)
    prize.delete()


@transaction.atomic
def add_faq_entry(*, event: Event, actor: User, question: str, answer: str) -> FaqEntry:
    permissions.check_manage(actor, event)
    position = (event.faq_entries.aggregate(n=Max("position"))["n"] or 0) + 1
    entry = FaqEntry.objects.create(
        event=event, position=position, question=question, answer=answer
    )
    audit.record("event.faq_added", log_subject(event), {"question": question}, actor)
    return entry


@transaction.atomic
def remove_faq_entry(*, entry: FaqEntry, actor: User) -> None:
    permissions.check_manage(actor, entry.event)
    audit.record("event.faq_removed", log_subject(entry.event), {"question": entry.question}, actor)
    entry.delete()
