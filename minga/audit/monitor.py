"""`minga log monitor URL`: watch a log from outside, so its operator cannot rewrite it unseen.

A log's operator holds its signing key: they can sign any tree they like. What they cannot do
is sign two histories to two people, or a shorter or different history later, without someone
who kept an earlier checkpoint noticing. A monitor is that someone, run by anyone on their own
machine. Each run it:

1. fetches the log's latest checkpoint (`URL/checkpoint`, a C2SP signed note) and checks the
   log's signature with the key it was given (never one the log offers);
2. checks the witnesses' cosignatures (cosignature/v1) against the witness keys it was given and
   demands at least `--quorum` of them;
3. compares the checkpoint with the last one it verified (kept in a state file): a smaller tree
   is a rollback, the same size with another root is a fork, a larger tree must come with a
   consistency proof (`URL/proof/consistency?from=M&to=N`, RFC 9162) that the old tree is a
   prefix of the new one, checked against the roots it holds, not the ones the log sends;
4. remembers the new checkpoint only once all of this passed.

When the log's key was rotated, a checkpoint signed by the new key is accepted only if the
log's published hand-overs (`URL/key-handovers`, see `minga.audit.handover`) lead from the key
the monitor trusts to the one that signed; the monitor then trusts the new key. A key swapped
without a hand-over signed by the old one is reported like a forged signature.

Exit status: 0 checked, 1 the log misbehaved (rollback, fork, bad or missing signature, quorum
not met), 2 the check could not be made (network, bad arguments). Pure of Django: the `minga`
command runs it without any configuration (see `minga.cli`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from minga.core import tls

from . import handover, merkle, note

TIMEOUT = 20
Fetch = Callable[[str], bytes]  # path relative to the log's URL -> body


class Misbehaved(Exception):
    """The log did something a well-behaved log never does (exit 1)."""


class CannotCheck(Exception):
    """The check could not be made (exit 2)."""


@dataclass(frozen=True)
class Seen:
    """The last checkpoint a monitor verified: all it needs to judge the next one."""

    origin: str
    size: int
    root: str  # base64, as in the checkpoint
    note: str  # the whole signed note, as evidence should the log later deny it
    log_vkey: str = ""  # the log's key, once hand-overs moved it on from the one given


def check(
    signed: str,
    *,
    log_key: note.Verifier,
    witnesses: Sequence[note.Verifier] = (),
    quorum: int = 0,
    previous: Seen | None = None,
    fetch: Fetch,
) -> tuple[Seen, int]:
    """Judge the signed checkpoint `signed` after `previous`; return it as Seen and how many
    witnesses cosigned it. Raises Misbehaved (or CannotCheck when a proof cannot be had)."""
    log_key = _current_key(signed, log_key, fetch)
    try:
        checkpoint, _note, verified = note.open_checkpoint(signed, [log_key, *witnesses])
    except note.NoteError as error:
        raise Misbehaved(f"bad checkpoint: {error}") from None
    if not any(sig.key_id == log_key.key_id and sig.name == log_key.name for sig in verified):
        raise Misbehaved("the checkpoint is not signed by the log's key")
    if checkpoint.origin != log_key.name:
        raise Misbehaved(f"the checkpoint is from {checkpoint.origin!r}, not {log_key.name!r}")
    witness_ids = {(w.name, w.key_id) for w in witnesses}
    cosigned = len({sig.name for sig in verified if (sig.name, sig.key_id) in witness_ids})
    if cosigned < quorum:
        raise Misbehaved(
            f"missing quorum: {cosigned} of the {quorum} required witnesses cosigned "
            f"checkpoint {checkpoint.size}"
        )
    seen = Seen(
        checkpoint.origin, checkpoint.size, note.b64encode(checkpoint.root), signed, log_key.vkey
    )
    if previous is not None:
        _check_growth(previous, seen, checkpoint.root, fetch)
    return seen, cosigned


def _current_key(signed: str, log_key: note.Verifier, fetch: Fetch) -> note.Verifier:
    """`log_key`, or the key its published hand-overs lead to when another key signed."""
    try:
        ids = {(sig.name, sig.key_id) for sig in note.parse_note(signed).signatures}
    except note.NoteError as error:
        raise Misbehaved(f"bad checkpoint: {error}") from None
    if (log_key.name, log_key.key_id) in ids:
        return log_key
    try:
        chain = json.loads(fetch("key-handovers"))["handovers"]
        new = handover.follow([str(item) for item in chain], log_key)
    except CannotCheck:
        return log_key  # no hand-over to be had: judged as signed by the key we hold
    except (ValueError, KeyError, TypeError) as error:
        raise Misbehaved(f"the log's key hand-overs do not verify: {error}") from None
    if (new.name, new.key_id) not in ids:
        raise Misbehaved(
            "the checkpoint is signed by a key that no hand-over from the log's key leads to"
        )
    return new


def _check_growth(previous: Seen, seen: Seen, root: bytes, fetch: Fetch) -> None:
    if seen.origin != previous.origin:
        raise Misbehaved(f"the log's origin changed from {previous.origin!r} to {seen.origin!r}")
    if seen.size < previous.size:
        raise Misbehaved(f"rollback: the log shrank from {previous.size} to {seen.size} entries")
    old_root = note.b64decode(previous.root, "remembered root")
    if seen.size == previous.size:
        if root != old_root:
            raise Misbehaved(f"fork: two different trees of {seen.size} entries were signed")
        return
    if previous.size == 0:
        return  # the empty tree is a prefix of every tree
    body = fetch(f"proof/consistency?from={previous.size}&to={seen.size}")
    try:
        proof = [note.b64decode(h, "proof hash") for h in json.loads(body)["proof"]]
    except (ValueError, KeyError, TypeError, note.NoteError):
        raise CannotCheck("the log's consistency proof cannot be read") from None
    try:
        merkle.verify_consistency(previous.size, seen.size, proof, old_root, root)
    except merkle.ProofError as error:
        raise Misbehaved(
            f"fork: the tree of {seen.size} entries does not extend the tree of "
            f"{previous.size} entries verified before ({error})"
        ) from None


def http_fetcher(url: str, ca_bundle: str | None = None) -> Fetch:
    """GET paths under the log's URL, trusting the certificate authorities in `ca_bundle` (a PEM
    file; the system's store when None, see `minga.core.tls`)."""
    base = url.rstrip("/") + "/"

    def fetch(path: str) -> bytes:
        target = base + path
        if not target.startswith(("https://", "http://")):
            raise CannotCheck(f"{url} is not an http(s) URL")
        try:
            context = tls.client_context(ca_bundle)
        except OSError as error:
            raise CannotCheck(f"the CA bundle {ca_bundle} cannot be read ({error})") from None
        try:
            with urllib.request.urlopen(target, timeout=TIMEOUT, context=context) as response:  # noqa: S310
                return response.read(1 << 20)
        except urllib.error.HTTPError as error:
            raise CannotCheck(f"{target} answered {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            raise CannotCheck(f"{target} could not be reached ({error})") from None

    return fetch


def default_state_path(url: str) -> Path:
    home = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    name = hashlib.sha256(url.rstrip("/").encode()).hexdigest()[:16]
    return Path(home) / "minga" / "monitor" / f"{name}.json"


def load(path: Path) -> Seen | None:
    try:
        return Seen(**json.loads(path.read_text()))
    except FileNotFoundError:
        return None
    except (ValueError, TypeError) as error:
        raise CannotCheck(f"the state file {path} is damaged ({error})") from None


def save(path: Path, seen: Seen) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(asdict(seen), indent=1))
    partial.replace(path)


