"""`minga key rotate | retire | compromise | witnesses | init`: exit 0 done, 1 refused, 2 not
run."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from minga.audit.models import Entry
from minga.credentials.queries import reissue_lines
from minga.identity import didlogs, registry
from minga.identity.models import Key

pytestmark = pytest.mark.django_db


def _run(*argv) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("key", *argv, stdout=out)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.getvalue()


def test_it_rotates_a_cooperatives_key(coop):
    before = Key.objects.get(coop=coop, is_active=True)
    code, out = _run("rotate", "--coop", coop.slug)
    assert code == 0
    report = json.loads(out)
    assert report["did"] == didlogs.log_of(coop).did and report["version"].startswith("2-")
    assert report["key"] != before.public_key_multibase
    assert Entry.objects.filter(kind="identity.key.rotated").count() == 1


def test_it_rotates_the_platform_key():
    assert _run("rotate")[0] == 0
    assert _run("retire")[0] == 0
    assert didlogs.log_of(None).entries.count() == 3
    assert Key.objects.filter(coop__isnull=True, end_reason="retired").count() == 1


def test_it_declares_a_compromise_and_lists_what_to_reissue(coop):
    code, out = _run("compromise", "--coop", coop.slug, "--since", "2020-01-01T00:00Z")
    assert code == 0
    assert json.loads(out.splitlines()[0])["message"] == "compromised"
    assert Key.objects.get(coop=coop, end_reason="compromised").compromised_from.year == 2020


def test_it_prints_what_the_apps_list_for_re_issue(coop, monkeypatch):
    assert reissue_lines in registry.compromise_reports()  # credentials registered its list
    report = {"probe": lambda coop: [f"re-issue: everything of {coop.slug}"]}
    monkeypatch.setattr(registry, "_compromise_reports", report)
    code, out = _run("compromise", "--coop", coop.slug, "--since", "2020-01-01T00:00Z")
    assert code == 0
    assert out.splitlines()[1:] == [f"re-issue: everything of {coop.slug}"]


def test_it_refuses_with_exit_1_and_changes_nothing(coop):
    code, message = _run("compromise", "--coop", coop.slug, "--since", "2999-01-01T00:00Z")
    assert code == 1 and "passed" in message
    assert Key.objects.filter(coop=coop, compromised_from__isnull=False).count() == 0
    code, _ = _run(
        "witnesses", "--coop", coop.slug, "--threshold", "1", "--witness", "did:web:x", "nope"
    )
    assert code == 1


def test_it_cannot_run_without_a_real_cooperative_or_instant(coop):
    assert _run("rotate", "--coop", "nobody")[0] == 2
    assert _run("compromise", "--coop", coop.slug, "--since", "yesterday")[0] == 2
    assert _run("compromise", "--coop", coop.slug, "--since", "2020-01-01T00:00")[0] == 2


def test_init_starts_every_log_once(coop, federation):
    assert _run("init") == (0, "Started 3 did:webvh logs.\n")
    assert _run("init") == (0, "Started 0 did:webvh logs.\n")
