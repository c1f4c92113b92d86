"""C2SP signed notes, checkpoints, cosignatures and offline proofs.

Pure module (the `cryptography` package only), implementing:

* c2sp.org/signed-note: Ed25519 notes, verifier keys (`vkey`) and signer keys (`skey`);
* c2sp.org/tlog-checkpoint: the origin / size / root note body;
* c2sp.org/tlog-cosignature: `cosignature/v1` (signature type 0x04), the timestamped
  statement a witness makes when it has checked a checkpoint is consistent;
* c2sp.org/tlog-proof: the self-contained proof that an entry is in a (cosigned) checkpoint.

Notes travel as text; these functions take and return `str`, and sign the UTF-8 bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SIG_ED25519 = 0x01
SIG_COSIGNATURE_V1 = 0x04
MAX_SIGNATURES = 100  # the spec asks verifiers to accept at least 16
MAX_TIMESTAMP = 2**63 - 1
PROOF_HEADER = "c2sp.org/tlog-proof@v1"
SIG_PREFIX = "\u2014 "  # em dash, space


class NoteError(ValueError):
    """A note, key, checkpoint or proof that is malformed or does not verify."""


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str, what: str = "value") -> bytes:
    """Strict standard base64: no whitespace, correct padding, canonical trailing bits."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise NoteError(f"{what} is not valid base64") from None
    if b64encode(data) != text:
        raise NoteError(f"{what} is not canonical base64")
    return data


def _public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _check_name(name: str) -> None:
    if not name or "+" in name or any(ch.isspace() for ch in name):
        raise NoteError(f"key name {name!r} is empty or has a space or a '+'")


def key_id(name: str, sig_type: int, public_key: bytes) -> bytes:
    """SHA-256(name || '\\n' || type || key)[:4]: the 4-byte hint in front of each signature."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + public_key).digest()[:4]


# --- keys --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verifier:
    """A trusted public key: Ed25519 note signatures (0x01) or cosignature/v1 (0x04)."""

    name: str
    public_key: Ed25519PublicKey
    sig_type: int = SIG_ED25519

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.sig_type, _public_bytes(self.public_key))

    @property
    def vkey(self) -> str:
        raw = bytes([self.sig_type]) + _public_bytes(self.public_key)
        return f"{self.name}+{self.key_id.hex()}+{b64encode(raw)}"

    def verify(self, text: str, signature: bytes) -> bool:
        """Check the signature bytes (after the key ID) over the note text."""
        if self.sig_type == SIG_COSIGNATURE_V1:
            if len(signature) != 8 + 64:
                return False
            timestamp = int.from_bytes(signature[:8], "big")
            if timestamp > MAX_TIMESTAMP:
                return False
            message, signature = cosignature_message(text, timestamp), signature[8:]
        else:
            message = text.encode()
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A private key that signs notes (0x01) or cosigns checkpoints (0x04)."""

    name: str
    private_key: Ed25519PrivateKey = field(repr=False)
    sig_type: int = SIG_ED25519

    def __post_init__(self) -> None:
        _check_name(self.name)
        if self.sig_type not in (SIG_ED25519, SIG_COSIGNATURE_V1):
            raise NoteError(f"unsupported signature type {self.sig_type:#04x}")

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.private_key.public_key(), self.sig_type)

    def sign(self, text: str, *, timestamp: int | None = None) -> Signature:
        """Sign the note text; a cosigner also needs the time of its statement."""
        if self.sig_type == SIG_COSIGNATURE_V1:
            if timestamp is None or not 0 <= timestamp <= MAX_TIMESTAMP:
                raise NoteError("a cosignature needs a timestamp from 0 to 2**63-1")
            signed = cosignature_message(text, timestamp)
            raw = timestamp.to_bytes(8, "big") + self.private_key.sign(signed)
        else:
            raw = self.private_key.sign(text.encode())
        return Signature(self.name, self.verifier.key_id, raw)


def parse_vkey(vkey: str) -> Verifier:
    """Parse `name+hexkeyid+base64(type || key)` and check that the key ID recomputes."""
    name, sep1, rest = vkey.partition("+")
    hex_id, sep2, encoded = rest.partition("+")
    if not (sep1 and sep2):
        raise NoteError("a verifier key is name+keyid+key")
    _check_name(name)
    raw = b64decode(encoded, "verifier key")
    if len(raw) != 33 or raw[0] not in (SIG_ED25519, SIG_COSIGNATURE_V1):
        raise NoteError("only Ed25519 (0x01) and cosignature/v1 (0x04) keys are supported")
    verifier = Verifier(name, Ed25519PublicKey.from_public_bytes(raw[1:]), raw[0])
    if not re.fullmatch(r"[0-9a-f]{8}", hex_id) or verifier.key_id.hex() != hex_id:
        raise NoteError("the key ID does not match the key")
    return verifier


