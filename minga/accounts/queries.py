"""Reads about people that other apps rely on."""

from .models import User


def person_by_verified_phone(phone: str) -> User | None:
    """The active person whose verified phone number is `phone` (E.164), or None.

    The one way USSD and SMS find who is calling: a number counts as someone's identity only
    once they typed back a code sent to it, since anyone can write any number into a profile.
    """
    return User.objects.filter(phone=phone, is_active=True, phone_verified_at__isnull=False).first()


def has_unverified_phone(phone: str) -> bool:
    """Whether an active account holds this number without having verified it (to say so)."""
    return User.objects.filter(phone=phone, is_active=True, phone_verified_at__isnull=True).exists()
