"""The printable certificate and its PDF."""

from pathlib import Path

import pytest
from django.urls import reverse

from minga.credentials import actions

pytestmark = pytest.mark.django_db


def test_it_renders_a_pdf_certificate(client, issued):
    response = client.get(reverse("credentials:pdf", args=[issued.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 2000


def test_the_printable_page_names_the_recipient_and_carries_the_qr_code(client, issued):
    html = client.get(reverse("credentials:print", args=[issued.uuid])).content.decode()
    assert "Coop Member" in html and "Bookkeeping basics" in html
    assert "<svg" in html


def test_the_printable_page_is_styled_by_the_sites_stylesheet(client, issued):
    """The content security policy refuses inline styles: the page links the stylesheet,
    whose print rules lay the certificate out on A4 landscape."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    response = client.get(reverse("credentials:print", args=[issued.uuid]))
    html = response.content.decode()
    assert "<style" not in html and "style=" not in html
    assert "/minga.css" in html and 'class="printable"' in html
    assert settings.SECURE_CSP["style-src"] == [settings.SECURE_CSP["default-src"][0]]
    stylesheet = Path(finders.find("minga.css")).read_text()
    assert "@page certificate{size:A4 landscape" in stylesheet and "@media print{" in stylesheet


def test_the_pdf_fetches_nothing_it_is_not_meant_to(issued, rf):
    from minga.credentials.paper import _fetcher

    fetcher = _fetcher()
    for url in ["file:///etc/passwd", "http://169.254.169.254/latest", "https://example.org/x.png"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_the_printable_page_shows_a_revocation(client, issued, owner):
    actions.revoke_credential(credential=issued, reason="Issued in error.", actor=owner)
    html = client.get(reverse("credentials:print", args=[issued.uuid])).content.decode()
    assert "Revoked" in html and "Issued in error." in html


def _structure(node, found):
    """Every (role, alt text) of the structure tree below `node`, depth first."""
    node = node.get_object()
    if node.get("/S") is not None:
        found.append((str(node["/S"]), node.get("/Alt")))
    kids = node.get("/K")
    kids = kids if isinstance(kids, list) else [kids]
    for kid in kids:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "get"):
            _structure(kid, found)
    return found


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_pdf_is_tagged_with_its_language_title_and_alt_text(client, issued, language):
    import io

    from pypdf import PdfReader

    response = client.get(
        reverse("credentials:pdf", args=[issued.uuid]), HTTP_ACCEPT_LANGUAGE=language
    )
    reader = PdfReader(io.BytesIO(response.content))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == language
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title.startswith("Bookkeeping basics")
    tags = _structure(catalog["/StructTreeRoot"], [])
    roles = [role for role, _alt in tags]
    assert "/H1" in roles and "/P" in roles
    figures = [alt for role, alt in tags if role == "/Figure"]
    assert figures and all(figures), "every figure (the QR code) has a text alternative"
