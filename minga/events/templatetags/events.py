"""`{{ instant|in_zones:event }}`: a time in the viewer's zone, and in the event's beside it."""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from minga.core.templatetags.minga import when

register = template.Library()


@register.filter
def in_zones(value: datetime.datetime | None, event) -> str:
    if value is None:
        return ""
    viewer = timezone.get_current_timezone_name()
    mine = when(value)
    if viewer == event.timezone:
        return mine
    # Once, in the reader's zone; the event's own zone a tap away (no JavaScript needed).
    return format_html(
        '<details class="zone"><summary>{}</summary> <span class="other-zone">· {}</span>'
        "</details>",
        mine,
        when(value, event.timezone),
    )


@register.filter
def stage(event, now: datetime.datetime) -> str:
    return event.stage(now)


@register.filter
def registration_open(event, now: datetime.datetime) -> bool:
    return event.is_open_for_registration(now)


@register.filter
def current(phase, now: datetime.datetime) -> bool:
    return phase.is_current(now)


@register.filter
def past(phase, now: datetime.datetime) -> bool:
    return phase.is_past(now)


@register.filter
def stage_label(event, now: datetime.datetime) -> str:
    from minga.events.models import STAGE_LABELS  # noqa: PLC0415

    return STAGE_LABELS[event.stage(now)]


@register.filter
def released(event, now: datetime.datetime) -> bool:
    return event.are_challenges_released(now)


@register.filter
def proposals_open(event, now: datetime.datetime) -> bool:
    return event.is_open_for_proposals(now)
