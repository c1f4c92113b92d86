"""Reads about people that other apps rely on."""

from .models import User


def person_by_verified_phone(phone: str) -> User | None:
    """The active person whose verified phone number is `phone` (E.164), or None.

    The one way USSD and SMS find who is calling: a number counts as someone's identity only
    once they typed back a code sent to it, since anyone can write any number into a profile.
    """
    return User.objects.filter(phone=phone, is_active=True, phone_verified_at__isnull=False).first()


def language_of_phone(phone: str) -> str | None:
    """The preferred language of the person with this verified number, or None."""
    found = person_by_verified_phone(phone)
    return found.preferred_language if found else None


def person_with_unverified_phone(phone: str) -> User | None:
    """The active person who holds this number without having confirmed it yet, or None: USSD
    and SMS offer them the code that confirms it, from the phone itself."""
    return User.objects.filter(phone=phone, is_active=True, phone_verified_at__isnull=True).first()
