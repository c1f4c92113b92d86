"""The VC-API pair: issue for a cooperative's administrators, verify for anyone."""

import json

import pytest

from minga.audit.models import Entry
from minga.credentials import actions
from minga.credentials.credential import achievement_url
from minga.credentials.models import Credential
from minga.identity.dids import coop_did

pytestmark = pytest.mark.django_db


ISSUE = "/api/vc/credentials/issue"
VERIFY = "/api/vc/credentials/verify"


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _request(achievement, **options):
    return {
        "credential": {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": coop_did(achievement.coop),
            "credentialSubject": {"achievement": {"id": achievement_url(achievement)}},
        },
        "options": {"recipientEmail": "someone@example.org", **options},
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("outsider", 403), ("member", 403), ("owner", 201)],
)
def test_it_lets_only_the_issuers_administrators_issue(
    client,
    achievement,
    who,
    status,
    request,
):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = _post(client, ISSUE, _request(achievement))
    assert response.status_code == status
    assert Credential.objects.count() == (1 if status == 201 else 0)


def test_it_answers_the_signed_credential(owner_client, achievement):
    response = _post(owner_client, ISSUE, _request(achievement, recipientName="Ana"))
    document = response.json()["verifiableCredential"]
    assert document["proof"]["type"] == "DataIntegrityProof"
    assert document["credentialSubject"]["identifier"][0]["hashed"] is False
    assert Credential.objects.get().recipient_name == "Ana"


@pytest.mark.parametrize(
    "change",
    [
        lambda body: body["credential"]["credentialSubject"].update(achievement="https://x.org/a"),
        lambda body: body["credential"].update(issuer="did:web:elsewhere.example"),
        lambda body: body["options"].update(recipientEmail="not an address"),
        lambda body: body["credential"].update(validUntil="yesterday"),
        lambda body: body["credential"].pop("credentialSubject"),
    ],
)
def test_it_refuses_bad_input_with_a_problem_and_changes_nothing(
    owner_client,
    achievement,
    change,
):
    body = _request(achievement)
    change(body)
    before = Entry.objects.count()
    response = _post(owner_client, ISSUE, body)
    assert response.status_code == 400
    assert set(response.json()) == {"type", "title", "detail"}
    assert Credential.objects.count() == 0 and Entry.objects.count() == before


def test_it_refuses_malformed_json(owner_client):
    response = owner_client.post(ISSUE, data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)


def test_anyone_verifies_a_credential(client, achievement, member, owner):
    issued = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    body = {"verifiableCredential": json.loads(issued.document)}
    report = _post(client, VERIFY, body).json()
    assert report["credential"] == json.loads(issued.document)["id"]
    statuses = {check["check"]: check["status"] for check in report["checks"]}
    assert statuses["signature"] == "passed"
    assert report["verified"] is (not report["problems"])


def test_it_reports_a_tampered_credential(client, achievement, member, owner):
    issued = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    document = json.loads(issued.document)
    document["credentialSubject"]["achievement"]["name"] = "Board governance"
    report = _post(client, VERIFY, {"verifiableCredential": document}).json()
    assert report["verified"] is False and report["problems"]


def test_it_answers_deep_nesting_without_a_server_error(client):
    deep: dict = {}
    inner = deep
    for _ in range(500):
        inner["a"] = {}
        inner = inner["a"]
    client.raise_request_exception = False
    response = _post(client, VERIFY, {"verifiableCredential": deep})
    assert response.status_code == 200
    report = response.json()
    assert report["verified"] is False
    assert [check["status"] for check in report["checks"]] == ["failed"]
    (problem,) = report["problems"]
    assert problem["type"].endswith(":problem:input-too-large")
    assert problem["check"] == "structure"
