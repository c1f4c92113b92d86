"""Data Integrity proofs: the W3C vectors byte for byte, tampering, bad input as problems."""

import copy
import hashlib
import json
from pathlib import Path

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minga.credentials import dataintegrity, jsonld

DATA = Path(__file__).parent / "data"
VECTORS = DATA / "vc-di-eddsa"
CITIZENSHIP = "https://w3id.org/citizenship/v4rc1"

# (name, folder, file suffix, unsigned input, cryptosuite, extra contexts)
CASES = [
    ("rdfc", "eddsa-rdfc-2022", "DataInt", "unsigned.json", "eddsa-rdfc-2022", False),
    (
        "rdfc-employ",
        "eddsa-rdfc-2022/employ",
        "DataInt",
        "employmentAuth.json",
        "eddsa-rdfc-2022",
        True,
    ),
    ("jcs", "eddsa-jcs-2022", "JCS", "unsigned.json", "eddsa-jcs-2022", False),
]


def _text(path: Path) -> str:
    return path.read_text()


def _json(path: Path):
    return json.loads(path.read_text())


def _keys() -> tuple[Ed25519PrivateKey, Ed25519PublicKey]:
    pair = _json(VECTORS / "keyPair.json")
    secret = base58.b58decode(pair["privateKeyMultibase"][1:])
    public = base58.b58decode(pair["publicKeyMultibase"][1:])
    assert secret[:2] == b"\x80\x26" and public[:2] == b"\xed\x01"  # multicodec headers
    return (
        Ed25519PrivateKey.from_private_bytes(secret[2:]),
        Ed25519PublicKey.from_public_bytes(public[2:]),
    )


def _loader(extra: bool):
    if not extra:
        return None
    return jsonld.bundled_loader(
        {CITIZENSHIP: _json(DATA / "contexts" / "citizenship-v4rc1.jsonld")}
    )


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_it_reproduces_every_intermediate_value_of_the_w3c_vectors(case):
    _, folder, suffix, unsigned, suite, extra = case
    here = VECTORS / folder
    loader = _loader(extra)
    document = _json(VECTORS / unsigned)
    config = _json(here / f"proofConfig{suffix}.json")

    canonical_document = dataintegrity.canonical_document(document, suite, loader=loader)
    canonical_config = dataintegrity.canonical_proof_config(config, suite, loader=loader)
    assert canonical_document.decode() == _text(here / f"canonDoc{suffix}.txt")
    assert canonical_config.decode() == _text(here / f"proofCanon{suffix}.txt")
    assert hashlib.sha256(canonical_document).hexdigest() == _text(here / f"docHash{suffix}.txt")
    assert hashlib.sha256(canonical_config).hexdigest() == _text(here / f"proofHash{suffix}.txt")
    combined = dataintegrity.hash_data(canonical_config, canonical_document)
    assert combined.hex() == _text(here / f"combinedHash{suffix}.txt")

    private_key, _ = _keys()
    assert private_key.sign(combined).hex() == _text(here / f"sigHex{suffix}.txt")


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_it_signs_exactly_the_published_credential(case):
    _, folder, suffix, unsigned, suite, extra = case
    here = VECTORS / folder
    config = _json(here / f"proofConfig{suffix}.json")
    private_key, _ = _keys()
    signed = dataintegrity.sign(
        _json(VECTORS / unsigned),
        private_key=private_key,
        verification_method=config["verificationMethod"],
        created=config["created"],
        cryptosuite=suite,
        loader=_loader(extra),
    )
    expected = _json(here / f"signed{suffix}.json")
    assert signed == expected
    assert signed["proof"]["proofValue"] == _text(here / f"sigBTC58{suffix}.txt")


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_it_verifies_the_published_credential(case):
    _, folder, suffix, _, _, extra = case
    _, public_key = _keys()
    signed = _json(VECTORS / folder / f"signed{suffix}.json")
    dataintegrity.verify(signed, public_key=public_key, loader=_loader(extra))


def _leaves(value, path=()):
    """Every (path, leaf value) of a JSON document, the proof left out."""
    if isinstance(value, dict):
        for key, item in value.items():
            if path == () and key == "proof":
                continue
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _tampered(document, path):
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    value = target[path[-1]]
    target[path[-1]] = value + "x" if isinstance(value, str) else "tampered"
    return changed


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_it_fails_when_any_field_is_changed(case):
    _, folder, suffix, _, _, extra = case
    _, public_key = _keys()
    signed = _json(VECTORS / folder / f"signed{suffix}.json")
    paths = [path for path, _ in _leaves(signed) if path[0] != "@context"]
    assert len(paths) >= 8
    for path in paths:
        with pytest.raises(dataintegrity.ProofError) as caught:
            dataintegrity.verify(
                _tampered(signed, path), public_key=public_key, loader=_loader(extra)
            )
        assert caught.value.problem.type.name == "PROOF_VERIFICATION_ERROR", path


