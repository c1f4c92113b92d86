"""C2SP signed notes, checkpoints, cosignatures and tlog-proof against the published examples."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from minga.audit import note
from minga.audit.tests.vectors import signed_notes

VECTORS = signed_notes()


def test_it_verifies_the_c2sp_signed_note_example() -> None:
    example = VECTORS["c2sp_signed_note"]
    key = note.parse_vkey(example["verifier_key"]["vkey"])
    assert key.key_id.hex() == "530d903a" and key.name == "example.com/foo"
    assert key.vkey == example["verifier_key"]["vkey"]
    parsed, verified = note.verify_note(example["signed_note"], [key])
    assert parsed.text == example["note_text"] and len(verified) == 1
    assert str(parsed) == example["signed_note"]


def test_it_reproduces_the_sumdb_signature_from_its_signer_key() -> None:
    example = VECTORS["golang_sumdb_note_example"]
    signer = note.parse_skey(example["signer_key"])
    assert signer.verifier.vkey == example["verifier_keys"][0]["vkey"]
    assert note.sign_note(example["note_text"], [signer]) == example["signed_note_single"]
    assert note.encode_skey(signer) == example["signer_key"]
    keys = [note.parse_vkey(k["vkey"]) for k in example["verifier_keys"]]
    _, verified = note.verify_note(example["signed_note_double"], keys)
    assert [s.name for s in verified] == ["PeterNeumann", "EnochRoot"]


def test_it_verifies_the_real_checkpoint_behind_the_c2sp_example() -> None:
    example = VECTORS["sumdb_checkpoint_behind_the_example"]
    key = note.parse_vkey(example["verifier_key"]["vkey"])
    checkpoint, _, _ = note.open_checkpoint(example["signed_note"], [key])
    assert (checkpoint.origin, checkpoint.size) == ("go.sum database tree", 20852163)
    assert checkpoint.root.hex() == VECTORS["c2sp_checkpoint"]["root_hash_hex"]


def test_it_rejects_the_c2sp_checkpoint_example_as_written() -> None:
    example = VECTORS["c2sp_checkpoint"]
    impostor = note.parse_vkey(
        VECTORS["sumdb_checkpoint_behind_the_example"]["verifier_key"]["vkey"]
    )
    renamed = note.Verifier(example["origin"], impostor.public_key)
    with pytest.raises(note.NoteError):
        note.verify_note(example["signed_note"], [renamed])
    assert note.parse_checkpoint(example["note_text"]).size == example["tree_size"]


def test_it_parses_the_cosignature_example() -> None:
    example = VECTORS["c2sp_cosigned_checkpoint"]
    parsed = note.parse_note(example["signed_note"])
    cosig = parsed.signatures[1]
    assert cosig.key_id.hex() == example["cosignature"]["key_id_hex"]
    assert note.cosignature_timestamp(cosig) == 1679315147
    assert cosig.signature[8:].hex() == example["cosignature"]["ed25519_signature_hex"]
    message = note.cosignature_message(parsed.text, 1679315147).decode()
    assert message == example["cosignature"]["signed_message"]


def test_it_splits_a_note_at_its_last_blank_line() -> None:
    example = VECTORS["c2sp_signed_note_intro_example"]
    parsed = note.parse_note(example["signed_note"])
    assert parsed.text == example["note_text"]
    assert parsed.signatures[0].key_id.hex() == example["signature_key_id_hex"]


def test_it_ignores_unknown_signatures_and_rejects_bad_known_ones() -> None:
    signer = note.Signer("log.example/a", Ed25519PrivateKey.generate())
    other = note.Signer("log.example/b", Ed25519PrivateKey.generate())
    signed = note.sign_note("hello\n", [other, signer])
    _, verified = note.verify_note(signed, [signer.verifier])
    assert [s.name for s in verified] == ["log.example/a"]
    with pytest.raises(note.NoteError, match="no signature"):
        note.verify_note(signed, [note.Signer("c", Ed25519PrivateKey.generate()).verifier])
    tampered = signed.replace("hello", "hullo")
    with pytest.raises(note.NoteError, match="does not verify"):
        note.verify_note(tampered, [signer.verifier])


def test_it_signs_and_checks_cosignatures() -> None:
    cosigner = note.Signer(
        "witness.example/w", Ed25519PrivateKey.generate(), note.SIG_COSIGNATURE_V1
    )
    body = note.checkpoint_body("log.example", 10, bytes(32))
    signed = note.sign_note(body, [cosigner], timestamp=1_700_000_000)
    vkey = cosigner.verifier.vkey
    assert note.parse_vkey(vkey).sig_type == note.SIG_COSIGNATURE_V1
    _, verified = note.verify_note(signed, [note.parse_vkey(vkey)])
    assert note.cosignature_timestamp(verified[0]) == 1_700_000_000
    # The same key as a plain note key has another key ID, so it does not match.
    with pytest.raises(note.NoteError):
        note.verify_note(signed, [note.Verifier(cosigner.name, cosigner.verifier.public_key)])
    with pytest.raises(note.NoteError, match="timestamp"):
        cosigner.sign(body)


@pytest.mark.parametrize(
    "text",
    [
        "no blank line\n\u2014 a AAAA\n",
        "text\n\n",
        "text\n\nsignature\n",
        "text\n\n\u2014 a not-base64\n",
        "text\n\n\u2014 a AAAA\n",
        "tab\there\n\n\u2014 a AAAAAAA=\n",
        "text\n\n\u2014  AAAAAAA=\n",
        "text\n\n\u2014 a+b AAAAAAA=\n",
        "text\n\n\u2014 a AAAAAAA=",
    ],
)
def test_it_rejects_malformed_notes(text: str) -> None:
    with pytest.raises(note.NoteError):
        note.parse_note(text)


def test_it_rejects_non_utf8_notes() -> None:
    with pytest.raises(note.NoteError, match="UTF-8"):
        note.parse_note(b"\xff\n\n\xe2\x80\x94 a AAAAAAA=\n")


@pytest.mark.parametrize(
    "vkey",
    [
        "example.com/foo",
        "example.com/foo+530d903a",
        "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "other.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2",
        "example.com/foo+530d903a+BekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
    ],
)
def test_it_rejects_bad_verifier_keys(vkey: str) -> None:
    with pytest.raises(note.NoteError):
        note.parse_vkey(vkey)


@pytest.mark.parametrize(
    "text",
    [
        "origin\n1\n",
        "origin\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "origin\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "origin\n1\nAAAA\n",
        "\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "origin\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\nx\n",
        "origin\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    ],
)
def test_it_rejects_malformed_checkpoints(text: str) -> None:
    with pytest.raises(note.NoteError):
        note.parse_checkpoint(text)


def test_it_keeps_checkpoint_extension_lines() -> None:
    text = "origin\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nextra line\n"
    assert note.parse_checkpoint(text).body == text


def test_it_round_trips_a_tlog_proof() -> None:
    signer = note.Signer("log.example", Ed25519PrivateKey.generate())
    checkpoint = note.sign_note(note.checkpoint_body("log.example", 3, bytes(32)), [signer])
    text = note.format_tlog_proof(
        index=2, proof=[bytes(32), b"\1" * 32], checkpoint=checkpoint, extra=b"entry"
    )
    assert text.startswith("c2sp.org/tlog-proof@v1\nextra ZW50cnk=\nindex 2\n")
    parsed = note.parse_tlog_proof(text)
    assert (parsed.index, parsed.proof, parsed.checkpoint, parsed.extra) == (
        2,
        (bytes(32), b"\1" * 32),
        checkpoint,
        b"entry",
    )
    bare = note.format_tlog_proof(index=0, proof=[], checkpoint=checkpoint)
    assert note.parse_tlog_proof(bare).extra is None and str(note.parse_tlog_proof(bare)) == bare


@pytest.mark.parametrize(
    "text",
    [
        "c2sp.org/tlog-proof@v2\nindex 0\n\nx",
        "c2sp.org/tlog-proof@v1\nindex 01\n\nx",
        "c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n\nx",
        "c2sp.org/tlog-proof@v1\nindex 0\nAAAA\n\nx",
        "c2sp.org/tlog-proof@v1\nindex 0\n",
        "c2sp.org/tlog-proof@v1\n\nx",
        "c2sp.org/tlog-proof@v1\nindex 0\n\nnot a note\n",
    ],
)
def test_it_rejects_malformed_tlog_proofs(text: str) -> None:
    with pytest.raises(note.NoteError):
        note.parse_tlog_proof(text)
