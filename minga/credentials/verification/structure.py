"""Check 1, structure: the input is a JSON credential within limits, and it is well formed
(VC Data Model 2.0 and, for an Open Badge, the OB 3.0 required fields)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import dataintegrity, jsonld
from ..problems import Problem, gettext_noop, problem
from .report import FAILED, Report

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context-3."
OB_TYPES = ("OpenBadgeCredential", "AchievementCredential")


def malformed(template: str, **params: Any) -> Problem:
    return problem("MALFORMED_VALUE_ERROR", template, **params)


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def is_url(value: object) -> bool:
    if not isinstance(value, str) or not value or len(value) > 2048 or " " in value:
        return False
    scheme = value.split(":", 1)[0]
    return ":" in value and scheme.isascii() and scheme[:1].isalpha()


def issuer_id(credential: Mapping[str, Any]) -> Any:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, Mapping) else issuer


def structure_problems(credential: Mapping[str, Any]) -> list[Problem]:
    """Every way the credential breaks VC 2.0 (and OB 3.0, if it claims to be an Open Badge)."""
    found: list[Problem] = []
    contexts = credential.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC_V2_CONTEXT:
        found.append(
            malformed(
                gettext_noop("@context must be a list starting with %(context)s."),
                context=VC_V2_CONTEXT,
            )
        )
        contexts = contexts if isinstance(contexts, list) else []
    types = as_list(credential.get("type"))
    if "VerifiableCredential" not in types:
        found.append(malformed(gettext_noop("type must include VerifiableCredential.")))
    if "id" in credential and not is_url(credential["id"]):
        found.append(malformed(gettext_noop("id must be a URL.")))
    issuer = credential.get("issuer")
    if not is_url(issuer_id(credential)):
        found.append(
            malformed(gettext_noop("issuer must be a URL, or an object whose id is a URL."))
        )
    subjects = credential.get("credentialSubject")
    if not subjects or not all(isinstance(s, Mapping) and s for s in as_list(subjects)):
        found.append(
            malformed(gettext_noop("credentialSubject must be an object (or a list of objects)."))
        )
    for name in ("validFrom", "validUntil"):
        if name in credential and dataintegrity.parse_datetime(credential[name]) is None:
            found.append(
                malformed(
                    gettext_noop(
                        "%(field)s must be a date and time with a zone, e.g. 2026-01-31T12:00:00Z."
                    ),
                    field=name,
                )
            )
    statuses = credential.get("credentialStatus", [])
    if not all(
        isinstance(s, Mapping) and isinstance(s.get("type"), str) for s in as_list(statuses)
    ):
        found.append(malformed(gettext_noop("Each credentialStatus entry must have a type.")))
    if "proof" not in credential:
        found.append(problem("MALFORMED_PROOF_ERROR", gettext_noop("The credential has no proof.")))
    if any(t in types for t in OB_TYPES):
        found.extend(_open_badge_problems(credential, contexts, issuer, subjects))
    return found


def _open_badge_problems(
    credential: Mapping[str, Any], contexts: list[Any], issuer: Any, subjects: Any
) -> list[Problem]:
    found: list[Problem] = []
    if not any(isinstance(c, str) and c.startswith(OB_CONTEXT_PREFIX) for c in contexts):
        found.append(
            malformed(gettext_noop("An Open Badge's @context must include the OB 3.0 context."))
        )
    if not is_url(credential.get("id")):
        found.append(malformed(gettext_noop("An Open Badge must have an id.")))
    if not isinstance(issuer, Mapping) or "Profile" not in as_list(issuer.get("type")):
        found.append(
            malformed(gettext_noop("An Open Badge's issuer must be a Profile object with an id."))
        )
    if "validFrom" not in credential:
        found.append(malformed(gettext_noop("An Open Badge must have a validFrom date.")))
    subject = subjects[0] if isinstance(subjects, list) and subjects else subjects
    if not isinstance(subject, Mapping):
        return found
    if not subject.get("id") and not subject.get("identifier"):
        found.append(
            malformed(gettext_noop("The credentialSubject must have an id or an identifier."))
        )
    achievement = subject.get("achievement")
    if not isinstance(achievement, Mapping):
        found.append(malformed(gettext_noop("The credentialSubject must name its achievement.")))
        return found
    missing = [
        name
        for name in ("id", "type", "name", "description", "criteria")
        if not achievement.get(name)
    ]
    if missing:
        found.append(
            malformed(gettext_noop("The achievement lacks %(fields)s."), fields=", ".join(missing))
        )
    return found


def parse_input(report: Report, data: object) -> dict[str, Any] | None:
    try:
        if isinstance(data, bytes | str):
            credential = jsonld.parse_json(data)
        else:
            jsonld.check_limits(data)
            credential = data
    except jsonld.InputError as error:
        name = "input-too-large" if error.too_large else "PARSING_ERROR"
        report.add(
            "structure",
            FAILED,
            gettext_noop("The input cannot be read as a credential."),
            [problem(name, gettext_noop("%(reason)s"), reason=str(error))],
        )
        return None
    if not isinstance(credential, dict):
        report.add(
            "structure",
            FAILED,
            gettext_noop("The input cannot be read as a credential."),
            [problem("PARSING_ERROR", gettext_noop("A credential is a JSON object."))],
        )
        return None
    return credential
