"""`minga log monitor`: an insider who rewrites, truncates or re-signs the log is caught.

The monitor talks to the log over its public HTTP interface (here Django's test client), holding
only what a member would: the log's key, the witnesses' keys and the last checkpoint it checked.
Each attack is done as an operator with database access would do it: edit the rows, delete the
checkpoints and tiles so `minga log verify` has nothing to compare against, then sign the new
history with the log's real key.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command

from minga.audit import log, merkle, monitor, note
from minga.audit.models import Checkpoint, Entry, LogHead, Tile
from minga.audit.tests.conftest import add_entries


@pytest.fixture
def watch(client, tmp_path):
    """Run the monitor as `minga log monitor URL --log-key ...`, fetching through the client."""

    def fetch(path: str) -> bytes:
        response = client.get(f"/log/{path}")
        if response.status_code != 200:
            raise monitor.CannotCheck(f"{path} answered {response.status_code}")
        return response.content

    def run(*extra: str) -> int:
        argv = ["http://testserver/log", "--log-key", log.log_vkey(), "--state"]
        return monitor.main([*argv, str(tmp_path / "state.json"), *extra], fetch=fetch)

    return run


def rewrite_history(*, keep: int, then_add: int, edit: int | None = None) -> None:
    """An insider's rewrite: drop entries past `keep`, optionally alter entry `edit`, drop
    every checkpoint and tile, append `then_add` new entries and sign with the real key."""
    Entry.objects.filter(index__gte=keep).delete()
    if edit is not None:
        entry = Entry.objects.get(index=edit)
        body = bytes(entry.body).replace(b'"n":', b'"n":-', 1)
        Entry.objects.filter(index=edit).update(body=body, leaf_hash=merkle.leaf_hash(body))
    Checkpoint.objects.all().delete()
    Tile.objects.all().delete()
    LogHead.objects.filter(pk=1).update(size=keep)
    if then_add:
        add_entries(then_add, kind="test.rewritten")
    assert log.create_checkpoint() is not None


def test_it_accepts_a_log_that_grows_honestly(db, watch, capsys):
    add_entries(300)
    log.create_checkpoint()
    assert watch() == 0
    add_entries(20)
    log.create_checkpoint()
    assert watch() == 0
    assert "at 320 entries (was 300)" in capsys.readouterr().out


def test_it_catches_a_rewrite_after_the_last_checkpoint(db, watch, capsys):
    add_entries(300)
    log.create_checkpoint()
    assert watch() == 0
    rewrite_history(keep=300, then_add=10, edit=260)
    call_command("log", "verify")  # the operator's own check has nothing left to compare
    assert watch() == 1
    assert "fork" in capsys.readouterr().err


def test_it_catches_a_truncated_log(db, watch, capsys):
    add_entries(300)
    log.create_checkpoint()
    assert watch() == 0
    rewrite_history(keep=290, then_add=0)
    assert watch() == 1
    assert "rollback: the log shrank from 300 to 290" in capsys.readouterr().err


def test_it_catches_a_same_size_fork(db, watch, capsys):
    add_entries(300)
    log.create_checkpoint()
    assert watch() == 0
    rewrite_history(keep=295, then_add=5)
    assert watch() == 1
    assert "fork: two different trees of 300 entries" in capsys.readouterr().err


def test_it_catches_a_checkpoint_signed_by_another_key(db, settings, tmp_path, capsys):
    add_entries(3)
    log.create_checkpoint()
    honest_key = log.log_vkey()
    forged = note.sign_note(
        note.checkpoint_body(settings.MINGA_LOG_ORIGIN, 3, log.root_at(3)),
        [note.Signer(settings.MINGA_LOG_ORIGIN, Ed25519PrivateKey.generate())],
    )
    Checkpoint.objects.update(note=forged)
    code = monitor.main(
        ["http://testserver/log", "--log-key", honest_key, "--state", str(tmp_path / "s.json")],
        fetch=lambda path: forged.encode() if path == "checkpoint" else b'{"handovers": []}',
    )
    assert code == 1
    assert "no hand-over from the log's key leads to" in capsys.readouterr().err


def test_it_demands_the_witness_quorum(db, watch, capsys):
    add_entries(3)
    log.create_checkpoint()
    witness = note.Signer("witness.example/w", Ed25519PrivateKey.generate(), 0x04)
    assert watch("--witness", witness.verifier.vkey) == 1
    assert "missing quorum: 0 of the 1 required" in capsys.readouterr().err
    assert watch("--witness", witness.verifier.vkey, "--quorum", "0") == 0


def test_it_counts_a_valid_cosignature_and_refuses_a_bad_one(db, capsys):
    add_entries(3)
    checkpoint = log.create_checkpoint()
    witness = note.Signer("witness.example/w", Ed25519PrivateKey.generate(), 0x04)
    text = note.parse_note(checkpoint.note).text
    cosigned = checkpoint.note + witness.sign(text, timestamp=int(time.time())).line
    seen, count = monitor.check(
        cosigned,
        log_key=note.parse_vkey(log.log_vkey()),
        witnesses=[witness.verifier],
        quorum=1,
        fetch=lambda path: b"",
    )
    assert count == 1 and seen.size == 3
    other = note.Signer("witness.example/w", Ed25519PrivateKey.generate(), 0x04)
    forged = checkpoint.note + other.sign(text, timestamp=1).line.replace(
        note.b64encode(other.verifier.key_id), note.b64encode(witness.verifier.key_id)
    )
    with pytest.raises(monitor.Misbehaved):
        monitor.check(
            forged,
            log_key=note.parse_vkey(log.log_vkey()),
            witnesses=[witness.verifier],
            quorum=1,
            fetch=lambda path: b"",
        )


def test_the_installed_command_needs_no_configuration(tmp_path):
    minga = os.path.join(os.path.dirname(sys.executable), "minga")
    key = note.Signer("log.example/log", Ed25519PrivateKey.generate()).verifier.vkey
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "PYTHONPATH"}}
    done = subprocess.run(
        [
            minga,
            "log",
            "monitor",
            "http://127.0.0.1:9/log",
            "--log-key",
            key,
            "--state",
            str(tmp_path / "s.json"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "could not check" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "s.json").exists()  # written only after a successful check
