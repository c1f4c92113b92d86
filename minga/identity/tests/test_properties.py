"""Property tests: round trips hold, and no input escapes as anything but a named DidError."""

import hashlib
import string

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import example, given, settings
from hypothesis import strategies as st

from minga.identity import didkey, didweb
from minga.identity.didcore import DidError, parse_did_url

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
seeds = st.binary(min_size=32, max_size=32)


def _public(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()


@given(seeds)
def test_it_round_trips_every_ed25519_key_through_did_key(seed):
    public = _public(seed)
    did = didkey.did_key_from_public_key(public)
    assert did.startswith("did:key:z6Mk")
    assert didkey.public_key_from_did_key(did) == public
    assert didkey.decode_multikey(didkey.encode_multikey(public)) == public
    document = didkey.resolve(did)
    assert document["id"] == did
    assert didkey.dereference(document["assertionMethod"][0])["publicKeyMultibase"] == did[8:]


@given(seeds)
def test_it_derives_the_same_x25519_key_as_x25519_itself(seed):
    clamped = bytearray(hashlib.sha512(seed).digest()[:32])
    clamped[0] &= 248
    clamped[31] = (clamped[31] & 127) | 64
    expected = X25519PrivateKey.from_private_bytes(bytes(clamped)).public_key().public_bytes_raw()
    assert didkey.ed25519_to_x25519_public_key(_public(seed)) == expected


@given(st.binary(min_size=32, max_size=32))
def test_it_accepts_or_refuses_any_32_bytes_by_name(raw):
    try:
        assert didkey.decode_multikey(didkey.encode_multikey(raw)) == raw
    except DidError as exc:
        assert exc.code == "invalidPublicKey"


@given(st.text(max_size=300))
@example("did:key:z")
@example("did:key:z1")
@example("did:key:z111111111111111111111111111111111111111111111")
@example("did:key:1:z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b")
def test_it_raises_only_named_errors_on_garbage_did_keys(text):
    for value in (text, "did:key:" + text, "did:key:z" + text):
        try:
            document = didkey.resolve(value)
        except DidError as exc:
            assert exc.code
        else:
            assert document["id"] == value


@given(st.text(alphabet=BASE58, max_size=120))
def test_it_raises_only_named_errors_on_any_base58_did_key(text):
    did = "did:key:z" + text
    try:
        key = didkey.public_key_from_did_key(did)
    except DidError as exc:
        assert exc.code in {
            "invalidDid",
            "invalidPublicKey",
            "invalidPublicKeyLength",
            "unsupportedPublicKeyType",
        }
    else:
        assert didkey.did_key_from_public_key(key) == did


@given(st.text(max_size=300))
def test_it_raises_only_named_errors_on_garbage_did_urls(text):
    for value in (text, "did:key:z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b" + text):
        try:
            didkey.dereference(value)
        except DidError as exc:
            assert exc.code
        try:
            parsed = parse_did_url(value)
        except DidError as exc:
            assert exc.code == "invalidDidUrl"
        else:
            assert str(parsed) == value


@given(st.text(max_size=300))
@example("did:web:%3A")
@example("did:web:a%3A")
@example("did:web:a%3A99999999999999999999")
def test_it_raises_only_named_errors_on_garbage_did_webs(text):
    for value in (text, "did:web:" + text):
        try:
            url = didweb.did_to_url(value)
        except DidError as exc:
            assert exc.code
        else:
            assert url.startswith("https://")
            assert didweb.did_to_url(didweb.url_to_did(url)) == url.replace(":443/", "/")


@given(st.binary(max_size=500))
def test_it_raises_only_named_errors_on_garbage_documents(body):
    try:
        didweb.parse_document("did:web:example.com", body)
    except DidError as exc:
        assert exc.code == "invalidDidDocument"


labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
hosts = (
    st.lists(labels, min_size=1, max_size=4).filter(lambda ls: not ls[-1].isdigit()).map(".".join)
)
segments = st.lists(st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True), max_size=3)


@given(hosts, st.none() | st.integers(min_value=1, max_value=65535), segments)
@settings(max_examples=200)
def test_it_round_trips_did_web_through_its_url(host, port, path):
    did = didweb.did_for_host(host, port, path)
    url = didweb.did_to_url(did)
    expected = did if port != 443 else didweb.did_for_host(host, None, path)
    assert didweb.url_to_did(url) == expected
    if path:
        assert url.endswith("/" + "/".join(path) + "/did.json")
    else:
        assert url.endswith("/.well-known/did.json")


@given(st.text(alphabet=string.printable, max_size=80))
def test_it_raises_only_value_errors_on_garbage_urls(text):
    for value in (text, "https://" + text, "https://example.com/" + text):
        try:
            didweb.url_to_did(value)
        except DidError as exc:
            assert exc.code
