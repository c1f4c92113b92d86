"""Building the Open Badges 3.0 documents this instance signs, and the URLs they name.

Everything a verifier needs is in the document: the issuer is the cooperative's did:web
(its profile embedded), the subject is described below, and `credentialStatus` is one
Bitstring Status List entry.

Status: Open Badges 3.0 allows one `credentialStatus` (an object, in its JSON Schema), and a
credential can be suspended, reinstated and revoked. So the entry has ``statusPurpose:
"message"`` and ``statusSize: 2`` in a list of two-bit entries, and its `statusMessage` names
the four values (W3C Bitstring Status List v1.0, section 2.1): ``0x0`` active, ``0x1``
suspended, ``0x2`` revoked, ``0x3`` undefined (never set). Revocation stays final because the
actions never lower a 2. `statusReference` is the credential's page, which gives the reason.
Credentials issued before carry two entries (a revocation and a suspension list, one bit
each); their lists are still kept, and verifiers read both forms.

The subject, and what it promises. A credential published or shared carries nothing an
outsider can turn back into a person's phone number or e-mail address:

- If the holder gave a DID (their did:key, through the VC-API), the subject's `id` is that
  DID, and they prove possession by signing with its key, as any wallet does.
- Otherwise the subject carries one OB3 `IdentityObject` with ``identityType:
  "identifier"``, ``hashed: false`` and, as `identityHash`, a random ``urn:uuid:`` drawn
  for this credential alone. It is derived from nothing, so there is nothing to reverse,
  and two credentials of one person cannot be linked through it. The issuer records it
  privately with the person: the credential's row names its recipient's account, and keeps
  an HMAC-SHA256 of the e-mail address or phone number it was sent to under a key derived
  from the master key (`contact_hmac`: neither the key nor the contact is in the database
  or the document).
- Beside it, the holder's name as the issuer knows it, in plain text (an `IdentityObject`
  with ``identityType: "name"``, ``hashed: false``): a printed certificate shows the name
  the signature covers, and the verification page, the SMS answer and the USSD menu show
  it too, so a genuine code beside another name is caught. A name is what the paper shows
  anyway; the contact details stay out.
- Proof of possession: the holder signs in. The credential's page tells a signed-in person
  "This credential was issued to you" when it names their account, or when the HMAC of
  their verified e-mail address matches; a verifier can ask the holder to open it.

Earlier versions published ``sha256(contact + salt)`` with its salt (the OB 2.0 habit); a
phone number falls to an enumeration of its numbering plan in milliseconds. Those
credentials are re-issued in the new form and revoked (`actions.reissue_contact_hashes`,
``minga credential reissue-contact-hashes``).

Short signed digest (the `d` of a printed certificate's QR code): the first 10 bytes of the
platform key's Ed25519 signature over ``"minga credential qr\\n" + <sha256 hex>``, in
base32 without padding (16 characters). Ed25519 signatures are deterministic, so the
server recomputes it to check a printed certificate; it is short enough for a basic
phone's browser and cannot be forged without the platform's private key. The same 80 bits
are printed as 25 digits too (`check_code_digits`), for the USSD menu and phones that type
digits more easily; `normalize_check_code` reads either form.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import prefetch_related_objects
from django.urls import reverse

from minga.identity.dids import coop_did, public_url

if TYPE_CHECKING:
    from minga.coops.models import Cooperative

    from .models import Achievement, StatusList

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXTS = [VC_V2_CONTEXT, OB_V3_CONTEXT]
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
QR_DIGEST_PREFIX = b"minga credential qr\n"
STATUS_SIZE = 2
# The value of a credential's two-bit entry for each status, and the spec's statusMessage.
STATUS_VALUES = {"active": 0, "suspended": 1, "revoked": 2}
STATUS_MESSAGES = [
    {"status": "0x0", "message": "active"},
    {"status": "0x1", "message": "suspended"},
    {"status": "0x2", "message": "revoked"},
    {"status": "0x3", "message": "undefined"},
]
CHECK_CODE_DIGITS = 25  # 10**25 > 2**80: the 10 bytes of a check code as digits


def absolute(path: str) -> str:
    return public_url().rstrip("/") + path


def credential_url(uuid: object) -> str:
    """The credential's `id`: ``https://<host>/credentials/<uuid>``."""
    return absolute(reverse("credentials:detail", args=[str(uuid)]))


def achievement_url(achievement: Achievement) -> str:
    return absolute(reverse("credentials:achievement", args=[str(achievement.uuid)]))


def status_list_url(status_list: StatusList) -> str:
    return absolute(
        reverse(
            "credentials:status-list",
            args=[status_list.coop.slug, status_list.purpose, status_list.number],
        )
    )


def timestamp(moment: datetime) -> str:
    """XML Schema dateTime in UTC, to the second (what VC 2.0 and the proofs expect)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_sha256(document: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the RFC 8785 canonical JSON: the digest the audit log records."""
    from minga.core.jcs import canonical_json

    return hashlib.sha256(canonical_json(document)).hexdigest()


