"""`minga credential verify FILE`: a JSON report; exit 0 valid, 1 invalid, 2 could not check."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from minga.audit.log import create_checkpoint
from minga.credentials import actions
from minga.credentials.verification import STATUS_LIST_CACHE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_status_cache():
    STATUS_LIST_CACHE.clear()


@pytest.fixture
def issued(achievement, member, owner):  # noqa: F811
    credential = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    create_checkpoint()
    return credential


def _run(path) -> tuple[int, dict]:
    out = io.StringIO()
    try:
        call_command("credential", "verify", str(path), stdout=out)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, json.loads(out.getvalue())


def test_a_valid_credential_exits_0_with_its_report(tmp_path, issued):
    path = tmp_path / "badge.json"
    path.write_text(issued.document)
    code, report = _run(path)
    assert code == 0
    assert report["verified"] is True and report["problems"] == []
    assert [c["check"] for c in report["checks"]] == [
        "structure",
        "issuer",
        "signature",
        "validity",
        "status",
        "log",
    ]


def test_a_tampered_credential_exits_1_with_its_problems(tmp_path, issued):
    document = json.loads(issued.document)
    document["validFrom"] = "2020-01-01T00:00:00Z"
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(document))
    code, report = _run(path)
    assert code == 1 and report["verified"] is False
    assert report["problems"][0]["type"].endswith("PROOF_VERIFICATION_ERROR")


@pytest.mark.parametrize("content", [b"{broken", b"\x00\xff", b"[" * 10_000])
def test_malformed_files_exit_1_with_a_problem(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, report = _run(path)
    assert code == 1 and report["problems"]


def test_an_unreadable_file_is_an_error(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("credential", "verify", str(tmp_path / "missing.json"))
    assert caught.value.returncode == 2


def test_a_credential_that_could_not_be_checked_exits_2(tmp_path, issued, monkeypatch):
    """Without the audit log (a machine with no access to this instance's database), nothing
    was found wrong: the answer is "could not check", not "invalid"."""
    from minga.credentials import verification

    def unreachable(report, credential):
        raise ConnectionError("the database is not reachable")

    monkeypatch.setattr(verification, "log_check", unreachable)
    path = tmp_path / "badge.json"
    path.write_text(issued.document)
    code, report = _run(path)
    assert code == 2 and report["verified"] is False
    assert [problem["type"].rsplit(":", 1)[-1] for problem in report["problems"]] == [
        "log-unavailable"
    ]


def test_an_unreachable_issuer_host_exits_2(tmp_path, issued, monkeypatch):
    from minga.credentials import verification
    from minga.identity.didcore import InternalError

    def offline(did):
        raise InternalError("connection refused")

    monkeypatch.setattr(verification, "resolve_did", offline)
    path = tmp_path / "badge.json"
    path.write_text(issued.document)
    code, report = _run(path)
    assert code == 2, report["problems"]
