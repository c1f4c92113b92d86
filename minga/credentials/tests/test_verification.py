"""verify_credential: each check on credentials issued here, and every bad input a problem."""

import copy
import datetime
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minga.audit.log import create_checkpoint
from minga.credentials import actions, dataintegrity, statuslist
from minga.credentials.verification import STATUS_LIST_CACHE, verify_credential
from minga.identity import didkey
from minga.identity.keys import coop_signing_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_status_cache():
    STATUS_LIST_CACHE.clear()
    yield
    STATUS_LIST_CACHE.clear()


@pytest.fixture
def issued(achievement, member, owner):  # noqa: F811
    return actions.issue_credential(
        achievement=achievement,
        recipient=member,
        results=[{"name": "Assessment score", "value": "92", "type": "Percent"}],
        evidence=[{"id": "https://example.org/evidence/1", "name": "Final ledger"}],
        actor=owner,
    )


def _statuses(report) -> dict[str, str]:
    return {check.name: check.status for check in report.checks}


def _problems(report) -> list[str]:
    return [p.type.name for p in report.problems]


def test_it_passes_every_check_once_a_checkpoint_covers_the_issuance(issued):
    create_checkpoint()
    report = verify_credential(issued.document)
    assert _statuses(report) == dict.fromkeys(
        ["structure", "issuer", "signature", "validity", "status", "log"], "passed"
    )
    assert report.is_valid and report.problems == []
    data = report.as_json()
    assert data["verified"] is True and data["credential"] == json.loads(issued.document)["id"]
    assert [name for name, _, _ in report.checks][0] == "structure"


def test_the_log_check_is_pending_until_a_checkpoint(issued):
    report = verify_credential(issued.document)
    assert _statuses(report)["log"] == "pending" and report.is_valid


def test_it_accepts_bytes_text_and_objects(issued):
    document = issued.document
    for form in (document, document.encode(), json.loads(document)):
        assert verify_credential(form).is_valid


def test_any_changed_field_fails_the_signature(issued):
    original = json.loads(issued.document)
    for path, value in [
        (("credentialSubject", "result", 0, "value"), "100"),
        (("credentialSubject", "achievement", "name"), "Governance for boards"),
        (("issuer", "name"), "Another cooperative"),
        (("validFrom",), "2020-01-01T00:00:00Z"),
        (("credentialStatus", "statusListIndex"), "99"),
        (("credentialSubject", "identifier", 1, "identityHash"), "Someone Else"),
    ]:
        document = copy.deepcopy(original)
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        report = verify_credential(document)
        assert not report.is_valid
        assert "PROOF_VERIFICATION_ERROR" in _problems(report), path


def test_a_revoked_credential_fails_the_status_check(issued, owner):
    actions.revoke_credential(credential=issued, reason="Issued by mistake.", actor=owner)
    report = verify_credential(issued.document)
    assert _statuses(report)["status"] == "failed"
    assert _problems(report) == ["revoked"]


def test_a_suspended_then_reinstated_credential(issued, owner):
    actions.suspend_credential(credential=issued, reason="Under review.", actor=owner)
    assert _problems(verify_credential(issued.document)) == ["suspended"]
    actions.reinstate_credential(credential=issued, reason="Review done.", actor=owner)
    assert verify_credential(issued.document).is_valid


def test_validity_dates(achievement, member, owner):  # noqa: F811
    start = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    credential = actions.issue_credential(
        achievement=achievement,
        recipient=member,
        valid_from=start,
        valid_until=start + datetime.timedelta(days=365),
        actor=owner,
    )
    before = verify_credential(credential.document, now=start - datetime.timedelta(days=1))
    assert _problems(before) == ["not-yet-valid"]
    during = verify_credential(credential.document, now=start + datetime.timedelta(days=1))
    assert during.is_valid
    after = verify_credential(credential.document, now=start + datetime.timedelta(days=400))
    assert _problems(after) == ["expired"]


def test_a_key_that_is_not_the_issuers_fails(issued):
    document = json.loads(issued.document)
    document.pop("proof")
    method, _ = coop_signing_key(issued.coop)
    forged = dataintegrity.sign(
        document, private_key=Ed25519PrivateKey.generate(), verification_method=method
    )
    assert _problems(verify_credential(forged)) == ["PROOF_VERIFICATION_ERROR", "log-mismatch"]

    stranger = Ed25519PrivateKey.generate()
    did = didkey.did_key_from_public_key(stranger.public_key().public_bytes_raw())
    claimed = dataintegrity.sign(
        document, private_key=stranger, verification_method=didkey.verification_method_id(did)
    )
    report = verify_credential(claimed)
    assert "INVALID_VERIFICATION_METHOD" in _problems(report)
    assert _statuses(report)["signature"] == "skipped"


def test_a_credential_re_signed_by_the_issuer_is_not_the_one_logged(issued):
    """The issuer's own key cannot swap a credential's content after the fact unnoticed."""
    document = json.loads(issued.document)
    document.pop("proof")
    document["credentialSubject"]["result"][0]["value"] = "100"
    method, key = coop_signing_key(issued.coop)
    re_signed = dataintegrity.sign(document, private_key=key, verification_method=method)
    create_checkpoint()
    report = verify_credential(re_signed)
    assert _problems(report) == ["log-mismatch"]
    assert _statuses(report)["signature"] == "passed"


