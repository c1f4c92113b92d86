"""Every change to achievements and credentials: atomic, audited, notified on commit.

Every action checks its actor itself (`permissions.check_issuer`: the cooperative's
administrators, or staff), as the views and the API do first; no actor is the system (the
command line, an award's achievement). A credential earned through another app's action
carries a `source` naming what it was earned for, and is issued on that action's word, which
checked its own actor: a trainer closing a training and an organiser announcing results both
issue credentials without being the issuing cooperative's administrators.

Each issuance is recorded in the audit log as ``credential.issue`` with the SHA-256 of the
RFC 8785 form of the signed document, so anyone holding the credential can find its entry
and check it was not altered or back-dated. Status changes are ``credential.revoke``,
``credential.suspend`` and ``credential.reinstate``, each with its public reason. Replacing
a credential that carried a hash of a contact is ``credential.reissue`` (old and new ids),
beside the replacement's ``credential.issue`` and the original's ``credential.revoke``.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minga import audit
from minga.accounts.models import User
from minga.accounts.phones import normalize_phone
from minga.channels.mail import send_email
from minga.channels.sms import send_sms
from minga.coops.models import Cooperative
from minga.core.lookups import keyed
from minga.identity.keys import KeyUnavailable

from . import credential as documents
from . import registry
from .models import (
    Achievement,
    AchievementTranslation,
    AchievementType,
    Alignment,
    Credential,
    StatusList,
    StatusPurpose,
)
from .permissions import check_issuer

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
MAX_REASON = 500


def _achievement_subject(achievement: Achievement) -> str:
    return f"achievement:{achievement.uuid}"


def _credential_subject(credential: Credential) -> str:
    return f"credential:{credential.uuid}"


# --- achievements ---


def _clean_text(value: str, *, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Fill in the %(field)s.") % {"field": field}, code="required")
    if len(value) > limit:
        raise ValidationError(
            _("The %(field)s can be at most %(limit)d characters.")
            % {"field": field, "limit": limit},
            code="too_long",
        )
    return value


def _check_language(language: str) -> None:
    if language not in LANGUAGE_CODES:
        raise ValidationError(
            _("“%(language)s” is not one of the languages of this site.") % {"language": language},
            code="language",
        )


def _replace_translations(
    achievement: Achievement, translations: Iterable[Mapping[str, str]]
) -> None:
    achievement.translations.all().delete()
    seen = {achievement.language}
    for item in translations:
        language = item.get("language", "")
        _check_language(language)
        if language in seen:
            raise ValidationError(_("Each language can be given once."), code="duplicate_language")
        seen.add(language)
        AchievementTranslation.objects.create(
            achievement=achievement,
            language=language,
            name=_clean_text(item.get("name", ""), field=_("name"), limit=200),
            description=_clean_text(
                item.get("description", ""), field=_("description"), limit=3000
            ),
            criteria=_clean_text(item.get("criteria", ""), field=_("criteria"), limit=3000),
        )


def _replace_alignments(achievement: Achievement, alignments: Iterable[Mapping[str, str]]) -> None:
    achievement.alignments.all().delete()
    for position, item in enumerate(alignments, start=1):
        alignment = Alignment(achievement=achievement, position=position, **dict(item))
        alignment.full_clean(exclude=["achievement"])
        alignment.save()


def _achievement_data(achievement: Achievement) -> dict[str, Any]:
    return {
        "achievement": documents.achievement_url(achievement),
        "type": achievement.achievement_type,
        "name": achievement.name,
        "languages": achievement.languages(),
    }


@transaction.atomic
def define_achievement(
    *,
    coop: Cooperative,
    actor: User | None,
    name: str,
    description: str,
    criteria: str,
    achievement_type: str = AchievementType.BADGE,
    language: str = "en",
    translations: Sequence[Mapping[str, str]] = (),
    alignments: Sequence[Mapping[str, str]] = (),
    image: Any = None,
    key: str = "",
) -> Achievement:
    """Define what `coop` recognises, in `language` and in each of `translations`."""
    check_issuer(actor, coop)
    _check_language(language)
    if achievement_type not in AchievementType.values:
        raise ValidationError(_("Choose a type from the list."), code="achievement_type")
    achievement = Achievement.objects.create(
        coop=coop,
        achievement_type=achievement_type,
        language=language,
        name=_clean_text(name, field=_("name"), limit=200),
        description=_clean_text(description, field=_("description"), limit=3000),
        criteria=_clean_text(criteria, field=_("criteria"), limit=3000),
        key=key,
        created_by=actor,
    )
    if image:
        achievement.image = image
        achievement.save(update_fields=["image"])
    _replace_translations(achievement, translations)
    _replace_alignments(achievement, alignments)
    audit.record(
        "achievement.defined",
        _achievement_subject(achievement),
        _achievement_data(achievement),
        actor,
    )
    return achievement


@transaction.atomic
def update_achievement(
    *,
    achievement: Achievement,
    actor: User,
    name: str,
    description: str,
    criteria: str,
    achievement_type: str,
    language: str,
    translations: Sequence[Mapping[str, str]] = (),
    alignments: Sequence[Mapping[str, str]] = (),
    image: Any = None,
    is_active: bool = True,
) -> Achievement:
    """Change an achievement's words; credentials already issued keep the words they were
    signed with (that is the point of signing them)."""
    achievement = (
        Achievement.objects.select_for_update().select_related("coop").get(pk=achievement.pk)
    )
    check_issuer(actor, achievement.coop)
    _check_language(language)
    if achievement_type not in AchievementType.values:
        raise ValidationError(_("Choose a type from the list."), code="achievement_type")
    achievement.name = _clean_text(name, field=_("name"), limit=200)
    achievement.description = _clean_text(description, field=_("description"), limit=3000)
    achievement.criteria = _clean_text(criteria, field=_("criteria"), limit=3000)
    achievement.achievement_type = achievement_type
    achievement.language = language
    achievement.is_active = is_active
    if image:
        achievement.image = image
    achievement.updated_at = timezone.now()
    achievement.save()
    _replace_translations(achievement, translations)
    _replace_alignments(achievement, alignments)
    audit.record(
        "achievement.updated",
        _achievement_subject(achievement),
        {**_achievement_data(achievement), "active": is_active},
        actor,
    )
    return achievement


# --- status lists ---


# For each list purpose: the credentials whose bit is set, and which of their indexes it is.
LIST_BITS = {
    StatusPurpose.REVOCATION: ("revocation_entries", Credential.Status.REVOKED, "revocation_index"),
    StatusPurpose.SUSPENSION: (
        "suspension_entries",
        Credential.Status.SUSPENDED,
        "suspension_index",
    ),
}


def _encoded_list(status_list: StatusList) -> str:
    if status_list.purpose == StatusPurpose.MESSAGE:
        # A credential on a list has its index there (a check constraint says so).
        values = {
            cast(int, index): documents.STATUS_VALUES[status]
            for index, status in status_list.message_entries.exclude(
                status=Credential.Status.ACTIVE
            ).values_list("status_index", "status")
        }
        return documents.encoded_values(values, status_list.size, status_list.status_size)
    entries, wanted, index_field = LIST_BITS[StatusPurpose(status_list.purpose)]
    indexes = (
        getattr(status_list, entries).filter(status=wanted).values_list(index_field, flat=True)
    )
    return documents.encoded_list(indexes, status_list.size)


def _signed_list_document(status_list: StatusList, now: datetime.datetime) -> str:
    unsigned = documents.status_list_document(
        status_list, encoded_list=_encoded_list(status_list), valid_from=now
    )
    return documents.dumps(documents.sign(unsigned, status_list.coop, now))


def _refresh_list(status_list: StatusList, now: datetime.datetime) -> None:
    """Re-sign a list from the credentials' statuses, holding its lock so no change is lost."""
    status_list = (
        StatusList.objects.select_for_update().select_related("coop").get(pk=status_list.pk)
    )
    status_list.document = _signed_list_document(status_list, now)
    status_list.updated_at = now
    status_list.save(update_fields=["document", "updated_at"])


