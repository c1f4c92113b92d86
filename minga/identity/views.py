"""DID documents over HTTP: did:web resolution of this instance's DIDs ends here."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from minga.coops.models import Cooperative

from . import actions, didlogs
from .actions import ensure_did_log
from .models import DidLog, DidLogEntry
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


def _also_known_as(document: dict, coop: Cooperative | None) -> dict:
    """The did:web document names its did:webvh twin (and the twin names it back)."""
    log = didlogs.log_of(coop)
    if log is not None:
        document["alsoKnownAs"] = [log.did]
    return document


@require_safe
def show_platform_did(request: HttpRequest) -> HttpResponse:
    """``/.well-known/did.json``: the platform's did:web document."""
    return _document_response(request, _also_known_as(platform_document(), None))


@require_safe
def show_coop_did(request: HttpRequest, slug: str) -> HttpResponse:
    """``/coops/<slug>/did.json``: a cooperative's did:web document."""
    coop = Cooperative.objects.filter(slug=slug).first()
    if coop is None:
        return _not_found()
    return _document_response(request, _also_known_as(coop_document(coop), coop))


def _not_found() -> HttpResponse:
    # Not cached: the cooperative may be registered a minute from now.
    response = JsonResponse(
        {"error": "notFound", "message": _("There is no cooperative at this address.")},
        status=404,
    )
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, no_cache=True)
    return response


def _log_for(slug: str | None) -> DidLog | None:
    """The did:webvh log, started on first need (an audited action of the system)."""
    coop = None
    if slug is not None:
        coop = Cooperative.objects.filter(slug=slug).first()
        if coop is None:
            return None
    found = didlogs.log_of(coop)
    if found is not None:
        return found
    try:
        return ensure_did_log(coop=coop, actor=None)
    except IntegrityError:  # another request started it first
        return didlogs.log_of(coop)


def _text_response(request: HttpRequest, body: str, content_type: str) -> HttpResponse:
    encoded = body.encode()
    etag = '"' + hashlib.sha256(encoded).hexdigest()[:32] + '"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(encoded, content_type=content_type)
    response["ETag"] = etag
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _log_response(request: HttpRequest, slug: str | None) -> HttpResponse:
    log = _log_for(slug)
    if log is None:
        return _not_found()
    body = "".join(line + "\n" for line in didlogs.entry_lines(log))
    return _text_response(request, body, "text/jsonl; charset=utf-8")


def _witness_response(request: HttpRequest, slug: str | None) -> HttpResponse:
    log = _log_for(slug)
    if log is None:
        return _not_found()
    return _text_response(request, didlogs.witness_json(log), "application/json")


@require_safe
def show_platform_log(request: HttpRequest) -> HttpResponse:
    """``/.well-known/did.jsonl``: the platform's did:webvh log, as far as it is witnessed."""
    return _log_response(request, None)


@require_safe
def show_coop_log(request: HttpRequest, slug: str) -> HttpResponse:
    """``/coops/<slug>/did.jsonl``: a cooperative's did:webvh log."""
    return _log_response(request, slug)


MAX_PROOF_BYTES = 8 * 1024


def _witness_view(request: HttpRequest, slug: str | None) -> HttpResponse:
    if request.method == "POST":
        return _receive_proof(request, slug)
    return _witness_response(request, slug)


def _receive_proof(request: HttpRequest, slug: str | None) -> HttpResponse:
    """A witness elsewhere sends its approval: ``{"versionId": ..., "proof": {...}}``. Anyone
    may deliver it; only a valid proof by a listed witness's key is kept (the action checks)."""
    log = _log_for(slug)
    if log is None:
        return _not_found()
    if len(request.body) > MAX_PROOF_BYTES:
        return JsonResponse({"error": _("A witness proof is at most 8 KB.")}, status=413)
    try:
        sent = json.loads(request.body)
        entry = log.entries.get(version_id=sent["versionId"])
        actions.add_witness_proof(entry=entry, proof=sent["proof"], actor=None)
    except (ValueError, TypeError, KeyError, DidLogEntry.DoesNotExist):
        return JsonResponse(
            {"error": _('Send {"versionId": ..., "proof": {...}} of a version of this log.')},
            status=400,
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    log.refresh_from_db()
    return JsonResponse({"published": log.published_version}, status=201)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def show_platform_witness(request: HttpRequest) -> HttpResponse:
    """``/.well-known/did-witness.json``: the witness proofs of the platform's log; a witness
    elsewhere POSTs its approval here."""
    return _witness_view(request, None)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def show_coop_witness(request: HttpRequest, slug: str) -> HttpResponse:
    """``/coops/<slug>/did-witness.json``: the witness proofs of a cooperative's log; a witness
    elsewhere POSTs its approval here."""
    return _witness_view(request, slug)
