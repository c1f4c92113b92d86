"""did:web mapping (the specification's examples), documents, and the remote resolver."""

import json
from pathlib import Path

import pytest

from minga.identity import didkey, didweb
from minga.identity.didcore import (
    InternalError,
    InvalidDid,
    InvalidDidDocument,
    MethodNotSupported,
    NotFound,
)

EXAMPLES = json.loads((Path(__file__).parent / "data" / "did-web-examples.json").read_text())
KEY_A = didkey.public_key_from_did_key("did:key:z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b")
KEY_B = didkey.public_key_from_did_key("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")


@pytest.mark.parametrize("example", EXAMPLES["mappings"], ids=lambda e: e["did"])
def test_it_maps_the_spec_examples_to_urls(example):
    assert didweb.did_to_url(example["did"]) == example["url"]


@pytest.mark.parametrize("example", EXAMPLES["mappings"], ids=lambda e: e["did"])
def test_it_maps_the_spec_urls_back_to_dids(example):
    assert didweb.url_to_did(example["url"]) == example["did"]


@pytest.mark.parametrize("did", EXAMPLES["example_dids"])
def test_it_accepts_the_spec_example_dids(did):
    assert didweb.did_to_url(did).startswith("https://")


def test_it_builds_dids_with_a_percent_encoded_port():
    assert didweb.did_for_host("minga.coop", 8443, ["coops", "kahawa"]) == (
        "did:web:minga.coop%3A8443:coops:kahawa"
    )
    assert (
        didweb.did_to_url("did:web:minga.coop%3a8443")
        == "https://minga.coop:8443/.well-known/did.json"
    )


@pytest.mark.parametrize(
    ("public_url", "did"),
    [
        ("https://minga.coop", "did:web:minga.coop"),
        ("https://minga.coop/", "did:web:minga.coop"),
        ("https://Minga.Coop:443/", "did:web:minga.coop"),
        ("https://minga.coop:8443", "did:web:minga.coop%3A8443"),
        ("http://localhost:8000", "did:web:localhost%3A8000"),
        ("http://localhost", "did:web:localhost"),
    ],
)
def test_it_derives_the_platform_did_from_the_public_url(public_url, did):
    assert didweb.did_from_public_url(public_url) == did


def test_it_derives_a_cooperative_did_from_the_public_url():
    assert didweb.did_from_public_url("http://localhost:8000", "coops", "kahawa") == (
        "did:web:localhost%3A8000:coops:kahawa"
    )


@pytest.mark.parametrize(
    "public_url", ["ftp://minga.coop", "minga.coop", "https://minga.coop/sub/"]
)
def test_it_refuses_a_public_url_it_cannot_map(public_url):
    with pytest.raises(ValueError):
        didweb.did_from_public_url(public_url)


@pytest.mark.parametrize(
    ("did", "error"),
    [
        ("did:web:127.0.0.1", InvalidDid),
        ("did:web:127.1", InvalidDid),
        ("did:web:10.0.0.1%3A8080", InvalidDid),
        ("did:web:%5B%3A%3A1%5D", InvalidDid),
        ("did:web:example.com:3000", None),  # a path segment "3000", not a port
        ("did:web:example.com%3A0", InvalidDid),
        ("did:web:example.com%3A65536", InvalidDid),
        ("did:web:example.com%3Ahttp", InvalidDid),
        ("did:web:example.com%3A80%3A81", InvalidDid),
        ("did:web:exa%6Dple.com", InvalidDid),
        ("did:web:-example.com", InvalidDid),
        ("did:web:example..com", InvalidDid),
        ("did:web:" + "a" * 64 + ".com", InvalidDid),
        ("did:web:example.com::alice", InvalidDid),
        ("did:web:example.com:..", InvalidDid),
        ("did:web:example.com:%2E%2E", InvalidDid),
        ("did:web:example.com:a%2Fb", InvalidDid),
        ("did:web:example.com/alice", InvalidDid),
        ("did:web:example.com#key-1", InvalidDid),
        ("did:web:", InvalidDid),
        ("did:key:z6Mk", MethodNotSupported),
    ],
)
def test_it_names_the_error_of_a_bad_did_web(did, error):
    if error is None:
        assert didweb.did_to_url(did) == "https://example.com/3000/did.json"
        return
    with pytest.raises(error):
        didweb.did_to_url(did)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/.well-known/did.json",
        "https://example.com/.well-known/other.json",
        "https://example.com/did.json?x=1",
        "https://user@example.com/did.json",
        "https://127.0.0.1/did.json",
        "https://[::1]/did.json",
        "https://example.com:99999/did.json",
    ],
)
def test_it_refuses_urls_that_are_not_did_web_documents(url):
    with pytest.raises(InvalidDid):
        didweb.url_to_did(url)


