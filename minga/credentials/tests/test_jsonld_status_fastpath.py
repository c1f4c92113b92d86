"""Credentials whose status entry is written directly canonicalise byte for byte as pyld does.

`jsonld.canonize` leaves the `BitstringStatusListEntry` of a credential of Minga's own shape out
of pyld's expansion and adds its statements itself; every other document goes through pyld
in full. The reference here is the same canonicalisation through a loader of its own, which
never takes the fast path.
"""

import io
import json

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minga.credentials import credential, dataintegrity, jsonld
from minga.credentials.models import Credential

PYLD = jsonld.bundled_loader()  # not the default loader: never the fast path
# The canonicalisation deadline guards a verifier against costly documents; here it must not
# decide the comparison on a loaded machine, so both sides get ample time.
SECONDS = 120.0


def _pyld(document) -> str | None:
    try:
        return jsonld.canonize(document, loader=PYLD, seconds=SECONDS)
    except jsonld.CanonicalizationError:
        return None


def _canonize(document) -> str | None:
    try:
        return jsonld.canonize(document, seconds=SECONDS)
    except jsonld.CanonicalizationError:
        return None


def _assert_same(document) -> None:
    full = _pyld(document)
    assert _canonize(document) == full, json.dumps(document, ensure_ascii=False)


def _credential(**changes):
    """A credential of the shape `credential.credential_document` writes."""
    url = "https://minga.example/credentials/6f1c2d1e-8b4a-4e43-9a55-0d4f4b3f6a10"
    did = "did:web:minga.example:coops:abahuzamugambi"
    achievement = "https://minga.example/credentials/achievements/2a0c/"
    status = "https://minga.example/credentials/status/abahuzamugambi/message/1"
    profile = {
        "id": did,
        "type": ["Profile"],
        "name": "Abahuzamugambi Coffee Cooperative",
        "url": "https://minga.example/coops/abahuzamugambi/",
    }
    document = {
        "@context": list(credential.CONTEXTS),
        "id": url,
        "type": list(credential.CREDENTIAL_TYPES),
        "issuer": profile,
        "validFrom": "2026-05-01T09:30:00Z",
        "name": "Bookkeeping basics",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "urn:uuid:4063283c-59c1-468b-8a01-639ad9a5c290",
                    "identityType": "identifier",
                    "hashed": False,
                },
                credential.name_identifier("Ana Pérez"),
            ],
            "result": [
                {"type": ["Result"], "resultDescription": f"{achievement}#result-1", "value": "92"}
            ],
            "achievement": {
                "id": achievement,
                "type": ["Achievement"],
                "achievementType": "CertificateOfCompletion",
                "name": "Bookkeeping basics",
                "description": "Keeps a cooperative's books by double entry.",
                "criteria": {"narrative": "Attend four sessions and pass the assessment."},
                "inLanguage": "en",
                "creator": profile,
                "resultDescription": [
                    {
                        "id": f"{achievement}#result-1",
                        "type": ["ResultDescription"],
                        "name": "Assessment score",
                        "resultType": "Percent",
                    }
                ],
            },
        },
        "evidence": [
            {"type": ["Evidence"], "id": "https://example.org/evidence/1", "name": "Ledger"}
        ],
        "credentialStatus": {
            "id": f"{status}#7",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "message",
            "statusListIndex": "7",
            "statusSize": credential.STATUS_SIZE,
            "statusMessage": [dict(item) for item in credential.STATUS_MESSAGES],
            "statusReference": url,
            "statusListCredential": status,
        },
    }
    entry = changes.pop("entry", {})
    document["credentialStatus"].update(entry)
    document.update(changes)
    return document


def test_the_fast_path_knows_the_messages_credentials_carry():
    assert list(jsonld._FAST_MESSAGES) == credential.STATUS_MESSAGES
    assert jsonld._FAST_CONTEXT == credential.CONTEXTS
    assert jsonld._FAST_TYPE == credential.CREDENTIAL_TYPES
    assert jsonld._known_status_entry(_credential()) is not None
    _assert_same(_credential())


