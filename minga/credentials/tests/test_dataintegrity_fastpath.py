"""The proof configurations written directly are byte for byte what RDFC-1.0 gives them.

`dataintegrity.proof_config_nquads` skips pyld for the one shape of proof options this
instance signs and verifies; everything else must fall back to the full canonicalisation.
"""

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from minga.core import jcs
from minga.credentials import dataintegrity, jsonld

OTHER_CONTEXTS = [
    ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/v2"],
    ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    "https://www.w3.org/ns/credentials/v2",
    [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
]

contexts = st.sampled_from([list(c) for c in dataintegrity._FAST_CONTEXTS] + OTHER_CONTEXTS)
created = st.from_regex(dataintegrity._DATETIME_RE, fullmatch=True) | st.text(max_size=30)
methods = (
    st.from_regex(dataintegrity._FAST_METHOD_RE, fullmatch=True)
    | st.builds(
        lambda did, key: f"{did}#{key}",
        st.sampled_from(
            ["did:web:minga.coop:coops:abahuzamugambi", "did:web:localhost%3A8000", "did:key:z6Mk"]
        ),
        st.text(min_size=1, max_size=12),
    )
    | st.text(max_size=30)
)
suites = st.sampled_from([*dataintegrity.CRYPTOSUITES, "ecdsa-rdfc-2019"]) | st.text(max_size=10)
purposes = st.sampled_from(
    ["assertionMethod", "authentication", "capabilityInvocation", "assertionmethod"]
) | st.text(max_size=10)
types = st.sampled_from(["DataIntegrityProof", "Ed25519Signature2020"]) | st.text(max_size=10)


@st.composite
def configs(draw):
    config = {
        "@context": draw(contexts),
        "type": draw(types),
        "cryptosuite": draw(suites),
        "created": draw(created),
        "verificationMethod": draw(methods),
        "proofPurpose": draw(purposes),
    }
    for name in draw(st.sets(st.sampled_from(sorted(config)), max_size=2)):
        del config[name]
    extra = draw(
        st.dictionaries(
            st.sampled_from(["expires", "domain", "challenge", "nonce", "id", "name"]),
            st.text(max_size=10),
            max_size=2,
        )
    )
    return {**config, **extra}


def _pyld(config) -> bytes | None:
    try:
        return jsonld.canonize(config).encode("utf-8")
    except jsonld.CanonicalizationError:
        return None


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from([list(c) for c in dataintegrity._FAST_CONTEXTS]),
    st.from_regex(dataintegrity._DATETIME_RE, fullmatch=True),
    st.from_regex(dataintegrity._FAST_METHOD_RE, fullmatch=True),
    st.sampled_from(dataintegrity.CRYPTOSUITES),
)
def test_the_usual_shape_is_written_exactly_as_rdfc_writes_it(context, when, method, suite):
    config = {
        "@context": context,
        "type": "DataIntegrityProof",
        "cryptosuite": suite,
        "created": when,
        "verificationMethod": method,
        "proofPurpose": "assertionMethod",
    }
    fast = dataintegrity.proof_config_nquads(config)
    assert fast is not None
    assert fast == _pyld(config)


@settings(max_examples=400, deadline=None)
@given(configs())
def test_any_configuration_canonicalises_as_pyld_does(config):
    fast = dataintegrity.proof_config_nquads(config)
    full = _pyld(config)
    if fast is not None:
        assert fast == full
    if full is None:
        assert fast is None
        with pytest.raises(dataintegrity.ProofError):
            dataintegrity.canonical_proof_config(config, dataintegrity.RDFC)
    else:
        assert dataintegrity.canonical_proof_config(config, dataintegrity.RDFC) == full


def test_a_real_proof_configuration_takes_the_short_way():
    config = dataintegrity.proof_config(
        {"@context": list(dataintegrity._FAST_CONTEXTS[2])},
        verification_method="did:web:minga.coop:coops:abahuzamugambi#z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH",
        created="2026-05-01T09:30:00Z",
        cryptosuite=dataintegrity.RDFC,
        proof_purpose="assertionMethod",
    )
    assert dataintegrity.proof_config_nquads(config) == _pyld(config)


# --- RFC 8785 JSON ------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


def _rfc8785(value) -> bytes | type[Exception]:
    try:
        return rfc8785.dumps(value)
    except Exception as error:  # noqa: BLE001 (compared: both must refuse alike)
        return type(error)


@settings(max_examples=1000, deadline=None)
@given(json_values)
def test_canonical_json_is_rfc8785(value):
    expected = _rfc8785(value)
    if isinstance(expected, bytes):
        assert jcs.canonical_json(value) == expected
    else:
        with pytest.raises(expected):
            jcs.canonical_json(value)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.text(alphabet=st.characters(max_codepoint=127), max_size=8),
        st.text(
            alphabet=st.characters(codec="utf-8")
            | st.sampled_from('"\\\x00\x1f\x7f\b\f\n\r\t\u2028\ue000\U0001f600')
        ),
        max_size=6,
    )
)
def test_canonical_json_writes_strings_as_rfc8785_does(value):
    assert jcs.plain_json(value)
    assert jcs.canonical_json(value) == rfc8785.dumps(value)


def test_canonical_json_of_a_credential_is_rfc8785():
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "name": "Contabilidad básica — «nivel 1» 😀",
        "credentialSubject": {"result": [{"value": "92", "rank": 1}], "hashed": True},
        "validUntil": None,
    }
    assert jcs.canonical_json(credential) == rfc8785.dumps(credential)


@pytest.mark.parametrize("value", [{"a": "\ud800"}, ["\udfff"], 2**53, {"é": 1.5}])
def test_canonical_json_refuses_or_writes_what_rfc8785_does(value):
    expected = _rfc8785(value)
    if isinstance(expected, bytes):
        assert jcs.canonical_json(value) == expected
    else:
        with pytest.raises(expected):
            jcs.canonical_json(value)