def encode_skey(signer: Signer) -> str:
    """`PRIVATE+KEY+name+hexkeyid+base64(type || seed)`, the Go sumdb signer key format."""
    seed = signer.private_key.private_bytes_raw()
    raw = bytes([signer.sig_type]) + seed
    return f"PRIVATE+KEY+{signer.name}+{signer.verifier.key_id.hex()}+{b64encode(raw)}"


def parse_skey(skey: str) -> Signer:
    """Parse a signer key made by `encode_skey`."""
    prefix, _, rest = skey.partition("+KEY+")
    name, _, rest = rest.partition("+")
    hex_id, _, encoded = rest.partition("+")
    if prefix != "PRIVATE" or not encoded:
        raise NoteError("a signer key is PRIVATE+KEY+name+keyid+key")
    raw = b64decode(encoded, "signer key")
    if len(raw) != 33 or raw[0] not in (SIG_ED25519, SIG_COSIGNATURE_V1):
        raise NoteError("only Ed25519 (0x01) and cosignature/v1 (0x04) keys are supported")
    signer = Signer(name, Ed25519PrivateKey.from_private_bytes(raw[1:]), raw[0])
    if signer.verifier.key_id.hex() != hex_id:
        raise NoteError("the key ID does not match the key")
    return signer


# --- notes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """One signature line: key name, 4-byte key ID and the signature bytes after it."""

    name: str
    key_id: bytes
    signature: bytes

    @property
    def line(self) -> str:
        return f"{SIG_PREFIX}{self.name} {b64encode(self.key_id + self.signature)}\n"


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[Signature, ...]

    def __str__(self) -> str:
        return self.text + "\n" + "".join(sig.line for sig in self.signatures)


def parse_signature_lines(text: str) -> list[Signature]:
    """Parse newline-terminated signature lines (also a witness's add-checkpoint response)."""
    if not text.endswith("\n"):
        raise NoteError("signature lines must end with a newline")
    signatures = []
    for line in text[:-1].split("\n"):
        if not line.startswith(SIG_PREFIX):
            raise NoteError("a signature line starts with an em dash and a space")
        name, sep, encoded = line[len(SIG_PREFIX) :].partition(" ")
        if not sep:
            raise NoteError("a signature line is '\u2014 name signature'")
        _check_name(name)
        raw = b64decode(encoded, "signature")
        if len(raw) < 5:
            raise NoteError("a signature is shorter than its key ID")
        signatures.append(Signature(name, raw[:4], raw[4:]))
    if len(signatures) > MAX_SIGNATURES:
        raise NoteError(f"more than {MAX_SIGNATURES} signatures")
    return signatures


