"""Login throttling: a few failed sign-ins per identifier and per address, then a pause.

Counts live in the cache so they cost nothing on success and expire on their own.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from minga.core.cache import count_hit


def _keys(identifier: str, address: str) -> list[str]:
    ident = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:id:{ident}", f"login-fail:ip:{address}"]


def is_blocked(identifier: str, address: str) -> bool:
    limit = settings.LOGIN_THROTTLE_ATTEMPTS
    counts = cache.get_many(_keys(identifier, address))
    # An address gets more room than one identifier: several members share a phone or a
    # cooperative's office computer.
    return any(
        count >= (limit * 4 if key.startswith("login-fail:ip") else limit)
        for key, count in counts.items()
    )


def record_failure(identifier: str, address: str) -> None:
    for key in _keys(identifier, address):
        count_hit(key, settings.LOGIN_THROTTLE_SECONDS)


def clear(identifier: str, address: str) -> None:
    cache.delete_many(_keys(identifier, address)[:1])


def allow_sms(number: str, address: str) -> bool:
    """Count one SMS asked for `number` (a phone number or e-mail address) from `address`;
    False once either has asked for too many within the window.

    Every request counts, whether or not it names an account, so the answer and the limits
    are the same for both: an SMS costs money and a flood of them harasses the owner.
    """
    ident = hashlib.sha256(number.strip().lower().encode()).hexdigest()[:32]
    seconds = settings.SMS_THROTTLE_SECONDS
    per_number = count_hit(f"sms:id:{ident}", seconds)
    per_address = count_hit(f"sms:ip:{address}", seconds)
    return (
        per_number <= settings.SMS_THROTTLE_PER_NUMBER
        and per_address <= settings.SMS_THROTTLE_PER_ADDRESS
    )
