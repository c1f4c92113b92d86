"""Amounts as providers send them, to minor units: exact, or refused, never rounded."""

import pytest

from minga.channels.payments.amounts import AmountError, from_minor, to_minor


@pytest.mark.parametrize(
    ("value", "currency", "minor"),
    [
        ("10", "KES", 1000),
        ("49197.00", "KES", 4919700),
        ("1,500.50", "KES", 150050),
        (1.0, "KES", 100),  # STK callbacks send numbers
        (0.1, "KES", 10),  # not 0.1000000000000000055...
        (10, "KES", 1000),
        ("600", "RWF", 600),
        ("600.00", "RWF", 600),
        ("6", "EUR", 600),
    ],
)
def test_it_reads_amounts_exactly(value, currency, minor):
    assert to_minor(value, currency) == minor


@pytest.mark.parametrize(
    ("value", "currency"),
    [("10.005", "KES"), ("600.5", "RWF"), ("-5", "KES"), ("", "KES"), ("1e3", "KES"),
     (None, "KES"), (True, "KES"), ("ten", "KES"), ("10 000", "KES")],
)  # fmt: skip
def test_it_refuses_what_it_cannot_read_exactly(value, currency):
    with pytest.raises(AmountError):
        to_minor(value, currency)


def test_it_writes_amounts_as_providers_want_them():
    assert [from_minor(n, c) for n, c in [(1000, "KES"), (1050, "KES"), (600, "RWF")]] == [
        "10",
        "10.50",
        "600",
    ]
