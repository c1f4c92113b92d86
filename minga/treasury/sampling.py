"""The members drawn to confirm a large outflow: pure, reproducible by anyone from the log.

A colluding committee (a treasurer and a checker who agree) could move money on their own;
above a threshold set by the statutes, k ordinary members must also confirm. Who they are must
be neither chosen by the committee nor guessable before the checker has approved, and anyone
holding the log must be able to redo the draw:

- the seed is the SHA-256 of the leaf hash of the checker's approval entry in the audit log
  (which nobody knows before that entry is written) and the request's number;
- each candidate (a member reference) gets the rank SHA-256(seed || 0x00 || reference), and the
  k candidates with the smallest ranks are drawn.

The order the candidates are given in does not matter, so the draw depends only on the seed and
the set of eligible members, both written in the log entry that records the draw.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

SEED_DOMAIN = b"minga treasury member sample v1\n"


def seed_from(leaf_hash: bytes, request_id: int) -> bytes:
    """The draw's seed: the approval entry's leaf hash, bound to the request it approves."""
    return hashlib.sha256(SEED_DOMAIN + leaf_hash + str(request_id).encode()).digest()


def rank(seed: bytes, candidate: str) -> bytes:
    return hashlib.sha256(seed + b"\x00" + candidate.encode()).digest()


def draw(seed: bytes, candidates: Iterable[str], k: int) -> list[str]:
    """The `k` candidates drawn with `seed` (all of them when there are fewer), in rank order."""
    if k < 0:
        raise ValueError("k must not be negative")
    unique = sorted(set(candidates))
    return sorted(unique, key=lambda candidate: rank(seed, candidate))[:k]


def candidates_digest(candidates: Iterable[str]) -> str:
    """A digest of the eligible set, for the log: the draw can be checked against it."""
    text = "\n".join(sorted(set(candidates)))
    return hashlib.sha256(text.encode()).hexdigest()
