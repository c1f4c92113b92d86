"""The surplus allocation on cases computed by hand (the arithmetic is written out)."""

from decimal import Decimal

import pytest

from minga.treasury import surplus
from minga.treasury.surplus import AllocationError, Span

COFFEE = {
    "surplus": 100_000,  # RWF, no minor unit
    "reserve_percent": Decimal(20),
    "spans": [
        Span("A", 10, 365),  # 10 shares all year: 3,650 share-days
        Span("B", 4, 365),  # 4 shares all year (1,460) ...
        Span("B", 6, 73),  # ... and 6 more for the last 73 days (438): 1,898
        Span("C", 3, 100),  # 3 shares for 100 days: 300
    ],
    "par_value": 5_000,
    "dividend_rate": Decimal(8),
    "dividend_cap": Decimal(10),
    "year_days": 365,
    "bases": {"A": 1_000, "B": 3_000, "C": 2_000},  # kg of cherries delivered
    "patronage_percent": Decimal(50),
}


def test_it_computes_the_dividend_on_share_days():
    # 5,000 x 8% = 400 per share-year: A 400 x 3,650/365 = 4,000; B 400 x 1,898/365 = 2,080;
    # C 400 x 300/365 = 328.77, rounded down to 328.
    days = surplus.share_days(COFFEE["spans"])
    assert days == {"A": 3650, "B": 1898, "C": 300}
    paid = surplus.dividends(days, par_value=5_000, rate=Decimal(8), cap=Decimal(10), year_days=365)
    assert paid == {"A": 4000, "B": 2080, "C": 328}


def test_it_allocates_the_whole_surplus():
    # Reserve 20% of 100,000 = 20,000; dividends 6,408; left 73,592; patronage 50% = 36,796.
    # Bases 1,000 / 3,000 / 2,000 of 6,000: A 6,132.67, B 18,398, C 12,265.33; floors add to
    # 36,795 and the one unit left goes to the largest remainder (A): 6,133 / 18,398 / 12,265.
    result = surplus.allocate(**COFFEE)
    assert result.reserve == 20_000
    assert result.dividends == {"A": 4000, "B": 2080, "C": 328}
    assert result.refunds == {"A": 6133, "B": 18398, "C": 12265}
    assert result.refund_total == 36_796
    assert result.retained == 100_000 - 20_000 - 6_408 - 36_796 == 36_796


def test_it_breaks_remainder_ties_by_member_reference():
    assert surplus.patronage({"c": 1, "a": 1, "b": 1}, 10) == {"a": 4, "b": 3, "c": 3}


def test_it_computes_in_minor_units():
    # KES cents: par 100.00 = 10,000; 12% on 5 shares for 146 days = 10,000 x 12% x 730/365
    # = 2,400 cents (KES 24.00).
    paid = surplus.dividends(
        {"M1": 5 * 146}, par_value=10_000, rate=Decimal(12), cap=Decimal(12), year_days=365
    )
    assert paid == {"M1": 2400}


def test_it_gives_nothing_without_patronage():
    assert surplus.patronage({"A": 0, "B": 0}, 500) == {"A": 0, "B": 0}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"dividend_rate": Decimal("10.01")}, "rate-above-cap"),
        ({"surplus": 0}, "no-surplus"),
        ({"reserve_percent": Decimal(101)}, "percent"),
        ({"spans": [Span("A", -1, 10)]}, "negative"),
        ({"surplus": 20_000, "reserve_percent": Decimal(90)}, "dividends-above-surplus"),
    ],
)
def test_it_refuses_bad_parameters(change, code):
    with pytest.raises(AllocationError) as raised:
        surplus.allocate(**{**COFFEE, **change})
    assert raised.value.code == code
