"""The public verification page: anyone pastes, uploads or scans a credential and sees each check.

No account is needed and nothing is stored. A printed certificate's QR code opens
``?id=<credential URL>&d=<short signed digest>``: the credential is then read from
this server, and the digest proves the paper matches it (see `credential.qr_digest`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from .jsonld import MAX_INPUT_BYTES
from .problems import gettext_noop, problem
from .verification import FAILED, Check, Report, own_credential_uuid, verify_credential


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


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    report = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            report = verify_credential(form.cleaned_data["input"])
    else:
        form = VerifyForm()
        if request.GET.get("id"):
            report = _report_for_id(request.GET["id"], request.GET.get("d", ""))
    return render(request, "credentials/verify.html", _context(form, report))


def _report_for_id(credential_id: str, digest: str) -> Report:
    """Verify one of this server's credentials by its id, and the printed digest if given."""
    from .models import Credential

    uuid = own_credential_uuid(credential_id[:300])
    row = None
    if uuid is not None:
        try:
            row = Credential.objects.filter(uuid=uuid).first()
        except (ValueError, forms.ValidationError):
            row = None
    if row is None:
        report = Report()
        report.checks.append(
            Check("structure", FAILED, gettext_noop("No credential was found at this address."))
        )
        report.problems.append(
            problem(
                "PARSING_ERROR",
                gettext_noop(
                    "This server issued no credential %(id)s. Paste the credential itself to "
                    "verify one issued elsewhere."
                ),
                id=credential_id[:300],
            ).with_check("structure")
        )
        return report
    report = verify_credential(row.document)
    if digest:
        from .credential import check_qr_digest

        if not check_qr_digest(row.sha256, digest[:64]):
            report.problems.append(
                problem(
                    "digest-mismatch",
                    gettext_noop(
                        "The code printed with this certificate (%(digest)s) was not made for "
                        "this credential: the paper may be forged."
                    ),
                    digest=digest[:64],
                ).with_check("structure")
            )
    return report


def _context(form: VerifyForm, report: Report | None) -> dict[str, Any]:
    if report is None:
        return {"form": form}
    credential = report.credential or {}
    issuer = credential.get("issuer")
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    return {
        "form": form,
        "report": report.translated(gettext),
        "summary": {
            "name": _text(credential.get("name")),
            "issuer": _text(issuer.get("name")) if isinstance(issuer, dict) else _text(issuer),
            "achievement": _text(achievement.get("name")) if isinstance(achievement, dict) else "",
            "valid_from": _text(credential.get("validFrom")),
        },
    }


def _text(value: object) -> str:
    return value[:300] if isinstance(value, str) else ""
