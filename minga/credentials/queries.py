"""Reads on the hot path of verification, in plain SQL.

Verifying one of this instance's credentials reads its issuer's two status lists (through
the status list view, as any verifier would) on every run. Building such a query through
the ORM costs about twenty times more than running it, so these few reads are plain SQL,
as the audit log's own hot paths are (budget `credential-verifications-per-core`, names
through `minga.core.fast.sql`).
"""

from __future__ import annotations

import functools
import json

from django.db import connection

from minga import audit
from minga.coops.models import Cooperative
from minga.core.fast import sql

from .models import Credential, StatusList

MAX_NUMBER = 2**31 - 1  # list numbers are PositiveIntegerField: 32 bits on every database


@functools.cache
def _status_list_sql() -> str:
    lists, coops = sql.table(StatusList), sql.table(Cooperative)
    return (
        f"SELECT s.document FROM {lists} s JOIN {coops} c ON c.id = s.coop_id "  # noqa: S608
        f"WHERE c.slug = %s AND s.purpose = %s AND s.{sql.quote('number')} = %s"
    )


def signed_status_list(slug: str, purpose: str, number: int) -> str | None:
    """The signed `BitstringStatusListCredential` text of one list; None if there is none."""
    if not 0 < number <= MAX_NUMBER:  # the database would refuse to compare larger numbers
        return None
    with connection.cursor() as cursor:
        cursor.execute(_status_list_sql(), [slug, purpose, number])
        row = cursor.fetchone()
    return row[0] if row and row[0] else None


def reissue_lines(coop: Cooperative) -> list[str]:
    """`minga key compromise`'s lines for the credentials to re-issue (see identity.registry)."""
    return [f"re-issue: {credential.uuid}" for credential in signed_before_compromise(coop)]


def signed_before_compromise(coop: Cooperative) -> list[Credential]:
    """The cooperative's credentials still in force that were signed by a key later declared
    compromised, and entered the audit log before the compromise: they verified when issued,
    and are listed so that the cooperative re-issues them with its new key."""
    from minga.identity.models import Key

    compromised = dict(
        Key.objects.filter(coop=coop, compromised_index__isnull=False).values_list(
            "public_key_multibase", "compromised_index"
        )
    )
    if not compromised:
        return []
    found = []
    for credential in Credential.objects.filter(coop=coop, status=Credential.Status.ACTIVE):
        method = json.loads(credential.document).get("proof", {}).get("verificationMethod", "")
        until = compromised.get(str(method).rpartition("#")[2])
        if until is None:
            continue
        issued = audit.first_entry(kind="credential.issue", subject=f"credential:{credential.uuid}")
        if issued is not None and issued.index < until:
            found.append(credential)
    return sorted(found, key=lambda credential: credential.pk)
