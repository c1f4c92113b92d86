"""Every change to cooperatives and memberships: atomic, audited, side effects on commit."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minga import audit
from minga.accounts.models import User
from minga.channels.mail import send_email
from minga.channels.sms import send_sms
from minga.core.slugs import unique_slug

from .importer import Row
from .models import (
    Affiliation,
    Cooperative,
    Invitation,
    LegalForm,
    Membership,
    MembershipChange,
    Sector,
)
from .permissions import can_edit, check, check_grant_role
from .registry import founding_steps


def _slug(name: str) -> str:
    return unique_slug(name, Cooperative.objects.all(), fallback="coop")


def _public(coop: Cooperative) -> dict:
    """The cooperative's public facts, as the audit log records them."""
    return {
        "slug": coop.slug,
        "name": coop.name,
        "country": str(coop.country),
        "sector": coop.sector,
        "legal_form": coop.legal_form,
    }


@transaction.atomic
def create_cooperative(*, actor: User, **fields) -> Cooperative:
    """Register a cooperative; the person registering it becomes its first administrator."""
    coop = Cooperative(slug=fields.pop("slug", None) or _slug(fields["name"]), **fields)
    coop.full_clean()
    coop.save()
    audit.record("coop.created", f"coop:{coop.slug}", _public(coop), actor)
    _add_member(coop=coop, person=actor, role=Membership.Role.ADMIN, actor=actor, reason="founder")
    for step in founding_steps():  # identity's first key (see coops.registry)
        step(coop=coop, actor=actor)
    return coop


@transaction.atomic
def update_cooperative(*, coop: Cooperative, actor: User, changes: dict) -> Cooperative:
    check(actor, coop, need="edit")
    for name, value in changes.items():
        setattr(coop, name, value)
    coop.updated_at = timezone.now()
    coop.save()
    audit.record("coop.updated", f"coop:{coop.slug}", {"fields": sorted(changes)}, actor)
    return coop


FEDERATION_FORMS = {LegalForm.FEDERATION, LegalForm.SECONDARY}


def _affiliation_facts(affiliation: Affiliation) -> dict:
    return {"federation": affiliation.federation.slug, "member": affiliation.member.slug}


@transaction.atomic
def add_affiliation(*, federation: Cooperative, member: Cooperative, actor: User) -> Affiliation:
    """Record that `member` belongs to `federation` (it then votes in federation polls).

    The federation's administrators (or staff) add its members; an ended affiliation is
    taken up again rather than duplicated.
    """
    if not can_edit(actor, federation):
        raise PermissionDenied(_("Only an administrator of the federation may add its members."))
    if federation.pk == member.pk:
        raise ValidationError(_("A cooperative cannot be a member of itself."), code="self")
    if federation.legal_form not in FEDERATION_FORMS and federation.sector != Sector.FEDERATION:
        raise ValidationError(
            _("Only a federation or a union (secondary cooperative) has member cooperatives."),
            code="not_federation",
        )
    affiliation = (
        Affiliation.objects.select_for_update().filter(federation=federation, member=member).first()
    )
    if affiliation is not None and affiliation.is_active:
        raise ValidationError(
            _("%(member)s is already a member of %(federation)s.")
            % {"member": member, "federation": federation},
            code="already",
        )
    if affiliation is None:
        affiliation = Affiliation.objects.create(federation=federation, member=member)
    else:
        affiliation.is_active, affiliation.joined_at = True, timezone.now()
        affiliation.save(update_fields=["is_active", "joined_at"])
    audit.record(
        "affiliation.added", f"coop:{federation.slug}", _affiliation_facts(affiliation), actor
    )
    _touch(federation)
    return affiliation


@transaction.atomic
def end_affiliation(*, affiliation: Affiliation, actor: User) -> Affiliation:
    """End a cooperative's membership of a federation; either side's administrators may."""
    affiliation = (
        Affiliation.objects.select_for_update()
        .select_related("federation", "member")
        .get(pk=affiliation.pk)
    )
    if not (can_edit(actor, affiliation.federation) or can_edit(actor, affiliation.member)):
        raise PermissionDenied(
            _("Only an administrator of the federation or of the member may end this.")
        )
    if not affiliation.is_active:
        raise ValidationError(_("This affiliation has already ended."), code="ended")
    affiliation.is_active = False
    affiliation.save(update_fields=["is_active"])
    audit.record(
        "affiliation.ended",
        f"coop:{affiliation.federation.slug}",
        _affiliation_facts(affiliation),
        actor,
    )
    _touch(affiliation.federation)
    return affiliation


