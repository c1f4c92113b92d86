"""The stand-alone offline verifier: agrees with the log's modules and refuses forgeries."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from minga.audit import merkle, note, verifier
from minga.audit.tests.vectors import b64, probes

ENTRIES = [f'{{"n":{i}}}'.encode() for i in range(11)]
LOG = note.Signer("log.example/log", Ed25519PrivateKey.generate())
WITNESSES = [
    note.Signer(f"w{i}.example", Ed25519PrivateKey.generate(), note.SIG_COSIGNATURE_V1)
    for i in range(3)
]


def make_receipt(index: int = 4, *, witnesses=WITNESSES[:2], extra: bool = True) -> str:
    body = note.checkpoint_body(LOG.name, len(ENTRIES), merkle.root_hash(ENTRIES))
    signed = note.sign_note(body, [LOG])
    for w in witnesses:
        signed += w.sign(body, timestamp=int(time.time())).line
    return note.format_tlog_proof(
        index=index,
        proof=merkle.inclusion_proof(ENTRIES, index),
        checkpoint=signed,
        extra=ENTRIES[index] if extra else None,
    )


def keys(*signers: note.Signer) -> list[verifier.Key]:
    return [verifier.parse_key(s.verifier.vkey) for s in signers]


INCLUSION = [
    (name, p)
    for name, p in probes("inclusion")
    if all(len(b64(h)) == 32 for h in [p["leafHash"], p["root"], *(p["proof"] or [])])
]


@pytest.mark.parametrize(("name", "probe"), INCLUSION, ids=[n for n, _ in INCLUSION])
def test_it_agrees_with_the_merkle_module_on_every_probe(name: str, probe: dict) -> None:
    proof = [b64(h) for h in probe["proof"] or []]
    try:
        merkle.verify_inclusion(
            b64(probe["leafHash"]), probe["leafIdx"], probe["treeSize"], proof, b64(probe["root"])
        )
        expected = True
    except merkle.ProofError:
        expected = False
    try:
        got = verifier.inclusion_root(
            b64(probe["leafHash"]), probe["leafIdx"], probe["treeSize"], proof
        ) == b64(probe["root"])
    except verifier.Invalid:
        got = False
    assert got == expected == (not probe["wantErr"])


def test_it_accepts_a_receipt_under_a_witness_policy() -> None:
    report = verifier.verify(make_receipt(), log_key=keys(LOG)[0], witnesses=keys(*WITNESSES), k=2)
    assert report["valid"] and report["index"] == 4 and report["entry"] == {"n": 4}
    assert sorted(report["witnesses"]["cosigned"]) == ["w0.example", "w1.example"]


def test_it_needs_every_witness_by_default() -> None:
    with pytest.raises(verifier.Invalid, match="2 of the 3 required"):
        verifier.verify(make_receipt(), log_key=keys(LOG)[0], witnesses=keys(*WITNESSES))


@pytest.mark.parametrize("index", range(len(ENTRIES)))
def test_it_checks_every_position(index: int) -> None:
    assert verifier.verify(make_receipt(index), log_key=keys(LOG)[0])["valid"]


def test_it_refuses_a_receipt_for_another_entry() -> None:
    with pytest.raises(verifier.Invalid, match="not in the checkpointed tree"):
        verifier.verify(make_receipt(4), log_key=keys(LOG)[0], entry=ENTRIES[5])


def test_it_refuses_a_moved_index() -> None:
    receipt = make_receipt(4).replace("\nindex 4\n", "\nindex 5\n")
    with pytest.raises(verifier.Invalid):
        verifier.verify(receipt, log_key=keys(LOG)[0])


def test_it_refuses_another_logs_key() -> None:
    other = note.Signer(LOG.name, Ed25519PrivateKey.generate())
    with pytest.raises(verifier.Invalid, match="not signed by the log"):
        verifier.verify(make_receipt(), log_key=keys(other)[0])


def test_it_refuses_a_forged_cosignature() -> None:
    receipt = make_receipt(witnesses=[])
    body = receipt.split("\n\n")[1] + "\n"
    forged = WITNESSES[0].sign(body.replace(LOG.name, "x"), timestamp=1).line
    with pytest.raises(verifier.Invalid, match="w0.example does not verify"):
        verifier.verify(receipt + forged, log_key=keys(LOG)[0], witnesses=keys(WITNESSES[0]))


def test_it_refuses_a_receipt_without_an_entry() -> None:
    with pytest.raises(verifier.Invalid, match="no entry"):
        verifier.verify(make_receipt(extra=False), log_key=keys(LOG)[0])


def test_it_refuses_another_origin() -> None:
    with pytest.raises(verifier.Invalid, match="is from"):
        verifier.verify(make_receipt(), log_key=keys(LOG)[0], origin="elsewhere.example")


@pytest.mark.parametrize("bit", [0, 100, 300, 700, 1000])
def test_it_refuses_any_flipped_character(bit: int) -> None:
    receipt = make_receipt()
    position = bit % len(receipt)
    flipped = receipt[:position] + chr(ord(receipt[position]) ^ 1) + receipt[position + 1 :]
    with pytest.raises(verifier.Invalid):
        verifier.verify(flipped, log_key=keys(LOG)[0], witnesses=keys(*WITNESSES[:2]))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "minga.audit.verifier", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_runs_from_the_command_line(tmp_path: Path) -> None:
    proof = tmp_path / "receipt.tlog-proof"
    proof.write_text(make_receipt())
    good = run(str(proof), "--vkey", LOG.verifier.vkey, "--witness", WITNESSES[0].verifier.vkey)
    assert good.returncode == 0, good.stdout + good.stderr
    assert json.loads(good.stdout)["valid"] is True
    entry = tmp_path / "entry.json"
    entry.write_bytes(ENTRIES[3])
    bad = run(str(proof), "--vkey", LOG.verifier.vkey, "--entry", str(entry))
    assert bad.returncode == 1 and json.loads(bad.stdout)["valid"] is False
    proof.write_bytes(b"\xff\xfe garbage")
    assert run(str(proof), "--vkey", LOG.verifier.vkey).returncode == 1
    assert run(str(proof), "--vkey", "not-a-key").returncode == 2
    assert run(str(tmp_path / "missing"), "--vkey", LOG.verifier.vkey).returncode == 2
    assert run(str(proof), "--vkey", LOG.verifier.vkey, "--k", "1").returncode == 2


def test_it_needs_only_the_standard_library_and_cryptography() -> None:
    code = (
        "import sys, minga.audit.verifier;"
        "bad=[m for m in sys.modules if m.split('.')[0] not in sys.stdlib_module_names"
        " and m.split('.')[0] not in ('minga','cryptography','_cffi_backend','_openssl',"
        "'__main__') and not m.startswith('__editable__')];"
        "own=[m for m in sys.modules if m.startswith('minga') and m not in "
        "('minga','minga.audit','minga.audit.commitments','minga.audit.verifier')];"
        "print(bad, own); sys.exit(1 if bad or own else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
