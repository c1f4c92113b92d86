"""Instants as plain text, in a named zone: for messages, e-mails and SMS."""

import datetime
import zoneinfo

from django.utils import formats, timezone


def format_instant(value: datetime.datetime, zone: str) -> str:
    """`value` in `zone`, in the active language's format, with the zone named."""
    local = timezone.localtime(value, zoneinfo.ZoneInfo(zone))
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone})"
