"""Every change to needs: atomic, audited in the same transaction, notifications on commit.

The life of a need: draft -> submitted -> (changes requested -> submitted)* -> accepted |
declined. Each move is one function here; a move the state machine (`Need.TRANSITIONS`)
does not allow raises ValidationError before anything is written.

The audit log is public, so its entries carry which need, which cooperative and what kind of
change, never the texts of drafts, messages or reasons (those stay with the need).
"""

import contextlib
import contextvars
from collections.abc import Iterable
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries.fields import Country

from minga import audit
from minga.accounts.models import User
from minga.channels.mail import send_email
from minga.channels.sms import send_sms
from minga.coops.models import Cooperative

from . import permissions, queries
from .models import Comment, Need, NeedDocument, NeedTranslation
from .regions import world_region

DOCUMENT_FIELDS = ("title", "url", "description", "licence", "sensitivity")


def _subject(need: Need) -> str:
    return f"need:{need.pk}"


def _lock(need: Need) -> Need:
    return Need.objects.select_for_update().select_related("coop").get(pk=need.pk)


def _take_place_from_coop(need: Need, coop: Cooperative) -> None:
    need.country, need.region, need.sector = coop.country, coop.region, coop.sector
    # django-stubs types a CountryField as the CharField it extends; it holds a Country.
    need.world_region = world_region(cast(Country, coop.country).code)


@transaction.atomic
def create_need(*, coop: Cooperative, actor: User, fields: dict) -> Need:
    """Start a draft; any active member of the cooperative may. Only the title is required."""
    if not permissions.can_draft(actor, coop):
        raise PermissionDenied
    need = Need(coop=coop, created_by=actor, owner=actor, owner_timezone=actor.timezone, **fields)
    if not need.language:
        need.language = coop.languages[0] if coop.languages else actor.preferred_language
    _take_place_from_coop(need, coop)
    need.full_clean()
    need.save()
    audit.record("need.drafted", _subject(need), {"coop": coop.slug}, actor)
    return need


@transaction.atomic
def save_need_draft(
    *, need: Need, actor: User, changes: dict, documents: list[dict] | None = None
) -> Need:
    """Save part of a draft (one step of the form), complete or not.

    `changes` holds only the fields the person changed, so two members filling in different
    steps do not undo each other. `documents`, when given, is the whole list of the need's data
    and documents: rows with an "id" are kept and updated, others added, the rest removed.
    """
    need = _lock(need)
    if not need.is_editable:
        raise ValidationError(
            _("This need is no longer a draft: it cannot be edited."), code="not_editable"
        )
    permissions.check(actor, need, right="edit")
    for name, value in changes.items():
        setattr(need, name, value)
    changed = sorted(changes)
    if documents is not None and _sync_documents(need, documents):
        changed.append("documents")
    if not changed:
        return need
    need.updated_at = timezone.now()
    need.full_clean()
    need.save()
    audit.record(
        "need.draft_saved", _subject(need), {"coop": need.coop.slug, "fields": changed}, actor
    )
    return need


def _sync_documents(need: Need, documents: list[dict]) -> bool:
    existing = {document.pk: document for document in need.documents.all()}
    kept: set[int] = set()
    is_changed = False
    for row in documents:
        values = {name: row.get(name) or "" for name in DOCUMENT_FIELDS}
        document = existing.get(row["id"]) if row.get("id") is not None else None
        if document is None:
            document = NeedDocument(need=need, **values)
        elif all(getattr(document, name) == value for name, value in values.items()):
            kept.add(document.pk)
            continue
        else:
            for name, value in values.items():
                setattr(document, name, value)
        document.full_clean()
        document.save()
        kept.add(document.pk)
        is_changed = True
    gone = [pk for pk in existing if pk not in kept]
    if gone:
        NeedDocument.objects.filter(pk__in=gone).delete()
        is_changed = True
    return is_changed


def _refuse_illegal(need: Need, status: str) -> None:
    if not need.can_move_to(status):
        raise ValidationError(
            _("A need cannot go from “%(current)s” to “%(new)s”.")
            % {"current": need.get_status_display(), "new": Need.Status(status).label},
            code="illegal_transition",
        )


def _move(*, need: Need, actor: User, status: str, message: str = "") -> Need:
    """Record a legal status change: the need, a line in its thread, the audit entry."""
    now = timezone.now()
    need.status = status
    need.updated_at = now
    need.save()
    Comment.objects.create(need=need, author=actor, body=message, status=status, created_at=now)
    audit.record(
        f"need.{status.replace('-', '_')}",
        _subject(need),
        {"coop": need.coop.slug, "status": status},
        actor,
    )
    return need


@transaction.atomic
def submit_need(*, need: Need, actor: User) -> Need:
    """Send a complete need to the organisers; its administrators and secretaries may."""
    need = _lock(need)
    _refuse_illegal(need, Need.Status.SUBMITTED)
    permissions.check(actor, need, right="submit")
    missing = need.missing_for_submission()
    if missing:
        raise ValidationError(
            {name: ValidationError(message, code="missing") for name, message in missing.items()}
        )
    _take_place_from_coop(need, need.coop)
    need.submitted_at = timezone.now()
    _move(need=need, actor=actor, status=Need.Status.SUBMITTED)
    _notify(queries.organisers().exclude(pk=actor.pk), need=need, kind="submitted", actor=actor)
    return need


