"""Currencies and amounts: ISO 4217 codes, their minor units, and exact parsing (no Django).

Amounts are integers of the currency's minor unit everywhere in the books (cents for KES, whole
francs for RWF, whose ISO 4217 exponent is 0). Text typed by people becomes such an integer
here, exactly, or is refused: too many decimals is an error, never a silent rounding.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# ISO 4217's active codes (2026) by exponent: digits after the decimal point.
_CODES = {
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
    2: (
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP "
        "BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD "
        "FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD "
        "KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD "
        "NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP "
        "SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED "
        "VES WST XCD XCG YER ZAR ZMW ZWG"
    ),
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
}
EXPONENTS: dict[str, int] = {
    code: digits for digits, codes in _CODES.items() for code in codes.split()
}
CURRENCIES = sorted(EXPONENTS)
_AMOUNT = re.compile(r"^[+-]?[0-9][0-9,  ]*(?:\.[0-9]+)?$|^[+-]?\.[0-9]+$")


class AmountError(ValueError):
    """Text that is not an amount of the currency; `code` says why (for a translated message)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def exponent(currency: str) -> int:
    """Digits after the decimal point in `currency` (ISO 4217); KeyError for an unknown code."""
    return EXPONENTS[currency]


def parse_amount(text: str | int | Decimal, currency: str) -> int:
    """`text` ("1,500.50", Decimal, int of major units) as an integer of minor units.

    Raises AmountError("invalid") for anything that is not a number, ("decimals") when it
    has more decimals than the currency allows. Floats are refused outright.
    """
    if isinstance(text, (float, bool)):
        raise AmountError("invalid")
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    else:
        cleaned = str(text).strip()
        if not _AMOUNT.match(cleaned):
            raise AmountError("invalid")
        try:
            value = Decimal(re.sub(r"[,  ]", "", cleaned))
        except InvalidOperation:
            raise AmountError("invalid") from None
    if not value.is_finite():
        raise AmountError("invalid")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise AmountError("decimals")
    return int(scaled)


def format_amount(minor: int, currency: str, *, code: bool = False) -> str:
    """`minor` units as text with thousands separators: 150050 KES -> "1,500.50"."""
    digits = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**digits) if digits else (abs(minor), 0)
    text = f"{sign}{whole:,}" + (f".{fraction:0{digits}d}" if digits else "")
    return f"{text} {currency}" if code else text


def as_decimal(minor: int, currency: str) -> Decimal:
    """`minor` units as an exact Decimal of major units (for exports)."""
    return Decimal(minor).scaleb(-exponent(currency))


# --- member references ---------------------------------------------------------------------------
# Damm's check digit: catches every single-digit error and every swap of adjacent digits, the
# two mistakes people make typing a number on a phone keypad.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def damm(digits: str) -> int:
    interim = 0
    for digit in digits:
        interim = _DAMM[interim][int(digit)]
    return interim


def member_ref(serial: int) -> str:
    """The reference of a cooperative's `serial`-th member account: digits and a check digit.

    Digits only (one key press each on any phone keypad, and M-PESA's account field), at
    least five of them, so 1 -> "10001" + check digit... short enough to print on a card.
    """
    body = str(10000 + serial)
    return body + str(damm(body))


def normalise_ref(text: str) -> str:
    """What a person typed as a member_ref, without spaces, dashes or a leading '#'."""
    return re.sub(r"[\s#-]", "", text or "")


def is_valid_ref(text: str) -> bool:
    ref = normalise_ref(text)
    return ref.isdigit() and len(ref) >= 6 and damm(ref) == 0
