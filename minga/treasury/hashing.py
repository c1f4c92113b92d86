"""An entry's hash: what the books, the public log and members' receipts all cite (no Django).

sha256(previous entry's hash + canonical JSON of the entry, its lines and a random salt). The
salt keeps the hash from being guessed back into amounts (the log is public, the books are not);
the chain makes any change to an earlier entry change every hash after it.

The JSON is sorted, compact UTF-8: for the plain strings and integers an entry holds, the bytes
RFC 8785 would give (and `json` writes them several times faster than a canonicaliser: the
postings budget).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence


def entry_hash(
    *,
    prev: bytes,
    salt: bytes,
    coop: str,
    currency: str,
    fiscal_year: str,
    number: int,
    date: str,
    narration: str,
    kind: str,
    reference: str,
    reverses: str,
    lines: Sequence[tuple[str, str, int]],
) -> bytes:
    """`lines` as (account code, member_ref or "", amount in minor units), in posting order."""
    body = json.dumps(
        {
            "coop": coop,
            "currency": currency,
            "fiscal_year": fiscal_year,
            "number": number,
            "date": date,
            "narration": narration,
            "kind": kind,
            "reference": reference,
            "reverses": reverses,
            "lines": [list(line) for line in lines],
            "salt": salt.hex(),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    return hashlib.sha256(bytes(prev) + body).digest()
