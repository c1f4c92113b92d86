"""Whole-page caching of public pages for anonymous visitors.

A cached page is keyed by the URL, the language and a *generation*: a cheap value read
from the database on every request that changes whenever the data behind the page
changes. Several web processes therefore never serve a stale page, and nothing has to
remember to invalidate anything.

A page is kept compressed too, so a browser that accepts gzip gets it without compressing
it again on every visit. Django's gzip middleware pads each compressed response with random
bytes against BREACH, which guesses secrets from compressed sizes; these pages are the same
for every anonymous visitor and carry no secret (no CSRF token, nothing personal), so
compressing them once gives nothing away.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import get_language

CACHE_SECONDS = 600
# Names the shape of an entry, (page, compressed page, content type): a shared cache (Redis)
# may still hold entries of an earlier shape from before a deployment, and those are never read.
KEY_PREFIX = "page:2:"


def public_page(generation):
    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if (
                request.method != "GET"
                or request.user.is_authenticated
                or _may_have_messages(request)
            ):
                return view(request, *args, **kwargs)
            raw = "|".join([request.get_full_path(), get_language() or "", str(generation())])
            key = KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()
            hit = cache.get(key)
            if hit is not None:
                return _from_cache(request, *hit)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                if hasattr(response, "render"):
                    response.render()
                content = response.content
                entry = (content, _compressed(content), response["Content-Type"])
                cache.set(key, entry, CACHE_SECONDS)
            return response

        return wrapper

    return decorator


def _may_have_messages(request) -> bool:
    """Whether a message may wait for this visitor: messages live in a cookie, or in the
    session, so a visitor with neither has none (and no message storage is built to see)."""
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies:
        return False
    return bool(len(get_messages(request)))


def _compressed(content: bytes) -> bytes | None:
    """The page gzipped, when Django's gzip middleware would send it so: 200 bytes or more,
    and smaller compressed."""
    if len(content) < 200:
        return None
    compressed = compress_string(content)
    return compressed if len(compressed) < len(content) else None


def _from_cache(request, content: bytes, compressed: bytes | None, content_type: str):
    if compressed is None:  # as sent uncompressed, the gzip middleware handles it
        return HttpResponse(content, content_type=content_type)
    packed = re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    response = HttpResponse(compressed if packed else content, content_type=content_type)
    if packed:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def count_hit(key: str, seconds: int) -> int:
    """Add one to a counter that starts when first hit and is gone `seconds` later; the count.

    For throttles: counting costs one cache call, and an expired window starts afresh. Counted
    in the "shared" cache, which every process sees (the database's, or Redis).
    """
    shared = caches["shared"]
    if shared.add(key, 1, seconds):
        return 1
    try:
        return shared.incr(key)
    except ValueError:  # expired between the two calls
        shared.set(key, 1, seconds)
        return 1