def _add_member(
    *, coop: Cooperative, person: User, role: str, actor: User | None, reason: str
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        coop=coop, person=person, defaults={"role": role}
    )
    old_role, old_status = ("", "") if created else (membership.role, membership.status)
    if not created:
        if membership.is_active:
            return membership
        membership.role, membership.status = role, Membership.Status.ACTIVE
        membership.save(update_fields=["role", "status"])
    MembershipChange.objects.create(
        membership=membership,
        actor=actor,
        old_role=old_role,
        new_role=membership.role,
        old_status=old_status,
        new_status=membership.status,
        reason=reason,
    )
    audit.record(
        "membership.joined",
        f"coop:{coop.slug}",
        {"via": reason},
        actor,
        private={"person": audit.person(person), "role": membership.role},
        owner=person,
        audience=coop,
    )
    _touch(coop)
    return membership


def _touch(coop: Cooperative) -> None:
    Cooperative.objects.filter(pk=coop.pk).update(updated_at=timezone.now())


@transaction.atomic
def change_membership(
    *,
    membership: Membership,
    actor: User,
    role: str | None = None,
    status: str | None = None,
    reason: str = "",
) -> Membership:
    """Change a member's role or status, keeping history; a cooperative keeps an admin.

    The actor must be allowed to give both the old and the new role: a secretary neither
    makes nor unmakes administrators and board members.
    """
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    for granted in {membership.role, role or membership.role}:
        check_grant_role(actor, membership.coop, granted)
    return _change_membership(
        membership=membership, actor=actor, role=role, status=status, reason=reason
    )


def _change_membership(
    *, membership: Membership, actor: User, role: str | None, status: str | None, reason: str
) -> Membership:
    new_role = role or membership.role
    new_status = status or membership.status
    if (new_role, new_status) == (membership.role, membership.status):
        return membership
    loses_admin = membership.role == Membership.Role.ADMIN and (
        new_role != Membership.Role.ADMIN or new_status != Membership.Status.ACTIVE
    )
    if loses_admin:
        # Lock every admin row so two admins demoting each other cannot both succeed.
        admins = list(
            Membership.objects.select_for_update().filter(
                coop_id=membership.coop_id,
                role=Membership.Role.ADMIN,
                status=Membership.Status.ACTIVE,
            )
        )
        if len(admins) <= 1:
            raise ValidationError(
                _("A cooperative needs at least one active administrator. Name another one first."),
                code="last_admin",
            )
    MembershipChange.objects.create(
        membership=membership,
        actor=actor,
        old_role=membership.role,
        new_role=new_role,
        old_status=membership.status,
        new_status=new_status,
        reason=reason,
    )
    membership.role, membership.status = new_role, new_status
    membership.save(update_fields=["role", "status"])
    audit.record(
        "membership.changed",
        f"coop:{membership.coop.slug}",
        {},
        actor,
        private={
            "person": audit.person(membership.person_id),
            "role": new_role,
            "status": new_status,
        },
        owner=membership.person,
        audience=membership.coop,
    )
    _touch(membership.coop)
    return membership