def _signing_ready(coop: Cooperative) -> None:
    """Give a cooperative created before keys existed its first key; refuse clearly otherwise."""
    from minga.identity.actions import generate_coop_key
    from minga.identity.models import Key

    if not Key.objects.filter(coop=coop, is_active=True).exists():
        generate_coop_key(coop=coop, actor=None)


def _new_list(coop: Cooperative, purpose: str, now: datetime.datetime) -> None:
    # The cooperative's row lock (FOR NO KEY UPDATE, so rows referencing the cooperative do not
    # deadlock with it; held until this issuance commits) makes opening a list one
    # decision at a time: an issuance that found no open list waits for another one opening it
    # and then takes an index from that list instead of opening a second one beside it.
    Cooperative.objects.select_for_update(no_key=True).filter(pk=coop.pk).exists()
    lists = StatusList.objects.filter(coop=coop, purpose=purpose)
    if lists.filter(next_index__lt=F("size")).exists():
        return
    number = (lists.aggregate(n=Max("number"))["n"] or 0) + 1
    # A cooperative's first list comes with its first issuance: make sure it can sign. (Keys
    # are rotated, never removed, so a cooperative with lists always has an active key.)
    _signing_ready(coop)
    try:
        with transaction.atomic():
            status_list = StatusList.objects.create(
                coop=coop,
                purpose=purpose,
                number=number,
                status_size=documents.STATUS_SIZE if purpose == StatusPurpose.MESSAGE else 1,
            )
            status_list.document = _signed_list_document(status_list, now)
            status_list.save(update_fields=["document"])
    except IntegrityError:
        pass  # another issuance opened this list first; the caller takes an index from it


