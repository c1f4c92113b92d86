"""Template helpers loaded into every template (see TEMPLATES["OPTIONS"]["builtins"])."""

import datetime
import zoneinfo

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

register = template.Library()


@register.filter
def when(value: datetime.datetime | None, zone: str | None = None) -> str:
    """Show an aware datetime in the viewer's zone (or `zone`), naming the zone.

    Output is a <time> element whose machine-readable value is UTC, so a cooperative
    in Kigali and a team in Buenos Aires read the same instant in their own clocks.
    """
    if value is None:
        return ""
    tz = zoneinfo.ZoneInfo(zone) if zone else timezone.get_current_timezone()
    local = timezone.localtime(value, tz)
    text = formats.date_format(local, "DATETIME_FORMAT")
    return format_html(
        '<time datetime="{}">{} <span class="tz">({})</span></time>',
        value.astimezone(datetime.UTC).isoformat(),
        text,
        tz.key if hasattr(tz, "key") else str(tz),
    )


@register.filter
def number(value) -> str:
    """A count with the reader's thousands separator (23 000, 23.000, 23,000): grouped here
    only, not site-wide, where years and identifiers must stay as they are."""
    if value is None or value == "":
        return ""
    return formats.number_format(value, use_l10n=True, force_grouping=True)
