"""fetch_https against a real local TLS server (self-signed, trusted only by the test)."""

import datetime
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from minga.identity.didcore import InternalError, InvalidDidDocument, NotFound
from minga.identity.didweb import fetch_https


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path == "/ok/did.json":
            self._send(200, b'{"id": "did:web:localhost"}')
        elif self.path == "/big/did.json":
            self._send(200, b" " * 5000)
        elif self.path == "/downgrade/did.json":
            self.send_response(302)
            self.send_header("Location", "http://localhost/did.json")
            self.end_headers()
        elif self.path == "/moved/did.json":
            self.send_response(301)
            self.send_header("Location", "/ok/did.json")
            self.end_headers()
        elif self.path == "/slow/did.json":
            time.sleep(1.5)
            self._send(200, b"{}")
        elif self.path == "/garbled/did.json":
            # promises more bytes than it sends, then hangs up
            self.send_response(200)
            self.send_header("Content-Length", "500")
            self.end_headers()
            self.wfile.write(b'{"id": ')
            self.close_connection = True
        elif self.path == "/broken/did.json":
            self._send(500, b"oops")
        else:
            self._send(404, b"not here")

    def _send(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/did+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """Failed handshakes and timed-out clients are what some tests are about."""


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    """A proxy from the environment would never reach the local test server."""
    for name in (
        "https_proxy",
        "HTTPS_PROXY",
        "http_proxy",
        "HTTP_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_file, key_file)
    httpd = QuietServer(("localhost", 0), Handler)
    httpd.socket = server_context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    client_context = ssl.create_default_context(cafile=str(cert_file))
    yield f"https://localhost:{httpd.server_address[1]}", client_context
    httpd.shutdown()
    httpd.server_close()


def _fetch(server, path, **kwargs):
    base, context = server
    options = {"timeout": 5.0, "max_bytes": 1024, "context": context} | kwargs
    return fetch_https(base + path, **options)


def test_it_fetches_a_document(server):
    assert _fetch(server, "/ok/did.json") == b'{"id": "did:web:localhost"}'


def test_it_follows_a_redirect_within_https(server):
    assert _fetch(server, "/moved/did.json") == b'{"id": "did:web:localhost"}'


def test_it_refuses_a_redirect_to_plain_http(server):
    with pytest.raises(InternalError, match="away from HTTPS"):
        _fetch(server, "/downgrade/did.json")


def test_it_reports_a_missing_document_as_not_found(server):
    with pytest.raises(NotFound):
        _fetch(server, "/nobody/did.json")


def test_it_reports_a_server_error_as_internal_error(server):
    with pytest.raises(InternalError, match="HTTP 500"):
        _fetch(server, "/broken/did.json")


def test_it_stops_reading_past_the_size_limit(server):
    with pytest.raises(InvalidDidDocument, match="larger than 1024 bytes"):
        _fetch(server, "/big/did.json")


def test_it_gives_up_after_the_timeout(server):
    started = time.monotonic()
    with pytest.raises(InternalError):
        _fetch(server, "/slow/did.json", timeout=0.3)
    assert time.monotonic() - started < 1.4


def test_it_refuses_an_untrusted_certificate(server):
    base, _ = server
    with pytest.raises(InternalError):
        fetch_https(base + "/ok/did.json", timeout=5.0, max_bytes=1024)


def test_it_reports_a_broken_response_as_internal_error(server):
    with pytest.raises(InternalError):
        _fetch(server, "/garbled/did.json")
