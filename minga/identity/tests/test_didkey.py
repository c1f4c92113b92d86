"""did:key and Multikey against the published vectors (see data/SOURCES.md)."""

import base64
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from minga.identity import didkey
from minga.identity.didcore import (
    DidError,
    InvalidDid,
    InvalidDidUrl,
    InvalidPublicKey,
    InvalidPublicKeyLength,
    InvalidPublicKeyType,
    MethodNotSupported,
    NotFound,
    UnsupportedPublicKeyType,
)

DATA = Path(__file__).parent / "data"
VECTORS = json.loads((DATA / "ed25519-x25519.json").read_text())
SUITE = {p.stem: json.loads(p.read_text()) for p in (DATA / "did-key-test-suite").glob("*.json")}
VALID = "did:key:z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b"


def _public_key(seed_hex: str) -> bytes:
    return (
        Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))
        .public_key()
        .public_bytes_raw()
    )


@pytest.mark.parametrize("did", sorted(VECTORS))
def test_it_derives_the_did_key_from_the_seed(did):
    assert didkey.did_key_from_public_key(_public_key(VECTORS[did]["seed"])) == did


@pytest.mark.parametrize("did", sorted(VECTORS))
def test_it_decodes_the_did_key_to_the_public_key(did):
    vector = VECTORS[did]
    expected = _public_key(vector["seed"])
    assert didkey.public_key_from_did_key(did) == expected
    pair = vector["verificationKeyPair"]
    if "publicKeyJwk" in pair:
        assert _b64url(pair["publicKeyJwk"]["x"]) == expected
    else:
        assert didkey.base58.b58decode(pair["publicKeyBase58"]) == expected


@pytest.mark.parametrize("did", sorted(VECTORS))
def test_it_resolves_the_vector_document_exactly(did):
    expected = VECTORS[did]["didDocument"]
    key_format = expected["verificationMethod"][0]["type"]
    document = didkey.resolve(
        did, public_key_format=key_format, enable_experimental_public_key_types=True
    )
    assert document == expected


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _agreement_keys(pair: dict) -> tuple[bytes, bytes]:
    """(public, private) raw bytes of a vector's key agreement pair, whatever its format."""
    if "publicKeyJwk" in pair:
        return _b64url(pair["publicKeyJwk"]["x"]), _b64url(pair["privateKeyJwk"]["d"])
    return didkey.base58.b58decode(pair["publicKeyBase58"]), didkey.base58.b58decode(
        pair["privateKeyBase58"]
    )


@pytest.mark.parametrize("did", sorted(VECTORS))
def test_it_derives_the_x25519_key_agreement_key(did):
    vector = VECTORS[did]
    public, private = _agreement_keys(vector["keyAgreementKeyPair"])
    derived = didkey.ed25519_to_x25519_public_key(_public_key(vector["seed"]))
    assert derived == public
    fragment = vector["keyAgreementKeyPair"]["id"].rpartition("#")[2]
    assert fragment == didkey.encode_multikey(derived, codec=didkey.X25519_PUB)
    # Cross-check the birational map against X25519 itself: the private key is
    # the clamped first half of SHA-512(seed), and its public key is `derived`.
    clamped = bytearray(hashlib.sha512(bytes.fromhex(vector["seed"])).digest()[:32])
    clamped[0] &= 248
    clamped[31] = (clamped[31] & 127) | 64
    assert private == bytes(clamped)
    assert X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw() == derived


def test_it_resolves_the_suite_valid_did_in_the_2020_format():
    case = SUITE["validDid"]
    document = didkey.resolve(case["did"], public_key_format="Ed25519VerificationKey2020")
    assert document == case["expected"]["didDocument"]


@pytest.mark.parametrize("name", ["incorrectEncoding", "notMultibase"])
def test_it_rejects_the_suite_negative_dids_as_invalid_did(name):
    case = SUITE[name]
    assert case["negative"] is True
    with pytest.raises(InvalidDid) as caught:
        didkey.resolve(case["did"])
    assert caught.value.code == "invalidDid"