# One statement takes the next index: the UPDATE holds the list's row lock until commit, so two
# issuances at once never read the same value, and a list that filled up meanwhile is skipped
# (PostgreSQL re-checks the WHERE clause on the locked row) instead of overflowing.
ALLOCATE_SQL = """
    UPDATE credentials_statuslist SET next_index = next_index + 1
    WHERE next_index < size AND id = (
        SELECT id FROM credentials_statuslist
        WHERE coop_id = %s AND purpose = %s AND next_index < size
        ORDER BY number LIMIT 1
    )
    RETURNING id, number, next_index - 1
"""


def _allocate(coop: Cooperative, purpose: str, now: datetime.datetime) -> tuple[StatusList, int]:
    """The next free index of the cooperative's open list of `purpose`."""
    while True:
        with connection.cursor() as cursor:
            cursor.execute(ALLOCATE_SQL, [coop.pk, purpose])
            row = cursor.fetchone()
        if row is None:
            _new_list(coop, purpose, now)
            continue
        pk, number, index = row
        return StatusList(pk=pk, coop=coop, purpose=purpose, number=number), index


# --- issuing ---


class Subject:
    """Who a credential is about: a DID the holder gave, or a random identifier (see the
    `credential` module), with the private HMAC of the contact it was sent to."""

    def __init__(self, identity_type: str, identity: str, contact_hmac: str = "") -> None:
        self.identity_type = identity_type
        self.identity = identity
        self.contact_hmac = contact_hmac

    @property
    def did(self) -> str | None:
        return self.identity if self.identity_type == Credential.IdentityType.DID else None

    def identifier(self) -> dict[str, Any] | None:
        if self.identity_type == Credential.IdentityType.DID:
            return None
        return documents.subject_identifier(self.identity)


