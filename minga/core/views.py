from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.http import require_GET

from minga.core.cache import public_page
from minga.core.health import report
from minga.core.home import front_page_figures, front_page_generation, sections_for
from minga.core.middleware import remember_language, supported_language


def home(request):
    """A signed-in person's own page (what waits for them); the public front page otherwise."""
    if request.user.is_authenticated:
        sections = sections_for(request.user, timezone.now())
        return render(request, "core/home_member.html", {"sections": sections})
    return front_page(request)


@public_page(front_page_generation)
def front_page(request):
    return render(request, "core/home.html", {"stats": front_page_figures()})


def about(request):
    return render(request, "core/about.html")


@require_GET
def set_language(request):
    """Switch the language for this browser (a GET form, so it works without JavaScript).

    Only a cookie is set: a person's preferred language in their profile stays theirs.
    """
    code = request.GET.get("language", "")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    code = supported_language(code)  # an old link's "pt" is Brazilian Portuguese
    if code:
        remember_language(response, code)
    return response


@require_GET
def health(request):
    """The instance's health as JSON (see `minga.core.health`): 200 when every check is within
    bounds, 503 when one is not. Never cached."""
    found = report()
    response = JsonResponse(found, status=200 if found["ok"] else 503)
    response["Cache-Control"] = "no-store"
    return response


def page_not_found(request, exception):
    """Django's 404 page, or under /api/ the JSON API's own 404 (an id no URL matches)."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": "Not Found"}, status=404)
    return defaults.page_not_found(request, exception)
