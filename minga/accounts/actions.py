"""Every change to a person's account: atomic, audited, messages queued in the same transaction."""

import datetime
import enum
import secrets

from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from minga import audit
from minga.channels.mail import send_email
from minga.channels.sms import send_sms

from . import throttle
from .backends import find_person
from .models import PhoneCode, User

VERIFY_SALT = "minga.accounts.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600
PHONE_CODE_SALT = "minga.accounts.phone-code"
PHONE_CODE_DIGITS = 6
PHONE_CODE_LIFETIME = datetime.timedelta(minutes=15)
PHONE_CODE_ATTEMPTS = 5


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
    address: str = "",
) -> User:
    """Create an account; a confirmation goes to its e-mail address and a code to its phone."""
    user = User.objects.create_user(
        email=email,
        phone=phone,
        password=password,
        name=name,
        preferred_language=preferred_language,
        timezone=timezone_name,
    )
    audit.record("person.joined", "person", {}, user, private={"person": audit.person(user)})
    if user.email:
        send_verification_email(user=user, base_url=base_url)
    if user.phone:
        send_phone_code(user=user, address=address)
    return user


@transaction.atomic
def update_profile(*, user: User, actor: User, changes: dict) -> User:
    """Apply validated profile `changes`; a new e-mail address or phone number must be verified
    again."""
    # Compared with the stored row: a ModelForm has already written `changes` on `user`.
    stored = User.objects.filter(pk=user.pk).values("email", "phone").get()
    email_changed = "email" in changes and changes["email"] != stored["email"]
    phone_changed = "phone" in changes and changes["phone"] != stored["phone"]
    for field, value in changes.items():
        setattr(user, field, value)
    if email_changed:
        user.email_verified_at = None
    if phone_changed:
        user.phone_verified_at = None
    user.save()
    audit.record(
        "person.profile_updated",
        "person",
        {"fields": sorted(changes)},
        actor,
        private={"person": audit.person(user)},
        owner=user,
    )
    return user


def verification_token(user: User) -> str:
    return signing.dumps({"id": user.pk, "email": user.email}, salt=VERIFY_SALT)


def send_verification_email(*, user: User, base_url: str) -> None:
    link = base_url + reverse("accounts:verify-email", args=[verification_token(user)])
    with translation.override(user.preferred_language):
        subject = render_to_string("accounts/email/verify_subject.txt").strip()
        body = render_to_string("accounts/email/verify_body.txt", {"user": user, "link": link})
    assert user.email, "a verification link goes to an account with an e-mail address"
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
        audit.record(
            "person.email_verified", "person", {}, user, private={"person": audit.person(user)}
        )
    return user


def request_password_reset(*, identifier: str, address: str, base_url: str) -> None:
    """Send a reset link to the account `identifier` names, if any and not asked too often.

    Nothing tells the caller whether a link left: the same answer for every identifier keeps
    accounts from being probed, and the limits per identifier and per address hold for all.
    """
    identifier = identifier.strip()
    if not throttle.allow_sms(identifier, address):
        return
    user = find_person(identifier)
    if user is not None and user.is_active:
        send_password_reset(user=user, base_url=base_url, by_phone="@" not in identifier)


def send_password_reset(*, user: User, base_url: str, by_phone: bool) -> None:
    """Send a one-time reset link by e-mail, or by SMS for people who signed up by phone."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = base_url + reverse("accounts:password-reset-confirm", args=[uid, token])
    # The account was found by the phone number or the address the link goes to.
    to = user.phone if by_phone else user.email
    assert to, "a reset link goes to the phone number or address the account was found by"
    with translation.override(user.preferred_language):
        if by_phone:
            text = render_to_string("accounts/sms/password_reset.txt", {"link": link}).strip()
            send_sms(to=to, text=text, kind="password-reset")
        else:
            subject = render_to_string("accounts/email/password_reset_subject.txt").strip()
            body = render_to_string(
                "accounts/email/password_reset_body.txt", {"user": user, "link": link}
            )
            send_email(to=to, subject=subject, body=body, kind="password-reset")


def _check_staff_actor(*, person: User, actor: User) -> None:
    """Staff change other people's accounts; only a superuser changes another staff account."""
    if not actor.is_active or not actor.is_staff:
        raise PermissionDenied(_("Only staff may change other people's accounts."))
    if person.pk == actor.pk:
        raise PermissionDenied(_("You cannot change your own account this way."))
    if (person.is_staff or person.is_superuser) and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser may change a staff account."))


