"""Activate the viewer's language and time zone for the whole request.

Language: the switcher's cookie wins (an explicit choice for this browser), then the
signed-in person's preferred language, then the browser's Accept-Language (already
resolved by LocaleMiddleware). Time zone: the person's profile, else the cookie set by
the switcher, else UTC; pages always name the zone they show.
"""

import zoneinfo

from django.conf import settings
from django.utils import timezone, translation

TIMEZONE_COOKIE_NAME = "minga_tz"


def _zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class PreferencesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        is_person = user is not None and user.is_authenticated
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and is_person:
            preferred = user.preferred_language
            if preferred in self.supported:
                translation.activate(preferred)
                request.LANGUAGE_CODE = preferred
        zone = _zone(user.timezone) if is_person else None
        zone = zone or _zone(request.COOKIES.get(TIMEZONE_COOKIE_NAME))
        if zone:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
