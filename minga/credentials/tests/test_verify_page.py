"""The public verification page: paste, upload or open from a QR code; in the visitor's language."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minga.audit.log import create_checkpoint
from minga.credentials import actions
from minga.credentials.credential import qr_digest
from minga.credentials.verification import STATUS_LIST_CACHE

pytestmark = pytest.mark.django_db
URL = reverse("credentials:verify")


@pytest.fixture(autouse=True)
def _fresh_status_cache():
    STATUS_LIST_CACHE.clear()


@pytest.fixture
def issued(achievement, member, owner):  # noqa: F811
    credential = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    create_checkpoint()
    return credential


@pytest.mark.parametrize("who", ["client", "outsider_client", "member_client", "owner_client"])
def test_everyone_may_open_the_page(request, who):
    response = request.getfixturevalue(who).get(URL)
    assert response.status_code == 200
    assert b'name="credential"' in response.content and b'type="file"' in response.content


def test_a_pasted_credential_is_verified_check_by_check(client, issued):
    response = client.post(URL, {"credential": issued.document})
    content = response.content.decode()
    assert response.status_code == 200
    assert "This credential is valid." in content
    for label in ("Structure", "Issuer", "Signature", "Validity dates", "Audit log"):
        assert label in content
    assert "Bookkeeping basics" in content and issued.coop.name in content


def test_an_uploaded_file_is_verified(client, issued):
    upload = SimpleUploadedFile("badge.json", issued.document.encode(), "application/json")
    response = client.post(URL, {"file": upload})
    assert "This credential is valid." in response.content.decode()


def test_a_tampered_credential_shows_the_problem(client, issued):
    document = json.loads(issued.document)
    document["credentialSubject"]["achievement"]["name"] = "Something else"
    response = client.post(URL, {"credential": json.dumps(document)})
    content = response.content.decode()
    assert "This credential is not valid." in content
    assert "The signature does not verify" in content
    assert "https://w3id.org/security#PROOF_VERIFICATION_ERROR" in content


def test_a_revoked_credential_says_so(client, issued, owner):
    actions.revoke_credential(credential=issued, reason="Issued by mistake.", actor=owner)
    content = client.post(URL, {"credential": issued.document}).content.decode()
    assert "The credential has been revoked" in content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Paste a credential or choose its file."),
        ({"credential": "   "}, "Paste a credential or choose its file."),
        ({"credential": "{not json"}, "The credential cannot be read"),
        ({"credential": "[" * 3000 + "]" * 3000}, "The input is too large or too deeply nested"),
    ],
    ids=["nothing", "blank", "malformed", "deep"],
)
def test_bad_input_gets_a_clear_answer(client, data, message):
    response = client.post(URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_file_too_large_is_refused(client):
    upload = SimpleUploadedFile("big.json", b" " * (512 * 1024 + 1), "application/json")
    response = client.post(URL, {"file": upload})
    assert "larger than 512 KB" in response.content.decode()


def test_the_qr_code_link_verifies_the_credential_and_its_printed_digest(client, issued):
    credential_id = json.loads(issued.document)["id"]
    good = client.get(URL, {"id": credential_id, "d": qr_digest(issued.sha256)})
    assert "This credential is valid." in good.content.decode()
    forged = client.get(URL, {"id": credential_id, "d": "AAAAAAAAAAAAAAAA"})
    content = forged.content.decode()
    assert "This credential is not valid." in content
    assert "The printed code does not match the credential" in content


@pytest.mark.parametrize(
    "credential_id",
    ["https://elsewhere.example/credentials/1", "not a url", "x" * 5000],
    ids=["elsewhere", "garbage", "long"],
)
def test_an_unknown_id_is_a_clear_answer(client, credential_id, issued):
    response = client.get(URL, {"id": credential_id})
    assert response.status_code == 200
    assert "This credential is not valid." in response.content.decode()


def test_an_id_of_this_server_that_was_never_issued(client, issued):
    credential_id = json.loads(issued.document)["id"][:-4] + "0000"
    content = client.get(URL, {"id": credential_id}).content.decode()
    assert "No credential was found at this address." in content


def test_the_results_speak_the_visitors_language(client, issued):
    client.cookies["django_language"] = "es"
    content = client.post(URL, {"credential": issued.document}, HTTP_ACCEPT_LANGUAGE="es").content
    assert "Esta credencial es válida." in content.decode()


def test_the_page_needs_no_javascript_and_stays_small(client, issued):
    import gzip

    response = client.post(URL, {"credential": issued.document})
    assert b"<script" not in response.content
    assert len(gzip.compress(response.content)) < 15 * 1024
