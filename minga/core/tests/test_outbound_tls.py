"""MINGA_TLS_CA_BUNDLE: every HTTPS request to another host trusts the authorities it names.

A local HTTPS server carries a certificate from a certificate authority made for the test
(`trustme`), which no system store trusts: each client reaches it only when told to trust that
authority, and refuses it otherwise. The three-host version is `tests/test_federation.py`.
"""

import json
import ssl
import subprocess
import sys
import threading
import urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from minga.audit import monitor, note, witness
from minga.channels import sms
from minga.core import tls
from minga.credentials import verification
from minga.identity import resolution
from minga.identity.didcore import DidError

ROOT = Path(__file__).resolve().parents[3]
LOOPBACK = "127.0.0.0/8,::1/128"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        port = self.server.server_address[1]
        if self.path == "/coops/umoja/did.json":
            body = json.dumps({"id": f"did:web:localhost%3A{port}:coops:umoja"}).encode()
        elif self.path == "/status/1":
            body = b'{"status": "list"}'
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "9")
        self.end_headers()
        self.wfile.write(b"cosigned\n")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    ca = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, str(path)


@pytest.fixture(scope="module")
def server(authority):
    ca, _ = authority
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"https://localhost:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def trusting(settings, authority):
    """This instance trusts the test's authority, and peers on the loopback network."""
    settings.MINGA_TLS_CA_BUNDLE = authority[1]
    settings.MINGA_FEDERATION_NETWORKS = tls.parse_networks(LOOPBACK.split(","))
    return authority[1]


def _did(server):
    return f"did:web:localhost%3A{server.rsplit(':', 1)[1]}:coops:umoja"


def test_it_resolves_another_hosts_did_with_the_configured_authority(trusting, server):
    assert resolution.resolve(_did(server))["id"] == _did(server)


def test_it_refuses_a_certificate_the_configured_store_does_not_vouch_for(settings, server):
    settings.MINGA_FEDERATION_NETWORKS = tls.parse_networks(LOOPBACK.split(","))
    with pytest.raises(DidError, match="CERTIFICATE_VERIFY_FAILED"):
        resolution.resolve(_did(server))


def test_it_fetches_from_a_private_network_only_when_it_is_the_federations(trusting, settings):
    settings.MINGA_FEDERATION_NETWORKS = ()
    with pytest.raises(DidError, match="non-public address"):
        resolution.resolve("did:web:localhost%3A9:coops:umoja")


def test_it_fetches_status_lists_with_the_configured_authority(trusting, server, settings):
    assert verification.fetch_status_list(f"{server}/status/1") == b'{"status": "list"}'
    settings.MINGA_TLS_CA_BUNDLE = ""
    with pytest.raises(verification.Failed, match="CERTIFICATE_VERIFY_FAILED"):
        verification.fetch_status_list(f"{server}/status/1")


def test_it_asks_witnesses_with_the_configured_authority(trusting, server, settings):
    assert witness._post(f"{server}/witness/add-checkpoint", b"old 0\n\n") == (200, "cosigned\n")
    settings.MINGA_TLS_CA_BUNDLE = ""
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
        witness._post(f"{server}/witness/add-checkpoint", b"old 0\n\n")


def test_the_monitor_trusts_the_bundle_from_its_option_or_the_environment(
    authority, server, monkeypatch, tmp_path, capsys
):
    with pytest.raises(monitor.CannotCheck, match="CERTIFICATE_VERIFY_FAILED"):
        monitor.http_fetcher(server)("status/1")
    assert monitor.http_fetcher(server, authority[1])("status/1") == b'{"status": "list"}'
    key = note.Verifier("example.org/log", Ed25519PrivateKey.generate().public_key()).vkey
    arguments = [f"{server}/log", "--log-key", key, "--state", str(tmp_path / "state.json")]
    monkeypatch.setenv("MINGA_TLS_CA_BUNDLE", authority[1])
    monitor.main(arguments)
    # Reached: the log answered (404, it has no checkpoint), the certificate was trusted.
    assert "log/checkpoint answered 404" in capsys.readouterr().err


def test_the_sms_provider_is_reached_with_the_configured_authority(trusting, settings, monkeypatch):
    settings.AFRICASTALKING_USERNAME, settings.AFRICASTALKING_API_KEY = "coop", "key"
    contexts = []

    def urlopen(request, timeout, context=None):
        contexts.append(context)
        raise urllib.error.URLError("offline")

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    with pytest.raises(sms.TemporaryFailure):
        sms._send_africastalking("+254700000001", "Hello")
    assert contexts == [tls.client_context(trusting)]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MINGA_TLS_CA_BUNDLE", "/nonexistent/ca.pem", "MINGA_TLS_CA_BUNDLE must name a file"),
        ("MINGA_TLS_CA_BUNDLE", "manage.py", "MINGA_TLS_CA_BUNDLE must name a file"),
        ("MINGA_FEDERATION_NETWORKS", "10.231.0.0/33", "MINGA_FEDERATION_NETWORKS must list"),
    ],
)
def test_it_refuses_to_start_with_a_bad_setting(tmp_path, name, value, message):
    result = subprocess.run(
        [sys.executable, "-c", "import minga.settings"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "MINGA_VAR_DIR": str(tmp_path), name: value},
        timeout=60,
    )
    assert result.returncode != 0
    assert message in result.stderr
