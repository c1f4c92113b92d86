"""Checking a printed certificate: by its link and check code, its QR code's address, or the
check code alone (by SMS, ``CHECK <code>``, or in the USSD menu).

The check code (`credential.qr_digest`) is made from the SHA-256 of the whole signed
document, and the document carries the holder's name: a code answers for one name only.
Every way of checking shows that name beside the verdict, so a reader compares it with the
paper; a reader who types the printed name gets a clear "not the holder's name" when they
differ. Nothing is stored.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import credential as documents
from .models import Credential
from .problems import gettext_noop, problem
from .verification import FAILED, Check, Report, own_credential_uuid, verify_credential

SMS_LIMIT = 160


def find(credential_id: str) -> Credential | None:
    """This server's credential with this id (its link), if any."""
    tail = own_credential_uuid(credential_id[:300])
    try:
        uuid = UUID(tail or "")
    except ValueError:
        return None
    return Credential.objects.select_related("achievement").filter(uuid=uuid).first()


def find_by_code(code: str) -> Credential | None:
    """The credential whose printed check code this is (either form), if any."""
    normalized = documents.normalize_check_code(code)
    if normalized is None:
        return None
    row = Credential.objects.select_related("achievement").filter(check_code=normalized).first()
    if row is None or not documents.check_qr_digest(row.sha256, normalized):
        return None
    return row


def split_link(text: str) -> tuple[str, str]:
    """(credential id, check code) from a credential's link or its QR code's address
    (``.../credentials/verify/?id=<link>&d=<code>``)."""
    text = text.strip()[:1000]
    parts = urlsplit(text)
    query = parse_qs(parts.query)
    if "id" in query:
        return query["id"][0], query.get("d", [""])[0]
    return text.split("?", 1)[0].split("#", 1)[0], ""


def same_name(printed: str, signed: str) -> bool:
    """Whether a name as typed from the paper is the signed one (case, accents and spacing
    aside: a reader types what they see on a basic phone)."""

    def plain(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text)
        kept = "".join(c for c in decomposed if not unicodedata.combining(c))
        return " ".join(kept.casefold().split())

    return bool(signed) and plain(printed) == plain(signed)


def not_found(credential_id: str) -> Report:
    report = Report()
    report.checks.append(
        Check("structure", FAILED, gettext_noop("No credential was found at this address."))
    )
    report.problems.append(
        problem(
            "PARSING_ERROR",
            gettext_noop(
                "This server issued no credential %(id)s. Paste the credential itself to "
                "verify one issued elsewhere."
            ),
            id=credential_id[:300],
        ).with_check("structure")
    )
    return report


def check(row: Credential, *, code: str = "", printed_name: str = "") -> Report:
    """Verify one of this server's credentials, and what the paper shows of it: its check
    code (if given) and the holder's name (if the reader typed it)."""
    report = verify_credential(row.document)
    if code and not documents.check_qr_digest(row.sha256, code[:80]):
        report.problems.append(
            problem(
                "digest-mismatch",
                gettext_noop(
                    "The code printed with this certificate (%(digest)s) was not made for "
                    "this credential: the paper may be forged."
                ),
                digest=code[:80],
            ).with_check("structure")
        )
    signed = documents.holder_name(json.loads(row.document))
    if printed_name.strip() and not same_name(printed_name, signed):
        report.problems.append(
            problem(
                "name-mismatch",
                gettext_noop(
                    "The name printed on the certificate (%(printed)s) is not the name this "
                    "credential was issued to (%(holder)s): the paper may be forged."
                ),
                printed=printed_name.strip()[:150],
                holder=signed or "-",
            ).with_check("structure")
        )
    return report


STATUS_LABELS = {
    "valid": gettext_noop("Valid"),
    "revoked": gettext_noop("Revoked"),
    "suspended": gettext_noop("Suspended"),
    "expired": gettext_noop("Expired"),
    "invalid": gettext_noop("Not valid"),
}


def status_of(report: Report) -> str:
    """One word for the verdict: valid, revoked, suspended, expired or invalid."""
    if report.is_valid:
        return "valid"
    names = {found.type.name for found in report.problems}
    forged = names & {"digest-mismatch", "name-mismatch", "PROOF_VERIFICATION_ERROR"}
    for name in ("revoked", "suspended", "expired"):
        if name in names and not forged:
            return name
    return "invalid"


@dataclass(frozen=True)
class Summary:
    holder: str
    achievement: str
    issuer: str
    status: str

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status])


def _text(value: object) -> str:
    return " ".join(value.split())[:300] if isinstance(value, str) else ""


def summary(report: Report, row: Credential | None = None) -> Summary:
    """What a reader needs: the holder's name, the achievement (in the reader's language when
    this server has its words in it), the issuer and the verdict."""
    credential: dict[str, Any] = report.credential or {}
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, dict) else {}
    name = _text(achievement.get("name")) or _text(credential.get("name"))
    language = (get_language() or "en").split("-")[0]
    signed_language = _text(achievement.get("inLanguage")).split("-")[0]
    if row is not None and signed_language != language:
        name = row.achievement.in_language(language).name
    issuer = credential.get("issuer")
    issuer_name = _text(issuer.get("name")) if isinstance(issuer, dict) else _text(issuer)
    return Summary(
        holder=_text(documents.holder_name(credential)),
        achievement=name,
        issuer=issuer_name,
        status=status_of(report),
    )


def _fit(template: str, values: dict[str, str], cuttable: tuple[str, ...]) -> str:
    """`template` filled in, the longest of the `cuttable` values shortened to fit an SMS."""
    values = dict(values)
    text = template % values
    while len(text) > SMS_LIMIT:
        longest = max(cuttable, key=lambda key: len(values[key]))
        if len(values[longest]) <= 4:
            return text[:SMS_LIMIT]
        values[longest] = values[longest][: len(values[longest]) - 3].rstrip() + ".."
        text = template % values
    return text


def short_answer(code: str) -> str:
    """The answer to a check code alone, in the active language, in at most 160 characters."""
    if documents.normalize_check_code(code) is None:
        return _(
            "Minga: a check code is 16 letters and digits, or 25 digits, as printed on the "
            "certificate. Send CHECK and the code."
        )
    row = find_by_code(code)
    if row is None:
        return _fit(
            _(
                "Minga: no certificate has the code %(code)s. Check what you typed: the paper "
                "may be forged."
            ),
            {"code": " ".join(code.split())[:40]},
            ("code",),
        )
    found = summary(check(row, code=code), row)
    return _fit(
        _("Minga: %(status)s. %(holder)s: %(achievement)s, from %(issuer)s."),
        {
            "status": found.status_label.upper(),
            "holder": found.holder or _("holder not named"),
            "achievement": found.achievement,
            "issuer": found.issuer,
        },
        ("holder", "achievement", "issuer"),
    )
