"""Every change to a person's account: atomic, audited, messages queued in the same transaction."""

from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from minga import audit
from minga.channels.mail import send_email
from minga.channels.sms import send_sms

from .models import User

VERIFY_SALT = "minga.accounts.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600


@transaction.atomic
def sign_up(
    *,
    name: str,
    email: str | None,
    phone: str | None,
    password: str,
    preferred_language: str,
    timezone_name: str,
    base_url: str,
) -> User:
    user = User.objects.create_user(
        email=email,
        phone=phone,
        password=password,
        name=name,
        preferred_language=preferred_language,
        timezone=timezone_name,
    )
    audit.record("person.joined", f"person:{user.pk}", {}, user)
    if user.email:
        send_verification_email(user=user, base_url=base_url)
    return user


@transaction.atomic
def update_profile(*, user: User, actor: User, changes: dict) -> User:
    """Apply validated profile `changes`; a new e-mail address must be verified again.

    "New" is against the stored address: a model form has already copied the new one onto
    `user` by the time it is valid.
    """
    stored = User.objects.filter(pk=user.pk).values_list("email", flat=True).first()
    email_changed = "email" in changes and changes["email"] != stored
    for field, value in changes.items():
        setattr(user, field, value)
    if email_changed:
        user.email_verified_at = None
    user.save()
    audit.record("person.profile_updated", f"person:{user.pk}", {"fields": sorted(changes)}, actor)
    return user


def verification_token(user: User) -> str:
    return signing.dumps({"id": user.pk, "email": user.email}, salt=VERIFY_SALT)


def send_verification_email(*, user: User, base_url: str) -> None:
    link = base_url + reverse("accounts:verify-email", args=[verification_token(user)])
    with translation.override(user.preferred_language):
        subject = render_to_string("accounts/email/verify_subject.txt").strip()
        body = render_to_string("accounts/email/verify_body.txt", {"user": user, "link": link})
    send_email(to=user.email, subject=subject, body=body, kind="verification-link")


@transaction.atomic
def verify_email(*, token: str) -> User | None:
    """Mark the address in `token` verified; None when the link is bad, old or stale."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.select_for_update().filter(pk=data.get("id")).first()
    if user is None or user.email != data.get("email"):
        return None
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        audit.record("person.email_verified", f"person:{user.pk}", {}, user)
    return user


def send_password_reset(*, user: User, base_url: str, by_phone: bool) -> None:
    """Send a one-time reset link by e-mail, or by SMS for people who signed up by phone."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = base_url + reverse("accounts:password-reset-confirm", args=[uid, token])
    with translation.override(user.preferred_language):
        if by_phone:
            text = render_to_string("accounts/sms/password_reset.txt", {"link": link}).strip()
            send_sms(to=user.phone, text=text, kind="password-reset")
        else:
            subject = render_to_string("accounts/email/password_reset_subject.txt").strip()
            body = render_to_string(
                "accounts/email/password_reset_body.txt", {"user": user, "link": link}
            )
            send_email(to=user.email, subject=subject, body=body, kind="password-reset")


def _check_staff_actor(*, person: User, actor: User) -> None:
    """Staff change other people's accounts; only a superuser changes another staff account."""
    if not actor.is_active or not actor.is_staff:
        raise PermissionDenied(_("Only staff may change other people's accounts."))
    if person.pk == actor.pk:
        raise PermissionDenied(_("You cannot change your own account this way."))
    if (person.is_staff or person.is_superuser) and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser may change a staff account."))


@transaction.atomic
def deactivate_account(*, person: User, actor: User) -> User:
    """Stop `person` signing in (their sessions end at their next request); rows stay."""
    person = User.objects.select_for_update().get(pk=person.pk)
    _check_staff_actor(person=person, actor=actor)
    if not person.is_active:
        raise ValidationError(_("This account is already inactive."), code="inactive")
    person.is_active = False
    person.save(update_fields=["is_active"])
    audit.record("person.deactivated", f"person:{person.pk}", {}, actor)
    return person


@transaction.atomic
def reactivate_account(*, person: User, actor: User) -> User:
    person = User.objects.select_for_update().get(pk=person.pk)
    _check_staff_actor(person=person, actor=actor)
    if person.is_active:
        raise ValidationError(_("This account is already active."), code="active")
    person.is_active = True
    person.save(update_fields=["is_active"])
    audit.record("person.reactivated", f"person:{person.pk}", {}, actor)
    return person


@transaction.atomic
def set_staff_access(
    *, person: User, actor: User | None, is_staff: bool, is_superuser: bool = False
) -> User:
    """Give or take staff access (the admin pages); a superuser is also staff.

    `actor` None is the operator at the command line (the demo); a person needs to be a
    superuser, and may not change their own access.
    """
    if actor is not None and (not actor.is_superuser or actor.pk == person.pk):
        raise PermissionDenied(_("Only another superuser may change a person's staff access."))
    is_staff = is_staff or is_superuser
    person = User.objects.select_for_update().get(pk=person.pk)
    if (person.is_staff, person.is_superuser) == (is_staff, is_superuser):
        return person
    person.is_staff, person.is_superuser = is_staff, is_superuser
    person.save(update_fields=["is_staff", "is_superuser"])
    audit.record(
        "person.staff_access_changed",
        f"person:{person.pk}",
        {"staff": is_staff, "superuser": is_superuser},
        actor,
    )
    return person
