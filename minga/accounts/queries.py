"""Reads about people that other apps rely on."""

from .models import User


def person_by_verified_phone(phone: str) -> User | None:
    """The active person whose verified phone number is `phone` (E.164), or None.

    A number counts as someone's USSD and SMS identity only once they typed back a code sent
    to it: anyone can write any number into a profile.
    """
    return User.objects.filter(phone=phone, is_active=True, phone_verified_at__isnull=False).first()