def _subject(
    recipient: User | None,
    recipient_email: str | None,
    recipient_phone: str | None,
    recipient_did: str | None,
) -> Subject:
    if recipient_did:
        if not recipient_did.startswith("did:") or len(recipient_did) > 300:
            raise ValidationError(_("The recipient's DID is not a DID."), code="did")
        return Subject(Credential.IdentityType.DID, recipient_did)
    email = recipient_email or (recipient.email if recipient and not recipient_phone else None)
    phone = recipient_phone or (recipient.phone if recipient and not email else None)
    if email:
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                _("“%(email)s” is not an e-mail address.") % {"email": email}, code="email"
            ) from None
        contact = email
    elif phone:
        contact = normalize_phone(phone)
    else:
        raise ValidationError(
            _("Give the recipient's e-mail address, phone number or DID."), code="no_recipient"
        )
    return Subject(
        Credential.IdentityType.IDENTIFIER,
        documents.new_subject_identifier(),
        documents.contact_hmac(contact),
    )


def _sign(unsigned: dict[str, Any], coop: Cooperative, now: datetime.datetime) -> dict[str, Any]:
    try:
        return documents.sign(unsigned, coop, now)
    except KeyUnavailable as error:
        raise ValidationError(
            _("%(coop)s cannot sign credentials right now: %(reason)s")
            % {"coop": coop.name, "reason": error},
            code="key_unavailable",
        ) from None


def _record_issuance(row: Credential, signed: dict[str, Any], actor: User | None) -> None:
    recipient = row.recipient
    audit.record(
        "credential.issue",
        _credential_subject(row),
        {
            "credential": signed["id"],
            "sha256": row.sha256,
            "issuer": signed["issuer"]["id"],
            "achievement": signed["credentialSubject"]["achievement"]["id"],
        },
        actor,
        private={"recipient": f"person:{recipient.pk}"} if recipient else None,
        owner=recipient,
    )


@transaction.atomic
def issue_credential(
    *,
    achievement: Achievement,
    recipient: User | None = None,
    recipient_email: str | None = None,
    recipient_phone: str | None = None,
    recipient_did: str | None = None,
    recipient_name: str = "",
    evidence: Sequence[Mapping[str, str]] = (),
    results: Sequence[Mapping[str, str]] = (),
    valid_from: datetime.datetime | None = None,
    valid_until: datetime.datetime | None = None,
    language: str | None = None,
    source: str = "",
    actor: User | None,
) -> Credential:
    """Sign and record an Open Badges 3.0 credential for one person.

    The subject is `recipient_did`, else a random identifier recorded privately with the
    e-mail address or phone number (given, or the recipient's own) that it was issued to
    (see the `credential` module). `source` names what it was earned for: issuing again
    for the same source returns the credential already issued, and the issuance is that
    source's app's call (see the module docstring); without one, `actor` must be an issuer.
    """
    if source:
        existing = Credential.objects.filter(keyed(source=source)).first()
        if existing is not None:
            return existing
    else:
        check_issuer(actor, achievement.coop)
    if not achievement.is_active:
        raise ValidationError(
            _("“%(name)s” can no longer be issued.") % {"name": achievement.name},
            code="inactive",
        )
    now = timezone.now()
    valid_from = valid_from or now
    if valid_until is not None and valid_until <= valid_from:
        raise ValidationError(
            _("A credential must be valid until after it becomes valid."), code="valid_until"
        )
    subject = _subject(recipient, recipient_email, recipient_phone, recipient_did)
    if language is None:
        language = recipient.preferred_language if recipient else achievement.language
    if language not in LANGUAGE_CODES:
        language = achievement.language
    coop = achievement.coop
    status_list, status_index = _allocate(coop, StatusPurpose.MESSAGE, now)
    row = Credential(
        achievement=achievement,
        coop=coop,
        recipient=recipient,
        recipient_name=_holder_name(recipient_name or (recipient.name if recipient else "")),
        identity_type=subject.identity_type,
        recipient_identity=subject.identity,
        contact_hmac=subject.contact_hmac,
        language=language,
        # By id: the allocated list is a partial row, good for URLs but not to be cached.
        status_list_id=status_list.pk,
        status_index=status_index,
        valid_from=valid_from,
        valid_until=valid_until,
        source=source,
        issued_by=actor,
        issued_at=now,
    )
    with translation.override(language):
        # The words of results and evidence given lazily ("Rank") are signed in the
        # credential's language, whatever the language of the request that issues it.
        unsigned = documents.credential_document(
            uuid=row.uuid,
            achievement=achievement,
            language=language,
            subject_id=subject.did,
            identifier=subject.identifier(),
            holder=row.recipient_name,
            valid_from=valid_from,
            valid_until=valid_until,
            evidence=evidence,
            results=results,
            status=documents.status_entry(
                status_list, status_index, documents.credential_url(row.uuid)
            ),
        )
    signed = _sign(unsigned, coop, now)
    _keep_signed(row, signed)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        if source and (existing := Credential.objects.filter(keyed(source=source)).first()):
            return existing  # issued by a concurrent request for the same source
        raise
    _record_issuance(row, signed, actor)
    if recipient is not None:
        _tell_recipient(row)
    return row


