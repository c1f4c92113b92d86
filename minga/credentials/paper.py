"""A credential on paper: the words shown, the QR code, and the PDF.

Everything shown is read from the signed document, not from the achievement's current
words or the recipient's row, so the paper says what the signature covers: the holder's name
too (a credential that carries none prints none). The QR code leads to the public
verification page with the credential's id and its short signed digest (see
`credential.qr_digest`), so a printed certificate can be checked from a basic phone.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import segno
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from . import credential as documents
from .models import Achievement, Credential
from .permissions import can_issue


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (no XML declaration), dark modules only."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2, title=_("Scan to verify"))


def context(request: Any, credential: Credential) -> dict[str, Any]:
    document = json.loads(credential.document)
    subject = document.get("credentialSubject", {})
    achievement = subject.get("achievement", {})
    descriptions = {item.get("id"): item for item in achievement.get("resultDescription", [])}
    results = [
        {
            "name": descriptions.get(result.get("resultDescription"), {}).get("name", ""),
            "value": result.get("value", ""),
        }
        for result in subject.get("result", [])
    ]
    digest = documents.qr_digest(credential.sha256)
    verify_url = documents.verify_url(document["id"], digest)
    return {
        "credential": credential,
        "document": document,
        "issuer": document.get("issuer", {}),
        "achievement": achievement,
        "criteria": achievement.get("criteria", {}).get("narrative", ""),
        "results": results,
        "evidence": document.get("evidence", []),
        "valid_from": parse_datetime(document.get("validFrom", "")),
        "valid_until": parse_datetime(document.get("validUntil", "") or ""),
        "holder": documents.holder_name(document),
        "digest": digest,
        "digits": documents.check_code_digits(digest),
        "verify_url": verify_url,
        "verify_page": documents.absolute(reverse("credentials:verify")),
        "qr": qr_svg(verify_url),
        "can_manage": can_issue(request.user, credential.coop),
    }


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _fetcher():
    """A WeasyPrint fetcher that reads only achievement images from storage: no network, no
    local files, whatever a document names."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StorageOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            prefix, _sep, rest = url.partition("/credentials/achievements/")
            uuid = rest.removesuffix("/image")
            if prefix == documents.absolute("") and rest.endswith("/image"):
                achievement = (
                    Achievement.objects.filter(uuid=uuid).first() if _is_uuid(uuid) else None
                )
                if achievement is not None and achievement.image:
                    with achievement.image.open("rb") as handle:
                        return URLFetcherResponse(url, body=handle.read())
            raise ValueError(f"refused to fetch {url}")

    return StorageOnly()


def pdf(request: Any, credential: Credential) -> bytes:
    """The printable page as an A4 PDF/UA-1 (tagged) document.

    Tagged so that a screen reader reads it in order, in its language (the page's `lang`),
    under its title, with the QR code described by its text alternative: a certificate is
    shown to employers and funders, some of whom read with assistive technology.
    """
    from weasyprint import HTML

    html = render_to_string(
        "credentials/credential_print.html",
        {**context(request, credential), "for_pdf": True},
        request=request,
    )
    document = HTML(string=html, url_fetcher=_fetcher(), base_url=documents.absolute("/"))
    return document.write_pdf(pdf_variant="pdf/ua-1")
