# ruff: noqa: F811  (the `achievement` fixture is imported, then named by the tests)
"""A signature counts only if its key was authorised when the issuance entered the audit log.

The attacks: an insider who kept a copy of a key signs after its rotation, retirement or
declared compromise, and gets the issuance into the log; the proof's `created` says whatever
the signer wants. The CLI, the VC-API and the verification page must all say INVALID.
"""

import datetime
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from minga.audit.log import create_checkpoint
from minga.credentials import actions, queries
from minga.credentials.verification import STATUS_LIST_CACHE, verify_credential
from minga.identity import actions as identity_actions
from minga.identity import keys
from minga.identity.models import Key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_status_cache():
    STATUS_LIST_CACHE.clear()


def _insider_copy(coop):
    """What someone with access takes before the key changes: its method id and private key."""
    return keys.coop_signing_key(coop)


def _issue_with(monkeypatch, stolen, achievement, member, owner):  # noqa: F811
    """An issuance that enters the log, signed with the stolen key instead of the active one."""
    with monkeypatch.context() as patched:
        patched.setattr(keys, "coop_signing_key", lambda coop: stolen)
        credential = actions.issue_credential(
            achievement=achievement, recipient=member, actor=owner
        )
    create_checkpoint()
    return credential


def _cli(tmp_path, document) -> tuple[int, dict]:
    path = tmp_path / "badge.json"
    path.write_text(document)
    out = io.StringIO()
    try:
        call_command("credential", "verify", str(path), stdout=out)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, json.loads(out.getvalue())


def _api(client, document) -> dict:
    response = client.post(
        "/api/vc/credentials/verify",
        data=json.dumps({"verifiableCredential": json.loads(document)}),
        content_type="application/json",
    )
    return response.json()


def test_a_retired_key_signing_after_rotation_is_invalid(
    client,
    tmp_path,
    monkeypatch,
    achievement,
    member,
    owner,
    coop,  # noqa: F811
):
    stolen = _insider_copy(coop)
    before = _issue_with(monkeypatch, stolen, achievement, member, owner)
    identity_actions.rotate_key(coop=coop, actor=owner)
    # Back-dated by the signer: `created` says before the rotation; the log says after.
    with time_machine.travel(before.issued_at, tick=False):
        forged = _issue_with(monkeypatch, stolen, achievement, member, owner)
    rotated_at = Key.objects.get(coop=coop, end_reason="rotated").rotated_at
    created = json.loads(forged.document)["proof"]["created"].replace("Z", "+00:00")
    assert datetime.datetime.fromisoformat(created) <= rotated_at

    code, report = _cli(tmp_path, forged.document)
    assert code == 1 and report["verified"] is False
    assert any("rotated out at log entry" in p["detail"] for p in report["problems"])
    api = _api(client, forged.document)
    assert api["verified"] is False
    # What the key signed while it was authorised still verifies.
    assert _cli(tmp_path, before.document)[0] == 0
    assert _api(client, before.document)["verified"] is True


def test_a_retired_key_is_invalid_from_its_retirement(
    tmp_path,
    monkeypatch,
    achievement,
    member,
    owner,
    coop,  # noqa: F811
):
    stolen = _insider_copy(coop)
    identity_actions.retire_key(coop=coop, actor=owner)
    forged = _issue_with(monkeypatch, stolen, achievement, member, owner)
    code, report = _cli(tmp_path, forged.document)
    assert code == 1
    assert any("retired at log entry" in p["detail"] for p in report["problems"])
    fresh = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    create_checkpoint()
    assert _cli(tmp_path, fresh.document)[0] == 0


def test_a_compromised_key_is_invalid_and_what_it_signed_before_is_listed(
    client,
    tmp_path,
    monkeypatch,
    achievement,
    member,
    owner,
    coop,  # noqa: F811
):
    stolen = _insider_copy(coop)
    early = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    since = timezone.now() + datetime.timedelta(microseconds=1)
    late = _issue_with(monkeypatch, stolen, achievement, member, owner)
    key = Key.objects.get(coop=coop, is_active=True)
    identity_actions.declare_key_compromised(coop=coop, key=key, since=since, actor=owner)
    after = _issue_with(monkeypatch, stolen, achievement, member, owner)

    for forged in (late, after):
        code, report = _cli(tmp_path, forged.document)
        assert code == 1 and report["verified"] is False
        assert _api(client, forged.document)["verified"] is False
    # Signed before the compromise: not trusted any more by plain did:web verifiers either
    # (the key left the DID document), and listed for re-issue.
    assert verify_credential(early.document).is_valid is False
    assert [c.pk for c in queries.signed_before_compromise(coop)] == [early.pk]


def test_the_verification_page_says_invalid(client, monkeypatch, achievement, member, owner, coop):  # noqa: F811
    stolen = _insider_copy(coop)
    identity_actions.rotate_key(coop=coop, actor=owner)
    forged = _issue_with(monkeypatch, stolen, achievement, member, owner)
    response = client.post("/credentials/verify/", {"credential": forged.document})
    assert response.status_code == 200
    assert b"rotated out at log entry" in response.content
