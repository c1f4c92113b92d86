"""Ed25519 key pairs, encrypted at rest, and the signing keys other apps ask for.

Private keys are sealed with AES-256-GCM under a master key that never enters
the database: ``MINGA_MASTER_KEY`` (32 bytes, base64) in production, or in
development a key file under ``var/`` created on first use. A stolen database
dump alone therefore signs nothing. The row's public key is the associated data
of the seal, so a ciphertext moved onto another row fails to open instead of
silently signing as someone else; each row also names the fingerprint of the
master key that sealed it, so a wrong master key is reported as such.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction

from minga.core.fast import rows, sql

from . import didkey
from .dids import coop_did, platform_did
from .models import Key

__all__ = [
    "KeyUnavailable",
    "coop_signing_key",
    "create_key",
    "ensure_platform_key",
    "master_key_id",
    "platform_key_name",
    "platform_public_keys",
    "platform_signing_key",
    "private_key",
    "public_multikey",
]

_SEAL_VERSION = b"\x01"
_NONCE_BYTES = 12


class KeyUnavailable(Exception):
    """A private key cannot be used: missing, rotated away, or sealed under another master key."""


def _decode_master_key(text: str, source: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{source} must be 32 bytes encoded in base64.") from None
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{source} must be 32 bytes encoded in base64, not {len(raw)}.")
    return raw


@functools.lru_cache(maxsize=4)
def _load_master_key(configured: str, key_file: str, autocreate: bool) -> bytes:
    if configured:
        return _decode_master_key(configured, "MINGA_MASTER_KEY")
    if not key_file:
        raise ImproperlyConfigured(
            "MINGA_MASTER_KEY must be set (32 random bytes in base64, e.g. from "
            "`python -c 'import os,base64;print(base64.b64encode(os.urandom(32)).decode())'`): "
            "it encrypts the signing keys. Only development (DEBUG=1) creates a key file."
        )
    path = Path(key_file)
    if not path.exists():
        if not autocreate:
            raise ImproperlyConfigured(f"MINGA_MASTER_KEY_FILE {path} does not exist.")
        _create_key_file(path)
    return _decode_master_key(path.read_text(), str(path))


def _create_key_file(path: Path) -> None:
    """Write a new random master key, readable by its owner only; the first writer wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
    try:
        os.link(temporary, path)  # atomic, and fails if another process got there first
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def master_key() -> bytes:
    """The 32-byte key that seals private keys (read from settings on each call)."""
    key_file = settings.MINGA_MASTER_KEY_FILE
    return _load_master_key(
        settings.MINGA_MASTER_KEY,
        str(key_file) if key_file else "",
        settings.MINGA_MASTER_KEY_FILE_AUTOCREATE,
    )


def master_key_id(key: bytes | None = None) -> str:
    """A short public fingerprint of a master key, to tell which one sealed a row."""
    return hashlib.sha256(b"minga master key\n" + (key or master_key())).hexdigest()[:16]


def _associated_data(public_key_multibase: str) -> bytes:
    return b"minga signing key\n" + public_key_multibase.encode("ascii")


def _seal(private_key: Ed25519PrivateKey, public_key_multibase: str, key: bytes) -> bytes:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(
        nonce, private_key.private_bytes_raw(), _associated_data(public_key_multibase)
    )
    return _SEAL_VERSION + nonce + sealed


def public_multikey(key: Key | Ed25519PublicKey | Ed25519PrivateKey | bytes) -> str:
    """The Multikey (``z6Mk…``) text of a public key, however it is held."""
    if isinstance(key, Key):
        return key.public_key_multibase
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    if isinstance(key, Ed25519PublicKey):
        key = key.public_bytes_raw()
    return didkey.encode_multikey(bytes(key))


def create_key(*, coop=None, is_next: bool = False) -> Key:
    """Generate and store a new key pair for ``coop`` (or the platform): active, or, with
    ``is_next``, the committed next key of the did:webvh log (pre-rotation).

    Not audited on its own: callers are the audited actions in ``actions.py``
    and the platform key's first use (see :func:`platform_signing_key`).
    """
    private_key = Ed25519PrivateKey.generate()
    multikey = public_multikey(private_key)
    key = master_key()
    return Key.objects.create(
        coop=coop,
        public_key_multibase=multikey,
        encrypted_private_key=_seal(private_key, multikey, key),
        master_key_id=master_key_id(key),
        is_active=not is_next,
        is_next=is_next,
    )


