"""Log key hand-overs: the old key vouches for the new one, so a rotation breaks no one's trust.

Witnesses, monitors and members hold the log's public key. When the platform rotates it, they
must be able to tell an honest rotation from an operator who swapped the key to sign a history
the old key never would. A hand-over is a signed note

    minga/log-key-handover/v1
    <origin>
    old <vkey of the key being retired>
    new <vkey of the key taking over>
    size <log size when it took over>

signed by both keys: the old one vouches for the new (only its holder could), the new one
proves it exists. It is recorded in the log itself (entry kind `log.key.handover`), served at
`/log/key-handovers` (oldest first), and sent to every witness. Someone who trusts key K
follows the chain of hand-overs from K; a checkpoint signed by a key no chain leads to is
refused. Pure: no Django, so `minga log monitor` uses it without configuration.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import note

HEADER = "minga/log-key-handover/v1"


class HandoverError(ValueError):
    """Not a valid hand-over from the key given."""


@dataclass(frozen=True)
class Handover:
    origin: str
    old: note.Verifier
    new: note.Verifier
    size: int


def handover_text(origin: str, old: note.Verifier, new: note.Verifier, size: int) -> str:
    return f"{HEADER}\n{origin}\nold {old.vkey}\nnew {new.vkey}\nsize {size}\n"


def sign_handover(origin: str, old: note.Signer, new: note.Signer, size: int) -> str:
    """The hand-over from `old` to `new`, signed by both (both named `origin`)."""
    return note.sign_note(handover_text(origin, old.verifier, new.verifier, size), [old, new])


def open_handover(signed: str, trusted: note.Verifier) -> Handover:
    """The hand-over in `signed`, checked to come from `trusted` and be signed by both keys."""
    try:
        parsed = note.parse_note(signed)
        lines = parsed.text[:-1].split("\n")
        if len(lines) != 5 or lines[0] != HEADER:
            raise HandoverError("not a log key hand-over")
        origin, old_line, new_line, size_line = lines[1:]
        if not (old_line.startswith("old ") and new_line.startswith("new ")):
            raise HandoverError("a hand-over names its old and new keys")
        if not re.fullmatch(r"size (0|[1-9][0-9]{0,18})", size_line):
            raise HandoverError("a hand-over names the log size at which it took effect")
        old, new = note.parse_vkey(old_line[4:]), note.parse_vkey(new_line[4:])
        if old.vkey != trusted.vkey or origin != trusted.name:
            raise HandoverError("this hand-over is not from the trusted key")
        if new.name != origin or new.key_id == old.key_id:
            raise HandoverError("the new key must be another key of the same log")
        for key in (old, new):
            note.verify_note(signed, [key])
    except note.NoteError as error:
        raise HandoverError(f"the hand-over does not verify: {error}") from None
    return Handover(origin, old, new, int(size_line[5:]))


def follow(chain: Sequence[str], trusted: note.Verifier) -> note.Verifier:
    """The key reached from `trusted` through the hand-overs in `chain` (oldest first).

    Hand-overs from keys older than `trusted` are passed over; one that claims to come from
    the current key but does not verify raises HandoverError.
    """
    current = trusted
    for signed in chain:
        try:
            head = note.parse_note(signed).text.split("\n")
        except note.NoteError as error:
            raise HandoverError(f"a hand-over cannot be read: {error}") from None
        if len(head) > 2 and head[2] == f"old {current.vkey}":
            current = open_handover(signed, current).new
    return current
