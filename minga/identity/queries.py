"""Reads: DID documents of this instance, built from the keys table."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.db import connection

from minga.coops.models import Cooperative
from minga.core.fast import sql

from . import didkey, didweb
from .didcore import NotFound
from .dids import coop_did, local_path, platform_did
from .keys import ensure_platform_key
from .models import Key


@functools.lru_cache(maxsize=1024)
def _public_bytes(multibase: str) -> bytes:
    """Raw key bytes of a stored Multikey (checked on the curve once per process, not per read)."""
    return didkey.decode_multikey(multibase)


# A committed next key is not revealed before it takes over; a key declared compromised
# verifies nothing for plain did:web verifiers (Minga's own checks read its history).
_PUBLISHED = {"is_next": False, "compromised_from__isnull": True}


def _published(keys: Iterable[tuple[str, bool]]) -> list[didweb.PublishedKey]:
    return [
        didweb.PublishedKey(_public_bytes(multibase), is_active) for multibase, is_active in keys
    ]


def platform_document() -> dict[str, Any]:
    """The platform's DID document: every platform key, rotated ones included."""
    ensure_platform_key()
    keys = Key.objects.filter(coop__isnull=True, **_PUBLISHED).values_list(
        "public_key_multibase", "is_active"
    )
    return didweb.build_document(platform_did(), _published(keys))


def coop_document(coop: Cooperative) -> dict[str, Any]:
    """A cooperative's DID document: every key it ever had, rotated ones included."""
    keys = Key.objects.filter(coop=coop, **_PUBLISHED).values_list(
        "public_key_multibase", "is_active"
    )
    return didweb.build_document(coop_did(coop), _published(keys))


@functools.cache
def _coop_keys_sql() -> str:
    coops, keys = sql.table(Cooperative), sql.table(Key)
    return (
        f"SELECT k.public_key_multibase, k.is_active FROM {coops} c "  # noqa: S608
        f"LEFT JOIN {keys} k ON k.coop_id = c.id AND NOT k.is_next AND k.compromised_from IS NULL "
        "WHERE c.slug = %s ORDER BY k.created_at, k.id"
    )


def _coop_key_rows(slug: str) -> list[tuple[str | None, bool | None]]:
    """The cooperative's keys, oldest first; one empty row if it has none, none if no such
    cooperative. Plain SQL in one statement: every verification of a credential issued here
    resolves its issuer, and the ORM would cost more than the query (budget
    `credential-verifications-per-core`)."""
    with connection.cursor() as cursor:
        cursor.execute(_coop_keys_sql(), [slug])
        return cursor.fetchall()


def local_document(did: str) -> dict[str, Any]:
    """The DID document of one of this instance's DIDs, from the database."""
    path = local_path(did)
    if path == []:
        return platform_document()
    if path is not None and len(path) == 2 and path[0] == "coops":
        rows = _coop_key_rows(path[1])
        if rows:
            keys = [(multibase, bool(active)) for multibase, active in rows if multibase]
            return didweb.build_document(coop_did(path[1]), _published(keys))
    raise NotFound(f"{did} is not a DID of this instance.")
