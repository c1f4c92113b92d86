"""Reads behind the public profiles: verified credentials and the score.

A credential counts only if it verifies now, by the same checks anyone runs on the public
verification page (`verification.verify_credential`); results are cached by the credential's
digest and status, so a revocation or suspension shows at once. Each score input is taken
from the signed document itself (issuer, achievement, type, rank), not from the database, so
anyone holding the documents computes the same score.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from minga import audit
from minga.accounts.models import User
from minga.coops.models import Cooperative
from minga.identity.dids import coop_did

from . import reputation
from .models import Credential

VERIFIED_CACHE_SECONDS = 600
# A cooperative's issued certificates count up to ISSUED_CAP; a few more are read in case
# some no longer verify.
ISSUED_CANDIDATES = reputation.ISSUED_CAP + 10
RANK_RESULT_TYPES = {"ext:Rank"}


@dataclass(frozen=True)
class Verified:
    credential: Credential
    document: dict[str, Any]
    input: reputation.Input


def is_verified(credential: Credential) -> bool:
    """Does the credential pass every check of the public verification page now?"""
    if not credential.is_active:
        return False
    key = f"credentials:verified:{credential.uuid}:{credential.sha256}:{credential.status}"
    known = cache.get(key)
    if known is None:
        from .verification import verify_credential  # noqa: PLC0415 (loads pyld)

        known = bool(verify_credential(credential.document).is_valid)
        cache.set(key, known, VERIFIED_CACHE_SECONDS)
    return known


def rank_of(document: dict[str, Any]) -> int | None:
    """The rank a credential carries: a subject `Result` whose description is a rank."""
    subject = document.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    rank_descriptions = {
        item.get("id")
        for item in achievement.get("resultDescription") or []
        if isinstance(item, dict) and item.get("resultType") in RANK_RESULT_TYPES
    }
    for result in subject.get("result") or []:
        if isinstance(result, dict) and result.get("resultDescription") in rank_descriptions:
            try:
                return int(result.get("value"))
            except (TypeError, ValueError):
                return None
    return None


def _types(value: Any) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


def score_input(
    credential: Credential, document: dict[str, Any], relation: str
) -> reputation.Input:
    issuer = document.get("issuer")
    subject = document.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    issued = audit.first_entry(kind="credential.issue", subject=f"credential:{credential.uuid}")
    return reputation.Input(
        credential=str(document.get("id", "")),
        issuer=str(issuer.get("id", "") if isinstance(issuer, dict) else issuer or ""),
        achievement=str(achievement.get("id", "")),
        achievement_type=_types(achievement.get("achievementType")),
        relation=relation,
        rank=rank_of(document),
        log_index=issued.index if issued is not None else None,
    )


def verified(credentials: Iterable[Credential], relation: str) -> list[Verified]:
    result = []
    for credential in credentials:
        if is_verified(credential):
            document = json.loads(credential.document)
            result.append(
                Verified(credential, document, score_input(credential, document, relation))
            )
    return result


def _active(queryset: QuerySet[Credential]) -> QuerySet[Credential]:
    return (
        queryset.filter(status=Credential.Status.ACTIVE)
        .select_related("achievement", "coop")
        .prefetch_related("achievement__translations")
    )


def person_credentials(person: User) -> list[Verified]:
    return verified(_active(Credential.objects.filter(recipient=person)), reputation.EARNED)


def coop_earned_credentials(coop: Cooperative) -> list[Verified]:
    """Credentials whose subject is the cooperative itself (its DID)."""
    queryset = Credential.objects.filter(
        identity_type=Credential.IdentityType.DID, recipient_identity=coop_did(coop)
    )
    return verified(_active(queryset), reputation.EARNED)


def coop_issued_certificates(coop: Cooperative) -> list[Verified]:
    """Certificates the cooperative issued at the end of its trainings, by credential id."""
    queryset = _active(Credential.objects.filter(coop=coop, source__startswith="training:"))
    found = verified(queryset.order_by("uuid")[:ISSUED_CANDIDATES], reputation.ISSUED)
    found.sort(key=lambda item: item.input.credential)
    return found[: reputation.ISSUED_CAP]


def person_document(person: User, subject: str) -> tuple[list[Verified], dict[str, Any]]:
    items = person_credentials(person)
    return items, reputation.document(subject, [item.input for item in items])


def coop_document(coop: Cooperative) -> tuple[list[Verified], list[Verified], dict[str, Any]]:
    earned = coop_earned_credentials(coop)
    issued = coop_issued_certificates(coop)
    inputs = [item.input for item in earned + issued]
    return earned, issued, reputation.document(coop_did(coop), inputs)
