"""Salted commitments: how personal data appears in the public log without being readable there.

An entry holds `sha256:<hex>` of a random salt followed by the value. Without the salt nobody can
test guesses (a phone number has few enough possibilities to brute-force a bare hash); with it, the
owner can prove what was committed. The salt and value are kept in a private table, apart from the
public entry, and can be erased there without breaking the log.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SALT_SIZE = 32
PREFIX = "sha256:"


def commitment_of(value: str, salt: bytes) -> str:
    """The commitment to `value` under `salt`: `sha256:` + hex(SHA-256(salt || UTF-8 value))."""
    if len(salt) != SALT_SIZE:
        raise ValueError(f"a salt is {SALT_SIZE} bytes")
    return PREFIX + hashlib.sha256(salt + value.encode()).hexdigest()


def commit(value: str) -> tuple[str, bytes]:
    """Commit to a personal value with a fresh random salt; returns (commitment, salt)."""
    salt = secrets.token_bytes(SALT_SIZE)
    return commitment_of(value, salt), salt


def opens(commitment: str, value: str, salt: bytes) -> bool:
    """Whether (`value`, `salt`) is the opening of `commitment`, e.g. when its owner reveals it."""
    try:
        expected = commitment_of(value, salt)
    except ValueError:
        return False
    return hmac.compare_digest(expected, commitment)