@pytest.mark.parametrize(
    "field", ["created", "verificationMethod"], ids=["created", "verificationMethod"]
)
def test_it_fails_when_the_proof_options_are_changed(field):
    _, public_key = _keys()
    signed = _json(VECTORS / "eddsa-rdfc-2022" / "signedDataInt.json")
    signed["proof"][field] = {
        "created": "2023-02-24T23:36:39Z",
        "verificationMethod": "did:key:z6Mkother#z6Mkother",
    }[field]
    with pytest.raises(dataintegrity.ProofError) as caught:
        dataintegrity.verify(signed, public_key=public_key)
    assert caught.value.problem.type.name == "PROOF_VERIFICATION_ERROR"


def test_it_fails_with_another_key():
    signed = _json(VECTORS / "eddsa-rdfc-2022" / "signedDataInt.json")
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(dataintegrity.ProofError) as caught:
        dataintegrity.verify(signed, public_key=other)
    assert caught.value.problem.type.name == "PROOF_VERIFICATION_ERROR"


def test_it_names_an_unknown_context_without_fetching_it():
    _, public_key = _keys()
    signed = _json(VECTORS / "eddsa-rdfc-2022" / "employ" / "signedDataInt.json")
    with pytest.raises(dataintegrity.ProofError) as caught:
        dataintegrity.verify(signed, public_key=public_key)  # the bundled contexts only
    assert caught.value.problem.type.name == "unknown-context"
    assert CITIZENSHIP in caught.value.problem.detail


def test_a_context_one_loader_knows_is_not_served_by_another():
    _, public_key = _keys()
    signed = _json(VECTORS / "eddsa-rdfc-2022" / "employ" / "signedDataInt.json")
    dataintegrity.verify(signed, public_key=public_key, loader=_loader(True))
    with pytest.raises(dataintegrity.ProofError):
        dataintegrity.verify(signed, public_key=public_key)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.pop("proof"), "MALFORMED_PROOF_ERROR"),
        (lambda d: d.update(proof="not an object"), "MALFORMED_PROOF_ERROR"),
        (lambda d: d.update(proof=[d["proof"], d["proof"]]), "MALFORMED_PROOF_ERROR"),
        (lambda d: d["proof"].update(type="Ed25519Signature2020"), "MALFORMED_PROOF_ERROR"),
        (lambda d: d["proof"].update(cryptosuite="ecdsa-rdfc-2019"), "MALFORMED_PROOF_ERROR"),
        (lambda d: d["proof"].pop("verificationMethod"), "MALFORMED_PROOF_ERROR"),
        (lambda d: d["proof"].update(created="yesterday"), "MALFORMED_PROOF_ERROR"),
        (lambda d: d["proof"].update(proofValue="u" + "A" * 86), "MALFORMED_PROOF_ERROR"),
        (lambda d: d["proof"].update(proofValue="z111"), "MALFORMED_PROOF_ERROR"),
        (lambda d: d["proof"].update(proofValue=12), "MALFORMED_PROOF_ERROR"),
        (
            lambda d: d["proof"].update(proofPurpose="authentication"),
            "MISMATCHED_PROOF_PURPOSE_ERROR",
        ),
        (lambda d: d.update({"@context": ["https://example.org/evil"]}), "unknown-context"),
        (lambda d: d.update({"@context": 42}), "PROOF_TRANSFORMATION_ERROR"),
    ],
)
def test_it_reports_a_malformed_proof_or_document(change, problem):
    _, public_key = _keys()
    signed = _json(VECTORS / "eddsa-rdfc-2022" / "signedDataInt.json")
    change(signed)
    with pytest.raises(dataintegrity.ProofError) as caught:
        dataintegrity.verify(signed, public_key=public_key)
    assert caught.value.problem.type.name == problem
    assert caught.value.problem.detail


def test_it_refuses_to_sign_twice_or_with_an_unknown_suite():
    private_key, _ = _keys()
    signed = _json(VECTORS / "eddsa-rdfc-2022" / "signedDataInt.json")
    with pytest.raises(dataintegrity.ProofError):
        dataintegrity.sign(signed, private_key=private_key, verification_method="did:key:x#y")
    with pytest.raises(dataintegrity.ProofError):
        dataintegrity.sign(
            _json(VECTORS / "unsigned.json"),
            private_key=private_key,
            verification_method="did:key:x#y",
            cryptosuite="rsa-2048",
        )


