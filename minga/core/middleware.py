"""Activate the viewer's language and time zone for the whole request.

Language: the switcher's cookie wins (an explicit choice for this browser), then the
signed-in person's preferred language, then the browser's Accept-Language (already
resolved by LocaleMiddleware). Time zone: the person's profile, else the cookie set by
the switcher, else UTC; pages always name the zone they show.
"""

import tempfile
import urllib.parse
import zoneinfo

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages import middleware as messages_middleware
from django.contrib.messages.storage import default_storage
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware import locale
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _

from minga.core.languages import supported_language

TIMEZONE_COOKIE_NAME = "minga_tz"


def _zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, without looking for a language in the path where no URL can carry one.

    Minga's URLs name no language (the switcher's cookie, the profile and the browser decide),
    yet Django's middleware matches every request's path against the language codes on the
    way in and again on the way out. With language-prefixed patterns in the URLconf it is
    Django's own.
    """

    @staticmethod
    def _prefixed(request) -> bool:
        """Whether the request's URLconf has language-prefixed patterns (Django's own then)."""
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        return is_language_prefix_patterns_used(urlconf)[0]

    def process_request(self, request):
        if self._prefixed(request):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if self._prefixed(request):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def remember_language(response, code: str) -> None:
    """Keep `code` as this browser's language (the switcher's cookie)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


class PreferencesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        is_person = user is not None and user.is_authenticated
        if isinstance(user, SimpleLazyObject):
            # Loaded just now, for the language and the zone: from here on the request holds
            # the person itself, and each `request.user.x` is a plain attribute read instead of
            # a failed lookup on the lazy wrapper followed by the real one.
            request.user = user = user._wrapped
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and is_person:
            preferred = supported_language(user.preferred_language)
            if preferred:
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


class RejectNulMiddleware:
    """Refuse requests carrying NUL characters in the path, the query or a JSON body.

    No text Minga stores may contain NUL (PostgreSQL cannot store it in text columns), so
    one early, clear 400 replaces a database error deep in any view or API endpoint.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = urllib.parse.unquote_to_bytes(request.META.get("QUERY_STRING", ""))
        has_nul = "\x00" in request.path_info or b"\x00" in query
        if not has_nul and request.content_type == "application/json":
            has_nul = b"\x00" in request.body or b"\\u0000" in request.body
        if has_nul:
            message = _("The request contains a NUL character, which Minga does not accept.")
            if request.path_info.startswith("/api/"):
                # The JSON API's own error shape, so its documented 400s hold for this one too.
                return JsonResponse({"detail": str(message)}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _length(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0  # as Django reads it: no body at all


class RequestSizeLimitMiddleware:
    """Refuse request bodies over MINGA_MAX_REQUEST_BYTES with 413, before they are read.

    A declared Content-Length over the limit is refused at once, with nothing read. A body
    streamed without one (chunked) is read up to the limit and refused as soon as it goes
    past it; a smaller one is kept in a spooled file (on disk past Django's in-memory upload
    size) and handed on with its length, so the views read it as any other body. The
    reverse proxy in front should refuse the same sizes first (docs/deploy.md): a proxy
    that buffers bodies takes them in whole before Minga sees a byte.
    """

    CHUNK = 64 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MINGA_MAX_REQUEST_BYTES
        declared = request.META.get("CONTENT_LENGTH")
        if declared:
            too_large = _length(declared) > limit
        else:
            chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
            too_large = chunked and not self._spool(request, limit)
        if too_large:
            return self._refuse(request, limit)
        return self.get_response(request)

    def _spool(self, request, limit: int) -> bool:
        """Read a body without a length into a file; False once it passes `limit`."""
        source = request.META.get("wsgi.input")
        if source is None:
            return True  # not WSGI: the server has read the body and knows its length
        body = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
        size = 0
        while chunk := source.read(self.CHUNK):
            size += len(chunk)
            if size > limit:
                body.close()
                return False
            body.write(chunk)
        body.seek(0)
        request.META["CONTENT_LENGTH"] = str(size)
        # Django's WSGI request reads `_stream`, made from the (absent) Content-Length; a
        # test reads a chunked body through a form to catch a change of that attribute.
        request._stream = LimitedStream(body, size)
        return True

    @staticmethod
    def _refuse(request, limit: int) -> HttpResponse:
        # In the visitor's language: LocaleMiddleware comes first (it never reads the body).
        if request.path_info.startswith("/api/"):
            message = _("The request is larger than %(limit)s, the most Minga accepts.") % {
                "limit": filesizeformat(limit)
            }
            return JsonResponse({"detail": message}, status=413)
        page = render_to_string(
            "core/request_too_large.html",
            {"limit": limit, "LANGUAGE_CODE": translation.get_language()},
        )
        return HttpResponse(page, status=413)


class MessageMiddleware(messages_middleware.MessageMiddleware):
    """Django's, with the message storage made on first use.

    Most requests (every JSON API call, every USSD step) never read or add a message; they no
    longer build the cookie and session storages only to find nothing to save.
    """

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        storage = getattr(request, "_messages", None)
        if isinstance(storage, SimpleLazyObject) and storage._wrapped is empty:
            return response  # never used: nothing was read, so nothing is left to store
        return super().process_response(request, response)