@transaction.atomic
def leave_cooperative(*, membership: Membership, actor: User) -> Membership:
    """A person leaves on their own, whatever their role (the last administrator excepted)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.person_id != actor.pk:
        raise ValidationError(_("Only members themselves can leave."), code="not_yourself")
    return _change_membership(
        membership=membership, actor=actor, role=None, status=Membership.Status.LEFT, reason="left"
    )


@transaction.atomic
def create_invitation(
    *,
    coop: Cooperative,
    actor: User,
    email: str = "",
    phone: str = "",
    role: str,
    max_uses: int = 1,
    days: int = 14,
    base_url: str,
    language: str = "",
) -> Invitation:
    """Invite by a link; sent by e-mail to `email`, else by SMS to `phone` (E.164) when given,
    and then only the person with that address or number can use it."""
    check_grant_role(actor, coop, role)
    invitation = Invitation.objects.create(
        coop=coop,
        token=secrets.token_urlsafe(24),
        email=email.lower(),
        phone=phone,
        role=role,
        created_by=actor,
        max_uses=max_uses,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    audit.record(
        "invitation.created", f"coop:{coop.slug}", {}, actor, private={"role": role}, audience=coop
    )
    if email or phone:
        link = base_url + reverse("coops:join", args=[invitation.token])
        language = language or actor.preferred_language
        _send_invitation(invitation=invitation, link=link, inviter=actor, language=language)
    return invitation


def _send_invitation(*, invitation: Invitation, link: str, inviter: User, language: str) -> None:
    context = {"coop": invitation.coop, "inviter": inviter, "link": link, "invitation": invitation}
    with translation.override(language):
        if not invitation.email:
            text = render_to_string("coops/sms/invitation.txt", context).strip()
            send_sms(to=invitation.phone, text=text, kind="invitation-link")
            return
        subject = render_to_string(
            "coops/email/invitation_subject.txt", {"coop": invitation.coop}
        ).strip()
        body = render_to_string("coops/email/invitation_body.txt", context)
    send_email(to=invitation.email, subject=subject, body=body, kind="invitation-link")


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, actor: User) -> None:
    check(actor, invitation.coop, need="manage")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        "invitation.revoked", f"coop:{invitation.coop.slug}", {}, actor, audience=invitation.coop
    )


@transaction.atomic
def accept_invitation(*, token: str, person: User) -> Membership:
    """Join through an invitation; the row lock makes a one-use link work exactly once."""
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or not invitation.is_usable(timezone.now()):
        raise ValidationError(
            _("This invitation is not valid any more: it was used, withdrawn or has expired."),
            code="invitation_unusable",
        )
    if invitation.email and invitation.email != (person.email or "").lower():
        raise ValidationError(
            _("This invitation was sent to another e-mail address. Sign in with that address."),
            code="invitation_other_email",
        )
    if invitation.phone and invitation.phone != person.phone:
        raise ValidationError(
            _("This invitation was sent to another phone number. Sign in with that number."),
            code="invitation_other_phone",
        )
    if Membership.objects.filter(
        coop=invitation.coop, person=person, status=Membership.Status.SUSPENDED
    ).exists():
        # A suspension is lifted by the cooperative, not by a link.
        raise ValidationError(
            _("Your membership of this cooperative is suspended. Ask its administrators."),
            code="membership_suspended",
        )
    invitation.uses += 1
    invitation.save(update_fields=["uses"])
    return _add_member(
        coop=invitation.coop, person=person, role=invitation.role, actor=person, reason="invitation"
    )


@transaction.atomic
def import_members(*, coop: Cooperative, actor: User, rows: list[Row], base_url: str) -> dict:
    """Add the members in `rows`: all of them, or, when any row has a problem, none.

    The actor must be allowed to give every row's role, as for an invitation. New people get
    an account and a membership. A person whose e-mail address or phone number is already on
    Minga is never made a member without their consent: they get an invitation at that
    address or number, and join when they accept it. Nobody else receives that link, so an
    account that claims someone's address without having confirmed it gains nothing.
    Returns counts; raises ValidationError listing every row's problems.
    """
    problems = []
    people: list[tuple[Row, User | None]] = []
    for row in rows:
        if not row.errors:
            try:
                check_grant_role(actor, coop, row.role)
            except ValidationError as error:
                row.errors.extend(error.messages)
        if row.errors:
            problems.append(row)
            continue
        by_email = User.objects.filter(email__iexact=row.email).first() if row.email else None
        by_phone = User.objects.filter(phone=row.phone).first() if row.phone else None
        if by_email and by_phone and by_email != by_phone:
            row.errors.append(
                _("The e-mail address and the phone number belong to two different people.")
            )
            problems.append(row)
            continue
        people.append((row, by_email or by_phone))
    if problems:
        raise ValidationError(
            [
                _("Line %(line)s: %(problems)s")
                % {"line": row.line, "problems": " ".join(row.errors)}
                for row in problems
            ],
            code="import_rows",
        )
    counts = {"created": 0, "invited": 0, "already": 0}
    for row, person in people:
        if person is None:
            person = User.objects.create_user(
                email=row.email, phone=row.phone, password=None, name=row.name
            )
            _add_member(coop=coop, person=person, role=row.role, actor=actor, reason="import")
            counts["created"] += 1
        elif Membership.objects.filter(
            coop=coop, person=person, status=Membership.Status.ACTIVE
        ).exists():
            counts["already"] += 1
        else:
            _invite_known_person(coop=coop, actor=actor, row=row, person=person, base_url=base_url)
            counts["invited"] += 1
    audit.record("membership.imported", f"coop:{coop.slug}", counts, actor, audience=coop)
    return counts


def _invite_known_person(
    *, coop: Cooperative, actor: User, row: Row, person: User, base_url: str
) -> Invitation:
    """Invite at the row's address the account already holds (its e-mail address, else its
    phone number), so that only whoever receives there can accept."""
    email = row.email or ""
    by_email = bool(email) and (person.email or "").lower() == email
    return create_invitation(
        coop=coop,
        actor=actor,
        email=email if by_email else "",
        phone="" if by_email else row.phone or "",
        role=row.role,
        base_url=base_url,
        language=person.preferred_language,
    )
