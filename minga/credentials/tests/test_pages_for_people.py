"""A credential's URL and the verification result: pages for people, JSON for programs."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse

from minga.audit.log import create_checkpoint
from minga.credentials import actions
from minga.credentials.credential import credential_url, qr_digest
from minga.credentials.verification import STATUS_LIST_CACHE

pytestmark = pytest.mark.django_db
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(autouse=True)
def _fresh_status_cache():
    STATUS_LIST_CACHE.clear()


@pytest.fixture
def issued(achievement, member, owner):  # noqa: F811
    credential = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    create_checkpoint()
    return credential


def _reader(user):
    reader = Client()
    if user is not None:
        reader.force_login(user)
    return reader


@pytest.mark.parametrize("who", [None, "outsider", "member", "owner"])
def test_everyone_reads_the_credential_as_a_page_with_its_proof_one_click_away(
    request, issued, who
):
    reader = _reader(request.getfixturevalue(who) if who else None)
    url = reverse("credentials:detail", args=[issued.uuid])
    response = reader.get(url, HTTP_ACCEPT=BROWSER)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f"{url}?format=json" in html
    assert f'href="/coops/{issued.coop.slug}/"' in html  # the issuer's page, not its did.json
    assert "did:web:" in html  # with the DID beside
    assert "/log/entries/" in html  # the issuance in the public log
    assert "<script" not in html


@pytest.mark.parametrize(
    ("query", "accept"), [("?format=json", BROWSER), ("", "application/json"), ("", None)]
)
def test_programs_get_the_signed_document(client, issued, query, accept):
    url = reverse("credentials:detail", args=[issued.uuid])
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = client.get(url + query, **headers)
    if accept is None:  # no Accept header: a browser-like default, the page
        assert response["Content-Type"].startswith("text/html")
        return
    assert response["Content-Type"].startswith("application/ld+json")
    assert response.content.decode() == issued.document
    assert "Accept" in response["Vary"]  # caches keep the page and the document apart


def test_the_verification_result_writes_dates_in_the_reader_s_language(client, issued):
    digest = qr_digest(issued.sha256)
    url = reverse("credentials:verify")
    response = client.get(
        url, {"id": credential_url(issued.uuid), "d": digest}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    html = response.content.decode()
    assert response.status_code == 200
    valid_from = json.loads(issued.document)["validFrom"]
    assert valid_from not in html.replace(f'datetime="{valid_from}', "")  # no raw timestamp
    month = datetime.datetime.fromisoformat(valid_from).month
    french = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"][month - 1]  # fmt: skip
    assert french in html
    assert f'href="/coops/{issued.coop.slug}/"' in html and "did:web:" in html
    assert "format=json" in html


def test_a_program_gets_the_verification_report_as_json(client, issued):
    digest = qr_digest(issued.sha256)
    link = credential_url(issued.uuid)
    response = client.get(
        reverse("credentials:verify"), {"id": link, "d": digest, "format": "json"}
    )
    assert response["Content-Type"] == "application/json"
    report = response.json()
    assert report["verified"] is True and report["credential"] == link
    assert {check["check"] for check in report["checks"]} >= {"signature", "validity"}


def test_problem_codes_are_explained_in_words(client, issued):
    document = json.loads(issued.document)
    document["validUntil"] = "2001-01-01T00:00:00Z"
    response = client.post(
        reverse("credentials:verify"), {"credential": json.dumps(document)},
        HTTP_ACCEPT_LANGUAGE="es",
    )  # fmt: skip
    html = response.content.decode().split("<form")[0]  # the result, not the form echoing it
    assert "2001-01-01T00:00:00Z" not in html
    assert "2001" in html and "enero" in html
    assert "Technical code" not in html  # translated, like the rest of the page
