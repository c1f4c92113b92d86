"""Reads about people that several apps share."""

from __future__ import annotations

from minga.accounts.models import User

# `phone_verified_at` arrives with the SMS-code verification of phone numbers; until it exists
# every phone on an account counts as it always did.
_VERIFIES_PHONES = any(field.name == "phone_verified_at" for field in User._meta.get_fields())


def person_by_verified_phone(phone: str) -> User | None:
    """The active person whose phone number is `phone` and was verified by a code sent to it.

    The one way USSD and SMS find who is calling: a number typed on a profile and never
    verified must not let its owner vote, nor whoever typed it act as that number's owner.
    """
    people = User.objects.filter(phone=phone, is_active=True)
    if _VERIFIES_PHONES:
        people = people.filter(phone_verified_at__isnull=False)
    return people.first()


def has_unverified_phone(phone: str) -> bool:
    """Whether an active account has this number without having verified it (to say so)."""
    return User.objects.filter(phone=phone, is_active=True).exists()
