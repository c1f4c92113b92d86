"""The iCalendar feed of an event's phases (RFC 5545), for any calendar application.

Times are written in UTC, which every client converts to its own zone; each description
also gives the time in the event's zone. Challenge titles appear only once released.
"""

import datetime

from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from .models import Event
from .text import format_instant

INSTANT = datetime.timedelta(minutes=15)


def to_ical(event: Event, *, now: datetime.datetime, base_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Minga//Coop-a-thon phases//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", event.title)
    link = base_url.rstrip("/") + event.get_absolute_url()
    released = event.are_challenges_released(now)
    for phase in event.phases():
        item = VEvent()
        item.add("uid", f"{event.slug}-{phase.key}@minga")
        item.add("summary", f"{event.title}: {phase.label}")
        item.add("dtstamp", now.astimezone(datetime.UTC))
        item.add("dtstart", phase.starts_at.astimezone(datetime.UTC))
        end = phase.ends_at or phase.starts_at + INSTANT
        item.add("dtend", end.astimezone(datetime.UTC))
        lines = [_("Starts %(when)s.") % {"when": format_instant(phase.starts_at, event.timezone)}]
        if phase.key == "release":
            if released:
                lines += [f"- {c.title}" for c in event.challenges.all()]
            else:
                lines.append(_("The challenges are revealed at this instant."))
        lines.append(link)
        item.add("description", "\n".join(lines))
        item.add("url", link)
        if event.is_cancelled:
            item.add("status", "CANCELLED")
        calendar.add_component(item)
    return calendar.to_ical()
