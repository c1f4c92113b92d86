"""DID documents over HTTP: did:web resolution of this instance's DIDs ends here."""

import hashlib
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from minga.coops.models import Cooperative

from .queries import coop_document, platform_document

CONTENT_TYPE = "application/did+json"
MAX_AGE = 300


def _document_response(request: HttpRequest, document: dict) -> HttpResponse:
    """The document with a strong ETag, cacheable by anyone, readable by browser verifiers.

    Five minutes of caching bounds how long a rotated key can look current.
    """
    body = json.dumps(document, ensure_ascii=False, indent=2).encode() + b"\n"
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["ETag"] = etag
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_safe
def show_platform_did(request: HttpRequest) -> HttpResponse:
    """``/.well-known/did.json``: the platform's did:web document."""
    return _document_response(request, platform_document())


@require_safe
def show_coop_did(request: HttpRequest, slug: str) -> HttpResponse:
    """``/coops/<slug>/did.json``: a cooperative's did:web document."""
    coop = Cooperative.objects.filter(slug=slug).first()
    if coop is None:
        # Not cached: the cooperative may be registered a minute from now.
        response = JsonResponse(
            {"error": "notFound", "message": _("There is no cooperative at this address.")},
            status=404,
        )
        response["Access-Control-Allow-Origin"] = "*"
        patch_cache_control(response, no_cache=True)
        return response
    return _document_response(request, coop_document(coop))
