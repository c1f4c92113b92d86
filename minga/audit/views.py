"""The log over HTTP, in the C2SP formats, plus one page for people.

Machine endpoints answer bad input with a 4xx and a one-line reason, never a 500: clients of a
transparency log include scripts run by auditors far away, who deserve to know what went wrong.
"""

from __future__ import annotations

import json
import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from . import log, note, pages, queries, witness
from .models import Entry
from .tiles import TilePathError, parse_tile_path

MAX_INDEX = 2**63 - 1
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=2"
PAGE_SIZE = 50


class BadRequest(ValueError):
    """A query value a client got wrong; its message is shown to the client."""


def _parse_size(text: str | None, name: str) -> int:
    if text is None or not re.fullmatch(r"[0-9]{1,19}", text) or int(text) > MAX_INDEX:
        raise BadRequest(_("%(name)s must be a whole number from 0 to 2^63-1.") % {"name": name})
    return int(text)


def _text(
    message: str, status: int, content_type: str = "text/plain; charset=utf-8"
) -> HttpResponse:
    return HttpResponse(
        message if message.endswith("\n") else message + "\n",
        status=status,
        content_type=content_type,
    )


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_GET
def log_index(request: HttpRequest) -> HttpResponse:
    """Recent entries and how anyone can check them.

    Pages go back by index (`?before=N`), so the millionth page costs what the first does.
    """
    entries = Entry.objects.order_by("-index")
    before = request.GET.get("before")
    if before is not None:
        try:
            entries = entries.filter(index__lt=_parse_size(before, "before"))
        except BadRequest:
            before = None
    page = list(entries[:PAGE_SIZE])
    checkpoint = log.latest_checkpoint()
    return render(
        request,
        "audit/log_index.html",
        {
            "entries": queries.show_entries(page, viewer=request.user),
            "is_first_page": before is None,
            "older": page[-1].index if page and page[-1].index > 0 else None,
            "checkpoint": checkpoint,
            "log_vkey": log.log_vkey(),
            "witness_vkey": log.witness_vkey(),
            "base_url": request.build_absolute_uri(reverse("audit:log-index")).rstrip("/"),
            "example_index": page[0].index if page else 0,
        },
    )


def wants_html(request: HttpRequest) -> bool:
    """Whether a client asked for a page rather than JSON: a browser (text/html preferred to
    application/json in its Accept header) that did not ask for `?format=`. Anything else
    (scripts, curl's */*, no Accept at all) keeps the JSON of the log's contract."""
    if "format" in request.GET:
        return False
    html = json_ = 0.0
    for item in request.headers.get("Accept", "").split(","):
        kind, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _sep, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if kind == "text/html":
            html = max(html, quality)
        elif kind == "application/json":
            json_ = max(json_, quality)
    return html > 0 and html >= json_


@require_GET
def entry_page(request: HttpRequest, index: str) -> HttpResponse:
    """One entry for people (also what `/log/entries/<index>` shows a browser)."""
    try:
        position = _parse_size(index, "index")
    except BadRequest as error:
        return _text(str(error), 404)
    found = Entry.objects.filter(index=position).first()
    if found is None:
        return _text(_("There is no entry %(index)s.") % {"index": position}, 404)
    response = render(
        request, "audit/entry_detail.html", pages.entry_context(found, viewer=request.user)
    )
    patch_vary_headers(response, ["Accept"])
    return response


