"""Form pieces shared by the apps: dates and times typed in a zone that is not the viewer's.

An event's phases are typed in the event's zone, a training's sessions in the training's: the
organiser in Brussels schedules a session in Kigali as it will be read on the wall in Kigali.
The field keeps the value naive; a form with `ZonedFormMixin` attaches the zone once it knows
it, and refuses a time the clocks skip.
"""

import datetime
import zoneinfo
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
TEXT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"]


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as the organiser writes it, in the zone of what it schedules (an
    event's, a training's), not the viewer's.

    `to_python` keeps the value naive; the form attaches the zone in `clean()`,
    where it is known, and refuses times that a daylight-saving jump skips.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def __init__(self, *args, **kwargs):
        self.zone: zoneinfo.ZoneInfo | None = None
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value
        text = str(value).strip()
        try:
            result = parse_datetime(text)
        except ValueError:
            result = None
        for text_format in TEXT_FORMATS:
            if result is not None:
                break
            try:
                result = datetime.datetime.strptime(text, text_format)  # noqa: DTZ007
            except ValueError:
                continue
        if result is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return result

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None and self.zone:
            return value.astimezone(self.zone).replace(tzinfo=None)
        return value


def localize(naive: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """Attach `zone` to a wall-clock time; refuse one that does not exist there."""
    if naive.tzinfo is not None:
        return naive
    aware = naive.replace(tzinfo=zone)
    back = aware.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None)
    if back != naive:
        raise ValidationError(
            _(
                "%(time)s does not exist in %(zone)s: the clocks jump forward then. "
                "Choose a time outside the change."
            ),
            params={"time": naive.strftime("%Y-%m-%d %H:%M"), "zone": zone.key},
            code="nonexistent_time",
        )
    return aware


class ZonedFormMixin:
    """Attach a zone to every LocalDateTimeField during clean (and for showing initial values)."""

    # Given by the form the mixin goes with.
    fields: dict[str, forms.Field]
    add_error: Callable[[str | None, ValidationError], None]
    zone: zoneinfo.ZoneInfo | None

    def set_zone(self, name: str | None) -> None:
        try:
            zone = zoneinfo.ZoneInfo(name) if name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
        self.zone = zone
        for field in self.fields.values():
            if isinstance(field, LocalDateTimeField):
                field.zone = zone

    def localize_fields(self, cleaned: dict) -> None:
        if self.zone is None:
            return
        for name, field in self.fields.items():
            if isinstance(field, LocalDateTimeField) and isinstance(
                cleaned.get(name), datetime.datetime
            ):
                try:
                    cleaned[name] = localize(cleaned[name], self.zone)
                except ValidationError as error:
                    self.add_error(name, error)
                    cleaned.pop(name, None)