def parse_note(data: str | bytes) -> Note:
    """Split a signed note into text and signatures, enforcing the format (not the signatures)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise NoteError("a note must be UTF-8") from None
    if any(ch < " " and ch != "\n" for ch in data):
        raise NoteError("a note must not contain control characters")
    split = data.rfind("\n\n")
    if split < 0:
        raise NoteError("a note needs a blank line between text and signatures")
    text = data[: split + 1]
    return Note(text, tuple(parse_signature_lines(data[split + 2 :])))


def sign_note(text: str, signers: Iterable[Signer], *, timestamp: int | None = None) -> str:
    """A signed note: the text, a blank line and one signature line per signer."""
    if not text.endswith("\n") or any(ch < " " and ch != "\n" for ch in text):
        raise NoteError("note text must end with a newline and hold no control characters")
    return str(Note(text, tuple(s.sign(text, timestamp=timestamp) for s in signers)))


def verify_note(data: str | bytes, verifiers: Iterable[Verifier]) -> tuple[Note, list[Signature]]:
    """Check a note against trusted keys; return it and the signatures that verified.

    Unknown signatures are ignored, as the spec requires. A known signature that fails, or no
    verified signature at all, rejects the note.
    """
    note = parse_note(data)
    known = {(v.name, v.key_id): v for v in verifiers}
    verified = []
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if not verifier.verify(note.text, sig.signature):
            raise NoteError(f"the signature by {sig.name} does not verify")
        verified.append(sig)
    if not verified:
        raise NoteError("no signature from a trusted key")
    return note, verified


# --- checkpoints and cosignatures --------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    @property
    def body(self) -> str:
        lines = [self.origin, str(self.size), b64encode(self.root), *self.extensions]
        return "\n".join(lines) + "\n"


def checkpoint_body(origin: str, size: int, root: bytes) -> str:
    """The note text of a checkpoint: origin, tree size and base64 root, one per line."""
    if not origin or "\n" in origin or size < 0 or len(root) != 32:
        raise NoteError("a checkpoint needs an origin line, a size >= 0 and a 32-byte root")
    return Checkpoint(origin, size, root).body


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint's note text (not a whole signed note)."""
    if not text.endswith("\n"):
        raise NoteError("checkpoint text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not all(lines):
        raise NoteError("a checkpoint has an origin, a size and a root, on non-empty lines")
    origin, size, root = lines[:3]
    if not re.fullmatch(r"0|[1-9][0-9]{0,18}", size) or int(size) > MAX_TIMESTAMP:
        raise NoteError("the checkpoint size is not a decimal number without leading zeroes")
    root_hash = b64decode(root, "checkpoint root")
    if len(root_hash) != 32:
        raise NoteError("the checkpoint root is not a 32-byte hash")
    return Checkpoint(origin, int(size), root_hash, tuple(lines[3:]))


def open_checkpoint(
    data: str | bytes, verifiers: Iterable[Verifier]
) -> tuple[Checkpoint, Note, list[Signature]]:
    """Verify a signed checkpoint and parse its body."""
    note, verified = verify_note(data, verifiers)
    return parse_checkpoint(note.text), note, verified


def cosignature_message(text: str, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: a header line, a time line, then the checkpoint text."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def cosignature_timestamp(signature: Signature) -> int:
    """The time at which a cosignature (signature type 0x04) was made."""
    if len(signature.signature) != 72:
        raise NoteError("not a cosignature/v1 signature")
    return int.from_bytes(signature.signature[:8], "big")


# --- offline proofs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TlogProof:
    """An offline proof: entry index, inclusion proof and the (cosigned) checkpoint note."""

    index: int
    proof: tuple[bytes, ...]
    checkpoint: str
    extra: bytes | None = None

    def __str__(self) -> str:
        lines = [PROOF_HEADER]
        if self.extra is not None:
            lines.append(f"extra {b64encode(self.extra)}")
        lines.append(f"index {self.index}")
        lines.extend(b64encode(h) for h in self.proof)
        return "\n".join(lines) + "\n\n" + self.checkpoint


def format_tlog_proof(
    *, index: int, proof: Sequence[bytes], checkpoint: str, extra: bytes | None = None
) -> str:
    """Build a `c2sp.org/tlog-proof@v1` text."""
    parse_note(checkpoint)
    return str(TlogProof(index, tuple(proof), checkpoint, extra))


def parse_tlog_proof(text: str | bytes) -> TlogProof:
    """Parse a `c2sp.org/tlog-proof@v1` text; signatures and hashes are checked by the caller."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise NoteError("a proof must be UTF-8") from None
    head, sep, checkpoint = text.partition("\n\n")
    if not sep:
        raise NoteError("a proof needs a blank line before its checkpoint")
    lines = head.split("\n")
    if lines[0] != PROOF_HEADER:
        raise NoteError(f"a proof starts with the line {PROOF_HEADER}")
    pos, extra = 1, None
    if pos < len(lines) and lines[pos].startswith("extra "):
        extra = b64decode(lines[pos].removeprefix("extra "), "extra data")
        pos += 1
    if pos >= len(lines) or not re.fullmatch(r"index (0|[1-9][0-9]{0,18})", lines[pos]):
        raise NoteError("a proof needs an 'index N' line with no leading zeroes")
    index = int(lines[pos].removeprefix("index "))
    hashes = []
    for line in lines[pos + 1 :]:
        node = b64decode(line, "inclusion proof hash")
        if len(node) != 32:
            raise NoteError("an inclusion proof hash is not 32 bytes")
        hashes.append(node)
    if len(hashes) > 63:
        raise NoteError("an inclusion proof has at most 63 hashes")
    parse_note(checkpoint)
    return TlogProof(index, tuple(hashes), checkpoint, extra)