def main(argv: Sequence[str] | None = None, *, fetch: Fetch | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="minga log monitor",
        description="Check a log's latest checkpoint against the last one verified: signature, "
        "witness quorum, consistency. Exit 0 checked, 1 the log misbehaved, 2 could not check.",
    )
    parser.add_argument("url", metavar="URL", help="The log's URL, e.g. https://host/log")
    parser.add_argument("--log-key", required=True, help="The log's verifier key (vkey).")
    parser.add_argument(
        "--witness", action="append", default=[], metavar="VKEY", help="A witness's key."
    )
    parser.add_argument(
        "--quorum", type=int, help="Cosignatures required (default: every witness given)."
    )
    parser.add_argument("--state", type=Path, help="State file (default: under ~/.local/state).")
    parser.add_argument(
        "--ca-bundle",
        metavar="FILE",
        default=os.environ.get(tls.CA_BUNDLE_VARIABLE) or None,
        help="Certificate authorities to trust for HTTPS, a PEM file (default: "
        f"${tls.CA_BUNDLE_VARIABLE}, else the system's).",
    )
    options = parser.parse_args(argv)
    state = options.state or default_state_path(options.url)
    try:
        previous = load(state)
        log_key = note.parse_vkey(
            previous.log_vkey if previous and previous.log_vkey else options.log_key
        )
        witnesses = [note.parse_vkey(vkey) for vkey in options.witness]
    except (note.NoteError, ValueError) as error:
        print(f"minga log monitor: a key cannot be read: {error}", file=sys.stderr)
        return 2
    except CannotCheck as error:
        print(f"minga log monitor: {error}", file=sys.stderr)
        return 2
    quorum = len(witnesses) if options.quorum is None else options.quorum
    fetch = fetch or http_fetcher(options.url, options.ca_bundle)
    try:
        signed = fetch("checkpoint").decode("utf-8", "replace")
        seen, cosigned = check(
            signed,
            log_key=log_key,
            witnesses=witnesses,
            quorum=quorum,
            previous=previous,
            fetch=fetch,
        )
        save(state, seen)
    except Misbehaved as error:
        print(f"minga log monitor: {options.url}: {error}", file=sys.stderr)
        return 1
    except (CannotCheck, OSError) as error:
        print(f"minga log monitor: {options.url}: could not check: {error}", file=sys.stderr)
        return 2
    was = f"was {previous.size}" if previous else "first seen"
    print(
        f"ok: {seen.origin} at {seen.size} entries ({was}), "
        f"{cosigned} of {len(witnesses)} witnesses cosigned (quorum {quorum})"
    )
    return 0