def _decide(*, need: Need, actor: User, status: str, message: str, is_message_required: bool):
    need = _lock(need)
    _refuse_illegal(need, status)
    if not permissions.is_organiser(actor):
        raise PermissionDenied
    message = message.strip()
    if is_message_required and not message:
        raise ValidationError(
            _("Tell the cooperative what to change, or why you decline."), code="no_message"
        )
    need.review_note = message
    if status != Need.Status.CHANGES_REQUESTED:
        need.decided_at, need.decided_by = timezone.now(), actor
    _move(need=need, actor=actor, status=status, message=message)
    _notify(
        queries.coop_side(need).exclude(pk=actor.pk),
        need=need,
        kind=status,
        actor=actor,
        message=message,
    )
    return need


@transaction.atomic
def request_changes(*, need: Need, actor: User, message: str) -> Need:
    """Send a submitted need back to its cooperative with what to change."""
    return _decide(
        need=need,
        actor=actor,
        status=Need.Status.CHANGES_REQUESTED,
        message=message,
        is_message_required=True,
    )


@transaction.atomic
def accept_need(*, need: Need, actor: User, message: str = "") -> Need:
    """Put a submitted need into the public catalogue, where events can take it up."""
    return _decide(
        need=need,
        actor=actor,
        status=Need.Status.ACCEPTED,
        message=message,
        is_message_required=False,
    )


@transaction.atomic
def decline_need(*, need: Need, actor: User, reason: str) -> Need:
    """Decline a submitted need, saying why (e.g. it needs the internet provider, not code)."""
    return _decide(
        need=need,
        actor=actor,
        status=Need.Status.DECLINED,
        message=reason,
        is_message_required=True,
    )


@transaction.atomic
def add_comment(*, need: Need, actor: User, body: str) -> Comment:
    """Write in a need's thread; the other side (cooperative or organisers) hears of it."""
    permissions.check(actor, need, right="comment")
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a message first."), code="empty")
    comment = Comment.objects.create(need=need, author=actor, body=body)
    audit.record(
        "need.commented", _subject(need), {"coop": need.coop.slug, "comment": comment.pk}, actor
    )
    if permissions.is_coop_member(actor, need):
        others = queries.organisers_following(need)
    else:
        others = queries.coop_side(need)
    _notify(others.exclude(pk=actor.pk), need=need, kind="commented", actor=actor, message=body)
    return comment


@transaction.atomic
def translate_need(*, need: Need, actor: User, language: str, texts: dict) -> NeedTranslation:
    """Add or replace the translation of a need's texts into `language`."""
    permissions.check(actor, need, right="translate")
    if language == need.language:
        raise ValidationError(
            _("This need is written in that language already. Choose another one."),
            code="same_language",
        )
    now = timezone.now()
    fields = {name: texts.get(name, "") for name in Need.TRANSLATED_FIELDS}
    translation_row, created = NeedTranslation.objects.select_for_update().get_or_create(
        need=need, language=language, defaults={**fields, "translator": actor}
    )
    if not created:
        for name, value in fields.items():
            setattr(translation_row, name, value)
        translation_row.translator, translation_row.updated_at = actor, now
    translation_row.full_clean()
    translation_row.save()
    # The public pages show translations: a new one must refresh their cache.
    Need.objects.filter(pk=need.pk).update(updated_at=now)
    audit.record(
        "need.translated",
        _subject(need),
        {"coop": need.coop.slug, "language": language, "created": created},
        actor,
    )
    return translation_row


# --- notifications ------------------------------------------------------------------------------

_quiet: contextvars.ContextVar[bool] = contextvars.ContextVar("quiet", default=False)


@contextlib.contextmanager
def notifications_off():
    """Run actions without telling anyone: for loading demo or imported needs in bulk."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _notify(
    people: Iterable[User], *, need: Need, kind: str, actor: User, message: str = ""
) -> None:
    """Queue, in the same transaction, a message to each person in their own language: e-mail,
    else SMS to a phone."""
    if _quiet.get():
        return
    recipients = list(people)
    if recipients:
        _send(recipients, need=need, kind=kind, actor=actor, message=message)


def _send(people: list[User], *, need: Need, kind: str, actor: User, message: str) -> None:
    link = settings.MINGA_PUBLIC_URL + need.get_absolute_url()
    context = {"need": need, "kind": kind, "actor": actor, "message": message, "link": link}
    for person in people:
        with translation.override(person.preferred_language):
            context["person"] = person
            if person.email:
                subject = render_to_string("challenges/email/notification_subject.txt", context)
                body = render_to_string("challenges/email/notification_body.txt", context)
                send_email(to=person.email, subject=subject, body=body, kind="notice")
            elif person.phone:
                text = render_to_string("challenges/sms/notification.txt", context)
                send_sms(to=person.phone, text=" ".join(text.split()), kind="notice")