def _holder_name(name: str) -> str:
    """The holder's name as signed and printed: spaces collapsed, at most 150 characters."""
    return " ".join((name or "").split())[:150]


def _keep_signed(row: Credential, signed: dict[str, Any]) -> None:
    """The signed document's text, digest and printed check code, on its (unsaved) row."""
    row.document = documents.dumps(signed)
    row.sha256 = documents.canonical_sha256(signed)
    try:
        row.check_code = documents.qr_digest(row.sha256)
    except KeyUnavailable as error:
        raise ValidationError(
            _("Credentials cannot be signed right now: %(reason)s") % {"reason": error},
            code="key_unavailable",
        ) from None


def _tell_recipient(credential: Credential) -> None:
    person = credential.recipient
    if person is None:
        return
    link = documents.credential_url(credential.uuid)
    with translation.override(person.preferred_language):
        values = {
            "name": person.name,
            "achievement": credential.achievement.in_language(person.preferred_language).name,
            "coop": credential.coop.name,
            "link": link,
        }
        subject = _("%(coop)s gave you a credential: %(achievement)s") % values
        body = (
            _(
                "Hello %(name)s,\n\n%(coop)s gave you a credential: %(achievement)s.\n\n"
                "See it, print it or save it to your wallet here:\n\n%(link)s\n"
            )
            % values
        )
        sms = _("Minga: %(coop)s gave you a credential, %(achievement)s. %(link)s") % values
    if person.email:
        send_email(to=person.email, subject=subject, body=body, kind="notice")
    elif person.phone:
        send_sms(to=person.phone, text=sms[:300], kind="notice")


# --- revocation and suspension ---


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason: it is published with the change."), code="reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(
            _("A reason can be at most %(limit)d characters.") % {"limit": MAX_REASON},
            code="reason_too_long",
        )
    return reason


def _change_status(
    credential: Credential,
    *,
    to: str,
    allowed_from: set[str],
    kind: str,
    reason: str,
    actor: User | None,
) -> Credential:
    reason = _clean_reason(reason)
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.status not in allowed_from:
        messages: dict[str, str] = {
            Credential.Status.REVOKED: _("This credential was revoked; revocation is final."),
            Credential.Status.SUSPENDED: _("This credential is already suspended."),
            Credential.Status.ACTIVE: _("This credential is not suspended."),
        }
        raise ValidationError(messages[credential.status], code="status")
    now = timezone.now()
    credential.status = to
    credential.status_reason = reason if to != Credential.Status.ACTIVE else ""
    credential.status_changed_at = now
    credential.save(update_fields=["status", "status_reason", "status_changed_at"])
    for status_list in credential.status_lists():
        _refresh_list(status_list, now)
    audit.record(
        kind,
        _credential_subject(credential),
        {"credential": documents.credential_url(credential.uuid), "reason": reason},
        actor,
    )
    return credential


@transaction.atomic
def revoke_credential(*, credential: Credential, reason: str, actor: User) -> Credential:
    """Revoke for good: the credential's status entry says revoked, and its list is re-signed."""
    check_issuer(actor, credential.coop)
    return _change_status(
        credential,
        to=Credential.Status.REVOKED,
        allowed_from={Credential.Status.ACTIVE, Credential.Status.SUSPENDED},
        kind="credential.revoke",
        reason=reason,
        actor=actor,
    )