def test_it_resolves_to_multikey_by_default():
    document = didkey.resolve(VALID)
    assert document["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    (method,) = document["verificationMethod"]
    assert method == {
        "id": f"{VALID}#z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b",
        "type": "Multikey",
        "controller": VALID,
        "publicKeyMultibase": "z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b",
    }
    for relationship in ("authentication", "assertionMethod", "capabilityInvocation"):
        assert document[relationship] == [method["id"]]
    (agreement,) = document["keyAgreement"]
    assert agreement["type"] == "Multikey"
    assert agreement["publicKeyMultibase"] == "z6LSfHfAMAopsuBxaBzvp51GXrPf38Az13j2fmwqadbwwrzJ"


def test_it_leaves_out_key_agreement_when_asked():
    document = didkey.resolve(VALID, enable_encryption_key_derivation=False)
    assert "keyAgreement" not in document
    assert len(document["verificationMethod"]) == 1


@pytest.mark.parametrize(
    ("did", "error"),
    [
        ("did:web:example.com", MethodNotSupported),
        ("did:example:123", MethodNotSupported),
        ("dud:key:" + VALID[8:], InvalidDid),
        ("did:key:", InvalidDid),
        ("did:key:0:" + VALID[8:], InvalidDid),
        ("did:key:one:" + VALID[8:], InvalidDid),
        ("did:key:1:2:" + VALID[8:], InvalidDid),
        ("did:key:" + VALID[9:], InvalidDid),
        ("did:key:z0OIl", InvalidDid),
        (VALID + "#" + VALID[8:], InvalidDid),
        ("did:key:" + didkey.encode_multibase(b"\xed\x01" + b"\x07" * 31), InvalidPublicKeyLength),
        ("did:key:" + didkey.encode_multibase(b"\xed\x01" + b"\x07" * 33), InvalidPublicKeyLength),
        ("did:key:" + didkey.encode_multibase(b"\xed\x01"), InvalidPublicKeyLength),
        ("did:key:" + didkey.encode_multibase(b"\xed"), InvalidDid),
        ("did:key:z" + "2" * 200, InvalidPublicKeyLength),
        # a secp256k1 did:key (multicodec 0xe7) is well formed but not supported here
        ("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", UnsupportedPublicKeyType),
        # an X25519 did:key is a key agreement key, it cannot sign
        ("did:key:z6LSj72tK8brWgZja8NLRwPigth2T9QRiG1uH9oKZuKjdh9p", UnsupportedPublicKeyType),
        (None, InvalidDid),
        (42, InvalidDid),
    ],
)
def test_it_names_the_error_of_a_bad_did(did, error):
    with pytest.raises(error):
        didkey.resolve(did)


def test_it_refuses_bytes_that_are_not_a_curve_point():
    # y = 2 has no x on edwards25519: a 32-byte value that no signature verifies against.
    not_on_curve = (2).to_bytes(32, "little")
    did = "did:key:" + didkey.encode_multikey(not_on_curve)
    with pytest.raises(InvalidPublicKey):
        didkey.resolve(did)
    with pytest.raises(InvalidPublicKey):
        didkey.did_key_from_public_key(not_on_curve)


def test_it_refuses_a_non_canonical_y_coordinate():
    p = 2**255 - 19
    with pytest.raises(InvalidPublicKey):
        didkey.decode_multikey(didkey.encode_multikey((p + 1).to_bytes(32, "little")))


def test_it_refuses_the_identity_point_for_key_agreement():
    identity = (1).to_bytes(32, "little")
    with pytest.raises(InvalidPublicKey):
        didkey.ed25519_to_x25519_public_key(identity)


def test_it_refuses_an_unknown_public_key_format():
    with pytest.raises(UnsupportedPublicKeyType):
        didkey.resolve(VALID, public_key_format="RsaVerificationKey2018")


def test_it_needs_a_switch_for_experimental_public_key_types():
    with pytest.raises(InvalidPublicKeyType) as caught:
        didkey.resolve(VALID, public_key_format="Ed25519VerificationKey2018")
    assert caught.value.code == "invalidPublicKeyType"


def test_it_resolves_a_versioned_did_key():
    versioned = "did:key:1:" + VALID[8:]
    document = didkey.resolve(versioned)
    assert document["id"] == versioned
    assert document["verificationMethod"][0]["id"] == f"{versioned}#{VALID[8:]}"


def test_it_dereferences_the_signing_key():
    method = didkey.dereference(f"{VALID}#{VALID[8:]}")
    assert method["publicKeyMultibase"] == VALID[8:]
    assert didkey.verification_method_id(VALID) == method["id"]


def test_it_dereferences_the_key_agreement_key():
    fragment = "z6LSfHfAMAopsuBxaBzvp51GXrPf38Az13j2fmwqadbwwrzJ"
    assert didkey.dereference(f"{VALID}#{fragment}")["publicKeyMultibase"] == fragment


def test_it_dereferences_a_bare_did_to_its_document():
    assert didkey.dereference(VALID) == didkey.resolve(VALID)


@pytest.mark.parametrize(
    ("did_url", "error"),
    [
        (f"{VALID}#nope", NotFound),
        (f"{VALID}/path", NotFound),
        (f"{VALID}?service=x", NotFound),
        (f"{VALID}#frag ment", InvalidDidUrl),
        (f"{VALID}/a b", InvalidDidUrl),
        ("did:key:z#x", InvalidDidUrl),
        ("not a did#x", InvalidDidUrl),
        ("did:web:example.com#key", MethodNotSupported),
    ],
)
def test_it_names_the_error_of_a_bad_did_url(did_url, error):
    with pytest.raises(error):
        didkey.dereference(did_url)


def test_it_refuses_a_key_of_the_wrong_length():
    with pytest.raises(InvalidPublicKeyLength):
        didkey.encode_multikey(b"\x01" * 31)
    with pytest.raises(InvalidPublicKeyLength):
        didkey.did_key_from_public_key(b"\x01" * 33)


@pytest.mark.parametrize(
    "value", ["", "6Mk", "m7QFA", "z", "z0", "zI", "z\u00e9", " z6Mk", 7, None]
)
def test_it_refuses_malformed_multibase(value):
    with pytest.raises(DidError):
        didkey.decode_multikey(value)


def test_it_refuses_an_overlong_varint_header():
    with pytest.raises(InvalidPublicKey):
        didkey.decode_multikey(didkey.encode_multibase(b"\xff" * 12))
    with pytest.raises(InvalidPublicKey):
        # 0xed written with a redundant trailing zero byte
        didkey.decode_multikey(didkey.encode_multibase(b"\xed\x81\x00" + b"\x00" * 32))


def test_it_carries_the_spec_error_name_in_its_message():
    with pytest.raises(DidError) as caught:
        didkey.resolve("did:key:nope")
    assert str(caught.value).startswith("invalidDid: ")