def deactivate_account(*, person: User, actor: User) -> User:
    """Stop `person` signing in (their sessions end at their next request); rows stay."""
    return _set_active(person=person, actor=actor, active=False)


def reactivate_account(*, person: User, actor: User) -> User:
    return _set_active(person=person, actor=actor, active=True)


@transaction.atomic
def _set_active(*, person: User, actor: User, active: bool) -> User:
    person = User.objects.select_for_update().get(pk=person.pk)
    _check_staff_actor(person=person, actor=actor)
    if person.is_active == active:
        if active:
            raise ValidationError(_("This account is already active."), code="active")
        raise ValidationError(_("This account is already inactive."), code="inactive")
    person.is_active = active
    person.save(update_fields=["is_active"])
    audit.record(
        "person.reactivated" if active else "person.deactivated",
        "person",
        {},
        actor,
        private={"person": audit.person(person)},
        owner=person,
    )
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
        "person",
        {"staff": is_staff, "superuser": is_superuser},
        actor,
        private={"person": audit.person(person)},
        owner=person,
    )
    return person


def phone_code_hash(code_id: int, phone: str, code: str) -> str:
    """A keyed hash of a phone code: six digits are quickly tried by anyone holding a plain
    hash, not without the server's secret key."""
    return salted_hmac(PHONE_CODE_SALT, f"{code_id}:{phone}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def send_phone_code(*, user: User, address: str) -> bool:
    """Send a fresh code by SMS to the person's phone number; False when too many were asked.

    Earlier codes stop working; only the code's keyed hash is stored.
    """
    if not user.phone or not throttle.allow_sms(user.phone, address):
        return False
    now = timezone.now()
    PhoneCode.objects.filter(person=user, used_at__isnull=True).update(used_at=now)
    code = "".join(secrets.choice("0123456789") for _ in range(PHONE_CODE_DIGITS))
    record = PhoneCode.objects.create(
        person=user, phone=user.phone, code_hash="", expires_at=now + PHONE_CODE_LIFETIME
    )
    record.code_hash = phone_code_hash(record.pk, record.phone, code)
    record.save(update_fields=["code_hash"])
    with translation.override(user.preferred_language):
        text = render_to_string("accounts/sms/phone_code.txt", {"code": code}).strip()
    phone = user.phone
    send_sms(to=phone, text=text, kind="verification-code")  # queued in this transaction
    return True


class CodeCheck(enum.Enum):
    VERIFIED = "verified"
    WRONG = "wrong"
    EXPIRED = "expired"  # none sent, used, expired, sent to another number, or out of tries


@transaction.atomic
def confirm_phone(*, user: User, code: str) -> CodeCheck:
    """Check `code` against the last one sent to the person's current number.

    A wrong try is counted (and kept: this returns rather than raises, so the count is not
    rolled back); after PHONE_CODE_ATTEMPTS tries the code is spent.
    """
    now = timezone.now()
    record = (
        PhoneCode.objects.select_for_update()
        .filter(person=user, used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if record is None or record.phone != user.phone or record.attempts >= PHONE_CODE_ATTEMPTS:
        return CodeCheck.EXPIRED
    record.attempts += 1
    expected = phone_code_hash(record.pk, record.phone, code.strip())
    if not constant_time_compare(record.code_hash, expected):
        record.save(update_fields=["attempts"])
        return CodeCheck.WRONG
    record.used_at = now
    record.save(update_fields=["attempts", "used_at"])
    record_phone_verified(user=user, actor=user)
    return CodeCheck.VERIFIED


@transaction.atomic
def record_phone_verified(*, user: User, actor: User | None) -> User:
    """Mark the person's current phone number verified (after a code, or for the demo's people,
    whose numbers are made up)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.phone and user.phone_verified_at is None:
        user.phone_verified_at = timezone.now()
        user.save(update_fields=["phone_verified_at"])
        audit.record(
            "person.phone_verified",
            "person",
            {},
            actor,
            private={"person": audit.person(user)},
            owner=user,
        )
    return user