@transaction.atomic
def suspend_credential(*, credential: Credential, reason: str, actor: User) -> Credential:
    """Suspend until reinstated: the credential's status entry says suspended."""
    check_issuer(actor, credential.coop)
    return _change_status(
        credential,
        to=Credential.Status.SUSPENDED,
        allowed_from={Credential.Status.ACTIVE},
        kind="credential.suspend",
        reason=reason,
        actor=actor,
    )


@transaction.atomic
def reinstate_credential(*, credential: Credential, reason: str, actor: User) -> Credential:
    """Lift a suspension (a revoked credential stays revoked)."""
    check_issuer(actor, credential.coop)
    return _change_status(
        credential,
        to=Credential.Status.ACTIVE,
        allowed_from={Credential.Status.SUSPENDED},
        kind="credential.reinstate",
        reason=reason,
        actor=actor,
    )


# --- re-issuing credentials that carried a contact hash ---


def _known_contact(credential: Credential) -> str:
    """The e-mail address or phone number an old credential's hash was made of, if it is
    one the issuer already holds for that person (their account's, or their training
    enrolment's, see `registry.register_holding`): so the replacement keeps the private HMAC.
    Only those few are tried."""
    person = credential.recipient
    candidates = [person.email.strip().lower() if person and person.email else ""]
    candidates.append(person.phone if person and person.phone else "")
    candidates += registry.holder_phones(credential)
    for candidate in filter(None, candidates):
        digest = hashlib.sha256((candidate + credential.identity_salt).encode()).hexdigest()
        if hmac.compare_digest("sha256$" + digest, credential.recipient_identity):
            return candidate
    return ""


def _replacement_document(
    old: Credential, new: Credential, status: Mapping[str, Any]
) -> dict[str, Any]:
    """The old document with a new id, status entries and subject identifier: the words,
    results, evidence and dates the holder earned stay exactly as they were signed."""
    document = json.loads(old.document)
    document.pop("proof", None)
    document["id"] = documents.credential_url(new.uuid)
    subject = document["credentialSubject"]
    kept = [
        item
        for item in subject.get("identifier", [])
        if not item.get("hashed") and item.get("identityType") != "name"
    ]
    subject["identifier"] = [*kept, documents.subject_identifier(new.recipient_identity)]
    if new.recipient_name:
        subject["identifier"].append(documents.name_identifier(new.recipient_name))
    document["credentialStatus"] = dict(status)
    return document