def test_a_new_signature_verifies_and_carries_the_time():
    private_key, public_key = _keys()
    signed = dataintegrity.sign(
        _json(VECTORS / "unsigned.json"), private_key=private_key, verification_method="did:key:a#b"
    )
    assert dataintegrity.parse_datetime(signed["proof"]["created"]) is not None
    dataintegrity.verify(signed, public_key=public_key)


def test_a_poison_graph_is_refused_quickly():
    """Blank nodes that all look alike make RDFC-1.0 exponential; the bounds stop it."""
    size = 10
    nodes = [
        {
            "@id": f"_:b{i}",
            "http://example.org/p": [{"@id": f"_:b{j}"} for j in range(size) if j != i],
        }
        for i in range(size)
    ]
    with pytest.raises(jsonld.CanonicalizationError):
        jsonld.canonize({"@graph": nodes}, seconds=1.0)


def test_canonicalisation_stops_at_its_deadline():
    nodes = [
        {"@id": f"_:b{i}", "http://example.org/p": {"@id": f"_:b{(i + 1) % 30}"}} for i in range(30)
    ]
    with pytest.raises(jsonld.CanonicalizationError):
        jsonld.canonize({"@graph": nodes}, seconds=0.0)


def test_a_large_graph_is_refused():
    items = [{"http://example.org/p": str(i)} for i in range(jsonld.MAX_QUADS + 1)]
    with pytest.raises(jsonld.CanonicalizationError):
        jsonld.canonize({"@graph": items})


@pytest.mark.parametrize(
    ("text", "too_large"),
    [
        ("[" * 40 + "]" * 40, True),
        ("[" * 100_000 + "]" * 100_000, True),
        ("{", False),
        ("NaN", False),
        ('{"a": Infinity}', False),
        ("1" * 5000, False),
        (b"\xff\xfe", False),
        ("[" + "0," * 30_000 + "0]", True),
        ("x" * (jsonld.MAX_INPUT_BYTES + 1), True),
    ],
    ids=[
        "deep",
        "very-deep",
        "truncated",
        "nan",
        "infinity",
        "huge-number",
        "not-utf8",
        "many",
        "big",
    ],
)
def test_bad_input_is_a_clear_error(text, too_large):
    with pytest.raises(jsonld.InputError) as caught:
        jsonld.parse_json(text)
    assert caught.value.too_large is too_large
    assert str(caught.value)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from(["@context", "@id", "@type", "@graph", "id", "type", "proof", "name"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(KEYS | st.text(max_size=8), JSON, max_size=6),
    st.sampled_from(dataintegrity.CRYPTOSUITES),
)
def test_any_json_is_a_problem_never_a_crash(document, suite):
    _, public_key = _keys()
    signed = _json(VECTORS / "eddsa-rdfc-2022" / "signedDataInt.json")
    proof = dict(signed["proof"], cryptosuite=suite)
    for candidate in (document, {**document, "proof": proof}, {**signed, **document}):
        try:
            dataintegrity.verify(candidate, public_key=public_key)
        except dataintegrity.ProofError as error:
            assert error.problem.type.uri and error.problem.detail


def test_the_context_caches_change_nothing_in_the_output():
    """Canonical N-Quads with the cached contexts equal pyld's own, document after document."""
    from pyld import jsonld as pyld

    def plain_loader(url, options=None):
        return {"contextUrl": None, "documentUrl": url, "document": jsonld.CONTEXTS[url]}

    signed = _json(VECTORS / "eddsa-rdfc-2022" / "signedDataInt.json")
    badge = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "https://example.org/credentials/1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:example.org", "type": ["Profile"], "name": "Kahawa"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/achievements/1",
                "type": ["Achievement"],
                "name": "Bookkeeping",
                "description": "Books.",
                "criteria": {"narrative": "Attend."},
                "creator": {"id": "did:web:example.org", "type": ["Profile"]},
            },
            "result": [{"type": ["Result"], "value": "92"}],
        },
        "credentialStatus": [
            {
                "id": "https://example.org/status/1#3",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "3",
                "statusListCredential": "https://example.org/status/1",
            }
        ],
    }
    for document in [signed, badge, signed, badge, {**badge, "name": "Again"}]:
        expected = pyld.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": plain_loader,
            },
        )
        assert jsonld.canonize(document) == expected