@pytest.mark.django_db
def test_every_credential_the_demo_issues_canonicalises_as_pyld_does():
    call_command("demo", stdout=io.StringIO())
    kinds: dict[str, int] = {}
    for issued in Credential.objects.all():
        document, _ = dataintegrity.split_proof(json.loads(issued.document))
        assert jsonld._known_status_entry(document) is not None, issued.source
        assert jsonld.canonize(document) == jsonld.canonize(document, loader=PYLD), issued.source
        kind = issued.source.split(":", 1)[0] or "issued"
        kinds[kind] = kinds.get(kind, 0) + 1
    assert len(kinds) >= 2, kinds  # badges and award certificates at least


# Strings a name, an identifier or a description may hold: unicode, quotes, backslashes,
# newlines and the other characters N-Quads escapes.
texts = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from('"\\\n\r\t\b\f\x00\x7f\u2028😀'),
    max_size=24,
)
iris = (
    st.from_regex(r"https://[a-z]{1,8}\.example/[A-Za-z0-9/#%._~-]{0,20}", fullmatch=True)
    | st.sampled_from(
        [
            "urn:uuid:4063283c-59c1-468b-8a01-639ad9a5c290",
            "https://minga.example/a b",
            "https://minga.example/é",
            "https://minga.example/<x>",
            "_:b0",
            "relative/path",
            "did:web:minga.example",
            "",
        ]
    )
    | texts
)
messages = st.sampled_from(
    [
        [dict(item) for item in credential.STATUS_MESSAGES],
        [dict(item) for item in reversed(credential.STATUS_MESSAGES)],
        [dict(item) for item in credential.STATUS_MESSAGES[:3]],
        [*credential.STATUS_MESSAGES, {"status": "0x3", "message": "undefined"}],
        [{**credential.STATUS_MESSAGES[0], "message": "actif"}, *credential.STATUS_MESSAGES[1:]],
        [{**credential.STATUS_MESSAGES[0], "id": "https://x.example/m"}],
        {"status": "0x0", "message": "active"},
    ]
)
entries = st.fixed_dictionaries(
    {},
    optional={
        "id": iris,
        "type": st.sampled_from(["BitstringStatusListEntry", "StatusList2021Entry"]),
        "statusPurpose": st.sampled_from(["message", "revocation"]) | texts,
        "statusListIndex": st.from_regex(r"[0-9]{1,6}", fullmatch=True)
        | texts
        | st.integers(0, 99),
        "statusSize": st.integers(0, 2**40) | st.booleans() | st.just("2") | st.just(2.0),
        "statusMessage": messages,
        "statusReference": iris,
        "statusListCredential": iris,
    },
)


@st.composite
def credentials(draw):
    document = _credential(
        id=draw(iris),
        name=draw(texts),
        entry=draw(entries),
        issuer={**_credential()["issuer"], "name": draw(texts), "description": draw(texts)},
    )
    subject = document["credentialSubject"]
    subject["identifier"][1] = credential.name_identifier(draw(texts))
    subject["achievement"]["criteria"]["narrative"] = draw(texts)
    subject["result"][0]["value"] = draw(texts)
    for key in draw(st.sets(st.sampled_from(sorted(document["credentialStatus"])), max_size=1)):
        del document["credentialStatus"][key]
    extra = draw(
        st.sampled_from(
            [
                {},
                {"validUntil": "2027-05-01T09:30:00Z"},
                {"description": "More."},
                {"credentialStatus": [document["credentialStatus"]]},
                {"@context": [credential.VC_V2_CONTEXT, credential.OB_V3_CONTEXT, "x"]},
                {"@context": [credential.VC_V2_CONTEXT]},
                {"type": ["VerifiableCredential"]},
                # The same statement twice: once in the entry, once from the evidence.
                {
                    "evidence": [
                        {
                            "id": document["credentialStatus"].get("id", "https://e.x/"),
                            "type": "BitstringStatusListEntry",
                        }
                    ]
                },
                {"https://www.w3.org/2018/credentials#credentialStatus": {"id": "https://s.x/"}},
            ]
        )
    )
    document.update(extra)
    return document


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credentials())
def test_any_credential_canonicalises_as_pyld_does(document):
    _assert_same(document)


