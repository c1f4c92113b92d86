"""Phone numbers in E.164, the form SMS and USSD providers use."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalize_phone(raw: str) -> str:
    """Return `raw` as E.164 (+250788123456) or raise a translated ValidationError."""
    text = (raw or "").strip()
    if not text.startswith("+") and not text.startswith("00"):
        raise ValidationError(
            _("Write the phone number with its country code, starting with +, e.g. +250788123456."),
            code="phone_no_country",
        )
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number."), code="phone_invalid", params={"value": raw}
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number."),
            code="phone_invalid",
            params={"value": raw},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
