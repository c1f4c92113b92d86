"""The W3C VC-API pair: issue (a cooperative's administrators) and verify (anyone).

`POST /api/vc/credentials/issue` takes ``{"credential": {...}, "options": {...}}``. The
credential names one of this server's achievements (``credentialSubject.achievement`` as
its id URL, or an object with that ``id``) and its issuer (the cooperative's did:web); the
server builds and signs the full Open Badge from the achievement, so what a cooperative
issues over the API is exactly what it issues from its pages. The subject is
``credentialSubject.id`` (a DID, e.g. the holder's did:key), or ``options.recipientEmail`` /
``options.recipientPhone``, which never appear in the credential: its subject is then a
random identifier the server records privately with them (see the `credential` module).

`POST /api/vc/credentials/verify` takes ``{"verifiableCredential": {...}}`` and answers
``{"verified", "checks", "problems"}``, the same report as the verification page.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.dateparse import parse_datetime
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from minga.identity.dids import coop_did

from . import actions
from .credential import achievement_url
from .models import Achievement
from .permissions import can_issue

router = Router(tags=["credentials"])


class ProblemOut(Schema):
    type: str
    title: str
    detail: str


class RefusedOut(Schema):
    """A refusal: a problem from this API, or the framework's own answer (e.g. CSRF)."""

    type: str | None = None
    title: str | None = None
    detail: str


class IssueOptions(Schema):
    # `default=` by name: type checkers read a field's default only so.
    recipientEmail: str | None = Field(default=None, max_length=254)
    recipientPhone: str | None = Field(default=None, max_length=32)
    recipientName: str | None = Field(default=None, max_length=150)


class IssueIn(Schema):
    credential: dict[str, Any]
    options: IssueOptions = Field(default_factory=IssueOptions)


class IssueOut(Schema):
    verifiableCredential: dict[str, Any]


class VerifyIn(Schema):
    verifiableCredential: dict[str, Any]
    options: dict[str, Any] = Field(default_factory=dict)


class CheckOut(Schema):
    check: str
    status: str
    detail: str


class VerifyOut(Schema):
    verified: bool
    credential: str | None
    checks: list[CheckOut]
    problems: list[dict[str, Any]]


# A 400 comes from the NUL guard in front of every view (plain text), from the framework when
# the body is not JSON ({"detail": ...}), or, for issuing, as a problem of our own.
BAD_REQUEST = {
    "description": "Bad input: a problem (type, title, detail), or a plain-text refusal",
    "content": {
        "text/plain": {"schema": {"type": "string"}},
        "application/json": {"schema": {"$ref": "#/components/schemas/RefusedOut"}},
    },
}


def _problem(kind: str, title: str, detail: str) -> ProblemOut:
    return ProblemOut(type=f"tag:minga.coop,2026:problem:{kind}", title=title, detail=detail)


def _achievement_of(credential: dict[str, Any]) -> Achievement | None:
    subject = credential.get("credentialSubject")
    reference = subject.get("achievement") if isinstance(subject, dict) else None
    if isinstance(reference, dict):
        reference = reference.get("id")
    if not isinstance(reference, str) or "/credentials/achievements/" not in reference:
        return None
    uuid = reference.rstrip("/").rsplit("/", 1)[-1]
    try:
        achievement = Achievement.objects.select_related("coop").filter(uuid=uuid).first()
    except (ValueError, ValidationError):
        return None
    if achievement is None or achievement_url(achievement) != reference:
        return None
    return achievement


def _instant(value: object, name: str) -> datetime.datetime | None:
    if value is None:
        return None
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None or moment.tzinfo is None:
        raise ValidationError(
            f"{name} must be a date and time with a zone, e.g. 2026-01-31T12:00:00Z."
        )
    return moment


@router.post(
    "/credentials/issue",
    auth=django_auth,
    response={201: IssueOut, 400: RefusedOut, 403: RefusedOut},
    summary="Issue a signed Open Badge 3.0 credential (a cooperative's administrators)",
    openapi_extra={
        "responses": {
            400: BAD_REQUEST,
            "401": {"description": "Sign in first"},
            "422": {"description": "The body is not an issue request"},
        }
    },
)
def issue(request, body: IssueIn):
    credential = body.credential
    if len(json.dumps(credential)) > 100_000:
        return Status(
            400, _problem("too-large", "Input too large", "The credential template is too large.")
        )
    achievement = _achievement_of(credential)
    if achievement is None:
        return Status(
            400,
            _problem(
                "unknown-achievement",
                "Unknown achievement",
                "credentialSubject.achievement must be the id of an achievement of this server.",
            ),
        )
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id is not None and issuer_id != coop_did(achievement.coop):
        return Status(
            400,
            _problem(
                "wrong-issuer",
                "Wrong issuer",
                f"This achievement is issued by {coop_did(achievement.coop)}.",
            ),
        )
    if not can_issue(request.user, achievement.coop):
        return Status(
            403,
            _problem(
                "forbidden",
                "Forbidden",
                "Only the cooperative's administrators issue its credentials.",
            ),
        )
    subject = credential.get("credentialSubject") or {}
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    try:
        issued = actions.issue_credential(
            achievement=achievement,
            recipient_did=subject_id if isinstance(subject_id, str) else None,
            recipient_email=body.options.recipientEmail,
            recipient_phone=body.options.recipientPhone,
            recipient_name=body.options.recipientName or "",
            valid_from=_instant(credential.get("validFrom"), "validFrom"),
            valid_until=_instant(credential.get("validUntil"), "validUntil"),
            actor=request.user,
        )
    except PermissionDenied:
        return Status(403, _problem("forbidden", "Forbidden", "Not allowed."))
    except ValidationError as error:
        return Status(400, _problem("invalid-input", "Invalid input", " ".join(error.messages)))
    return Status(201, {"verifiableCredential": json.loads(issued.document)})


@router.post(
    "/credentials/verify",
    response={200: VerifyOut, 400: RefusedOut},
    summary="Verify a credential: structure, issuer, signature, dates, status, audit log",
    openapi_extra={
        "responses": {
            400: BAD_REQUEST,
            "422": {"description": "The body has no verifiableCredential object"},
        }
    },
)
def verify(request, body: VerifyIn):
    from .verification import verify_credential

    return Status(200, verify_credential(body.verifiableCredential).as_json())