safe_iris = st.from_regex(
    r"https?://[a-z]{1,8}\.example/[A-Za-z0-9/#%._~:'()*+,;=!$&-]{0,20}", fullmatch=True
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, texts, texts, st.integers(0, 10**6), safe_iris, safe_iris, st.integers(0, 10**9 - 1))
def test_varied_minga_credentials_take_the_fast_path_and_agree(
    name, holder, what, index, url, status, size
):
    entry = {
        "statusListIndex": str(index),
        "id": f"{status}#{index}",
        "statusListCredential": status,
        "statusReference": url,
        "statusSize": size,
    }
    document = _credential(name=name, id=url, entry=entry)
    document["credentialSubject"]["identifier"][1] = credential.name_identifier(holder)
    document["issuer"] = {**document["issuer"], "description": what}
    assert jsonld._known_status_entry(document) is not None
    _assert_same(document)


def _expanded_documents(monkeypatch):
    """The documents pyld is asked to turn into RDF."""
    seen = []
    original = jsonld._Processor.to_rdf

    def to_rdf(self, document, options):
        seen.append(document)
        return original(self, document, options)

    monkeypatch.setattr(jsonld._Processor, "to_rdf", to_rdf)
    return seen


@pytest.mark.parametrize(
    "document",
    [
        _credential(entry={"statusPurpose": "revocation"}),
        _credential(entry={"statusMessage": credential.STATUS_MESSAGES[:3]}),
        _credential(credentialStatus=[_credential()["credentialStatus"]] * 2),
        _credential(**{"@context": [credential.VC_V2_CONTEXT]}),
        _credential(description="A member the fast path does not list."),
        _credential(entry={"statusReference": "https://minga.example/a b"}),
    ],
    ids=["purpose", "messages", "two-entries", "context", "member", "iri"],
)
def test_a_credential_it_does_not_recognise_goes_through_pyld(monkeypatch, document):
    assert jsonld._known_status_entry(document) is None
    seen = _expanded_documents(monkeypatch)
    result = _canonize(document)
    assert [d.get("credentialStatus") for d in seen] == [document["credentialStatus"]]
    assert result == _pyld(document)


def test_a_credential_it_recognises_skips_pyld_for_the_entry_only(monkeypatch):
    document = _credential()
    seen = _expanded_documents(monkeypatch)
    result = jsonld.canonize(document)
    assert len(seen) == 1 and "credentialStatus" not in seen[0]
    assert seen[0]["credentialSubject"] == document["credentialSubject"]
    assert result == _pyld(document)
    assert result.count("_:c14n") and "#statusMessage> _:c14n" in result


def test_a_credential_signed_on_the_fast_path_verifies_through_pyld_and_back():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    method = "did:web:minga.example:coops:abahuzamugambi#key-1"
    signed = dataintegrity.sign(_credential(), private_key=key, verification_method=method)
    dataintegrity.verify(signed, public_key=key.public_key(), loader=PYLD)
    other = dataintegrity.sign(
        _credential(), private_key=key, verification_method=method, loader=PYLD
    )
    dataintegrity.verify(other, public_key=key.public_key())
    tampered = {
        **signed,
        "credentialStatus": _credential(entry={"statusListIndex": "8"})["credentialStatus"],
    }
    with pytest.raises(dataintegrity.ProofError):
        dataintegrity.verify(tampered, public_key=key.public_key())


def test_a_statement_the_rest_of_the_credential_also_makes_is_written_once():
    document = _credential()
    entry = document["credentialStatus"]["id"]
    document["evidence"] = [{"id": entry, "type": "BitstringStatusListEntry"}]
    assert jsonld._known_status_entry(document) is not None
    result = jsonld.canonize(document)
    assert result.count("status#BitstringStatusListEntry> .") == 1
    assert result == _pyld(document)