def dumps(document: Mapping[str, Any]) -> str:
    """The stored and served text of a document (stable key order, readable)."""
    return json.dumps(document, ensure_ascii=False, indent=2)


def new_subject_identifier() -> str:
    """A random identifier for one credential's subject: meaningful only to the issuer."""
    return uuid.uuid4().urn


def subject_identifier(identifier: str) -> dict[str, Any]:
    """The OB3 `IdentityObject` of an identifier drawn by `new_subject_identifier`."""
    return {
        "type": "IdentityObject",
        "identityHash": identifier,
        "identityType": "identifier",
        "hashed": False,
    }


def name_identifier(name: str) -> dict[str, Any]:
    """The OB3 `IdentityObject` of the holder's name, as printed on the certificate."""
    return {
        "type": "IdentityObject",
        "identityHash": name,
        "identityType": "name",
        "hashed": False,
    }


def holder_name(document: Mapping[str, Any]) -> str:
    """The holder's name the signed document carries (empty when it carries none)."""
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if not isinstance(subject, Mapping):
        return ""
    identifiers = subject.get("identifier")
    for item in identifiers if isinstance(identifiers, list) else [identifiers]:
        if (
            isinstance(item, Mapping)
            and item.get("identityType") == "name"
            and item.get("hashed") is False
            and isinstance(item.get("identityHash"), str)
        ):
            return item["identityHash"]
    return ""


def contact_hmac(contact: str) -> str:
    """Keyed digest of a normalised e-mail address or phone number, kept privately.

    The key is derived from the master key, which never enters the database: someone
    holding the database cannot test guesses against it, unlike a salted hash.
    """
    from minga.identity.keys import master_key

    key = hmac.new(master_key(), b"minga credential contact", hashlib.sha256).digest()
    return hmac.new(key, contact.encode(), hashlib.sha256).hexdigest()


def issuer_profile(coop: Cooperative) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "id": coop_did(coop),
        "type": ["Profile"],
        "name": coop.name,
        "url": absolute(coop.get_absolute_url()),
    }
    if coop.description:
        profile["description"] = coop.description[:500]
    return profile


def bcp47(language: str) -> str:
    """A Django language code as BCP 47 writes it, which the schema requires (`pt-br` is
    `pt-BR`)."""
    primary, _dash, region = language.partition("-")
    return f"{primary}-{region.upper()}" if len(region) == 2 else language


def achievement_document(achievement: Achievement, language: str) -> dict[str, Any]:
    # Callers issuing many credentials pass the same achievement: its rows are read once (a
    # relation already prefetched is left as it is, with no query).
    prefetch_related_objects([achievement], "translations", "alignments")
    text = achievement.in_language(language)
    document: dict[str, Any] = {
        "id": achievement_url(achievement),
        "type": ["Achievement"],
        "achievementType": achievement.achievement_type,
        "name": text.name,
        "description": text.description,
        "criteria": {"narrative": text.criteria},
        "inLanguage": bcp47(text.language),
        "creator": issuer_profile(achievement.coop),
    }
    if achievement.image:
        document["image"] = {
            "id": absolute(reverse("credentials:achievement-image", args=[str(achievement.uuid)])),
            "type": "Image",
            "caption": text.name,
        }
    alignments = []
    for alignment in achievement.alignments.all():
        entry = {
            "type": ["Alignment"],
            "targetName": alignment.target_name,
            "targetUrl": alignment.target_url,
        }
        optional = {
            "targetDescription": alignment.target_description,
            "targetFramework": alignment.target_framework,
            "targetCode": alignment.target_code,
            "targetType": alignment.target_type,
        }
        entry.update({key: value for key, value in optional.items() if value})
        alignments.append(entry)
    if alignments:
        document["alignment"] = alignments
    return document


def status_entry(status_list: StatusList, index: int, credential_id: str) -> dict[str, Any]:
    """The one `BitstringStatusListEntry` of a credential: two bits in a "message" list."""
    url = status_list_url(status_list)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "message",
        "statusListIndex": str(index),
        "statusSize": STATUS_SIZE,
        "statusMessage": [dict(item) for item in STATUS_MESSAGES],
        "statusReference": credential_id,
        "statusListCredential": url,
    }


def status_entries(
    revocation: tuple[StatusList, int], suspension: tuple[StatusList, int]
) -> list[dict[str, str]]:
    """Two `BitstringStatusListEntry` objects (the form of credentials issued before one
    entry per credential); the index is a string, as the spec requires."""
    entries = []
    for status_list, index in (revocation, suspension):
        url = status_list_url(status_list)
        entries.append(
            {
                "id": f"{url}#{index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": status_list.purpose,
                "statusListIndex": str(index),
                "statusListCredential": url,
            }
        )
    return entries


