"""Template helpers loaded into every template (see TEMPLATES["OPTIONS"]["builtins"])."""

import datetime
import functools
import re
import zoneinfo

from django import template
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html
from django.utils.translation import get_language

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
    name = tz.key if hasattr(tz, "key") else str(tz)
    shape = formats.get_format("DATETIME_FORMAT")
    if _shows_minutes_at_most(shape):
        text = _minute_text(local.replace(second=0, microsecond=0), name, get_language(), shape)
    else:
        text = dateformat.format(local, shape)
    return format_html(
        '<time datetime="{}">{} <span class="tz">({})</span></time>',
        value.astimezone(datetime.UTC).isoformat(),
        text,
        name,
    )


# Budget `home-signed-in-server-time` (bench/bench_home.py): a page lists many times (51 on
# the bench's home page) and formatting one in words costs more than the rest of the filter.
# The words depend only on the local minute, the zone and the language as long as the
# format shows no seconds, so each is formatted once and kept.
_FINER_THAN_MINUTES = re.compile(r"[suvUcr]")  # seconds, micro/milliseconds, epoch, ISO, RFC


@functools.cache
def _shows_minutes_at_most(format_string: str) -> bool:
    return not _FINER_THAN_MINUTES.search(re.sub(r"\\.", "", format_string))  # \x: a letter


@functools.lru_cache(maxsize=4096)
def _minute_text(minute: datetime.datetime, zone: str, language: str | None, shape: str) -> str:
    """`minute` (local, in `zone`) in words in `language`, the active one, by the format
    `shape`; `zone` is in the key because aware datetimes of different zones compare equal
    at the same instant."""
    return dateformat.format(minute, shape)


@register.filter
def number(value) -> str:
    """A count with the reader's thousands separator (23 000, 23.000, 23,000): grouped here
    only, not site-wide, where years and identifiers must stay as they are."""
    if value is None or value == "":
        return ""
    return formats.number_format(value, use_l10n=True, force_grouping=True)