def test_it_builds_a_document_with_multikey_methods():
    did = "did:web:minga.coop:coops:kahawa"
    document = didweb.build_document(did, [didweb.PublishedKey(KEY_A)])
    multikey = didkey.encode_multikey(KEY_A)
    method_id = f"{did}#{multikey}"
    assert document == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {"id": method_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multikey}
        ],
        "authentication": [method_id],
        "assertionMethod": [method_id],
        "capabilityInvocation": [method_id],
    }


def test_it_keeps_rotated_keys_for_verification_but_not_for_authentication():
    did = "did:web:minga.coop"
    document = didweb.build_document(
        did, [didweb.PublishedKey(KEY_A, is_active=False), didweb.PublishedKey(KEY_B)]
    )
    old, new = (f"{did}#{didkey.encode_multikey(k)}" for k in (KEY_A, KEY_B))
    assert [m["id"] for m in document["verificationMethod"]] == [old, new]
    assert document["assertionMethod"] == [old, new]
    assert document["authentication"] == [new]
    assert document["capabilityInvocation"] == [new]


def test_it_adds_services_to_the_document():
    service = {
        "id": "did:web:minga.coop#log",
        "type": "LinkedDomains",
        "serviceEndpoint": "https://minga.coop/",
    }
    document = didweb.build_document("did:web:minga.coop", [], services=[service])
    assert document["service"] == [service]


def _document(did: str) -> bytes:
    return json.dumps(didweb.build_document(did, [didweb.PublishedKey(KEY_A)])).encode()


class FakeFetch:
    """Stands in for HTTPS: answers from a dict and counts requests."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def __call__(self, url, *, timeout, max_bytes):
        self.calls.append((url, timeout, max_bytes))
        answer = self.answers[url]
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_it_resolves_a_remote_did_over_https():
    did = "did:web:other.example:coops:umoja"
    fetch = FakeFetch({"https://other.example/coops/umoja/did.json": _document(did)})
    resolver = didweb.WebResolver(fetch=fetch, check_host=None, timeout=2.5)
    document = resolver.resolve(did)
    assert document["id"] == did
    assert fetch.calls == [("https://other.example/coops/umoja/did.json", 2.5, 256 * 1024)]


def test_it_caches_remote_documents_until_they_expire():
    did = "did:web:other.example"
    fetch = FakeFetch({"https://other.example/.well-known/did.json": _document(did)})
    now = [1000.0]
    resolver = didweb.WebResolver(fetch=fetch, check_host=None, cache_ttl=60, clock=lambda: now[0])
    first = resolver.resolve(did)
    first["id"] = "mutated by a caller"
    assert resolver.resolve(did)["id"] == did
    assert len(fetch.calls) == 1
    now[0] += 61
    resolver.resolve(did)
    assert len(fetch.calls) == 2


def test_it_keeps_the_cache_small():
    dids = [f"did:web:host{i}.example" for i in range(3)]
    fetch = FakeFetch({didweb.did_to_url(d): _document(d) for d in dids})
    resolver = didweb.WebResolver(fetch=fetch, check_host=None, cache_size=2)
    for did in dids:
        resolver.resolve(did)
    resolver.resolve(dids[2])
    assert len(fetch.calls) == 3
    resolver.resolve(dids[0])  # evicted as the least recently used
    assert len(fetch.calls) == 4


def test_it_does_not_cache_failures():
    did = "did:web:other.example"
    url = didweb.did_to_url(did)
    fetch = FakeFetch({url: NotFound("gone")})
    resolver = didweb.WebResolver(fetch=fetch, check_host=None)
    with pytest.raises(NotFound):
        resolver.resolve(did)
    fetch.answers[url] = _document(did)
    assert resolver.resolve(did)["id"] == did


@pytest.mark.parametrize(
    "body",
    [b"<html>login</html>", b"[]", b'"did"', b"\xff\xfe", b'{"id": "did:web:evil.example"}', b"{}"],
)
def test_it_refuses_a_document_that_is_not_the_dids(body):
    did = "did:web:other.example"
    resolver = didweb.WebResolver(fetch=FakeFetch({didweb.did_to_url(did): body}), check_host=None)
    with pytest.raises(InvalidDidDocument):
        resolver.resolve(did)


def test_it_refuses_hosts_on_private_addresses():
    resolver = didweb.WebResolver(fetch=FakeFetch({}))
    with pytest.raises(InternalError):
        resolver.resolve("did:web:localhost")


def test_it_does_not_fetch_plain_http():
    with pytest.raises(InvalidDid):
        didweb.fetch_https("http://example.com/did.json", timeout=1, max_bytes=10)