def credential_document(
    *,
    uuid: object,
    achievement: Achievement,
    language: str,
    subject_id: str | None,
    identifier: Mapping[str, Any] | None,
    holder: str = "",
    valid_from: datetime,
    valid_until: datetime | None,
    evidence: Sequence[Mapping[str, str]],
    results: Sequence[Mapping[str, str]],
    status: Mapping[str, Any] | Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """The unsigned `OpenBadgeCredential`; `holder` is the holder's name (if known).

    `results` are ``{"name", "value", "type"}`` mappings: each becomes a `ResultDescription`
    of the achievement (``<achievement id>#result-<n>``) and a `Result` of the subject that
    points at it. `evidence` are ``{"id", "name", "description"}`` mappings.
    """
    achievement_doc = achievement_document(achievement, language)
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if subject_id:
        subject["id"] = subject_id
    identifiers = [dict(identifier)] if identifier else []
    if holder.strip():
        identifiers.append(name_identifier(" ".join(holder.split())))
    if identifiers:
        subject["identifier"] = identifiers
    if results:
        descriptions, values = [], []
        for number, result in enumerate(results, start=1):
            description_id = f"{achievement_doc['id']}#result-{number}"
            descriptions.append(
                {
                    "id": description_id,
                    "type": ["ResultDescription"],
                    "name": str(result["name"]),
                    "resultType": str(result.get("type") or "Result"),
                }
            )
            values.append(
                {
                    "type": ["Result"],
                    "resultDescription": description_id,
                    "value": str(result["value"]),
                }
            )
        achievement_doc["resultDescription"] = descriptions
        subject["result"] = values
    subject["achievement"] = achievement_doc
    document: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": credential_url(uuid),
        "type": list(CREDENTIAL_TYPES),
        "issuer": issuer_profile(achievement.coop),
        "validFrom": timestamp(valid_from),
        "name": achievement_doc["name"],
        "credentialSubject": subject,
    }
    if valid_until is not None:
        document["validUntil"] = timestamp(valid_until)
    if evidence:
        document["evidence"] = [_evidence(item) for item in evidence]
    document["credentialStatus"] = status
    return document


def _evidence(item: Mapping[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": ["Evidence"]}
    for key in ("id", "name", "description", "narrative", "genre"):
        if item.get(key):
            entry[key] = str(item[key])
    return entry


def status_list_document(
    status_list: StatusList, *, encoded_list: str, valid_from: datetime
) -> dict[str, Any]:
    """The unsigned `BitstringStatusListCredential` of one list."""
    url = status_list_url(status_list)
    return {
        "@context": [VC_V2_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": coop_did(status_list.coop),
        "validFrom": timestamp(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": encoded_list,
        },
    }


def sign(document: dict[str, Any], coop: Cooperative, created: datetime) -> dict[str, Any]:
    """Sign `document` with the cooperative's active key (eddsa-rdfc-2022)."""
    from minga.identity.keys import coop_signing_key

    from . import dataintegrity

    verification_method, private_key = coop_signing_key(coop)
    return dataintegrity.sign(
        document,
        private_key=private_key,
        verification_method=verification_method,
        created=timestamp(created),
    )


def encoded_list(indexes: Iterable[int], size: int) -> str:
    from . import statuslist

    return statuslist.encode(set(indexes), size=size)


def encoded_values(values: Mapping[int, int], size: int, status_size: int) -> str:
    from . import statuslist

    return statuslist.encode_values(values, entries=size, status_size=status_size)


# --- the short signed digest printed in QR codes ---


def qr_digest(sha256_hex: str) -> str:
    from minga.identity.keys import platform_signing_key

    _name, key = platform_signing_key()
    signature = key.sign(QR_DIGEST_PREFIX + sha256_hex.encode("ascii"))
    return base64.b32encode(signature[:10]).decode("ascii")


def check_qr_digest(sha256_hex: str, digest: str) -> bool:
    """Whether `digest` (as read from a QR code, any case, or its 25 digits) is the digest
    of `sha256_hex`."""
    return hmac.compare_digest(qr_digest(sha256_hex), normalize_check_code(digest) or "-")


def check_code_digits(digest: str) -> str:
    """The 25-digit form of a check code, in groups of five for reading aloud and typing."""
    number = int.from_bytes(base64.b32decode(digest), "big")
    digits = str(number).zfill(CHECK_CODE_DIGITS)
    return " ".join(digits[i : i + 5] for i in range(0, CHECK_CODE_DIGITS, 5))


def normalize_check_code(text: str) -> str | None:
    """The check code in `text` (16 base32 characters or 25 digits; spaces, dashes and case
    do not matter) in its base32 form, or None when it is neither."""
    plain = "".join(ch for ch in str(text)[:80] if ch not in " -.\t").upper()
    if len(plain) == CHECK_CODE_DIGITS and plain.isascii() and plain.isdigit():
        number = int(plain)
        if number >= 1 << 80:
            return None
        return base64.b32encode(number.to_bytes(10, "big")).decode("ascii")
    if len(plain) == 16 and all(ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for ch in plain):
        return plain
    return None


def verify_url(credential_id: str, digest: str) -> str:
    from urllib.parse import urlencode

    return (
        absolute(reverse("credentials:verify"))
        + "?"
        + urlencode({"id": credential_id, "d": digest})
    )
