"""Providers' callbacks straight to their views, past the browser's middleware.

A payment provider's callback (M-PESA, MTN MoMo) carries no cookie, no session, no language
and no CSRF token: the view checks the provider's token and address itself and answers in the
provider's shape. Through the whole stack such a request still paid for a session, a
language, a user, messages, preferences, the sign-in check, clickjacking and CSP headers and a
walk through every URL pattern: about a third of a callback's time.

`CallbackMiddleware` sits right after Django's SecurityMiddleware. A request for a view marked
`@callback` goes to that view through the host check (ALLOWED_HOSTS), the request size limit
and the NUL check, the same middleware the full stack runs, in the platform's default language;
every other request goes on down the stack unchanged. The views are found by Django's resolver
on the URLconf of the request (cached by path and URLconf;
`minga/channels/tests/test_callbacks_direct.py` checks each marked view is answered this way
and nothing else is).

Budgets served: `payment-callbacks-per-second`.
Leans on: public APIs only (`django.urls.resolve`, `get_urlconf`, `translation.override`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, ResolverMatch, get_urlconf, resolve
from django.utils import translation

from minga.core.middleware import RejectNulMiddleware, RequestSizeLimitMiddleware

PREFIX = "/channels/"  # where the providers' callbacks live (DESIGN.md's contract)


def callback(view: Callable) -> Callable:
    """Mark a provider's callback view: it reads nothing the browser's middleware sets."""
    view.minga_callback = True  # type: ignore[attr-defined]
    return view


@functools.lru_cache(maxsize=64)
def _match(path: str, urlconf: str) -> ResolverMatch | None:
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    return match if getattr(match.func, "minga_callback", False) else None


class CallbackMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.direct = RequestSizeLimitMiddleware(RejectNulMiddleware(self._view))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        match = _match(request.path_info, get_urlconf() or settings.ROOT_URLCONF)
        if match is None:
            return self.get_response(request)
        request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks it (400 otherwise)
        request.resolver_match = match
        with translation.override(settings.LANGUAGE_CODE):
            return self.direct(request)

    @staticmethod
    def _view(request: HttpRequest) -> HttpResponse:
        match = cast(ResolverMatch, request.resolver_match)  # set by __call__
        return match.func(request, *match.args, **match.kwargs)
