"""Amounts as providers send them ("10", "49197.00", 1.0, "600") to integers of the currency's
minor unit, never through a float and never rounded.

Pure module (no Django): `to_minor("10.50", "KES") == 1050`; `to_minor("600.5", "RWF")` raises,
RWF having no minor unit (ISO 4217 exponent 0).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# ISO 4217 exponents of the currencies mobile money uses here; any other has 2.
EXPONENTS = {"RWF": 0, "UGX": 0, "BIF": 0, "XAF": 0, "XOF": 0, "KMF": 0, "GNF": 0, "JPY": 0}
AMOUNT = re.compile(r"^[0-9]{1,15}(\.[0-9]{1,6})?$")


class AmountError(ValueError):
    """An amount that is not a plain non-negative number with at most the currency's decimals."""


def exponent(currency: str) -> int:
    return EXPONENTS.get(currency.upper(), 2)


def to_minor(value: object, currency: str) -> int:
    """`value` (text or a JSON number) in minor units of `currency`."""
    if isinstance(value, bool) or value is None:
        raise AmountError(f"not an amount: {value!r}")
    if isinstance(value, float):
        value = repr(value)  # 1.0 as the provider wrote it, not as a binary fraction
    text = str(value).strip().replace(",", "")
    if not AMOUNT.match(text):
        raise AmountError(f"not an amount: {value!r}")
    try:
        scaled = Decimal(text).scaleb(exponent(currency))
    except InvalidOperation as error:  # pragma: no cover (the pattern already refused it)
        raise AmountError(f"not an amount: {value!r}") from error
    if scaled != scaled.to_integral_value():
        raise AmountError(f"{value!r} has more decimals than {currency} allows")
    return int(scaled)


def from_minor(amount: int, currency: str) -> str:
    """The amount as providers want it: "10", "10.50" (never more decimals than needed)."""
    places = exponent(currency)
    if places == 0:
        return str(amount)
    whole, part = divmod(amount, 10**places)
    return f"{whole}.{part:0{places}d}" if part else str(whole)