@require_GET
def checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest signed checkpoint with its cosignatures (C2SP tlog-tiles /checkpoint)."""
    latest = log.latest_checkpoint()
    if latest is None:
        return _text(_("The log has no checkpoint yet."), 404)
    response = _text(latest.signed_note, 200)
    response["Cache-Control"] = SHORT
    return response


@require_GET
@gzip_page
def tile(request: HttpRequest, path: str) -> HttpResponse:
    """A Merkle tree tile or an entry bundle (C2SP tlog-tiles); immutable once served."""
    try:
        ref = parse_tile_path(path)
    except TilePathError as error:
        return _text(str(error), 400)
    latest = log.latest_checkpoint()
    data = log.tile_contents(ref, latest.size if latest else 0)
    if data is None:
        return _text(_("No such tile in the latest checkpoint."), 404)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Cache-Control"] = IMMUTABLE
    return response


@require_GET
def entry(request: HttpRequest, index: str) -> HttpResponse:
    """One entry with its inclusion proof and an offline receipt (C2SP tlog-proof).

    `?format=tlog-proof` downloads the receipt alone, ready for the offline verifier. A browser
    asking for HTML gets the entry's page instead; `?format=json` (or any Accept but HTML)
    gets this JSON, unchanged.
    """
    if wants_html(request):
        return entry_page(request, index)
    try:
        position = _parse_size(index, "index")
    except BadRequest as error:
        return _json_error(str(error), 400)
    found = Entry.objects.filter(index=position).first()
    if found is None:
        return _json_error(_("There is no entry %(index)s.") % {"index": position}, 404)
    latest = log.latest_checkpoint()
    proved = latest is not None and position < latest.size
    if request.GET.get("format") == "tlog-proof":
        if not proved:
            return _text(
                _("This entry is not in a checkpoint yet; try again in a few seconds."), 404
            )
        assert latest is not None  # as `proved` says
        response = _text(log.receipt(found, latest), 200)
        response["Content-Disposition"] = f'attachment; filename="minga-log-{position}.tlog-proof"'
        return response
    body = bytes(found.body)
    try:
        shown = json.loads(body)
    except ValueError:  # only a damaged database holds such an entry; `log verify` names it
        shown = None
    data = {
        "index": position,
        "entry": shown,
        "entry_base64": note.b64encode(body),
        "leaf_hash": note.b64encode(bytes(found.leaf_hash)),
        # Openings of commitments whose matter became public (e.g. a closed poll's options):
        # anyone can check them against the entry. Others are shown only to members.
        "disclosed": _disclosed(shown),
        "log_vkey": log.signer_vkey(latest) if latest else log.log_vkey(),
        "checkpoint": None,
        "inclusion_proof": None,
        "tlog_proof": None,
    }
    if proved:
        assert latest is not None
        receipt = log.receipt(found, latest)
        data["checkpoint"] = {
            "size": latest.size,
            "root": note.b64encode(bytes(latest.root)),
            "note": latest.signed_note,
        }
        data["inclusion_proof"] = [note.b64encode(h) for h in note.parse_tlog_proof(receipt).proof]
        data["tlog_proof"] = receipt
    response = JsonResponse(data)
    response["Cache-Control"] = SHORT
    patch_vary_headers(response, ["Accept"])
    return response


def _disclosed(shown: object) -> dict[str, dict[str, str]]:
    if not isinstance(shown, dict) or not isinstance(shown.get("data"), dict):
        return {}
    opened = queries.openings(queries.commitments_in(shown["data"]), viewer=None)
    return {c: {"value": value, "salt": salt.hex()} for c, (value, salt) in opened.items()}


@require_GET
def consistency(request: HttpRequest) -> HttpResponse:
    """The proof that the tree of size `from` is a prefix of the tree of size `to`."""
    latest = log.latest_checkpoint()
    latest_size = latest.size if latest else 0
    try:
        old = _parse_size(request.GET.get("from"), "from")
        new = _parse_size(request.GET.get("to", str(latest_size)), "to")
    except BadRequest as error:
        return _json_error(str(error), 400)
    if not old <= new <= latest_size:
        return _json_error(
            _("Sizes must satisfy 0 <= from <= to <= %(size)s, the latest checkpoint's size.")
            % {"size": latest_size},
            400,
        )
    response = JsonResponse(
        {
            "from": old,
            "to": new,
            "from_root": note.b64encode(log.root_at(old)),
            "to_root": note.b64encode(log.root_at(new)),
            "proof": [note.b64encode(h) for h in log.consistency_proof(old, new)],
        }
    )
    response["Cache-Control"] = IMMUTABLE if "to" in request.GET else SHORT
    return response


@require_GET
def key_handovers(request: HttpRequest) -> HttpResponse:
    """Every hand-over of the log's key, oldest first (see `minga.audit.handover`)."""
    response = JsonResponse({"handovers": log.key_handovers()})
    response["Cache-Control"] = SHORT
    return response


@csrf_exempt  # a machine protocol: the hand-over's signatures are the authentication
@require_POST
def witness_key_handover(request: HttpRequest) -> HttpResponse:
    """A log this instance witnesses hands its key over (see `witness.accept_handover`)."""
    try:
        return _text(witness.accept_handover(request.body), 200)
    except witness.WitnessError as error:
        return _text(str(error), error.status, error.content_type)


@require_GET
def witness_state(request: HttpRequest) -> HttpResponse:
    """What this instance, as a witness, cosigned for each log and what it refused, and why."""
    response = JsonResponse(witness.published_state())
    response["Cache-Control"] = SHORT
    return response


@csrf_exempt  # a machine protocol: the checkpoint's signature is the authentication
@require_POST
def witness_add_checkpoint(request: HttpRequest) -> HttpResponse:
    """C2SP tlog-witness add-checkpoint: cosign a peer's checkpoint if it is consistent."""
    try:
        lines = witness.add_checkpoint(request.body)
    except witness.WitnessError as error:
        return _text(str(error), error.status, error.content_type)
    return _text(lines, 200)