@transaction.atomic
def reissue_credential(*, credential: Credential, actor: User | None) -> Credential | None:
    """Replace a credential whose document carries a salted hash of a contact.

    The replacement has the same achievement, words, results, evidence, dates, status and
    source, a random subject identifier and new status entries; the old one is revoked with
    a public reason naming its replacement, and the holder is told once (by e-mail or SMS,
    through the usual channels). Does nothing and returns None for a credential without a
    contact hash, one already replaced, or one already revoked (it stays revoked; its
    document is no longer served, see `Credential.is_withheld`).
    """
    old = (
        Credential.objects.select_for_update(of=("self",))
        .select_related("achievement", "coop", "recipient")
        .get(pk=credential.pk)
    )
    check_issuer(actor, old.coop)
    done = old.replaced_by_id is not None or old.status == Credential.Status.REVOKED
    if done or not old.carries_contact_hash:
        return None
    now = timezone.now()
    coop = old.coop
    status_list, status_index = _allocate(coop, StatusPurpose.MESSAGE, now)
    contact = _known_contact(old)
    suspended = old.status == Credential.Status.SUSPENDED
    new = Credential(
        achievement=old.achievement,
        coop=coop,
        recipient=old.recipient,
        recipient_name=_holder_name(old.recipient_name),
        identity_type=Credential.IdentityType.IDENTIFIER,
        recipient_identity=documents.new_subject_identifier(),
        contact_hmac=documents.contact_hmac(contact) if contact else "",
        language=old.language,
        status_list_id=status_list.pk,
        status_index=status_index,
        status=old.status,
        status_reason=old.status_reason,
        status_changed_at=now if suspended else None,
        valid_from=old.valid_from,
        valid_until=old.valid_until,
        source=old.source,
        issued_by=actor,
        issued_at=now,
    )
    status = documents.status_entry(status_list, status_index, documents.credential_url(new.uuid))
    signed = _sign(_replacement_document(old, new, status), coop, now)
    _keep_signed(new, signed)
    # The replacement answers for what the credential was earned for (one per source).
    Credential.objects.filter(pk=old.pk).update(source="")
    new.save()
    Credential.objects.filter(pk=old.pk).update(replaced_by=new)
    enrolment_phone = next(iter(registry.holder_phones(old)), "")
    registry.replaced(old, new)
    _record_issuance(new, signed, actor)
    new_url = signed["id"]
    if suspended:
        assert new.status_list is not None  # allocated above
        _refresh_list(new.status_list, now)
        audit.record(
            "credential.suspend",
            _credential_subject(new),
            {"credential": new_url, "reason": new.status_reason},
            actor,
        )
    with translation.override(settings.LANGUAGE_CODE):
        reason = _(
            "Issued again without a hash of the holder's e-mail address or phone number: "
            "replaced by %(link)s"
        ) % {"link": new_url}
    _change_status(
        old,
        to=Credential.Status.REVOKED,
        allowed_from={Credential.Status.ACTIVE, Credential.Status.SUSPENDED},
        kind="credential.revoke",
        reason=reason,
        actor=actor,
    )
    audit.record(
        "credential.reissue",
        _credential_subject(old),
        {"credential": documents.credential_url(old.uuid), "replacedBy": new_url},
        actor,
    )
    _tell_replaced(new, enrolment_phone)
    return new


def reissue_contact_hashes(*, actor: User | None) -> list[Credential]:
    """Re-issue every credential still carrying a contact hash; the replacements.

    Safe to run again: each credential is replaced once, in its own transaction (one
    failure or an interruption loses nothing done before it), and a second run finds none.
    """
    pending = (
        Credential.objects.filter(
            identity_type__in=[Credential.IdentityType.EMAIL, Credential.IdentityType.PHONE],
            replaced_by__isnull=True,
        )
        .exclude(status=Credential.Status.REVOKED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    replaced = []
    for pk in list(pending):
        new = reissue_credential(credential=Credential(pk=pk), actor=actor)
        if new is not None:
            replaced.append(new)
    return replaced


def _tell_replaced(credential: Credential, enrolment_phone: str) -> None:
    """Tell the holder their credential was replaced: their account's e-mail or phone, else
    the phone of their training enrolment (a holder known by neither sees the note on the
    old credential's page)."""
    person = credential.recipient
    language = person.preferred_language if person else credential.language
    link = documents.credential_url(credential.uuid)
    with translation.override(language):
        values = {
            "coop": credential.coop.name,
            "achievement": credential.achievement.in_language(language).name,
            "link": link,
        }
        subject = _("%(coop)s replaced your credential: %(achievement)s") % values
        body = (
            _(
                "Hello,\n\n%(coop)s issued your credential “%(achievement)s” again. The "
                "earlier copy carried a code made from your e-mail address or phone number, "
                "which others could have worked back to it; the new one carries none. The "
                "earlier copy is revoked: please use the new one, and replace it in your "
                "wallet if you saved it there:\n\n%(link)s\n"
            )
            % values
        )
        sms = (
            _(
                "Minga: %(coop)s replaced your credential %(achievement)s with one that does "
                "not reveal your phone number. The old one is revoked. %(link)s"
            )
            % values
        )
    if person is not None and person.email:
        send_email(to=person.email, subject=subject, body=body, kind="notice")
    elif person is not None and person.phone:
        send_sms(to=person.phone, text=sms[:300], kind="notice")
    elif enrolment_phone:
        send_sms(to=enrolment_phone, text=sms[:300], kind="notice")
