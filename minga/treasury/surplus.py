"""Surplus allocation: a capped dividend on share capital and a patronage refund. Pure.

The ICA's third principle: members receive limited compensation on the capital they subscribe
(a dividend whose rate the statutes cap) and the surplus goes back to them in proportion to
their transactions with the cooperative (the patronage refund), after the indivisible reserve.
Vote weight never comes from shares; here shares only weigh the dividend.

All amounts are integers in the currency's minor unit; rates are `Decimal` percentages.

- reserve = floor(surplus x reserve%)
- dividend of a member = floor(par value x rate% x share-days / days in the year), where
  share-days adds, over the year, the shares held times the days they were held;
- patronage pool = floor((surplus - reserve - dividends) x patronage%), shared in proportion to
  each member's patronage base (deliveries, purchases...) by largest remainder, so the shares
  add up to the pool exactly (ties go to the smaller member reference);
- what is left is retained.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

HUNDRED = Decimal(100)


class AllocationError(ValueError):
    """The parameters break a rule of the statutes or of arithmetic; `code` names which."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Span:
    """`shares` held for `days` days of the fiscal year."""

    member: str
    shares: int
    days: int


@dataclass(frozen=True)
class Allocation:
    surplus: int
    reserve: int
    dividends: dict[str, int] = field(default_factory=dict)
    refunds: dict[str, int] = field(default_factory=dict)

    @property
    def dividend_total(self) -> int:
        return sum(self.dividends.values())

    @property
    def refund_total(self) -> int:
        return sum(self.refunds.values())

    @property
    def retained(self) -> int:
        return self.surplus - self.reserve - self.dividend_total - self.refund_total


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def share_days(spans: list[Span]) -> dict[str, int]:
    """Shares x days held, per member."""
    totals: dict[str, int] = {}
    for span in spans:
        if span.shares < 0 or span.days < 0:
            raise AllocationError("negative")
        totals[span.member] = totals.get(span.member, 0) + span.shares * span.days
    return totals


def dividends(
    days_held: Mapping[str, int], *, par_value: int, rate: Decimal, cap: Decimal, year_days: int
) -> dict[str, int]:
    """Each member's dividend on capital; refused above the statutes' cap."""
    if rate < 0 or par_value < 0:
        raise AllocationError("negative")
    if rate > cap:
        raise AllocationError("rate-above-cap")
    if year_days <= 0:
        raise AllocationError("empty-year")
    return {
        member: _floor(Decimal(par_value) * rate * Decimal(value) / (HUNDRED * year_days))
        for member, value in sorted(days_held.items())
    }


def patronage(bases: Mapping[str, int], pool: int) -> dict[str, int]:
    """`pool` shared in proportion to `bases`, by largest remainder (exact total)."""
    if pool < 0 or any(value < 0 for value in bases.values()):
        raise AllocationError("negative")
    total = sum(bases.values())
    if total == 0 or pool == 0:
        return {member: 0 for member in sorted(bases)}
    shares = {member: pool * value // total for member, value in bases.items()}
    left = pool - sum(shares.values())
    order = sorted(bases, key=lambda member: (-(pool * bases[member] % total), member))
    for member in order[:left]:
        shares[member] += 1
    return dict(sorted(shares.items()))


def allocate(
    *,
    surplus: int,
    reserve_percent: Decimal,
    spans: list[Span],
    par_value: int,
    dividend_rate: Decimal,
    dividend_cap: Decimal,
    year_days: int,
    bases: Mapping[str, int],
    patronage_percent: Decimal,
) -> Allocation:
    """The whole allocation of a year's surplus (see the module docstring)."""
    if surplus <= 0:
        raise AllocationError("no-surplus")
    for percent in (reserve_percent, patronage_percent):
        if not 0 <= percent <= HUNDRED:
            raise AllocationError("percent")
    reserve = _floor(Decimal(surplus) * reserve_percent / HUNDRED)
    paid = dividends(
        share_days(spans),
        par_value=par_value,
        rate=dividend_rate,
        cap=dividend_cap,
        year_days=year_days,
    )
    left = surplus - reserve - sum(paid.values())
    if left < 0:
        raise AllocationError("dividends-above-surplus")
    pool = _floor(Decimal(left) * patronage_percent / HUNDRED)
    return Allocation(
        surplus=surplus, reserve=reserve, dividends=paid, refunds=patronage(bases, pool)
    )
