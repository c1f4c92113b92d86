"""Statements matched against the books: generated statements with planted exceptions, every
one found and nothing else."""

import random

import pytest

from minga.channels.payments import statements
from minga.channels.payments.standin import receipt

MPESA_HEADER = (
    "Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,"
    "Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No."
)


def mpesa_row(receipt_no, amount, ref="100014", status="Completed", details="Pay Bill"):
    return (
        f"{receipt_no},2026-03-16 09:00:00,2026-03-16 09:00:00,{details},{status},"
        f'"{amount}",,"1,000,000.00",true,Pay Bill Online,2547*****149 - John,,{ref}'
    )


def test_it_reads_an_mpesa_organisation_statement():
    rows = [MPESA_HEADER, mpesa_row("RKTQDM7W6S", "1,500.50", " 100 014"), ""]
    (line,) = list(statements.read(rows, "KES"))
    assert (line.receipt, line.amount, line.reference) == ("RKTQDM7W6S", 150050, "100014")


def test_a_mapping_reads_any_bank_s_columns():
    rows = ["Ref;Value;When".replace(";", ","), "ABC123,-250.00,2026-03-16"]
    mapping = {"receipt": "Ref", "amount": "Value", "time": "When"}
    (line,) = list(statements.read(rows, "KES", mapping))
    assert (line.receipt, line.amount) == ("ABC123", -25000)


def test_a_statement_without_a_receipt_column_is_refused():
    with pytest.raises(ValueError):
        list(statements.read(["Date,Amount", "2026-03-16,10"], "KES"))


def test_generated_statements_with_planted_exceptions_find_all_and_nothing_else():
    rng = random.Random(18)
    booked = {receipt(): rng.randint(1, 50_000) * 100 for _ in range(2_000)}
    rows = [MPESA_HEADER] + [mpesa_row(r, f"{a / 100:,.2f}") for r, a in booked.items()]
    receipts = list(booked)
    unbooked = receipt()
    rows.append(mpesa_row(unbooked, "10.00"))  # a receipt without an entry
    missing = receipts[7]
    rows = [row for row in rows if not row.startswith(missing)]  # an entry without a line
    changed = receipts[11]
    booked[changed] += 1  # an amount that differs by a cent
    doubled = receipts[13]
    rows.append(next(row for row in rows if row.startswith(doubled)))  # a duplicate
    rows.append(mpesa_row(receipt(), "33.00", details="Pay Bill Charge"))  # a charge: not ours
    rows.append(mpesa_row(receipt(), "12.00", status="Failed"))  # moved no money
    rows.append(mpesa_row("BADAMOUNT1", "12.345"))  # unreadable
    found = {(p.kind, p.receipt) for p in statements.match(statements.read(rows, "KES"), booked)}
    assert found == {
        ("missing-in-books", unbooked),
        ("missing-in-statement", missing),
        ("amount", changed),
        ("duplicate", doubled),
        ("unreadable", "BADAMOUNT1"),
    }