def private_key(key: Key) -> Ed25519PrivateKey:
    """Open the sealed private key of ``key``, checking it matches the published public key."""
    sealed = bytes(key.encrypted_private_key or b"")
    if not key.is_active or not sealed:
        raise KeyUnavailable(f"Key {key.public_key_multibase} was rotated; it signs nothing now.")
    master = master_key()
    if key.master_key_id and key.master_key_id != master_key_id(master):
        raise KeyUnavailable(
            f"Key {key.public_key_multibase} was encrypted with master key {key.master_key_id}, "
            f"but MINGA_MASTER_KEY is {master_key_id(master)}: restore the right master key."
        )
    if sealed[:1] != _SEAL_VERSION or len(sealed) < 1 + _NONCE_BYTES + 16:
        raise KeyUnavailable(f"Key {key.public_key_multibase} is not in a known sealed format.")
    return _open(key.public_key_multibase, sealed, master)


@functools.lru_cache(maxsize=64)
def _open(public_key_multibase: str, sealed: bytes, master: bytes) -> Ed25519PrivateKey:
    """Decrypt and check a sealed key, remembered by exactly these bytes (signing keys stay in
    a signing server's memory): every credential issued reopened its issuer's key and derived
    its public half again. A rotated or re-sealed key has other bytes, a deactivated one is
    refused by `private_key` before it gets here, and a failure is never remembered."""
    nonce, ciphertext = sealed[1 : 1 + _NONCE_BYTES], sealed[1 + _NONCE_BYTES :]
    try:
        raw = AESGCM(master).decrypt(nonce, ciphertext, _associated_data(public_key_multibase))
    except InvalidTag:
        raise KeyUnavailable(
            f"Key {public_key_multibase} cannot be decrypted: wrong master key, "
            "or the stored bytes were altered."
        ) from None
    opened = Ed25519PrivateKey.from_private_bytes(raw)
    if public_multikey(opened) != public_key_multibase:
        raise KeyUnavailable(f"Key {public_key_multibase} does not match its private key.")
    return opened


def platform_key_name() -> str:
    """The platform key's name in signed notes: its public host[:port], e.g. ``minga.coop``."""
    return platform_did().removeprefix("did:web:").replace("%3A", ":")


def ensure_platform_key() -> Key:
    """The platform's active key, created on first use."""
    key = Key.objects.filter(coop__isnull=True, is_active=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return create_key(coop=None)
    except IntegrityError:
        # Another process created it between our read and our write.
        return Key.objects.get(coop__isnull=True, is_active=True)


def platform_signing_key() -> tuple[str, Ed25519PrivateKey]:
    """(key name, private key) that signs the platform's statements, e.g. log checkpoints.

    The first call creates the key. That creation is not written to the audit
    log: the log's own checkpoints are what this key signs, and its public half
    is published in ``/.well-known/did.json``.
    """
    return platform_key_name(), private_key(ensure_platform_key())


def active_platform_public_key() -> Ed25519PublicKey:
    """The platform's active public key (the key is created on first use)."""
    return _public_key(ensure_platform_key().public_key_multibase)


@functools.lru_cache(maxsize=32)
def _public_key(multikey: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(didkey.decode_multikey(multikey))


def platform_public_keys() -> list[tuple[Ed25519PublicKey, bool]]:
    """Every platform public key ever used, oldest first, with whether it is the active one.

    Rotated keys are included so that old checkpoints can still be verified.
    """
    ensure_platform_key()
    return [
        (
            Ed25519PublicKey.from_public_bytes(didkey.decode_multikey(k.public_key_multibase)),
            k.is_active,
        )
        for k in Key.objects.filter(coop__isnull=True, is_next=False)
    ]


def coop_signing_key(coop) -> tuple[str, Ed25519PrivateKey]:
    """(verification method id, private key) with which ``coop`` signs credentials.

    The id is the DID URL a proof names (``did:web:<host>:coops:<slug>#z6Mk…``).
    """
    key = _active_coop_key(coop.pk)
    if key is None:
        raise KeyUnavailable(f"{coop} has no signing key yet.")
    return f"{coop_did(coop)}#{key.public_key_multibase}", private_key(key)


_KEY_FIELDS = ("id", "coop_id", "public_key_multibase", "encrypted_private_key", "master_key_id")


@functools.cache
def _active_coop_key_sql() -> str:
    columns = ", ".join(sql.quote(name) for name in _KEY_FIELDS)
    return (
        f"SELECT {columns} FROM {sql.table(Key)} "  # noqa: S608 (constant names)
        "WHERE coop_id = %s AND is_active = %s"
    )


def _active_coop_key(coop_id: int) -> Key | None:
    """The cooperative's active key row (just what signing needs). Plain SQL: every issuance
    reads it, and building the query through the ORM costs more than running it (budget
    `credential-issuances-per-core`)."""
    with connection.cursor() as cursor:
        cursor.execute(_active_coop_key_sql(), [coop_id, True])
        row = cursor.fetchone()
    if row is None:
        return None
    found = dict(zip((*_KEY_FIELDS, "is_active"), (*row, True), strict=True))
    return rows.build(Key, connection.alias, found)
