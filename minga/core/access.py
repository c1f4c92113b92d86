"""Members-only pages and signed-out visitors: sent to sign in, then back.

A permission helper that refuses a signed-out visitor raises `SignInRequired` (a 404 where
nothing handles it, as before: the JSON API, tests of the helper alone); for a page read with
GET, `SignInMiddleware` answers with the sign-in page, which returns to the link after signing
in. A signed-in person who may not see the page still gets 403 or 404, a POST is never
replayed as a GET, and helpers that raise PermissionDenied keep their 403.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


class SignInRequired(Http404):
    """The page exists for signed-in members only and the visitor is signed out."""


class SignInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, SignInRequired):
            return None
        user = getattr(request, "user", None)
        if user is None or user.is_authenticated or request.method not in ("GET", "HEAD"):
            return None
        if request.path_info.startswith("/api/"):
            return None
        return redirect_to_login(request.get_full_path())
