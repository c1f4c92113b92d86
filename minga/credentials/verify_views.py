"""The public verification page: anyone pastes, uploads or scans a credential and sees each check.

No account is needed and nothing is stored. A printed certificate is checked without
JavaScript by its link and check code, by the address its QR code opens
(``?id=<credential URL>&d=<short signed digest>``, which may also be pasted as the link), or
by the code alone; the reader may type the name printed on it, which must be the holder's
name the signed credential carries (see `checking`). The page shows the holder's name, the
achievement, the issuer and the verdict in the reader's language.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from . import checking
from . import credential as documents
from .jsonld import MAX_INPUT_BYTES
from .models import Credential
from .verification import Report, verify_credential
from .views import identity_page, wants_json

TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")


class VerifyForm(forms.Form):
    credential = forms.CharField(
        label=_("Paste the credential (JSON)"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        required=False,
        max_length=MAX_INPUT_BYTES,
    )
    file = forms.FileField(
        label=_("or upload its file"),
        required=False,
        help_text=_("A .json file of at most 512 KB."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # a form's clean() gives its cleaned_data
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_INPUT_BYTES:
                raise forms.ValidationError(
                    _("The file is larger than 512 KB; no credential is that large."),
                    code="too_large",
                )
            data["input"] = upload.read(MAX_INPUT_BYTES + 1)
        elif data.get("credential", "").strip():
            data["input"] = data["credential"]
        else:
            raise forms.ValidationError(
                _("Paste a credential or choose its file."), code="required"
            )
        return data


class CheckForm(forms.Form):
    """A printed certificate, as a reader with a basic phone can enter it (GET, no JS)."""

    id = forms.CharField(
        label=_("The credential's link, or the address its QR code opens"),
        required=False,
    )
    d = forms.CharField(label=_("Check code"), required=False, max_length=80)
    name = forms.CharField(
        label=_("Name printed on the certificate (optional)"), required=False, max_length=150
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # a form's clean() gives its cleaned_data
        link, code = checking.split_link(data.get("id", ""))
        data["link"], data["code"] = link, (data.get("d") or code).strip()
        if not link and not data["code"]:
            raise forms.ValidationError(
                _("Enter the credential's link or its check code."), code="required"
            )
        if data["code"] and documents.normalize_check_code(data["code"]) is None:
            raise forms.ValidationError(
                _("A check code is 16 letters and digits, or 25 digits, as printed."),
                code="check_code",
            )
        return data


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    report, row = None, None
    check_form = CheckForm(request.GET if request.GET else None)
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            report = verify_credential(form.cleaned_data["input"])
    else:
        form = VerifyForm()
        if check_form.is_valid():
            report, row = _check_paper(check_form.cleaned_data)
    if report is not None and wants_json(request):
        return JsonResponse(report.as_json())  # the same report as `minga credential verify`
    return render(
        request, "credentials/verify.html", _context(request, form, check_form, report, row)
    )


def _check_paper(data: dict[str, Any]) -> tuple[Report, Credential | None]:
    """Verify one of this server's credentials by its link or check code, with what the paper
    shows of it."""
    link, code = data["link"], data["code"]
    row = checking.find(link) if link else checking.find_by_code(code)
    if row is None:
        return checking.not_found(link or code), None
    return checking.check(row, code=code, printed_name=data.get("name", "")), row


def _context(
    request: HttpRequest,
    form: VerifyForm,
    check_form: CheckForm,
    report: Report | None,
    row: Credential | None,
) -> dict[str, Any]:
    if report is None:
        return {"form": form, "check_form": check_form}
    credential = report.credential or {}
    issuer = credential.get("issuer")
    issuer_did = issuer.get("id") if isinstance(issuer, dict) else issuer
    return {
        "form": form,
        "check_form": check_form,
        "report": report.translated(gettext, for_reader),
        "summary": checking.summary(report, row),
        "valid_from": _moment(credential.get("validFrom")),
        "valid_until": _moment(credential.get("validUntil")),
        "issuer_did": _text(issuer_did),
        "issuer_page": identity_page(issuer_did),
        "json_query": _json_query(request),
    }


def _text(value: object) -> str:
    return value[:300] if isinstance(value, str) else ""


def _moment(value: object) -> Any:
    """An aware datetime from a credential's timestamp, or None."""
    if not (isinstance(value, str) and TIMESTAMP.match(value)):
        return None
    try:
        moment = parse_datetime(value[:64])
    except ValueError:
        return None
    return moment if moment is not None and timezone.is_aware(moment) else None


def for_reader(name: str, value: Any) -> Any:
    """A check's parameter as a reader reads it: a timestamp as a date and time in words in
    the reader's language and zone (naming the zone), anything else as it is."""
    moment = _moment(value)
    if moment is None:
        return value
    zone = timezone.get_current_timezone()
    local = formats.date_format(timezone.localtime(moment, zone), "DATETIME_FORMAT")
    return f"{local} ({zone.key if isinstance(zone, zoneinfo.ZoneInfo) else zone})"


def _json_query(request: HttpRequest) -> str:
    """The query string of this check with `format=json`, for a GET check (a POSTed file has
    no address to repeat)."""
    if request.method != "GET" or not request.GET:
        return ""
    query = request.GET.copy()
    query["format"] = "json"
    return query.urlencode()
