"""Offline verifier of a Minga log receipt (a C2SP `tlog-proof`).

This file is deliberately self-contained: it imports only the Python standard library and the
`cryptography` package, so an auditor, a cooperative's supervisory committee or a member can copy
this one file, read it in an afternoon and check a receipt with no network and no Minga install.
It re-implements the few verification steps it needs instead of importing the rest of Minga; the
test suite checks that it agrees with the log's own modules on every published vector.

    python -m minga.audit.verifier RECEIPT.tlog-proof --vkey LOG_VKEY \\
        [--witness WITNESS_VKEY ...] [--k N] [--entry ENTRY_FILE]

It prints a JSON report and exits 0 when the receipt is valid, 1 when it is not, 2 on bad usage.
Checks, in the order tlog-proof asks for: the log's signature on the checkpoint, then at least `k`
witness cosignatures (default: every witness given), then the Merkle inclusion proof of the entry
(from ENTRY_FILE, or else from the receipt's `extra` line, which Minga fills with the entry).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HEADER = "c2sp.org/tlog-proof@v1"
ED25519, COSIGNATURE_V1 = 0x01, 0x04


class Invalid(Exception):
    """The receipt does not prove what it claims."""


def _b64(text: str, what: str) -> bytes:
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise Invalid(f"{what} is not valid base64") from None
    if base64.b64encode(data).decode() != text:
        raise Invalid(f"{what} is not canonical base64")
    return data


@dataclass(frozen=True)
class Key:
    name: str
    key_id: bytes
    sig_type: int
    public_key: Ed25519PublicKey

    def verify(self, text: str, sig: bytes) -> int | None:
        """Return the cosignature time (0 for a plain signature) if `sig` is valid, else None."""
        timestamp = 0
        message = text.encode()
        if self.sig_type == COSIGNATURE_V1:
            if len(sig) != 72:
                return None
            timestamp = int.from_bytes(sig[:8], "big")
            message = f"cosignature/v1\ntime {timestamp}\n{text}".encode()
            sig = sig[8:]
        try:
            self.public_key.verify(sig, message)
        except InvalidSignature:
            return None
        return timestamp


def parse_key(vkey: str) -> Key:
    """Parse a signed-note verifier key `name+keyid+base64(type || public key)`."""
    parts = vkey.split("+", 2)
    if len(parts) != 3 or not parts[0] or re.search(r"\s", parts[0]):
        raise ValueError(f"{vkey!r} is not a verifier key name+keyid+key")
    raw = _b64(parts[2], "verifier key")
    if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
        raise ValueError("only Ed25519 (type 0x01) and cosignature/v1 (0x04) keys are supported")
    key_id = hashlib.sha256(parts[0].encode() + b"\n" + raw).digest()[:4]
    if key_id.hex() != parts[1]:
        raise ValueError(f"the key ID of {parts[0]} does not match its key")
    return Key(parts[0], key_id, raw[0], Ed25519PublicKey.from_public_bytes(raw[1:]))


@dataclass(frozen=True)
class Receipt:
    index: int
    proof: list[bytes]
    text: str  # the checkpoint's note text
    signatures: list[tuple[str, bytes, bytes]]  # (key name, key ID, signature)
    extra: bytes | None


def parse_receipt(data: str) -> Receipt:
    """Split a tlog-proof into its parts, checking the format of each."""
    head, sep, note = data.partition("\n\n")
    lines = head.split("\n")
    if not sep or lines[0] != HEADER:
        raise Invalid(f"not a receipt: the first line must be {HEADER}")
    pos, extra = 1, None
    if pos < len(lines) and lines[pos].startswith("extra "):
        extra = _b64(lines[pos][6:], "extra data")
        pos += 1
    if pos >= len(lines) or not re.fullmatch(r"index (0|[1-9][0-9]{0,18})", lines[pos]):
        raise Invalid("the receipt has no valid 'index N' line")
    proof = [_b64(line, "inclusion proof hash") for line in lines[pos + 1 :]]
    if any(len(h) != 32 for h in proof) or len(proof) > 63:
        raise Invalid("the inclusion proof is not a list of at most 63 32-byte hashes")
    if any(ch < " " and ch != "\n" for ch in note) or not note.endswith("\n"):
        raise Invalid("the checkpoint is not a well-formed signed note")
    split = note.rfind("\n\n")
    if split < 0:
        raise Invalid("the checkpoint has no signatures")
    signatures = []
    for line in note[split + 2 : -1].split("\n"):
        name, _, sig = line.removeprefix("\u2014 ").partition(" ")
        raw = _b64(sig, "signature")
        if not line.startswith("\u2014 ") or not name or len(raw) < 5:
            raise Invalid("the checkpoint has a malformed signature line")
        signatures.append((name, raw[:4], raw[4:]))
    return Receipt(int(lines[pos][6:]), proof, note[: split + 1], signatures, extra)


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def inclusion_root(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root that an RFC 9162 inclusion proof leads to (RFC 9162, section 2.1.3.2)."""
    if not 0 <= index < size:
        raise Invalid(f"index {index} is outside the checkpoint's tree of size {size}")
    fn, sn, root = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            raise Invalid("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            root = _node(sibling, root)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            root = _node(root, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise Invalid("the inclusion proof is too short")
    return root


def verify(
    data: str,
    *,
    log_key: Key,
    witnesses: Sequence[Key] = (),
    k: int | None = None,
    entry: bytes | None = None,
    origin: str | None = None,
) -> dict:
    """Verify a receipt; return a report, raising `Invalid` with the first problem found."""
    receipt = parse_receipt(data)
    lines = receipt.text[:-1].split("\n")
    if len(lines) < 3 or not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise Invalid("the checkpoint body is not origin, size, root")
    size, root = int(lines[1]), _b64(lines[2], "checkpoint root")
    expected_origin = origin or log_key.name
    if lines[0] != expected_origin:
        raise Invalid(f"the checkpoint is from {lines[0]!r}, not {expected_origin!r}")
    signed = {(name, key_id): sig for name, key_id, sig in receipt.signatures}
    log_sig = signed.get((log_key.name, log_key.key_id))
    if log_sig is None or log_key.verify(receipt.text, log_sig) is None:
        raise Invalid("the checkpoint is not signed by the log's key")
    cosigned = {}
    for witness in witnesses:
        sig = signed.get((witness.name, witness.key_id))
        if sig is not None:
            when = witness.verify(receipt.text, sig)
            if when is None:
                raise Invalid(f"the cosignature of {witness.name} does not verify")
            cosigned[witness.name] = when
    needed = len(witnesses) if k is None else k
    if len(cosigned) < needed:
        raise Invalid(f"{len(cosigned)} of the {needed} required witnesses cosigned")
    if entry is None:
        entry = receipt.extra
    if entry is None:
        raise Invalid("no entry to check: give --entry or a receipt with an extra line")
    leaf = hashlib.sha256(b"\x00" + entry).digest()
    if inclusion_root(leaf, receipt.index, size, receipt.proof) != root:
        raise Invalid("the entry is not in the checkpointed tree")
    try:
        shown = json.loads(entry)
    except ValueError:
        shown = None
    return {
        "valid": True,
        "origin": lines[0],
        "tree_size": size,
        "index": receipt.index,
        "root": lines[2],
        "witnesses": {"required": needed, "cosigned": cosigned},
        "entry": shown,
        "problems": [],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m minga.audit.verifier", description="Check a log receipt offline."
    )
    parser.add_argument("proof", metavar="PROOF_FILE", help="the .tlog-proof receipt")
    parser.add_argument("--vkey", required=True, help="the log's verifier key")
    parser.add_argument("--witness", action="append", default=[], help="a witness's vkey")
    parser.add_argument("--k", type=int, help="witness cosignatures needed (default: all)")
    parser.add_argument("--entry", help="the entry's exact bytes (default: the receipt's extra)")
    parser.add_argument("--origin", help="the log's origin line (default: the vkey's name)")
    args = parser.parse_args(argv)
    try:
        log_key = parse_key(args.vkey)
        witnesses = [parse_key(w) for w in args.witness]
        with open(args.proof, "rb") as file:
            data = file.read()
        entry = None
        if args.entry:
            with open(args.entry, "rb") as file:
                entry = file.read()
    except (OSError, ValueError, Invalid) as error:
        parser.error(str(error))
    if args.k is not None and not 0 <= args.k <= len(witnesses):
        parser.error("--k must be between 0 and the number of --witness keys")
    try:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise Invalid("the receipt is not UTF-8 text") from None
        report = verify(
            text, log_key=log_key, witnesses=witnesses, k=args.k, entry=entry, origin=args.origin
        )
    except Invalid as problem:
        report = {"valid": False, "problems": [str(problem)]}
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0 if report["valid"] else 1


if __name__ == "__main__":
    sys.exit(main())
