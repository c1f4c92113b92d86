"""`minga did resolve DID`."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from minga.identity import didkey, didweb, resolution
from minga.identity.models import Key

VALID = "did:key:z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b"


def _run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("did", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.MINGA_PUBLIC_URL = "https://minga.example:8443"


def test_it_resolves_a_did_key_offline():
    code, out, _ = _run("resolve", VALID)
    assert code == 0
    document = json.loads(out)
    assert document["id"] == VALID
    assert document["verificationMethod"][0]["type"] == "Multikey"


@pytest.mark.parametrize(
    ("did", "name"),
    [
        ("did:key:nope", "invalidDid"),
        ("not-a-did", "invalidDid"),
        ("did:key:" + didkey.encode_multibase(b"\xed\x01" + bytes(31)), "invalidPublicKeyLength"),
        ("did:web:127.0.0.1", "invalidDid"),
        ("did:example:123", "methodNotSupported"),
    ],
)
def test_it_prints_the_spec_error_name_and_exits_1(did, name):
    code, out, err = _run("resolve", did)
    assert code == 1
    assert out == ""
    assert err.startswith(name + ": ")


@pytest.mark.django_db
def test_it_resolves_our_platform_did_from_the_database():
    code, out, _ = _run("resolve", "did:web:minga.example%3A8443")
    assert code == 0
    document = json.loads(out)
    assert document["id"] == "did:web:minga.example%3A8443"
    key = Key.objects.get(coop__isnull=True)
    assert document["verificationMethod"][0]["publicKeyMultibase"] == key.public_key_multibase


@pytest.mark.django_db
def test_it_resolves_our_cooperatives_did_from_the_database(coop):
    did = f"did:web:minga.example%3a8443:coops:{coop.slug}"
    code, out, _ = _run("resolve", did)
    assert code == 0
    key = Key.objects.get(coop=coop)
    assert json.loads(out)["verificationMethod"][0]["publicKeyMultibase"] == (
        key.public_key_multibase
    )


@pytest.mark.django_db
def test_it_says_not_found_for_an_unknown_local_did():
    code, _, err = _run("resolve", "did:web:minga.example%3A8443:coops:nobody")
    assert code == 1
    assert err.startswith("notFound: ")


def test_it_resolves_other_hosts_over_https(monkeypatch):
    did = "did:web:other.example:coops:umoja"
    body = json.dumps({"id": did, "verificationMethod": []}).encode()
    calls = []

    def fake_fetch(url, *, timeout, max_bytes):
        calls.append((url, timeout))
        return body

    resolver = didweb.WebResolver(fetch=fake_fetch, check_host=None, timeout=5)
    monkeypatch.setattr(resolution, "remote_resolver", lambda: resolver)
    for _ in range(2):
        code, out, _ = _run("resolve", did)
        assert code == 0
        assert json.loads(out)["id"] == did
    assert calls == [("https://other.example/coops/umoja/did.json", 5)]  # the second was cached


def test_it_configures_the_remote_resolver_from_settings(settings):
    settings.MINGA_DID_RESOLVE_TIMEOUT = 3
    settings.MINGA_DID_CACHE_SECONDS = 42
    resolver = resolution.remote_resolver()
    assert (resolver.timeout, resolver.cache_ttl) == (3, 42)


@pytest.mark.parametrize("args", [[], ["resolve"], ["frobnicate", VALID]])
def test_it_exits_2_on_usage_errors(args):
    result = subprocess.run(
        [sys.executable, "-m", "minga.cli", "did", *args],
        capture_output=True,
        text=True,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin", "MINGA_VAR_DIR": "var/test"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "usage:" in result.stderr
