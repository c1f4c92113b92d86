"""Whole-page caching of public pages for anonymous visitors.

A cached page is keyed by the URL, the language and a *generation*: a cheap value read
from the database on every request that changes whenever the data behind the page
changes. Several web processes therefore never serve a stale page, and nothing has to
remember to invalidate anything.
"""

import functools
import hashlib

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

CACHE_SECONDS = 600


def public_page(generation):
    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if (
                request.method != "GET"
                or request.user.is_authenticated
                or len(get_messages(request))
            ):
                return view(request, *args, **kwargs)
            raw = "|".join([request.get_full_path(), get_language() or "", str(generation())])
            key = "page:" + hashlib.sha256(raw.encode()).hexdigest()
            hit = cache.get(key)
            if hit is not None:
                content, content_type = hit
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                if hasattr(response, "render"):
                    response.render()
                cache.set(key, (response.content, response["Content-Type"]), CACHE_SECONDS)
            return response

        return wrapper

    return decorator


def count_hit(key: str, seconds: int) -> int:
    """Add one to a counter that starts when first hit and is gone `seconds` later; the count.

    For throttles: counting costs one cache call, and an expired window starts afresh.
    """
    if cache.add(key, 1, seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, seconds)
        return 1
