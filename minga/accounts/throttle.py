"""Throttles: failed sign-ins and SMS asked for, per identifier and per client address.

Counts live in the "shared" cache (the database's, or Redis), which every web process sees:
with a per-process cache, two workers let nine sign-in attempts through a limit of five.
An identifier counts once however it is written: a phone number in any form ("+250 788 123
456", "00250788123456") is its E.164 number, an e-mail address is lower-cased. Addresses are
clients' own (`minga.core.clients.client_address`), not the reverse proxy's.

Sign-in: an identifier is paused after LOGIN_THROTTLE_ATTEMPTS failures (whoever made them),
which protects the account. An address gets four times as many, and past them it is paused
only for identifiers that have already failed recently: people behind one address (a mobile
operator's, a cooperative's office) keep signing in with the right password at the first
try, whatever someone else at that address is doing, while someone cycling through accounts
from there gets one guess each before the per-identifier pause applies.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError

from minga.core.cache import count_hit

from .phones import normalize_phone


def normalized(identifier: str) -> str:
    """One spelling per person: E.164 for anything that reads as a phone number, else the
    lower-cased text (an e-mail address)."""
    text = (identifier or "").strip()
    digits = text.replace(" ", "").replace("-", "").replace(".", "")
    if digits.startswith(("+", "00")) and digits.lstrip("+").isdigit():
        try:
            return normalize_phone(digits)
        except ValidationError:
            pass
    return text.lower()


def _id_key(prefix: str, identifier: str) -> str:
    digest = hashlib.sha256(normalized(identifier).encode()).hexdigest()[:32]
    return f"{prefix}:id:{digest}"


def is_blocked(identifier: str, address: str) -> bool:
    limit = settings.LOGIN_THROTTLE_ATTEMPTS
    id_key, ip_key = _id_key("login-fail", identifier), f"login-fail:ip:{address}"
    counts = caches["shared"].get_many([id_key, ip_key])
    failures = counts.get(id_key, 0)
    if failures >= limit:
        return True
    return failures > 0 and counts.get(ip_key, 0) >= limit * 4


def record_failure(identifier: str, address: str) -> None:
    seconds = settings.LOGIN_THROTTLE_SECONDS
    count_hit(_id_key("login-fail", identifier), seconds)
    count_hit(f"login-fail:ip:{address}", seconds)


def clear(identifier: str, address: str) -> None:
    caches["shared"].delete(_id_key("login-fail", identifier))


def allow_sms(number: str, address: str) -> bool:
    """Count one SMS asked for `number` (a phone number or e-mail address) from `address`;
    False once either has asked for too many within the window.

    Every request counts, whether or not it names an account, so the answer and the limits
    are the same for both: an SMS costs money and a flood of them harasses the owner.
    """
    seconds = settings.SMS_THROTTLE_SECONDS
    per_number = count_hit(_id_key("sms", number), seconds)
    per_address = count_hit(f"sms:ip:{address}", seconds)
    return (
        per_number <= settings.SMS_THROTTLE_PER_NUMBER
        and per_address <= settings.SMS_THROTTLE_PER_ADDRESS
    )