def test_a_credential_of_this_server_missing_from_the_log(issued):
    from minga.audit.models import Entry

    Entry.objects.filter(kind="credential.issue").update(subject="credential:other")
    assert _problems(verify_credential(issued.document)) == ["not-in-log"]


def test_an_unknown_context_is_named(issued):
    document = json.loads(issued.document)
    document["@context"].append("https://example.org/unknown-context")
    report = verify_credential(document)
    assert "unknown-context" in _problems(report)
    assert "https://example.org/unknown-context" in report.as_json()["problems"][0]["detail"]


def test_a_did_key_issuer_from_elsewhere_is_verified_offline(issued):
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    did = didkey.did_key_from_public_key(key.public_key().public_bytes_raw())
    method = didkey.verification_method_id(did)
    list_url = "https://lists.example/status/1"
    status_list = dataintegrity.sign(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": list_url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": did,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "id": list_url + "#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": statuslist.encode({7}),
            },
        },
        private_key=key,
        verification_method=method,
    )
    document = json.loads(issued.document)
    document.pop("proof")
    document["id"] = "https://elsewhere.example/credentials/1"
    document["issuer"]["id"] = did
    document["credentialStatus"] = [
        {
            "id": f"{list_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": list_url,
        }
        for index in (3,)
    ]
    fetch = {list_url: json.dumps(status_list).encode()}.__getitem__
    signed = dataintegrity.sign(document, private_key=key, verification_method=method)
    report = verify_credential(signed, fetch_status=fetch)
    assert report.is_valid, report.as_json()
    assert _statuses(report)["log"] == "skipped"

    signed["credentialStatus"][0]["statusListIndex"] = "7"
    signed = dataintegrity.sign(
        {k: v for k, v in signed.items() if k != "proof"},
        private_key=key,
        verification_method=method,
    )
    assert _problems(verify_credential(signed, fetch_status=fetch)) == ["revoked"]

    forged_list = json.loads(json.dumps(status_list))
    forged_list["credentialSubject"]["encodedList"] = statuslist.encode(set())
    forged = {list_url: json.dumps(forged_list).encode()}.__getitem__
    assert _problems(verify_credential(signed, fetch_status=forged)) == [
        "STATUS_VERIFICATION_ERROR"
    ]


def test_a_status_list_of_another_issuer_is_refused(issued, coop, federation, organiser):
    document = json.loads(issued.document)
    document.pop("proof")
    other = json.loads(
        actions.issue_credential(
            achievement=actions.define_achievement(
                coop=federation,
                actor=organiser,
                name="Juror",
                description="Served on a jury.",
                criteria="Scored every proposal.",
            ),
            recipient_email="juror@example.org",
            actor=organiser,
        ).document
    )
    document["credentialStatus"] = other["credentialStatus"]
    method, key = coop_signing_key(coop)
    signed = dataintegrity.sign(document, private_key=key, verification_method=method)
    assert set(_problems(verify_credential(signed))) == {
        "STATUS_VERIFICATION_ERROR",
        "log-mismatch",
    }


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("{not json", "PARSING_ERROR"),
        ("[1, 2]", "PARSING_ERROR"),
        ("", "PARSING_ERROR"),
        (b"\xff", "PARSING_ERROR"),
        ("[" * 5000 + "]" * 5000, "input-too-large"),
        ('{"a": ' * 50 + "1" + "}" * 50, "input-too-large"),
        ("x" * 600_000, "input-too-large"),
        ("{}", "MALFORMED_VALUE_ERROR"),
    ],
    ids=[
        "malformed",
        "array",
        "empty",
        "binary",
        "deep-array",
        "deep-object",
        "big",
        "empty-object",
    ],
)
def test_bad_input_is_a_problem(data, problem):
    report = verify_credential(data)
    assert not report.is_valid
    assert problem in _problems(report)
    assert all(entry["type"] and entry["detail"] for entry in report.as_json()["problems"])


def test_missing_required_fields_are_each_named(issued):
    document = json.loads(issued.document)
    for name in ("issuer", "validFrom", "credentialSubject", "type", "proof"):
        broken = {k: v for k, v in document.items() if k != name}
        report = verify_credential(broken)
        assert _statuses(report)["structure"] == "failed", name
        assert {check.status for check in report.checks[1:]} == {"skipped"}
    broken = copy.deepcopy(document)
    del broken["credentialSubject"]["achievement"]["criteria"]
    assert "criteria" in verify_credential(broken).problems[0].detail


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=15,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "@context",
                "id",
                "type",
                "issuer",
                "validFrom",
                "validUntil",
                "credentialSubject",
                "credentialStatus",
                "proof",
                "name",
            ]
        ),
        JSON,
        max_size=6,
    )
)
def test_any_change_to_a_real_credential_is_a_report_never_a_crash(issued, changes):
    document = {**json.loads(issued.document), **changes}
    report = verify_credential(document)
    assert report.checks
    json.dumps(report.as_json())
    if changes:
        original = json.loads(issued.document)
        # A member the credential lacks, even set to null, is a change.
        unchanged = all(k in original and original[k] == v for k, v in changes.items())
        assert report.is_valid == unchanged


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(JSON | st.text(max_size=100) | st.binary(max_size=100))
def test_any_json_or_bytes_is_a_report_never_a_crash(db, data):
    report = verify_credential(data if isinstance(data, str | bytes) else json.dumps(data))
    assert not report.is_valid and report.problems
