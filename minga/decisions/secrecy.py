"""Secret ballots: the token that finds a voter's ballot while a poll is open, and receipts.

The token is HMAC-SHA256 of the elector's id under a per-poll key, itself an HMAC of the poll's
`ballot_salt` under the platform's master key. The master key never enters the database, and
closing a poll wipes its salt, so after closing nobody (not even someone holding the master key
and a copy of the database) can recompute which ballot belongs to whom.

A receipt is ten random digits, typable on any phone keypad and short enough for an SMS or a
USSD screen. The ballot's public commitment is a keyed hash (see `commitment`) of the receipt,
the ballot's random id and the canonical choice: the receipt proves a ballot is among those
counted, but the public list of commitments alone cannot be searched for a choice (the ballot
id and the key stay private), so a receipt handed to someone else does not show how its holder
voted. Closing drops the commitment
from each secret ballot row: from then on only a receipt leads from the log to a ballot.
"""

from __future__ import annotations

import functools
import hmac
import json
import re
import secrets
import uuid
from typing import Any

from minga.identity.keys import master_key

SALT_SIZE = 32
RECEIPT_DIGITS = 10
_NOT_DIGITS = re.compile(r"[\s\-.]")


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_SIZE)


def poll_key(salt: bytes, key: bytes | None = None) -> bytes:
    """The key that links ballots to voters in one poll; gone once the salt is wiped."""
    if len(salt) != SALT_SIZE:
        raise ValueError("this poll has no ballot salt: it is not open")
    # Derived afresh each time, never remembered: it must be gone once the salt is.
    return hmac.new(key or master_key(), b"minga ballot key\n" + bytes(salt), "sha256").digest()


def ballot_token(salt: bytes, elector_id: int, key: bytes | None = None) -> bytes:
    return hmac.new(poll_key(salt, key), f"elector:{elector_id}".encode(), "sha256").digest()


def new_receipt() -> str:
    """Ten random digits, uniformly drawn (one draw from the system's random source)."""
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def format_receipt(code: str) -> str:
    """Ten digits shown as two groups of five, e.g. 04719 88231."""
    return f"{code[:5]} {code[5:]}"


def clean_receipt(text: str) -> str | None:
    """The ten digits of a receipt as typed (spaces and dashes ignored), or None."""
    code = _NOT_DIGITS.sub("", text or "")
    return code if len(code) == RECEIPT_DIGITS and code.isdigit() else None


def canonical(choice: dict[str, Any]) -> str:
    return json.dumps(choice, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def receipt_pepper(key: bytes | None = None) -> bytes:
    """The key of ballot commitments (see `commitment`), derived from the master key."""
    return _pepper(key or master_key())


@functools.lru_cache(maxsize=4)
def _pepper(key: bytes) -> bytes:
    # Remembered per master key: a secret of the same standing as the key itself, which every
    # process holds anyway, and every ballot needs it.
    return hmac.new(key, b"minga ballot receipts\n", "sha256").digest()


def commitment(
    code: str,
    ballot_id: uuid.UUID,
    choice: dict[str, Any],
    key: bytes | None = None,
    *,
    pepper: bytes | None = None,
) -> str:
    """HMAC-SHA256, under a key derived from the master key, of the receipt, the ballot's id
    and the canonical choice.

    Keyed because a receipt has only ten digits: with a plain hash, anyone holding a copy of
    the database and the public log could try every receipt against every ballot and pair
    log entries (whose times may sit next to a voter's sign-in) with ballots. The key stays
    outside the database, with the master key. `pepper`: `receipt_pepper(key)`, when already
    derived (checking a receipt against every ballot of a poll).
    """
    pepper = pepper or receipt_pepper(key)
    text = f"minga ballot v1\n{code}\n{ballot_id}\n{canonical(choice)}"
    return hmac.new(pepper, text.encode(), "sha256").hexdigest()
